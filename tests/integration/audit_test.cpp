// Section 5 of API.md: the audit trail. Tampering with the store or with an export (edit, delete,
// reorder, truncate) is detected and names the first bad seq.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>

#include <algorithm>

#include "security/audit_chain.hpp"
#include "tests/common/files.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
namespace json = boost::json;

namespace {

const std::vector<std::pair<std::string, std::string>> kAuditor = {{"Authorization", "Bearer demo-auditor"}};

// Some traffic that leaves audit events: consents, a wrong code, a denied grant use.
void makeEvents(SimGateway&, HttpClient& c, int consents) {
    Holders h;
    putApplication(c, "YK9");
    for (int i = 0; i < consents; ++i) {
        std::string code = h.find([](const json::object& o) { return o.at("holder_code_type").as_string() == "ID"; }, i);
        std::string body = R"({"application_id":"YK9","subject":{"type":"person","code":")" + code +
                           R"("},"licence_types":["id_card"],"purpose":"power_connection"})";
        auto r = c.request("POST", "/v1/consents", body,
                           {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "application/json"}});
        ASSERT_EQ(r.status, 201) << r.body;
        c.request("POST", "/v1/consents/" + r.jsonString("consent_id") + "/verify", R"({"code":"000000"})",
                  {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "application/json"}});
    }
}

void sql(const std::filesystem::path& db, const std::string& statement) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(h);
}

json::object verifyApi(HttpClient& c) { return json::parse(c.request("GET", "/v1/audit/verify", "", kAuditor).body).as_object(); }

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    std::string l;
    while (std::getline(in, l)) out.push_back(l);
    return out;
}
std::string joinLines(const std::vector<std::string>& v) {
    std::string s;
    for (auto& l : v) s += l + "\n";
    return s;
}

}  // namespace

TEST(Audit, EventsAreListedFilteredAndPagedForAuditorsOnly) {
    SimGateway s;
    HttpClient c(s.gw->port);
    makeEvents(s, c, 3);
    auto denied = c.request("GET", "/v1/audit/events", "", {{"Authorization", "Bearer demo-frontdesk"}});
    EXPECT_EQ(denied.status, 403);
    auto page = c.request("GET", "/v1/audit/events?action=consent.create&limit=2", "", kAuditor);
    ASSERT_EQ(page.status, 200) << page.body;
    auto o = json::parse(page.body).as_object();
    auto& events = o.at("events").as_array();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_GT(events[0].as_object().at("seq").as_int64(), events[1].as_object().at("seq").as_int64());
    for (auto& e : events) {
        EXPECT_EQ(e.as_object().at("action").as_string(), "consent.create");
        EXPECT_EQ(e.as_object().at("actor").as_string(), "demo-frontdesk");
        // Never the full phone number or the code.
        EXPECT_EQ(json::serialize(e).find("\"code\""), std::string::npos);
    }
    std::string cursor(o.at("next_cursor").as_string());
    auto next = json::parse(c.request("GET", "/v1/audit/events?action=consent.create&limit=2&cursor=" + cursor, "",
                                      kAuditor).body).as_object();
    EXPECT_EQ(next.at("events").as_array().size(), 1u);
    auto bad = c.request("GET", "/v1/audit/events?from=yesterday&colour=red", "", kAuditor);
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(json::parse(bad.body).as_object().at("errors").as_array().size(), 2u);
    auto window = c.request("GET", "/v1/audit/events?from=2000-01-01T00:00:00%2B08:00&to=2000-01-02T00:00:00Z", "", kAuditor);
    EXPECT_EQ(json::parse(window.body).as_object().at("events").as_array().size(), 0u);
    // Reading the trail is itself audited.
    auto reads = json::parse(c.request("GET", "/v1/audit/events?action=audit.events", "", kAuditor).body).as_object();
    EXPECT_GE(reads.at("events").as_array().size(), 3u);
}

