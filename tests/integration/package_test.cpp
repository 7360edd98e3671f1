// Section 4 of API.md: packages judged against the material checklists, pushed to a marketing
// system (the receiver simulator, over HTTP, as production is wired) exactly once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <thread>

#include <fstream>

#include "simulators/marketing/marketing_simulator.hpp"
#include "gateway/app/app.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
namespace json = boost::json;

namespace {

constexpr const char* kMarketingSecretEnv = "LGW_TEST_MARKETING_SECRET";
constexpr const char* kMarketingSecret = "marketing-secret-for-tests-0123456789";
using Headers = std::vector<std::pair<std::string, std::string>>;
const Headers kFd = {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "application/json"}};
const Headers kAdmin = {{"Authorization", "Bearer demo-admin"}};

// The gateway wired to its own government simulator and to a marketing receiver of the test's.
struct Rig {
    std::filesystem::path dir = freshTempDir("mkt");
    std::unique_ptr<adapters::marketing::MarketingSimulator> receiver;
    std::unique_ptr<SimGateway> s;
    explicit Rig(std::function<void(config::Config&)> tweak = {}) {
        ::setenv(kMarketingSecretEnv, kMarketingSecret, 1);
        adapters::marketing::MarketingSimOptions o;
        o.secret = kMarketingSecret;
        o.dbFile = (dir / "received.db").string();
        o.testMode = true;
        receiver = std::make_unique<adapters::marketing::MarketingSimulator>(o);
        receiver->start();
        std::string url = receiver->url();
        s = std::make_unique<SimGateway>([url, tweak](config::Config& c) {
            c.marketing.mode = "http";
            c.marketing.url = url;
            c.marketing.secretEnv = kMarketingSecretEnv;
            c.marketing.pollIntervalMs = 20;
            c.marketing.backoffBaseMs = 10;
            c.marketing.backoffCapMs = 40;
            c.marketing.maxAttempts = 50;
            c.server.readTimeoutMs = 10000;
            if (tweak) tweak(c);
        });
    }
    ~Rig() {
        s.reset();
        receiver->stop();
        std::filesystem::remove_all(dir);
    }
    HttpClient client() const { return HttpClient(s->gw->port); }
};

// An application of a person (low-voltage residential) with, when asked, the person's id card and
// property certificate fetched as e-licences.
void application(Rig& r, HttpClient& c, const std::string& appId, bool withLicences) {
    auto put = c.request("PUT", "/v1/applications/" + appId,
                         R"({"customer_category":"low_voltage_residential","customer_name":"合成示例","phone":"13800001111"})", kFd);
    ASSERT_EQ(put.status, 201) << put.body;
    if (!withLicences) return;
    Holders h;
    std::string code = h.find([](const json::object& o) {
        if (o.at("holder_code_type").as_string() != "ID" || Holders::soonExpiring(o)) return false;
        for (auto& l : o.at("licences").as_array())  // a property certificate that does not run out
            if (l.as_object().at("type").as_string() == "property_certificate" && l.as_object().at("valid_to").is_null()) return true;
        return false;
    });
    auto consent = c.request("POST", "/v1/consents",
                             R"({"application_id":")" + appId + R"(","subject":{"type":"person","code":")" + code +
                                 R"("},"licence_types":["id_card","property_certificate"],"purpose":"power_connection"})",
                             kFd);
    ASSERT_EQ(consent.status, 201) << consent.body;
    auto id = consent.jsonString("consent_id");
    auto grant = c.request("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + r.s->smsCode(id) + "\"}", kFd);
    auto f = c.request("POST", "/v1/grants/" + grant.jsonString("grant_id") + "/licences", "", kFd);
    ASSERT_EQ(f.status, 200) << f.body;
}

json::object build(HttpClient& c, const std::string& appId, int expect = 201) {
    auto b = c.request("POST", "/v1/applications/" + appId + "/packages", "", kFd);
    EXPECT_EQ(b.status, expect) << b.body;
    return json::parse(b.body).as_object();
}

json::object waitFor(HttpClient& c, const std::string& pkg, const std::string& status, int ms = 15000) {
    json::object last;
    for (int i = 0; i < ms / 20; ++i) {
        last = json::parse(c.request("GET", "/v1/packages/" + pkg, "", kFd).body).as_object();
        if (last.at("status").as_string() == status) return last;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "package " << pkg << " never reached " << status << ": " << json::serialize(last);
    return last;
}

}  // namespace

