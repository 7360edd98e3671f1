// Issue 6's reliability points, with real processes on loopback: the gateway binary (`serve`),
// the marketing receiver (`licence-gateway marketing-sim`, its own process and SQLite file) and the
// operator's CLI. The test process only seeds queued packages, flips the receiver's fault knobs
// over HTTP, starts and kills processes, and reads both databases afterwards.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>

#include "security/audit_chain.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/process_harness.hpp"

using namespace lgw;
using namespace lgw::testing;
namespace json = boost::json;

namespace {

bool setFaults(std::uint16_t receiverPort, const std::string& faults) {
    try {
        HttpClient c(receiverPort);
        return c.request("POST", "/_sim/faults", faults, {{"Content-Type", "application/json"}}).status == 200;
    } catch (const std::exception&) {
        return false;  // not listening yet
    }
}

void expectChainVerifies(store::SqliteStore& st) {
    security::ChainVerifier v(std::nullopt, std::string(64, '0'));
    for (std::int64_t from = 1;; from += 1000) {
        auto page = st.auditRange(from, from + 999);
        for (auto& e : page) v.add(e);
        if (page.size() < 1000) break;
    }
    auto verdict = v.finish();
    EXPECT_TRUE(verdict.ok) << verdict.reason;
}

void expectEachExactlyOnce(const std::map<std::string, int>& got, const std::vector<std::string>& ids) {
    EXPECT_EQ(got.size(), ids.size());
    for (auto& id : ids) {
        auto it = got.find(id);
        if (it == got.end()) ADD_FAILURE() << id << " never arrived";
        else EXPECT_EQ(it->second, 1) << id;
    }
}

}  // namespace

TEST(PushReliability, AReceiverThatIsDownForAWhileGetsEveryPackageExactlyOnceWhenItIsBack) {
    constexpr int kPackages = 200;
    PushDeployment d("down");
    auto ids = d.seedPackages(kPackages, "DOWN");
    auto config = d.writeGatewayConfig("backoff_base_ms = 50\nbackoff_cap_ms = 400\nmax_attempts = 1000\n");
    auto gateway = d.startGateway(config);
    store::SqliteStore st({d.dbPath().string(), 5000});

    // Nothing listens on the receiver's port: every package is tried, fails and waits.
    bool triedTwice = waitUntil(
        [&] {
            for (auto& id : ids)
                if (auto e = st.outboxEntry(id); !e || e->attempts < 2) return false;
            return true;
        },
        std::chrono::seconds(60));
    ASSERT_TRUE(triedTwice) << "the gateway did not retry every package while the receiver was down; " << d.log();
    EXPECT_EQ(st.outboxStats(0).delivered, 0);
    EXPECT_EQ(st.outboxStats(0).deadLetters, 0);
    EXPECT_NE(st.outboxEntry(ids[0])->lastError, "");

    // Up, slowly, then killed mid-stream and up again: a package stored by the receiver whose answer
    // the kill cut off is offered again, refused with 409, and counted as delivered.
    auto receiver = d.startReceiver(config);
    ASSERT_TRUE(waitUntil([&] { return setFaults(d.receiverPort, R"({"latency_ms":5})"); }, std::chrono::seconds(30)));
    ASSERT_TRUE(waitUntil([&] { return d.received().size() >= kPackages / 4; }, std::chrono::seconds(120)))
        << "the receiver came up but little arrived; " << d.log();
    receiver->kill(SIGKILL);
    std::size_t atKill = d.received().size();
    EXPECT_LT(atKill, static_cast<std::size_t>(kPackages)) << "the receiver's kill came after the end";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    receiver = d.startReceiver(config);

    bool all = waitUntil([&] { return st.outboxStats(0).delivered == kPackages; }, std::chrono::seconds(180));
    EXPECT_TRUE(all) << "delivered " << st.outboxStats(0).delivered << " of " << kPackages << "; " << d.log();
    expectEachExactlyOnce(d.received(), ids);
    EXPECT_EQ(st.outboxStats(0).depth, 0);
    EXPECT_EQ(st.outboxStats(0).deadLetters, 0);
    EXPECT_EQ(gateway->kill(SIGTERM), 0) << "a graceful stop exits 0";
    expectChainVerifies(st);
}