TEST(Audit, VerifyDetectsEditDeleteAndTruncationInTheStore) {
    for (std::string tamper : {"edit", "delete", "truncate"}) {
        SimGateway s([](config::Config& c) { c.audit.checkpointEvery = 3; });
        HttpClient c(s.gw->port);
        makeEvents(s, c, 3);
        auto ok = verifyApi(c);
        ASSERT_TRUE(ok.at("ok").as_bool()) << json::serialize(ok);
        ASSERT_GE(ok.at("events").as_int64(), 6);
        ASSERT_GE(ok.at("checkpoints").as_int64(), 1);
        auto db = s.gw->dataDir / "gateway.db";
        if (tamper == "edit") sql(db, "UPDATE audit_events SET actor='mallory' WHERE seq=4");
        if (tamper == "delete") sql(db, "DELETE FROM audit_events WHERE seq=4");
        if (tamper == "truncate") sql(db, "DELETE FROM audit_events WHERE seq > 3");
        auto v = verifyApi(c);
        EXPECT_FALSE(v.at("ok").as_bool()) << tamper;
        EXPECT_EQ(v.at("first_bad_seq").as_int64(), 4) << tamper << " " << json::serialize(v);
    }
}

// Issue 18: "the online /v1/audit/verify trusts the checkpoint table: deleting checkpoint rows and
// rewriting events after them passes".
TEST(Audit, VerifyDoesNotTrustTheCheckpointTable) {
    for (std::string tamper : {"checkpoints deleted", "checkpoints and the tail deleted"}) {
        SimGateway s([](config::Config& c) { c.audit.checkpointEvery = 3; });
        HttpClient c(s.gw->port);
        makeEvents(s, c, 3);
        ASSERT_TRUE(verifyApi(c).at("ok").as_bool());
        auto db = s.gw->dataDir / "gateway.db";
        sql(db, "DELETE FROM audit_checkpoints WHERE seq > 3");
        if (tamper != "checkpoints deleted") sql(db, "DELETE FROM audit_events WHERE seq > 5");
        auto v = verifyApi(c);
        EXPECT_FALSE(v.at("ok").as_bool()) << tamper << " " << json::serialize(v);
        EXPECT_GE(v.at("first_bad_seq").as_int64(), 4) << tamper << " " << json::serialize(v);
        const std::string reason(v.at("reason").as_string());
        EXPECT_TRUE(reason.find("checkpoint was deleted") != std::string::npos || reason.find("cut off") != std::string::npos)
            << reason;
    }
}

TEST(Audit, ExportVerifiesOfflineAndEveryTamperIsNamed) {
    SimGateway s([](config::Config& c) { c.audit.checkpointEvery = 1000; });
    HttpClient c(s.gw->port);
    makeEvents(s, c, 3);
    auto exp = c.request("GET", "/v1/audit/export", "", kAuditor);
    ASSERT_EQ(exp.status, 200);
    EXPECT_EQ(exp.header("content-type"), "application/x-ndjson");
    std::ifstream keyFile(s.gw->dataDir / "keys" / "audit-signing.pem.pub");
    std::string key((std::istreambuf_iterator<char>(keyFile)), {});
    auto good = security::verifyExport(exp.body, key);
    ASSERT_TRUE(good.ok) << good.reason;
    EXPECT_TRUE(good.authenticated);
    EXPECT_GE(good.checkpoints, 1);  // the export signs the head first
    auto l = lines(exp.body);
    ASSERT_GE(l.size(), 9u);  // header, events..., the head's checkpoint, the trailer
    ASSERT_NE(l.back().find("\"type\":\"trailer\""), std::string::npos);

    auto edited = l;
    auto pos = edited[3].find("demo-frontdesk");
    ASSERT_NE(pos, std::string::npos);
    edited[3].replace(pos, 14, "demo-marketing");
    auto ve = security::verifyExport(joinLines(edited), key);
    EXPECT_FALSE(ve.ok);
    EXPECT_EQ(ve.firstBadSeq, 3);

    auto deleted = l;
    deleted.erase(deleted.begin() + 3);
    auto vd = security::verifyExport(joinLines(deleted), key);
    EXPECT_FALSE(vd.ok);
    EXPECT_EQ(vd.firstBadSeq, 3);

    auto reordered = l;
    std::swap(reordered[2], reordered[3]);
    auto vr = security::verifyExport(joinLines(reordered), key);
    EXPECT_FALSE(vr.ok);
    EXPECT_EQ(vr.firstBadSeq, 2);

    auto inserted = l;
    inserted.insert(inserted.begin() + 4, l[4]);
    EXPECT_FALSE(security::verifyExport(joinLines(inserted), key).ok) << "an event twice";

    // Issue 18: an export cut anywhere inside the events verified, as the checkpoints came last.
    for (std::size_t keep = 1; keep < l.size(); ++keep) {
        std::vector<std::string> cut(l.begin(), l.begin() + static_cast<std::ptrdiff_t>(keep));
        auto vc = security::verifyExport(joinLines(cut), key);
        EXPECT_FALSE(vc.ok) << "cut after line " << keep;
        EXPECT_NE(vc.reason.find("no trailer"), std::string::npos) << vc.reason;
        // ... and with the trailer put back, it does not match what is left.
        if (keep + 1 == l.size()) continue;  // only the trailer was cut: putting it back makes it whole
        cut.push_back(l.back());
        EXPECT_FALSE(security::verifyExport(joinLines(cut), key).ok) << "cut after line " << keep << ", trailer kept";
    }
    // A checkpoint stripped, or moved away from its event.
    auto stripped = l;
    stripped.erase(stripped.end() - 2);
    auto vs = security::verifyExport(joinLines(stripped), key);
    EXPECT_FALSE(vs.ok);
    EXPECT_NE(vs.reason.find("trailer does not match"), std::string::npos) << vs.reason;
    auto moved = l;
    std::swap(moved[moved.size() - 2], moved[moved.size() - 3]);
    EXPECT_FALSE(security::verifyExport(joinLines(moved), key).ok);

    // Without the gateway's key, a whole file is only unverified; a forged key verifies nothing.
    auto untrusted = security::verifyExport(exp.body, std::nullopt);
    EXPECT_TRUE(untrusted.ok) << untrusted.reason;
    EXPECT_FALSE(untrusted.authenticated);
    auto forgedKey = security::PrivateKey::generate(security::SignatureAlg::kEcdsaP256Sha256).publicKey().pem();
    EXPECT_FALSE(security::verifyExport(exp.body, forgedKey).ok);
    EXPECT_FALSE(security::verifyExport("not json\n", std::nullopt).ok);
}