TEST(Packages, OneIdentityProofStartsItTheRestIsDeferredWithDueDates) {
    Rig r;
    auto c = r.client();
    application(r, c, "YK-PKG-1", false);
    auto refused = build(c, "YK-PKG-1", 422);
    EXPECT_EQ(refused.at("code").as_string(), "identity_proof_missing");
    EXPECT_NE(std::string(refused.at("detail").as_string()).find("identity_proof"), std::string::npos);

    application(r, c, "YK-PKG-2", true);
    auto p = build(c, "YK-PKG-2");
    EXPECT_FALSE(p.at("complete").as_bool());
    EXPECT_EQ(p.at("status").as_string(), "built");
    auto& items = p.at("items").as_array();
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0].as_object().at("material").as_string(), "identity_proof");
    EXPECT_EQ(items[0].as_object().at("status").as_string(), "present");
    EXPECT_EQ(items[0].as_object().at("source").as_string(), "e_licence");
    EXPECT_EQ(items[1].as_object().at("status").as_string(), "present");  // the property certificate
    EXPECT_EQ(items[2].as_object().at("status").as_string(), "deferred");
    auto& defs = p.at("deficiencies").as_array();
    ASSERT_EQ(defs.size(), 1u);
    EXPECT_EQ(defs[0].as_object().at("material").as_string(), "application_or_authorisation");
    EXPECT_EQ(defs[0].as_object().at("due").as_string().size(), 10u);  // YYYY-MM-DD, 15 days on

    // Past the due date: the package built before it is suspended when pushed, reminders went out
    // before it (3 and 1 days) and the suspension notice on the day after, each once.
    r.s->clock.advance(std::chrono::hours(24 * 17));
    auto stale = c.request("POST", "/v1/packages/" + std::string(p.at("package_id").as_string()) + "/push", "", kFd);
    EXPECT_EQ(stale.status, 409);
    EXPECT_EQ(stale.jsonString("code"), "package_suspended");
    auto templates = [&] {
        std::map<std::string, int> n;
        for (auto& m : r.s->smsLines())
            if (m.at("phone").as_string() == "13800001111") ++n[std::string(m.at("template").as_string())];
        return n;
    };
    for (int i = 0; i < 100 && templates()["package_suspended"] == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto sent = templates();
    EXPECT_EQ(sent["materials_due"], 2);
    EXPECT_EQ(sent["package_suspended"], 1);
    auto late = build(c, "YK-PKG-2");
    EXPECT_EQ(late.at("status").as_string(), "suspended");
    EXPECT_EQ(late.at("items").as_array()[2].as_object().at("status").as_string(), "overdue");
    auto push = c.request("POST", "/v1/packages/" + std::string(late.at("package_id").as_string()) + "/push", "", kFd);
    EXPECT_EQ(push.status, 409);
    EXPECT_EQ(push.jsonString("code"), "package_suspended");
    EXPECT_EQ(c.request("POST", "/v1/applications/NOPE/packages", "", kFd).status, 404);
}

