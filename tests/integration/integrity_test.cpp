// Issue 18 against the real binary: one test per line of its "Why" that this change mends, named
// after it. The gateway runs its shipped demo config (with the repository paths made absolute and
// the resend interval at its floor of one second), started through ServedBinary.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sqlite3.h>

#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

#include "adapters/store/sqlite_store.hpp"
#include "imaging/canvas.hpp"
#include "security/audit_chain.hpp"
#include "security/crypto.hpp"
#include "security/spread_spectrum_mark.hpp"
#include "tests/common/blank_page.hpp"
#include "tests/common/files.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/process_harness.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::vector<std::pair<std::string, std::string>> kDesk = {{"Authorization", "Bearer demo-frontdesk"},
                                                                {"Content-Type", "application/json"}};
const std::vector<std::pair<std::string, std::string>> kAuditor = {{"Authorization", "Bearer demo-auditor"}};

class Gateway : public ServedBinary {
public:
    /// `edit` changes the config text before the gateway starts on it.
    explicit Gateway(const std::function<std::string(std::string)>& edit = {}) : ServedBinary("integrity") {
        std::string cfg = std::regex_replace(readFile(sourceDir() + "/config/gateway.toml"), std::regex("\"config/"),
                                             "\"" + sourceDir() + "/config/");
        cfg = std::regex_replace(cfg, std::regex("resend_interval_s = 60"), "resend_interval_s = 1");
        if (edit) cfg = edit(cfg);
        start(cfg, {"--listen", "127.0.0.1:" + std::to_string(port), "--data-dir", (dir / "data").string()});
        up_ = waitServing([&] { return answersHealthz(port); });
    }
    bool up() const { return up_; }
    /// PUT of a synthetic application under the front desk's key: its status.
    int putApplication(const std::string& id) {
        return call("PUT", "/v1/applications/" + id,
                    R"({"customer_category":"high_voltage","customer_name":"合成示例","phone":"13800001111"})")
            .status;
    }
    /// A consent for the synthetic enterprise's business licence under application `app`.
    ClientResponse startConsent(const std::string& app) {
        return call("POST", "/v1/consents",
                    R"({"application_id":")" + app + R"(","subject":{"type":"enterprise","code":"91110102E80346803Q"},)"
                    R"("licence_types":["business_licence"],"purpose":"power_connection"})");
    }
    /// The messages the log SMS sender wrote about `reference` (a consent id), oldest first.
    std::vector<json::object> smsTo(const std::string& reference) const {
        std::istringstream log(readFile(dir / "data" / "sms.ndjson"));
        std::vector<json::object> out;
        for (std::string line; std::getline(log, line);) {
            auto m = json::parse(line).as_object();
            if (m.at("reference").as_string() == reference) out.push_back(std::move(m));
        }
        return out;
    }
    ClientResponse call(const std::string& method, const std::string& target, const std::string& body = "",
                        const std::vector<std::pair<std::string, std::string>>& headers = kDesk) {
        HttpClient c(port);
        return c.request(method, target, body, headers);
    }

private:
    bool up_ = false;
};