TEST(Audit, AlertsListDeniedAccessAndLockouts) {
    SimGateway s;
    HttpClient c(s.gw->port);
    Holders h;
    std::string code = h.find([](const json::object& o) { return o.at("holder_code_type").as_string() == "ID"; });
    std::string body = R"({"application_id":"YK9","subject":{"type":"person","code":")" + code +
                       R"("},"licence_types":["id_card"],"purpose":"power_connection"})";
    auto hdr = std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer demo-frontdesk"},
                                                                {"Content-Type", "application/json"}};
    putApplication(c, "YK9");
    auto id = c.request("POST", "/v1/consents", body, hdr).jsonString("consent_id");
    std::string wrong = s.smsCode(id) == "000000" ? "111111" : "000000";
    for (int i = 0; i < 5; ++i) c.request("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + wrong + "\"}", hdr);
    auto alerts = json::parse(c.request("GET", "/v1/audit/alerts", "", kAuditor).body).as_object();
    ASSERT_EQ(alerts.at("alerts").as_array().size(), 1u);
    EXPECT_EQ(alerts.at("alerts").as_array()[0].as_object().at("action").as_string(), "consent.verify");
    EXPECT_TRUE(alerts.at("alerts").as_array()[0].as_object().at("alert").as_bool());
}