TEST(PushReliability, PackagesTheReceiverRefusesAreDeadLettersUntilReplayed) {
    constexpr int kPackages = 12;
    PushDeployment d("reject");
    auto ids = d.seedPackages(kPackages, "REJ");
    auto config = d.writeGatewayConfig("backoff_base_ms = 20\nbackoff_cap_ms = 100\nmax_attempts = 3\n");
    const std::vector<std::string> refused = {ids[2], ids[5], ids[9]};

    auto receiver = d.startReceiver(config);
    json::array reject;
    for (auto& id : refused) reject.emplace_back(id);
    const std::string faults = json::serialize(json::object{{"reject_packages", reject}});
    ASSERT_TRUE(waitUntil([&] { return setFaults(d.receiverPort, faults); }, std::chrono::seconds(30)));
    auto gateway = d.startGateway(config);
    store::SqliteStore st({d.dbPath().string(), 5000});

    ASSERT_TRUE(waitUntil(
        [&] {
            auto s = st.outboxStats(0);
            return s.delivered == kPackages - 3 && s.deadLetters == 3;
        },
        std::chrono::seconds(60)))
        << "delivered " << st.outboxStats(0).delivered << ", dead " << st.outboxStats(0).deadLetters << "; " << d.log();
    for (auto& id : refused) {
        auto e = st.outboxEntry(id);
        ASSERT_TRUE(e);
        EXPECT_EQ(e->status, "dead_letter");
        EXPECT_NE(e->lastError.find("400"), std::string::npos) << e->lastError;
        EXPECT_NE(e->lastError.find("refused by the receiver"), std::string::npos) << e->lastError;
    }
    EXPECT_EQ(d.received().size(), static_cast<std::size_t>(kPackages - 3));

    // The receiver is fixed; an admin replays one over HTTP, the operator one with the CLI; the
    // third stays a dead letter.
    ASSERT_TRUE(setFaults(d.receiverPort, "{}"));
    ASSERT_TRUE(waitUntil(
        [&] {
            try {
                HttpClient c(d.gatewayPort);
                return c.request("GET", "/readyz").status == 200;
            } catch (const std::exception&) {
                return false;
            }
        },
        std::chrono::seconds(30)));
    HttpClient c(d.gatewayPort);
    const std::vector<std::pair<std::string, std::string>> admin = {{"Authorization", "Bearer demo-admin"}};
    auto status = json::parse(c.request("GET", "/v1/packages/" + refused[0], "", admin).body).as_object();
    EXPECT_EQ(status.at("status"), "dead_letter");
    EXPECT_EQ(c.request("POST", "/v1/packages/" + refused[0] + "/replay", "", admin).status, 202);
    EXPECT_EQ(d.runCli({"packages", "replay", refused[1], "--config", config.string()}), 0);
    EXPECT_EQ(d.runCli({"packages", "replay", ids[0], "--config", config.string()}), 1) << "delivered: not a dead letter";

    ASSERT_TRUE(waitUntil([&] { return st.outboxStats(0).delivered == kPackages - 1; }, std::chrono::seconds(60)))
        << d.log();
    status = json::parse(c.request("GET", "/v1/packages/" + refused[0], "", admin).body).as_object();
    EXPECT_EQ(status.at("status"), "delivered");
    EXPECT_TRUE(status.contains("delivered_at"));
    EXPECT_EQ(st.outboxEntry(refused[1])->status, "delivered");
    EXPECT_EQ(st.outboxEntry(refused[2])->status, "dead_letter");
    auto got = d.received();
    EXPECT_EQ(got.size(), static_cast<std::size_t>(kPackages - 1));
    EXPECT_EQ(got.count(refused[2]), 0u);
    for (auto& [key, n] : got) EXPECT_EQ(n, 1) << key;

    // Both replays are in the audit trail, with who did them.
    int replays = 0;
    for (auto& e : st.auditRange(1, 100000))
        if (e.action == "package.replay" && e.outcome == "allowed") ++replays;
    EXPECT_EQ(replays, 2);
    EXPECT_EQ(gateway->kill(SIGTERM), 0);
    expectChainVerifies(st);
}

TEST(PushReliability, AGatewayKilledMidPushDeliversEveryPackageExactlyOnceAfterRestart) {
    constexpr int kPackages = 500;
    PushDeployment d("kill");
    auto ids = d.seedPackages(kPackages, "KILL");
    auto config = d.writeGatewayConfig("backoff_base_ms = 10\nbackoff_cap_ms = 100\n");
    auto receiver = d.startReceiver(config);
    // A receiver that takes a moment, so that the kill lands mid-push.
    ASSERT_TRUE(waitUntil([&] { return setFaults(d.receiverPort, R"({"latency_ms":2})"); }, std::chrono::seconds(30)));

    auto first = d.startGateway(config);
    bool midway = waitUntil([&] { return d.received().size() >= kPackages / 5 || !first->running(); },
                            std::chrono::seconds(120)) &&
                  d.received().size() >= kPackages / 5;
    first->kill(SIGKILL);
    ASSERT_TRUE(midway) << "the first gateway delivered too little; its log: " << d.log();
    EXPECT_LT(d.received().size(), static_cast<std::size_t>(kPackages)) << "the kill came after the end";

    auto second = d.startGateway(config);
    store::SqliteStore st({d.dbPath().string(), 5000});
    bool all = waitUntil([&] { return st.outboxStats(0).delivered == kPackages || !second->running(); },
                         std::chrono::seconds(240));
    EXPECT_EQ(second->kill(SIGTERM), 0) << "a graceful stop exits 0";
    ASSERT_TRUE(all) << "delivered " << st.outboxStats(0).delivered << "; see " << d.log();

    // The receiver may have been offered a package twice (a delivery whose answer the kill cut
    // off); it refused the repeat with 409, and the gateway counted that as delivered.
    expectEachExactlyOnce(d.received(), ids);
    EXPECT_EQ(st.outboxStats(0).depth, 0);
    expectChainVerifies(st);
}