// ---- "The online /v1/audit/verify trusts the checkpoint table: deleting checkpoint rows and ---
// ---- rewriting events after them passes" ------------------------------------------------------
// Against the binary, its database edited from outside as an insider with file access would.
TEST(Integrity, OnlineVerifyDoesNotTrustTheCheckpointTable) {
    for (std::string tamper : {"checkpoints deleted", "checkpoints deleted, events after them rewritten",
                               "checkpoints and the tail deleted"}) {
        Gateway gw([](std::string cfg) {
            return std::regex_replace(cfg, std::regex("checkpoint_every = 100"), "checkpoint_every = 3");
        });
        ASSERT_TRUE(gw.up()) << gw.log();
        for (int i = 0; i < 6; ++i) ASSERT_EQ(gw.putApplication("INT-CP-" + std::to_string(i)), 201);
        auto before = json::parse(gw.call("GET", "/v1/audit/verify", "", kAuditor).body).as_object();
        ASSERT_TRUE(before.at("ok").as_bool()) << json::serialize(before);
        ASSERT_GE(before.at("checkpoints").as_int64(), 2) << json::serialize(before);
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((gw.dir / "data" / "gateway.db").string().c_str(), &db), SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        auto exec = [&](const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); };
        ASSERT_EQ(exec("DELETE FROM audit_checkpoints WHERE seq > 3"), SQLITE_OK);
        if (tamper == "checkpoints deleted, events after them rewritten") {
            // Rewritten as a careful insider would: every hash after the change recomputed, so the
            // chain itself is consistent; only the signed checkpoints could tell.
            store::SqliteStore st({(gw.dir / "data" / "gateway.db").string(), 5000});
            auto events = st.auditRange(4, st.auditHead()->seq);
            std::string prev = st.auditRange(3, 3).at(0).hash;
            for (auto& e : events) {
                e.actor = "someone-else";
                e.prevHash = prev;
                e.hash = security::auditHash(e);
                prev = e.hash;
                ASSERT_EQ(exec("UPDATE audit_events SET actor = 'someone-else', prev_hash = '" + e.prevHash + "', hash = '" +
                               e.hash + "' WHERE seq = " + std::to_string(e.seq)),
                          SQLITE_OK);
            }
        }
        if (tamper == "checkpoints and the tail deleted") {
            ASSERT_EQ(exec("DELETE FROM audit_events WHERE seq > 5"), SQLITE_OK);
        }
        sqlite3_close(db);
        auto v = json::parse(gw.call("GET", "/v1/audit/verify", "", kAuditor).body).as_object();
        EXPECT_FALSE(v.at("ok").as_bool()) << tamper << ": " << json::serialize(v);
        if (v.contains("first_bad_seq")) {
            EXPECT_GE(v.at("first_bad_seq").as_int64(), 4) << tamper;
        }
    }
}

// ---- "A consent can be resent without end (8 of 8 resends accepted with a 1 s interval)" --------
TEST(Integrity, AConsentCanNoLongerBeResentWithoutEnd) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    ASSERT_EQ(gw.putApplication("INT-RESEND"), 201);
    auto consent = gw.startConsent("INT-RESEND");
    ASSERT_EQ(consent.status, 201) << consent.body;
    const std::string id = consent.jsonString("consent_id");
    std::vector<int> statuses;
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(1100ms);
        statuses.push_back(gw.call("POST", "/v1/consents/" + id + "/resend").status);
    }
    EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 409, 409}));
    auto fourth = gw.call("POST", "/v1/consents/" + id + "/resend");
    EXPECT_EQ(fourth.jsonString("code"), "resend_limit") << fourth.body;
    // What went out: the first code and three new ones, never more.
    EXPECT_EQ(gw.smsTo(id).size(), 4u);
}