// Issue 22: "the subject record of a walkthrough's customer names each read of their licences".
// The record is found by the code although events keep only its keyed reference and a mask; it
// holds the consent, the fetch, the stored licence, each read of it and the auditors' own looks,
// oldest first, and nothing of another subject. Beside it the abuse cases: the desk, nobody, a
// malformed code.
TEST(Audit, ASubjectsAccessRecordNamesEveryReadOfTheirLicences) {
    SimGateway s;
    HttpClient c(s.gw->port);
    const std::vector<std::pair<std::string, std::string>> desk{{"Authorization", "Bearer demo-frontdesk"},
                                                                {"Content-Type", "application/json"}};
    const std::string code = "91110102E80346803Q";
    putApplication(c, "YK-SUBJECT");
    auto consent = c.request("POST", "/v1/consents",
                             R"({"application_id":"YK-SUBJECT","subject":{"type":"enterprise","code":")" + code +
                                 R"("},"licence_types":["business_licence"],"purpose":"power_connection"})",
                             desk);
    ASSERT_EQ(consent.status, 201) << consent.body;
    const std::string id = consent.jsonString("consent_id");
    auto verified = c.request("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + s.smsCode(id) + "\"}", desk);
    ASSERT_EQ(verified.status, 200) << verified.body;
    auto fetched = c.request("POST", "/v1/grants/" + verified.jsonString("grant_id") + "/licences", "", desk);
    ASSERT_EQ(fetched.status, 200) << fetched.body;
    const std::string doc(json::parse(fetched.body).at("licences").at(0).at("document_id").as_string());
    ASSERT_EQ(c.request("GET", "/v1/documents/" + doc, "", desk).status, 200);
    ASSERT_EQ(c.request("GET", "/v1/documents/" + doc + "/meta", "", desk).status, 200);
    // A refused read is in the record too: the marketing system before the licence was pushed to it.
    ASSERT_EQ(c.request("GET", "/v1/documents/" + doc, "", {{"Authorization", "Bearer demo-marketing"}}).status, 403);
    makeEvents(s, c, 1);  // another subject's consent

    // Lower case and spaces name the same subject.
    auto r = c.request("GET", "/v1/audit/subjects/91110102e8034%206803q", "", kAuditor);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find(code), std::string::npos) << "the record names its subject masked only";
    auto record = json::parse(r.body).as_object();
    std::vector<std::string> actions;
    std::int64_t lastSeq = 0;
    for (auto& e : record.at("events").as_array()) {
        actions.emplace_back(e.at("action").as_string());
        EXPECT_GT(e.at("seq").as_int64(), lastSeq) << "oldest first";
        lastSeq = e.at("seq").as_int64();
    }
    for (const char* want : {"consent.create", "consent.verify", "grant.consume", "licence.store", "licences.fetch",
                             "document.read", "document.meta", "access.denied", "audit.subject"})
        EXPECT_NE(std::find(actions.begin(), actions.end(), want), actions.end()) << want << " missing from " << r.body;
    EXPECT_EQ(actions.back(), "audit.subject") << "this look is in the record too";
    EXPECT_FALSE(record.at("truncated").as_bool());
    // Another subject's record holds none of this.
    Holders h;
    const std::string other = h.find([](const json::object& o) { return o.at("holder_code_type").as_string() == "ID"; }, 0);
    auto theirs = json::parse(c.request("GET", "/v1/audit/subjects/" + other, "", kAuditor).body).as_object();
    for (auto& e : theirs.at("events").as_array()) EXPECT_NE(e.at("target").as_string(), doc);
    EXPECT_GE(theirs.at("events").as_array().size(), 2u) << "their consent and this look";
    // Abuse: a desk, nobody, a malformed code.
    // A scan is its holder's data when its code passed the checks: reading it is in their record.
    auto scan = c.request("POST", "/v1/scans?application_id=YK-SUBJECT",
                          readFile(sourceDir() + "/tests/data/scans/0-id_card_front.png"),
                          {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "image/png"}});
    ASSERT_EQ(scan.status, 201) << scan.body;
    auto scanFields = json::parse(scan.body).at("fields").as_object();
    ASSERT_EQ(scanFields.at("id_number").at("status").as_string(), "ok") << scan.body;
    const std::string person(scanFields.at("id_number").at("value").as_string());
    const std::string scanId = scan.jsonString("document_id");
    ASSERT_EQ(c.request("GET", "/v1/documents/" + scanId + "/meta", "", desk).status, 200);
    auto personal = json::parse(c.request("GET", "/v1/audit/subjects/" + person, "", kAuditor).body).as_object();
    bool metaRead = false;
    for (auto& e : personal.at("events").as_array())
        metaRead = metaRead || (e.at("action").as_string() == "document.meta" && e.at("target").as_string() == scanId);
    EXPECT_TRUE(metaRead) << json::serialize(personal);
    EXPECT_EQ(c.request("GET", "/v1/audit/subjects/" + code, "", desk).status, 403);
    EXPECT_EQ(c.request("GET", "/v1/audit/subjects/" + code, "", {}).status, 401);
    auto bad = c.request("GET", "/v1/audit/subjects/not-a-code", "", kAuditor);
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_NE(bad.body.find("\"field\":\"code\""), std::string::npos) << bad.body;
}
