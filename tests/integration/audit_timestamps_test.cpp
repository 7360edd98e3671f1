// Issue 22: RFC 3161 time-stamps on the audit trail's checkpoints, with OpenSSL's own `openssl ts
// -reply` as the TSA (tests/common/openssl_tsa_server.hpp). The tokens the gateway keeps are
// exported with their checkpoints and verified offline by `licence-gateway audit verify --tsa-ca`
// and by `openssl ts -verify`; a failing TSA makes the trail stale, which raises an alert and,
// with on_stale = "refuse", stops new consents and fetches until a time-stamp succeeds.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>
#include <thread>

#include "security/audit_chain.hpp"
#include "security/crypto.hpp"
#include "tests/common/files.hpp"
#include "tests/common/openssl_tsa_server.hpp"
#include "tests/integration/process_harness.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
namespace json = boost::json;

namespace {

const std::vector<std::pair<std::string, std::string>> kAuditor = {{"Authorization", "Bearer demo-auditor"}};
const std::vector<std::pair<std::string, std::string>> kDesk = {{"Authorization", "Bearer demo-frontdesk"},
                                                                {"Content-Type", "application/json"}};

bool waitFor(const std::function<bool()>& done) { return waitUntil(done, std::chrono::seconds(20)); }

std::string person(std::size_t skip = 0) {
    return Holders().find([](const json::object& h) { return h.at("holder_code_type").as_string() == "ID"; }, skip);
}

ClientResponse startConsent(HttpClient& c, const std::string& code) {
    putApplication(c, "YK-TSA-1");
    return c.request("POST", "/v1/consents",
                     R"({"application_id":"YK-TSA-1","subject":{"type":"person","code":")" + code +
                         R"("},"licence_types":["id_card"],"purpose":"power_connection"})",
                     kDesk);
}

std::string grantFor(SimGateway& s, HttpClient& c, const std::string& code) {
    auto started = startConsent(c, code);
    EXPECT_EQ(started.status, 201) << started.body;
    const std::string id = started.jsonString("consent_id");
    auto verified = c.request("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + s.smsCode(id) + R"("})", kDesk);
    EXPECT_EQ(verified.status, 200) << verified.body;
    return verified.jsonString("grant_id");
}

std::vector<json::object> exportLines(HttpClient& c) {
    auto r = c.request("GET", "/v1/audit/export", "", kAuditor);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<json::object> out;
    std::istringstream in(r.body);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(json::parse(line).as_object());
    return out;
}

std::string joined(const std::vector<json::object>& lines) {
    std::string s;
    for (auto& l : lines) s += json::serialize(l) + "\n";
    return s;
}

int stampedCheckpoints(const std::vector<json::object>& lines) {
    int n = 0;
    for (auto& l : lines)
        if (l.at("type").as_string() == "checkpoint" && l.contains("timestamp")) ++n;
    return n;
}

struct Cli {
    int exit = -1;
    json::object out;
};
// `licence-gateway audit verify` as an auditor runs it, its JSON and exit status.
Cli auditVerify(const std::vector<std::string>& args) {
    std::string cmd = std::string(LGW_BINARY) + " audit verify";
    for (auto& a : args) cmd += " '" + a + "'";
    FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
    std::string text;
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) text.append(buf.data(), n);
    const int status = ::pclose(p);
    Cli r;
    r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (!ec && v.is_object()) r.out = v.as_object();
    return r;
}

double metric(HttpClient& c, const std::string& line) {
    auto body = c.request("GET", "/metrics").body;
    auto at = body.find("\n" + line + " ");
    return at == std::string::npos ? -1 : std::stod(body.substr(at + line.size() + 2));
}

void useTsa(config::Config& c, OpensslTsaServer& tsa, int maxAgeS, const std::string& onStale = "alert") {
    c.audit.tsa.url = tsa.url();
    c.audit.tsa.caFile = tsa.pki().caFile();
    c.audit.tsa.maxAgeS = maxAgeS;
    c.audit.tsa.onStale = onStale;
}

}  // namespace