// ---- "The licence signature leaves holder, issuer, data and the annotation's purpose unsigned, --
// ---- and the signed annotation.expires_at is never checked" ------------------------------------
// Against the binary, its in-process platform simulator switched to each fault through its test
// control endpoint (govsim.test_mode): every such licence is 502 and nothing is stored.
TEST(Integrity, ALicenceMustBeSignedWholeAndItsAnnotationMustSayWhatWasAsked) {
    Gateway gw([](std::string cfg) {
        cfg = std::regex_replace(cfg, std::regex("test_mode = false"), "test_mode = true");
        return std::regex_replace(cfg, std::regex("per_phone = \\{ max = 5,"), "per_phone = { max = 50,");
    });
    ASSERT_TRUE(gw.up()) << gw.log();
    std::smatch m;
    const std::string log = gw.log();
    ASSERT_TRUE(std::regex_search(log, m, std::regex("simulator at http://127\\.0\\.0\\.1:([0-9]+)"))) << log;
    const int simPort = std::stoi(m[1]);
    auto faults = [&](const std::string& body) {
        HttpClient sim(simPort);
        return sim.request("POST", "/_sim/faults", body, {{"Content-Type", "application/json"}}).status;
    };
    ASSERT_EQ(gw.putApplication("INT-SIGNED"), 201);
    auto fetchOnce = [&] {
        auto consent = gw.startConsent("INT-SIGNED");
        EXPECT_EQ(consent.status, 201) << consent.body;
        const std::string id = consent.jsonString("consent_id");
        const auto sent = gw.smsTo(id);
        const std::string code = sent.empty() ? "" : std::string(sent.back().at("params").at("code").as_string());
        auto verified = gw.call("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + code + "\"}");
        EXPECT_EQ(verified.status, 200) << verified.body;
        return gw.call("POST", "/v1/grants/" + verified.jsonString("grant_id") + "/licences");
    };
    struct Case {
        const char *fault, *code, *says;
    };
    for (auto [fault, code, says] : std::vector<Case>{{"legacy_signature", "licence_signature_invalid", "some fields only"},
                                                      {"tamper_after_signing", "licence_signature_invalid", "does not verify"},
                                                      {"expired_annotation", "licence_rejected", "expired"},
                                                      {"foreign_requester", "licence_rejected", "requester"}}) {
        ASSERT_EQ(faults(std::string("{\"") + fault + "\":true}"), 200) << fault;
        auto r = fetchOnce();
        EXPECT_EQ(r.status, 502) << fault << ": " << r.body;
        EXPECT_EQ(r.jsonString("code"), code) << fault << ": " << r.body;
        EXPECT_NE(r.jsonString("detail").find(says), std::string::npos) << fault << ": " << r.body;
    }
    auto stored = json::parse(gw.call("GET", "/v1/audit/events?action=licence.store", "", kAuditor).body).as_object();
    EXPECT_TRUE(stored.at("events").as_array().empty()) << "no refused licence was stored";
    ASSERT_EQ(faults("{}"), 200);
    auto ok = fetchOnce();
    EXPECT_EQ(ok.status, 200) << "the same simulator's whole-signed licences verify: " << ok.body;
}

// ---- "GET /v1/audit/events?from=2026-01-01T00:00:00+ab:cd answers 500" ---------------------------
TEST(Integrity, MalformedAuditQueryValuesAre422NamingTheParameter) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    for (auto [query, param] : std::vector<std::pair<std::string, std::string>>{
             {"from=2026-01-01T00:00:00%2Bab:cd", "from"},
             {"to=2026-01-01T00:00:00%2B99:00", "to"},
             {"from=2026-13-01T00:00:00Z", "from"},
             {"limit=ten", "limit"},
             {"cursor=-4", "cursor"}}) {
        auto r = gw.call("GET", "/v1/audit/events?" + query, "", kAuditor);
        EXPECT_EQ(r.status, 422) << query << ": " << r.body;
        EXPECT_NE(r.body.find("\"field\":\"" + param + "\""), std::string::npos) << query << ": " << r.body;
    }
    EXPECT_TRUE(gw.process->running());
    EXPECT_EQ(gw.call("GET", "/v1/audit/events?from=2026-01-01T00:00:00%2B08:00", "", kAuditor).status, 200);
}

// ---- "/metrics (no auth) keys a series by the raw HTTP method" ----------------------------------
TEST(Integrity, MetricsDoNotGrowASeriesPerInventedMethod) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    for (int i = 0; i < 50; ++i) {
        HttpClient c(gw.port);
        c.writeRaw("BREW" + std::to_string(i) + " /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        (void)c.readResponse();
    }
    auto metrics = gw.call("GET", "/metrics", "", {});
    ASSERT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.body.find("BREW"), std::string::npos);
    EXPECT_NE(metrics.body.find("method=\"other\""), std::string::npos) << metrics.body.substr(0, 2000);
}