TEST(Packages, APushIsDeliveredExactlyOnceWithWatermarkedDocuments) {
    Rig r;
    auto c = r.client();
    application(r, c, "YK-PKG-3", true);
    auto p = build(c, "YK-PKG-3");
    std::string id(p.at("package_id").as_string());
    auto push = c.request("POST", "/v1/packages/" + id + "/push", "", kFd);
    EXPECT_EQ(push.status, 202) << push.body;
    EXPECT_EQ(push.jsonString("status"), "queued");
    auto done = waitFor(c, id, "delivered");
    EXPECT_EQ(done.at("attempts").as_int64(), 1);
    EXPECT_TRUE(done.at("delivered_at").is_string());
    // Pushing again changes nothing: one row per package.
    EXPECT_EQ(c.request("POST", "/v1/packages/" + id + "/push", "", kFd).status, 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto got = r.receiver->received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].idempotencyKey, id);
    EXPECT_EQ(got[0].applicationId, "YK-PKG-3");
    EXPECT_EQ(got[0].materials, 2);  // the id card and the property certificate, inline
    EXPECT_EQ(r.receiver->attempts(), 1u);
    // Each copy that left is in the audit trail with its download id.
    auto copies = json::parse(c.request("GET", "/v1/audit/events?action=document.push", "",
                                        {{"Authorization", "Bearer demo-auditor"}}).body).as_object();
    EXPECT_EQ(copies.at("events").as_array().size(), 2u);
    // Now the marketing system may read what was pushed to it, and only that.
    std::string doc(p.at("items").as_array()[0].as_object().at("document_id").as_string());
    EXPECT_EQ(c.request("GET", "/v1/documents/" + doc, "", {{"Authorization", "Bearer demo-marketing"}}).status, 200);
    application(r, c, "YK-PKG-3B", true);
    std::string unpushed(build(c, "YK-PKG-3B").at("items").as_array()[0].as_object().at("document_id").as_string());
    EXPECT_EQ(c.request("GET", "/v1/documents/" + unpushed, "", {{"Authorization", "Bearer demo-marketing"}}).status, 403);
    // The gauge is refreshed on the pool on the worker's cadence (20 ms here), never by the scrape.
    std::string metrics;
    for (int i = 0; i < 100; ++i) {
        metrics = c.request("GET", "/metrics", "", {}).body;
        if (metrics.find("lgw_outbox_delivered 1") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_NE(metrics.find("lgw_outbox_delivered 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("lgw_outbox_depth 0"), std::string::npos);
}

TEST(Packages, AReceiverThatIsDownGetsThePackageOnceItIsBack) {
    Rig r;
    auto c = r.client();
    application(r, c, "YK-PKG-4", true);
    std::string id(build(c, "YK-PKG-4").at("package_id").as_string());
    // First the connection is reset under every delivery, then the receiver answers 503.
    adapters::marketing::MarketingSimFaults resets;
    resets.resetRate = 1.0;
    r.receiver->setFaults(resets);
    ASSERT_EQ(c.request("POST", "/v1/packages/" + id + "/push", "", kFd).status, 202);
    auto afterReset = waitFor(c, id, "retrying");
    EXPECT_EQ(std::string(afterReset.at("last_error").as_string()).find("HTTP"), std::string::npos)
        << "a reset is a network error: " << json::serialize(afterReset);
    adapters::marketing::MarketingSimFaults down;
    down.errorRate = 1.0;
    r.receiver->setFaults(down);
    auto retrying = afterReset;
    for (int i = 0; i < 200 && std::string(retrying.at("last_error").as_string()).find("HTTP 503") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        retrying = json::parse(c.request("GET", "/v1/packages/" + id, "", kFd).body).as_object();
    }
    for (int i = 0; i < 100 && retrying.at("attempts").as_int64() < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        retrying = json::parse(c.request("GET", "/v1/packages/" + id, "", kFd).body).as_object();
    }
    EXPECT_GE(retrying.at("attempts").as_int64(), 3);
    EXPECT_NE(std::string(retrying.at("last_error").as_string()).find("HTTP 503"), std::string::npos);
    EXPECT_TRUE(r.receiver->received().empty());
    r.receiver->setFaults({});
    waitFor(c, id, "delivered");
    EXPECT_EQ(r.receiver->received().size(), 1u);
}

TEST(Packages, ARejectedPackageIsADeadLetterUntilReplayed) {
    Rig r;
    auto c = r.client();
    application(r, c, "YK-PKG-5", true);
    std::string id(build(c, "YK-PKG-5").at("package_id").as_string());
    adapters::marketing::MarketingSimFaults reject;
    reject.rejectPackages = {id};
    r.receiver->setFaults(reject);
    ASSERT_EQ(c.request("POST", "/v1/packages/" + id + "/push", "", kFd).status, 202);
    auto dead = waitFor(c, id, "dead_letter");
    EXPECT_NE(std::string(dead.at("last_error").as_string()).find("HTTP 400"), std::string::npos);
    EXPECT_EQ(dead.at("attempts").as_int64(), 1);  // a 4xx is not retried
    auto alerts = json::parse(c.request("GET", "/v1/audit/alerts?action=package.dead_letter", "",
                                        {{"Authorization", "Bearer demo-auditor"}}).body).as_object();
    EXPECT_EQ(alerts.at("alerts").as_array().size(), 1u);
    // Only an admin replays; replaying what is not a dead letter is a conflict.
    EXPECT_EQ(c.request("POST", "/v1/packages/" + id + "/replay", "", kFd).status, 403);
    r.receiver->setFaults({});
    auto replay = c.request("POST", "/v1/packages/" + id + "/replay", "", kAdmin);
    EXPECT_EQ(replay.status, 202) << replay.body;
    waitFor(c, id, "delivered");
    EXPECT_EQ(c.request("POST", "/v1/packages/" + id + "/replay", "", kAdmin).status, 409);
    EXPECT_EQ(r.receiver->received().size(), 1u);

    // The operator's way: `licence-gateway packages replay ID` on the same store.
    std::string second(build(c, "YK-PKG-5").at("package_id").as_string());
    reject.rejectPackages = {second};
    r.receiver->setFaults(reject);
    ASSERT_EQ(c.request("POST", "/v1/packages/" + second + "/push", "", kFd).status, 202);
    waitFor(c, second, "dead_letter");
    r.receiver->setFaults({});
    auto cfgFile = r.dir / "cli.toml";
    std::ofstream(cfgFile) << "demo = true\ndata_dir = \"" << r.s->gw->dataDir.string() << "\"\n";
    std::string cfgArg = cfgFile.string();
    const char* argv[] = {"licence-gateway", "packages", "replay", second.c_str(), "--config", cfgArg.c_str()};
    EXPECT_EQ(gateway::runCli(6, const_cast<char**>(argv)), 0);
    waitFor(c, second, "delivered");
    EXPECT_EQ(gateway::runCli(6, const_cast<char**>(argv)), 1);  // delivered: nothing to replay
    EXPECT_EQ(r.receiver->received().size(), 2u);
}