TEST(AuditTimestamps, CheckpointsAreStampedByTheTsaExportedAndVerifiedOffline) {
    OpensslTsaServer tsa(freshTempDir("tsa"));
    SimGateway s([&](config::Config& c) { useTsa(c, tsa, 4); });
    HttpClient c(s.gw->port);
    grantFor(s, c, person());
    // A pass every second (max_age_s / 4): the head is signed and stamped.
    ASSERT_TRUE(waitFor([&] { return stampedCheckpoints(exportLines(c)) >= 1; })) << "no checkpoint was time-stamped";
    const auto lines = exportLines(c);
    const auto dir = freshTempDir("tsa-export");
    std::ofstream(dir / "export.ndjson") << joined(lines);
    std::ofstream(dir / "audit.pub") << readFile(s.gw->dataDir / "keys" / "audit-signing.pem.pub");
    std::ofstream(dir / "rogue-ca.pem") << tsa.pki().rogueCaPem();
    const std::string file = (dir / "export.ndjson").string(), pub = (dir / "audit.pub").string();

    auto verified = auditVerify({file, "--public-key", pub, "--tsa-ca", tsa.pki().caFile()});
    EXPECT_EQ(verified.exit, 0) << json::serialize(verified.out);
    EXPECT_EQ(verified.out["status"], "verified");
    EXPECT_EQ(verified.out["timestamps"].as_int64(), stampedCheckpoints(lines));
    EXPECT_TRUE(verified.out.contains("timestamped_to_seq")) << json::serialize(verified.out);

    // Without the TSA's CA the tokens are there but unchecked, and it says so.
    auto unchecked = auditVerify({file, "--public-key", pub});
    EXPECT_EQ(unchecked.exit, 0);
    EXPECT_EQ(unchecked.out["timestamps"].as_int64(), 0);
    EXPECT_EQ(unchecked.out["timestamps_unverified"].as_int64(), stampedCheckpoints(lines));
    EXPECT_NE(json::serialize(unchecked.out).find("--tsa-ca"), std::string::npos);

    // Under another CA the tokens are not trusted: broken, at the stamped checkpoint's line.
    auto rogue = auditVerify({file, "--public-key", pub, "--tsa-ca", (dir / "rogue-ca.pem").string()});
    EXPECT_EQ(rogue.exit, 1) << json::serialize(rogue.out);
    EXPECT_NE(json::serialize(rogue.out).find("time-stamp"), std::string::npos) << json::serialize(rogue.out);

    // OpenSSL's own verifier agrees that each exported token stamps its checkpoint's message.
    for (auto& l : lines) {
        if (l.at("type").as_string() != "checkpoint" || !l.contains("timestamp")) continue;
        security::AuditCheckpoint cp{l.at("seq").as_int64(), std::string(l.at("head_hash").as_string()),
                                     l.at("at").as_int64(), std::string(l.at("signature").as_string())};
        auto token = security::base64Decode(std::string(l.at("timestamp").as_string()));
        ASSERT_TRUE(token);
        EXPECT_TRUE(tsa.pki().opensslVerifies(*token, security::checkpointMessage(cp)));
    }

    // A stripped token no longer matches the signed trailer; an edited one no longer verifies.
    for (const std::string tamper : {"stripped", "edited"}) {
        auto changed = lines;
        for (auto& l : changed)
            if (l.at("type").as_string() == "checkpoint" && l.contains("timestamp")) {
                if (tamper == "stripped") {
                    l.erase("timestamp");
                } else {
                    // Near the end: the TSA's signature (the middle holds certificates a verifier
                    // may not use at all).
                    std::string t(l.at("timestamp").as_string());
                    t[t.size() - 12] = t[t.size() - 12] == 'A' ? 'B' : 'A';
                    l["timestamp"] = t;
                }
                break;
            }
        std::ofstream(dir / "changed.ndjson") << joined(changed);
        auto broken = auditVerify({(dir / "changed.ndjson").string(), "--public-key", pub, "--tsa-ca", tsa.pki().caFile()});
        EXPECT_EQ(broken.exit, 1) << tamper << " " << json::serialize(broken.out);
        EXPECT_TRUE(broken.out.contains("first_bad_line")) << tamper << " " << json::serialize(broken.out);
    }
    std::filesystem::remove_all(dir);
}