// ---- "/metrics (no auth)": an optional scrape key -------------------------------------------------
TEST(Integrity, MetricsMayAskForAScrapeKey) {
    Gateway keyed([](std::string cfg) {
        return std::regex_replace(cfg, std::regex("\\[\\[auth.api_keys\\]\\]"),
                                  "[auth]\nmetrics_key_sha256 = \"" + security::sha256Hex("scrape-key-for-tests") +
                                      "\"\n\n[[auth.api_keys]]",
                                  std::regex_constants::format_first_only);
    });
    ASSERT_TRUE(keyed.up()) << keyed.log();
    auto open = keyed.call("GET", "/metrics", "", {});
    EXPECT_EQ(open.status, 401);
    EXPECT_EQ(open.jsonString("code"), "metrics_key_required");
    EXPECT_EQ(keyed.call("GET", "/metrics", "", {{"Authorization", "Bearer scrape-key-for-tests0"}}).status, 401);
    EXPECT_EQ(keyed.call("GET", "/metrics", "", {{"Authorization", "Bearer demo-auditor"}}).status, 401)
        << "an API key is not the scrape key";
    auto scraped = keyed.call("GET", "/metrics", "", {{"Authorization", "Bearer scrape-key-for-tests"}});
    EXPECT_EQ(scraped.status, 200);
    EXPECT_NE(scraped.body.find("lgw_"), std::string::npos);
    // The scrape key admits nothing else.
    EXPECT_EQ(keyed.call("GET", "/v1/audit/events", "", {{"Authorization", "Bearer scrape-key-for-tests"}}).status, 401);
    EXPECT_EQ(keyed.call("GET", "/healthz", "", {}).status, 200) << "probes stay open";
}

// ---- "audit verify accepts an export cut anywhere inside the events ... Verifying with the key the
// ---- file carries itself also exits 0" -------------------------------------------------------------
TEST(Integrity, AuditVerifyExitsZeroOnlyForAWholeExportUnderTheGatewaysKey) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(gw.putApplication("INT-AUDIT-" + std::to_string(i)), 201);
    auto exported = gw.call("GET", "/v1/audit/export", "", kAuditor);
    ASSERT_EQ(exported.status, 200);
    const fs::path whole = gw.dir / "whole.ndjson", cut = gw.dir / "cut.ndjson";
    std::ofstream(whole) << exported.body;
    std::ofstream(cut) << exported.body.substr(0, exported.body.find("\n", exported.body.size() / 2) + 1);
    const std::string key = (gw.dir / "data" / "keys" / "audit-signing.pem.pub").string();
    auto verify = [&](const fs::path& file, bool withKey) {
        std::vector<std::string> args{"audit", "verify", file.string()};
        if (withKey) args.insert(args.end(), {"--public-key", key});
        Process p(args, gw.dir / "verify.log", {});
        return p.wait();
    };
    EXPECT_EQ(verify(whole, true), 0) << readFile(gw.dir / "verify.log");
    EXPECT_EQ(verify(whole, false), 2) << "whole, but without the gateway's key nobody can say whose";
    EXPECT_EQ(verify(cut, true), 1) << "cut in the middle of the events";
    EXPECT_EQ(verify(cut, false), 1);
    EXPECT_NE(readFile(gw.dir / "verify.log").find("no trailer"), std::string::npos) << readFile(gw.dir / "verify.log");
}