TEST(AuditTimestamps, AStaleTrailRefusesConsentsAndFetchesUntilATimeStampSucceedsAndNoGrantIsLost) {
    OpensslTsaServer tsa(freshTempDir("tsa"));
    SimGateway s([&](config::Config& c) { useTsa(c, tsa, 4, "refuse"); });
    HttpClient c(s.gw->port);
    const std::string grant = grantFor(s, c, person());
    ASSERT_FALSE(grant.empty());
    ASSERT_TRUE(waitFor([&] { return metric(c, "lgw_audit_timestamps_total{outcome=\"ok\"}") >= 1; }));

    tsa.httpStatus = 503;
    putApplication(c, "YK-TSA-2");  // an event no token covers
    // A failing TSA is an alert at once; consents go on while the trail is within max_age_s.
    ASSERT_TRUE(waitFor([&] {
        return c.request("GET", "/v1/audit/alerts", "", kAuditor).body.find("audit.timestamp_failed") != std::string::npos;
    }));
    EXPECT_EQ(startConsent(c, person(3)).status, 201);
    s.clock.advance(std::chrono::seconds(5));
    ASSERT_TRUE(waitFor([&] { return metric(c, "lgw_audit_timestamp_stale") == 1; }));
    // The next failing pass records the alert; it names the reason, for the auditor.
    ASSERT_TRUE(waitFor([&] {
        return c.request("GET", "/v1/audit/alerts", "", kAuditor).body.find("audit.timestamp_stale") != std::string::npos;
    }));
    auto alerts = c.request("GET", "/v1/audit/alerts", "", kAuditor);
    EXPECT_NE(alerts.body.find("HTTP 503"), std::string::npos) << alerts.body;
    auto refused = startConsent(c, person(1));
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.jsonString("code"), "timestamping_unavailable") << refused.body;
    EXPECT_FALSE(refused.header("retry-after").empty());
    auto fetchRefused = c.request("POST", "/v1/grants/" + grant + "/licences", "", kDesk);
    EXPECT_EQ(fetchRefused.status, 503) << fetchRefused.body;
    EXPECT_EQ(fetchRefused.jsonString("code"), "timestamping_unavailable");

    tsa.httpStatus = 0;
    ASSERT_TRUE(waitFor([&] { return metric(c, "lgw_audit_timestamp_stale") == 0; }));
    auto again = startConsent(c, person(1));
    EXPECT_EQ(again.status, 201) << again.body;
    // The refused fetch did not spend the grant.
    auto fetched = c.request("POST", "/v1/grants/" + grant + "/licences", "", kDesk);
    EXPECT_EQ(fetched.status, 200) << fetched.body;
    auto events = c.request("GET", "/v1/audit/events?action=audit.timestamp_resumed", "", kAuditor);
    EXPECT_NE(events.body.find("audit.timestamp_resumed"), std::string::npos) << events.body;
}

TEST(AuditTimestamps, WithOnStaleAlertAStaleTrailAlertsAndServesOn) {
    OpensslTsaServer tsa(freshTempDir("tsa"));
    tsa.httpStatus = 500;
    SimGateway s([&](config::Config& c) { useTsa(c, tsa, 4, "alert"); });
    HttpClient c(s.gw->port);
    putApplication(c, "YK-TSA-3");
    s.clock.advance(std::chrono::seconds(5));
    ASSERT_TRUE(waitFor([&] { return metric(c, "lgw_audit_timestamp_stale") == 1; }));
    ASSERT_TRUE(waitFor([&] {
        return c.request("GET", "/v1/audit/alerts", "", kAuditor).body.find("audit.timestamp_stale") != std::string::npos;
    }));
    EXPECT_EQ(startConsent(c, person(2)).status, 201);
}

TEST(AuditTimestamps, ATokenFromATsaOutsideTheConfiguredCaIsNotKept) {
    OpensslTsaServer tsa(freshTempDir("tsa"));
    tsa.rogue = true;
    SimGateway s([&](config::Config& c) { useTsa(c, tsa, 4); });
    HttpClient first(s.gw->port);
    putApplication(first, "YK-TSA-4");
    ASSERT_TRUE(waitFor([&] { return tsa.granted.load() >= 2; }));
    HttpClient c(s.gw->port);  // the first one's connection may have idled out meanwhile
    EXPECT_EQ(stampedCheckpoints(exportLines(c)), 0);
    EXPECT_GE(metric(c, "lgw_audit_timestamps_total{outcome=\"failed\"}"), 1);
    // The same TSA honest again: the next pass keeps its token.
    tsa.rogue = false;
    EXPECT_TRUE(waitFor([&] { return stampedCheckpoints(exportLines(c)) >= 1; }));
}