// ---- "A 16 MiB body without any credentials is read to the end before the 401 (every one of the
// ---- 1,024 allowed connections may hold 20 MiB before authentication)": and authenticated ones
// ---- pass a semaphore ---------------------------------------------------------------------------
TEST(Integrity, LargeUploadsBeyondTheSlotsAre503BeforeTheirBodyIsRead) {
    Gateway gw([](std::string cfg) {
        return std::regex_replace(cfg, std::regex("\\[server\\]\n"), "[server]\nlarge_upload_slots = 2\n");
    });
    ASSERT_TRUE(gw.up()) << gw.log();
    ASSERT_EQ(gw.putApplication("INT-SLOTS"), 201);
    const std::string head = "POST /v1/scans?application_id=INT-SLOTS HTTP/1.1\r\nHost: x\r\n"
                             "Authorization: Bearer demo-frontdesk\r\nContent-Type: image/png\r\n"
                             "Content-Length: 5000000\r\n\r\n";
    // Two slow uploads hold both slots: their heads and a first megabyte are sent, the rest waits.
    std::vector<std::unique_ptr<HttpClient>> holding;
    for (int i = 0; i < 2; ++i) {
        holding.push_back(std::make_unique<HttpClient>(gw.port));
        holding.back()->writeRaw(head + std::string(1'000'000, 'x'));
    }
    std::this_thread::sleep_for(300ms);
    HttpClient third(gw.port);
    third.writeRaw(head);
    auto busy = third.readResponse();
    EXPECT_EQ(busy.status, 503) << busy.body;
    EXPECT_EQ(busy.jsonString("code"), "upload_slots_full");
    EXPECT_EQ(busy.header("retry-after"), "2");
    // Small bodies and unauthenticated large ones do not need a slot (the latter is refused on its head).
    EXPECT_EQ(gw.call("GET", "/v1/applications/INT-SLOTS").status, 200);
    HttpClient anonymous(gw.port);
    anonymous.writeRaw("POST /v1/scans?application_id=INT-SLOTS HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                       "Content-Length: 16777216\r\n\r\n");
    EXPECT_EQ(anonymous.readResponse().status, 401);
    // When the holders finish (here: give up), their slots are free again.
    holding.clear();
    std::this_thread::sleep_for(300ms);
    HttpClient after(gw.port);
    after.writeRaw(head);
    after.writeRaw(std::string(5'000'000, 'x'));
    auto served = after.readResponse();
    EXPECT_NE(served.status, 503) << served.body;
    EXPECT_EQ(served.jsonString("code"), "unsupported_media_type") << "read to the end and judged: " << served.body;
}

// ---- "The invisible mark's key is a constant in the source and its payload has only a CRC, so an
// ---- insider can strip a mark or embed a colleague's download id" --------------------------------
TEST(Integrity, AMarkMadeWithoutTheDeploymentSecretNamesNobody) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    ASSERT_EQ(gw.putApplication("INT-MARK"), 201);
    auto scan = gw.call("POST", "/v1/scans?application_id=INT-MARK", blankPage(900, 640, IFF_PNG),
                        {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "image/png"}});
    ASSERT_EQ(scan.status, 201) << scan.body;
    auto copy = gw.call("GET", "/v1/documents/" + scan.jsonString("document_id"), "", {{"Authorization", "Bearer demo-frontdesk"}});
    ASSERT_EQ(copy.status, 200);
    const std::string colleagueId = copy.header("x-download-id");
    auto identify = [&](const std::string& image) {
        auto r = gw.call("POST", "/v1/audit/identify", image, {{"Authorization", "Bearer demo-auditor"}, {"Content-Type", "image/png"}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.jsonString("status");
    };
    ASSERT_EQ(identify(copy.body), "identified") << "the genuine copy names its download";

    // The insider's page carries the colleague's download id under the key the source used to hold.
    auto page = *imaging::Canvas::decode(blankPage(900, 640, IFF_PNG));
    security::MarkKey sourceKey;
    sourceKey.layoutSeed = 0x4c47572d6d61726bULL;
    ASSERT_TRUE(security::embedMark(page, *security::payloadFromDownloadId(colleagueId), sourceKey));
    EXPECT_EQ(identify(page.encodePng()), "no_mark");

    // Even knowing where the cells are, without the tag key the id is forged, never the colleague.
    auto deployment = security::MarkKey::derive(readFile(gw.dir / "data" / "keys" / "watermark.secret").substr(0, 64));
    auto forged = *imaging::Canvas::decode(blankPage(900, 640, IFF_PNG));
    auto payload = *security::payloadFromDownloadId(colleagueId);
    ASSERT_TRUE(security::embedMarkWithTag(forged, payload, ~security::markTag(payload, deployment), deployment));
    EXPECT_EQ(identify(forged.encodePng()), "forged");
}

// ---- "Audit events are written after the action, in another transaction: a store error between
// ---- them leaves an unaudited correction, fetch or purge" ----------------------------------------
// The audit log is made to refuse writes (a trigger, from outside the gateway, on its own database):
// no write happens, no read is answered, and every one of them says 503 audit_unavailable.
TEST(Integrity, NothingHappensThatTheAuditLogCannotRecord) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    const std::string app = R"({"customer_category":"high_voltage","customer_name":"合成示例甲","phone":"13800001111"})";
    ASSERT_EQ(gw.call("PUT", "/v1/applications/INT-ATOMIC", app).status, 201);
    auto scan = gw.call("POST", "/v1/scans?application_id=INT-ATOMIC",
                        readFile(sourceDir() + "/tests/data/scans/0-id_card_front.png"),
                        {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "image/png"}});
    ASSERT_EQ(scan.status, 201) << scan.body;
    const std::string doc = scan.jsonString("document_id");

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((gw.dir / "data" / "gateway.db").string().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    auto exec = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); };
    ASSERT_EQ(exec("CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_events BEGIN "
                   "SELECT RAISE(ABORT, 'the audit disk is full'); END"),
              SQLITE_OK);
    auto refused = [&](const ClientResponse& r) {
        EXPECT_EQ(r.status, 503) << r.body;
        EXPECT_EQ(r.jsonString("code"), "audit_unavailable") << r.body;
        EXPECT_FALSE(r.header("retry-after").empty());
    };
    refused(gw.call("PUT", "/v1/applications/INT-ATOMIC",
                    R"({"customer_category":"high_voltage","customer_name":"合成示例乙","phone":"13800002222"})"));
    refused(gw.call("PUT", "/v1/applications/INT-ATOMIC-NEW", app));
    refused(gw.call("GET", "/v1/applications/INT-ATOMIC"));
    refused(gw.call("PATCH", "/v1/scans/" + doc + "/fields", R"({"fields":{"name":"合成示例乙"}})"));
    refused(gw.call("POST", "/v1/scans?application_id=INT-ATOMIC", readFile(sourceDir() + "/tests/data/scans/0-id_card_front.png"),
                    {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "image/png"}}));

    ASSERT_EQ(exec("DROP TRIGGER audit_refuses"), SQLITE_OK);
    sqlite3_close(db);
    auto now = gw.call("GET", "/v1/applications/INT-ATOMIC");
    ASSERT_EQ(now.status, 200);
    EXPECT_EQ(now.jsonString("customer_name"), "合成示例甲") << "the refused update did not happen";
    EXPECT_EQ(gw.call("GET", "/v1/applications/INT-ATOMIC-NEW").status, 404) << "nor the refused creation";
    auto meta = gw.call("GET", "/v1/documents/" + doc + "/meta");
    ASSERT_EQ(meta.status, 200);
    EXPECT_EQ(meta.body.find("合成示例乙"), std::string::npos) << "nor the refused correction: " << meta.body;
    auto scans = json::parse(gw.call("GET", "/v1/audit/events?action=scan.create", "", kAuditor).body).as_object();
    EXPECT_EQ(scans.at("events").as_array().size(), 1u) << "the refused scan stored nothing to record";
    // What did happen is all in the trail, and the trail is whole.
    auto reads = json::parse(
        gw.call("GET", "/v1/audit/events?action=application.read&outcome=allowed", "", kAuditor).body).as_object();
    EXPECT_EQ(reads.at("events").as_array().size(), 1u) << "the answered read, not the refused one";
    auto verify = json::parse(gw.call("GET", "/v1/audit/verify", "", kAuditor).body).as_object();
    EXPECT_TRUE(verify.at("ok").as_bool()) << json::serialize(verify);
}

// The same for the steps of a consent, a fetch, a package and a console session: each store change
// commits with its event (issue 18), so a refused step leaves nothing changed to retry against.
TEST(Integrity, NoConsentGrantPackageOrSessionStepHappensUnaudited) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    ASSERT_EQ(gw.putApplication("INT-ATOMIC2"), 201);
    auto consent = gw.startConsent("INT-ATOMIC2");
    ASSERT_EQ(consent.status, 201) << consent.body;
    const std::string id = consent.jsonString("consent_id");
    ASSERT_EQ(gw.smsTo(id).size(), 1u);
    const std::string code(gw.smsTo(id)[0].at("params").as_object().at("code").as_string());

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((gw.dir / "data" / "gateway.db").string().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    auto exec = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); };
    auto count = [&](const char* sql) {
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
        int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        sqlite3_finalize(st);
        return n;
    };
    auto refuseAudit = [&] {
        return exec("CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_events BEGIN "
                    "SELECT RAISE(ABORT, 'the audit disk is full'); END");
    };
    auto refused = [&](const ClientResponse& r, const char* what) {
        EXPECT_EQ(r.status, 503) << what << ": " << r.body;
        EXPECT_EQ(r.jsonString("code"), "audit_unavailable") << what << ": " << r.body;
    };
    ASSERT_EQ(refuseAudit(), SQLITE_OK);
    std::this_thread::sleep_for(1100ms);  // past the resend interval
    refused(gw.call("POST", "/v1/consents/" + id + "/resend"), "resend");
    refused(gw.call("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + code + "\"}"), "verify");
    refused(gw.call("POST", "/v1/session", R"({"api_key":"demo-frontdesk"})"), "sign-in");
    ASSERT_EQ(exec("DROP TRIGGER audit_refuses"), SQLITE_OK);
    EXPECT_EQ(gw.smsTo(id).size(), 1u) << "the refused resend sent no code";
    EXPECT_EQ(count("SELECT count(*) FROM sessions"), 0) << "the refused sign-in made no session";
    // The refused verify neither used the consent nor counted an attempt; the refused resend kept the code.
    auto verified = gw.call("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + code + "\"}");
    ASSERT_EQ(verified.status, 200) << verified.body;
    const std::string grant = verified.jsonString("grant_id");

    ASSERT_EQ(refuseAudit(), SQLITE_OK);
    refused(gw.call("POST", "/v1/grants/" + grant + "/licences"), "fetch");
    ASSERT_EQ(exec("DROP TRIGGER audit_refuses"), SQLITE_OK);
    auto fetched = gw.call("POST", "/v1/grants/" + grant + "/licences");
    ASSERT_EQ(fetched.status, 200) << "the refused fetch did not use the grant up: " << fetched.body;

    ASSERT_EQ(refuseAudit(), SQLITE_OK);
    refused(gw.call("POST", "/v1/applications/INT-ATOMIC2/packages"), "package build");
    ASSERT_EQ(exec("DROP TRIGGER audit_refuses"), SQLITE_OK);
    EXPECT_EQ(count("SELECT count(*) FROM packages"), 0) << "the refused build stored no package";
    auto built = gw.call("POST", "/v1/applications/INT-ATOMIC2/packages");
    ASSERT_EQ(built.status, 201) << built.body;
    const std::string pkg = built.jsonString("package_id");
    ASSERT_EQ(refuseAudit(), SQLITE_OK);
    refused(gw.call("POST", "/v1/packages/" + pkg + "/push"), "push");
    ASSERT_EQ(exec("DROP TRIGGER audit_refuses"), SQLITE_OK);
    EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0) << "the refused push queued nothing";
    sqlite3_close(db);

    auto grants = json::parse(gw.call("GET", "/v1/audit/events?action=grant.consume", "", kAuditor).body).as_object();
    EXPECT_EQ(grants.at("events").as_array().size(), 1u) << "one use of the grant, the answered one";
    auto verify = json::parse(gw.call("GET", "/v1/audit/verify", "", kAuditor).body).as_object();
    EXPECT_TRUE(verify.at("ok").as_bool()) << json::serialize(verify);
}

}  // namespace
