// Section 3 of API.md: a fetched e-licence read back as a watermarked copy; every decision audited.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "adapters/store/sqlite_store.hpp"
#include <fstream>

#include "gateway/app/app.hpp"
#include "security/audit_chain.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/copy_trace.hpp"
#include "gateway/services/key_admin.hpp"
#include "imaging/canvas.hpp"
#include "ofd/verify.hpp"
#include "security/crypto.hpp"
#include "security/keyring.hpp"
#include "security/request_signing.hpp"
#include "security/signature.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
namespace json = boost::json;

namespace {

// Consent, verify, fetch as the front desk: the document ids of the stored licences.
std::vector<std::string> fetchedDocuments(SimGateway& s, HttpClient& c) {
    Holders h;
    std::string code = h.find([](const json::object& o) { return o.at("holder_code_type").as_string() == "ID"; });
    std::vector<std::pair<std::string, std::string>> fd = {{"Authorization", "Bearer demo-frontdesk"},
                                                           {"Content-Type", "application/json"}};
    putApplication(c, "YK5");
    auto consent = c.request("POST", "/v1/consents",
                             R"({"application_id":"YK5","subject":{"type":"person","code":")" + code +
                                 R"("},"licence_types":["id_card"],"purpose":"power_connection"})",
                             fd);
    auto id = consent.jsonString("consent_id");
    auto grant = c.request("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + s.smsCode(id) + "\"}", fd);
    auto f = c.request("POST", "/v1/grants/" + grant.jsonString("grant_id") + "/licences", "", fd);
    std::vector<std::string> ids;
    json::value body = json::parse(f.body);  // named: a range-for over a member of a temporary would dangle
    for (auto& l : body.as_object().at("licences").as_array())
        ids.emplace_back(l.as_object().at("document_id").as_string());
    return ids;
}

}  // namespace

TEST(Documents, TheFrontDeskGetsAWatermarkedCopyTracedToItsDownload) {
    SimGateway s({}, {}, std::nullopt, 120000, "png");  // a province that serves pictures
    HttpClient c(s.gw->port);
    auto ids = fetchedDocuments(s, c);
    ASSERT_EQ(ids.size(), 1u);
    auto r = c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "image/png");
    auto downloadId = r.header("x-download-id");
    EXPECT_EQ(downloadId.size(), 16u);
    auto img = imaging::Canvas::decode(r.body);
    ASSERT_TRUE(img);
    EXPECT_EQ(img->width(), 1000);  // the licence page, not a thumbnail
    EXPECT_EQ(img->height(), 700);
    // Two downloads are two different copies with two different ids.
    auto again = c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
    EXPECT_NE(again.header("x-download-id"), downloadId);
    EXPECT_NE(again.body, r.body);
    // The download is in the audit trail with its id.
    auto events = c.request("GET", "/v1/audit/events?action=document.read&document=" + ids[0], "",
                            {{"Authorization", "Bearer demo-auditor"}});
    EXPECT_NE(events.body.find(downloadId), std::string::npos) << events.body;
    if (const char* out = std::getenv("LGW_SAVE_WATERMARK")) std::ofstream(out, std::ios::binary) << r.body;
}

// Issue 20: a sealed OFD licence leaves as the platform sealed it — byte for byte, so that the
// recipient can verify the seal — with a download id in the header and the trail; and it verifies
// under the simulator's root, as `ofd verify --trust-anchor` would.
TEST(Documents, ASealedOfdLicenceLeavesByteForByteAndItsSealVerifies) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto ids = fetchedDocuments(s, c);
    ASSERT_EQ(ids.size(), 1u);
    auto r = c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/ofd");
    const auto downloadId = r.header("x-download-id");
    EXPECT_EQ(downloadId.size(), 16u);
    auto again = c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
    EXPECT_EQ(again.body, r.body);  // the same sealed file each time…
    EXPECT_NE(again.header("x-download-id"), downloadId);  // …and each download its own id
    auto meta = c.request("GET", "/v1/documents/" + ids[0] + "/meta", "", {{"Authorization", "Bearer demo-frontdesk"}});
    EXPECT_EQ(json::parse(meta.body).at("sha256").as_string(), security::sha256Hex(r.body));
    // The seal's report from the fetch is kept with the document and shown with its metadata.
    const auto kept = json::parse(meta.body).at("seal");
    ASSERT_TRUE(kept.is_object()) << meta.body;
    EXPECT_TRUE(kept.at("ok").as_bool());
    EXPECT_EQ(kept.at("signatures").at(0).at("chain").as_string(), "trusted");
    EXPECT_EQ(kept.at("signatures").at(0).at("format").as_string(), "GB/T 38540 v4");
    ofd::VerifyOptions o;
    o.anchors = *ofd::TrustAnchors::fromPem(s.sim->ofdRootPem());
    o.atS = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto report = ofd::verifyOfdFile(r.body, o);
    EXPECT_TRUE(report.ok()) << (report.signatures.empty() ? report.readError : report.signatures[0].problems.at(0));
    auto events = c.request("GET", "/v1/audit/events?action=document.read&document=" + ids[0], "",
                            {{"Authorization", "Bearer demo-auditor"}});
    EXPECT_NE(events.body.find(downloadId), std::string::npos) << events.body;
    EXPECT_NE(events.body.find("sealed_file"), std::string::npos) << events.body;
    // Who may not read content still may not: the file is no less personal for being sealed.
    EXPECT_EQ(c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-auditor"}}).status, 403);
}

TEST(Documents, AuditorsAndMarketingAreDeniedContentWithAnAlert) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto ids = fetchedDocuments(s, c);
    for (auto key : {"demo-auditor", "demo-marketing", "demo-admin"}) {
        auto r = c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", std::string("Bearer ") + key}});
        EXPECT_EQ(r.status, 403) << key;
        EXPECT_EQ(r.jsonString("code"), "access_denied");
    }
    auto alerts = json::parse(c.request("GET", "/v1/audit/alerts?action=access.denied&document=" + ids[0], "",
                                        {{"Authorization", "Bearer demo-auditor"}}).body).as_object();
    ASSERT_EQ(alerts.at("alerts").as_array().size(), 3u) << json::serialize(alerts);
    EXPECT_EQ(alerts.at("alerts").as_array()[0].at("detail").at("attempted").as_string(), "document.read");
    auto meta = c.request("GET", "/v1/documents/" + ids[0] + "/meta", "", {{"Authorization", "Bearer demo-auditor"}});
    ASSERT_EQ(meta.status, 200) << meta.body;
    auto m = json::parse(meta.body).as_object();
    EXPECT_EQ(m.at("doc_type").as_string(), "id_card");
    EXPECT_EQ(m.at("source").as_string(), "e_licence");
    EXPECT_EQ(m.at("sha256").as_string().size(), 64u);
    // The auditor sees which fields the document has, never what they say; the desk sees the values.
    ASSERT_FALSE(m.at("fields").as_object().empty()) << meta.body;
    for (auto& [name, f] : m.at("fields").as_object()) EXPECT_TRUE(f.is_object() && !f.as_object().contains("value")) << name;
    auto desks = json::parse(c.request("GET", "/v1/documents/" + ids[0] + "/meta", "", {{"Authorization", "Bearer demo-frontdesk"}}).body);
    const std::string address(desks.at("fields").at("address").as_string());
    EXPECT_FALSE(address.empty());
    EXPECT_EQ(meta.body.find(address), std::string::npos) << meta.body;
    EXPECT_EQ(c.request("GET", "/v1/documents/0000/meta", "", {{"Authorization", "Bearer demo-auditor"}}).status, 404);
}

TEST(Documents, RotateRewrapAndRetireTheOldKey) {
    SimGateway first;
    HttpClient c(first.gw->port);
    auto ids = fetchedDocuments(first, c);
    auto dataDir = first.gw->dataDir;
    auto keyFile = (dataDir / "keys" / "kek.keyring").string();
    ASSERT_EQ(std::get<std::uint32_t>(security::rotateKeyringFile(keyFile)), 2u);
    auto retire = [&](config::Config& cfg) {
        cfg.dataDir = dataDir.string();
        cfg.keys.minDecryptionVersion = 2;
    };
    {
        // Version 1 retired before re-wrapping: the document can no longer be opened.
        SimGateway early(retire);
        HttpClient e(early.gw->port);
        auto r = e.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
        EXPECT_EQ(r.jsonString("code"), "document_unreadable") << r.body;
    }
    store::SqliteStore st({(dataDir / "gateway.db").string(), 5000});
    store::AuditEvent rewrapEvent;
    rewrapEvent.actor = "cli";
    rewrapEvent.role = "admin";
    rewrapEvent.action = "keys.rewrap";
    rewrapEvent.at = 1;
    auto rewrap = [&] {
        return gateway::rewrapAll(st, std::get<security::Keyring>(security::loadKeyringFile(keyFile)),
                                  gateway::auditHasher(false), rewrapEvent);
    };
    auto report = rewrap();
    EXPECT_EQ(report.rewrapped, 1);
    EXPECT_EQ(report.failed, 0);
    EXPECT_EQ(st.document(ids[0])->keyVersion, 2u);
    EXPECT_EQ(rewrap().rewrapped, 0);
    // Each pass committed with its event: the batch that re-wrapped one key, and the empty pass.
    store::AuditFilter byAction;
    byAction.action = "keys.rewrap";
    auto events = st.auditEvents(byAction);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_NE(events[1].detailJson.find("\"rewrapped\":1"), std::string::npos) << events[1].detailJson;
    EXPECT_NE(events[0].detailJson.find("\"rewrapped\":0"), std::string::npos) << events[0].detailJson;
    SimGateway later(retire);
    HttpClient l(later.gw->port);
    auto r = l.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
    EXPECT_EQ(r.status, 200) << r.body;
}

TEST(Documents, NoPlaintextByteOfADocumentReachesTheDisk) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto ids = fetchedDocuments(s, c);
    ASSERT_EQ(ids.size(), 1u);
    // The original the platform sent, asked of the simulator directly (it serves the same bytes).
    Holders h;
    std::string code = h.find([](const json::object& o) { return o.at("holder_code_type").as_string() == "ID"; });
    std::string body = R"({"holder_code":")" + code +
                       R"(","licence_types":["id_card"],"purpose":"业扩报装","authorization":{"consent_id":"x"}})";
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
    auto headers = security::signRequest("licence-gateway", kGovSecret, "POST", "/api/v1/licences/query", body, now);
    HttpClient sim(s.sim->port());
    auto r = sim.request("POST", "/api/v1/licences/query", body, headers);
    ASSERT_EQ(r.status, 200);
    auto doc = json::parse(r.body);
    auto served = *security::base64Decode(std::string(
        doc.as_object().at("licences").as_array()[0].as_object().at("file").as_object().at("data_base64").as_string()));
    ASSERT_GT(served.size(), 2000u);
    // Each answer is its own 加注件 (annotation and seal per request): the stored original is the one
    // the gateway hands out byte for byte.
    auto stored = c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
    ASSERT_EQ(stored.header("content-type"), "application/ofd");
    const std::string original = stored.body;
    ASSERT_GT(original.size(), 2000u);
    // Slices from the start, the middle and the end of the original, 24 bytes each.
    std::vector<std::string> needles;
    for (std::size_t at : {std::size_t{0}, original.size() / 3, original.size() / 2, original.size() - 24})
        needles.push_back(original.substr(at, 24));
    std::size_t files = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(s.gw->dataDir)) {
        if (!e.is_regular_file()) continue;
        ++files;
        std::ifstream in(e.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        for (auto& n : needles) EXPECT_EQ(bytes.find(n), std::string::npos) << e.path();
    }
    EXPECT_GE(files, 3u);  // at least the database, its WAL and the blob
}

TEST(Documents, RetentionShredsOldDocumentsAndKeepsTheirAuditTrail) {
    SimGateway s([](config::Config& c) {
        c.retention.documentsDays = 30;
        c.retention.intervalMs = 50;
    });
    HttpClient c(s.gw->port);
    auto ids = fetchedDocuments(s, c);
    std::vector<std::pair<std::string, std::string>> fd = {{"Authorization", "Bearer demo-frontdesk"}};
    EXPECT_EQ(c.request("GET", "/v1/documents/" + ids[0], "", fd).status, 200);
    s.clock.advance(std::chrono::hours(24 * 31));
    int status = 0;
    for (int i = 0; i < 100 && status != 410; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        status = c.request("GET", "/v1/documents/" + ids[0], "", fd).status;
    }
    EXPECT_EQ(status, 410);
    auto meta = json::parse(c.request("GET", "/v1/documents/" + ids[0] + "/meta", "", fd).body).as_object();
    EXPECT_TRUE(meta.at("purged").as_bool());
    auto purges = json::parse(c.request("GET", "/v1/audit/events?action=document.purge", "",
                                        {{"Authorization", "Bearer demo-auditor"}}).body).as_object();
    EXPECT_EQ(purges.at("events").as_array().size(), 1u);
    auto verify = json::parse(c.request("GET", "/v1/audit/verify", "", {{"Authorization", "Bearer demo-auditor"}}).body)
                      .as_object();
    EXPECT_TRUE(verify.at("ok").as_bool());
}

// A copy leaks: re-saved as JPEG at quality 75 and shrunk to half. The auditor uploads it and
// learns which request issued it; `watermark identify` reads the same id from the file.
TEST(Documents, ALeakedCopyIsTracedBackToItsDownload) {
    SimGateway s({}, {}, std::nullopt, 120000, "png");  // a province that serves pictures
    HttpClient c(s.gw->port);
    auto ids = fetchedDocuments(s, c);
    auto r = c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto copy = imaging::Canvas::decode(r.body);
    ASSERT_TRUE(copy);
    auto leaked = imaging::Canvas::decode(copy->encodeJpeg(75))->scaled(copy->width() / 2, copy->height() / 2).encodeJpeg(75);

    std::vector<std::pair<std::string, std::string>> auditor = {{"Authorization", "Bearer demo-auditor"},
                                                                {"Content-Type", "image/jpeg"}};
    auto id = c.request("POST", "/v1/audit/identify", leaked, auditor);
    ASSERT_EQ(id.status, 200) << id.body;
    auto o = json::parse(id.body).as_object();
    EXPECT_EQ(o.at("status").as_string(), "identified");
    EXPECT_EQ(o.at("download_id").as_string(), r.header("x-download-id"));
    auto& req = o.at("request").as_object();
    EXPECT_EQ(req.at("request_id").as_string(), r.header("x-request-id"));
    EXPECT_EQ(req.at("caller").as_string(), "demo-frontdesk");
    EXPECT_EQ(req.at("document_id").as_string(), ids[0]);

    // The frontdesk may not trace copies; an unmarked page and a non-image say what they are.
    auto denied = c.request("POST", "/v1/audit/identify", leaked,
                            {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "image/jpeg"}});
    EXPECT_EQ(denied.status, 403);
    imaging::Canvas blank(800, 600, {250, 250, 250});
    blank.fillRect(100, 100, 300, 50, {0, 0, 0});
    auto none = c.request("POST", "/v1/audit/identify", blank.encodeJpeg(75), auditor);
    EXPECT_EQ(json::parse(none.body).as_object().at("status").as_string(), "no_mark") << none.body;
    auto junk = c.request("POST", "/v1/audit/identify", "GIF89a not really", auditor);
    EXPECT_EQ(junk.status, 422);
    EXPECT_EQ(junk.jsonString("code"), "image_unreadable");
    // The lookups are audited.
    auto lookups = json::parse(c.request("GET", "/v1/audit/events?action=audit.identify", "", auditor).body).as_object();
    EXPECT_EQ(lookups.at("events").as_array().size(), 2u);

    // The command line, on the file as found.
    auto file = s.gw->dataDir / "leaked.jpg";
    std::ofstream(file, std::ios::binary) << leaked;
    std::string fileArg = file.string();
    // The key comes from the deployment's watermark secret: the command reads it through the config.
    auto configFile = s.gw->dataDir / "identify.toml";
    std::ofstream(configFile) << "demo = true\ndata_dir = \"" << s.gw->dataDir.string() << "\"\n";
    std::string configArg = configFile.string();
    const char* argv[] = {"licence-gateway", "watermark", "identify", fileArg.c_str(), "--config", configArg.c_str(), "--no-store"};
    ::testing::internal::CaptureStdout();
    int rc = gateway::runCli(7, const_cast<char**>(argv));
    auto out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0);
    EXPECT_NE(out.find(r.header("x-download-id")), std::string::npos) << out;
    // With the store, the same trace as the API.
    store::SqliteStore st({(s.gw->dataDir / "gateway.db").string(), 5000});
    auto trace = gateway::traceCopy(leaked, &st, gateway::loadMarkKey(s.gw->app().config(), false));
    EXPECT_EQ(trace.status, gateway::CopyTrace::Status::Identified);
    EXPECT_EQ(trace.read->requestId, r.header("x-request-id"));
}

// crypto.suite = "national": documents sealed with SM4-CTR + HMAC-SM3, the audit chain hashed with
// SM3 and its checkpoints signed with SM2; all of it reads and verifies, online and offline.
TEST(Documents, NationalCryptographySuiteEndToEnd) {
    SimGateway s([](config::Config& c) { c.crypto.suite = "national"; });
    HttpClient c(s.gw->port);
    auto ids = fetchedDocuments(s, c);
    ASSERT_EQ(ids.size(), 1u);
    std::size_t blobs = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(s.gw->dataDir / "blobs")) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::string magic(4, '\0');
        in.read(magic.data(), 4);
        EXPECT_EQ(magic, "LGW2") << e.path();
        ++blobs;
    }
    EXPECT_EQ(blobs, 1u);
    auto r = c.request("GET", "/v1/documents/" + ids[0], "", {{"Authorization", "Bearer demo-frontdesk"}});
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::pair<std::string, std::string>> auditor = {{"Authorization", "Bearer demo-auditor"}};
    auto events = json::parse(c.request("GET", "/v1/audit/events?limit=5", "", auditor).body).as_object();
    for (auto& e : events.at("events").as_array())
        EXPECT_EQ(std::string(e.as_object().at("hash").as_string()).substr(0, 4), "sm3:");
    auto verify = json::parse(c.request("GET", "/v1/audit/verify", "", auditor).body).as_object();
    EXPECT_TRUE(verify.at("ok").as_bool()) << json::serialize(verify);
    EXPECT_GE(verify.at("checkpoints").as_int64(), 0);
    auto exported = c.request("GET", "/v1/audit/export", "", auditor).body;
    std::ifstream pubFile(s.gw->dataDir / "keys" / "audit-signing.pem.pub");
    std::string pub((std::istreambuf_iterator<char>(pubFile)), {});
    ASSERT_TRUE(security::PublicKey::fromPem(pub));
    EXPECT_EQ(security::PublicKey::fromPem(pub)->alg(), security::SignatureAlg::kSm2Sm3);
    auto offline = security::verifyExport(exported, pub);
    EXPECT_TRUE(offline.ok) << offline.reason;
    EXPECT_GE(offline.checkpoints, 1);
    // An edited event is caught under SM3 too.
    auto at = exported.find("\"actor\":\"demo-frontdesk\"");
    ASSERT_NE(at, std::string::npos);
    exported.replace(at, 24, "\"actor\":\"demo-frontdusk\"");
    EXPECT_FALSE(security::verifyExport(exported, pub).ok);
}

// [access] in the config: here the auditor may read content (an inquiry) and the front desk may
// no longer start consents. Both the allowed read and the route-level denial are audit events.
TEST(Documents, TheAccessPolicyComesFromTheConfig) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto ids = fetchedDocuments(s, c);
    auto dataDir = s.gw->dataDir;
    SimGateway inquiry([&](config::Config& cfg) {
        cfg.dataDir = dataDir.string();
        cfg.access.configured = true;
        cfg.access.rules = {{"auditor", "document.read", "any"}, {"auditor", "audit.read", "any"},
                            {"frontdesk", "document.meta", "worked_on"}};
    });
    HttpClient i(inquiry.gw->port);
    std::vector<std::pair<std::string, std::string>> auditor = {{"Authorization", "Bearer demo-auditor"}};
    EXPECT_EQ(i.request("GET", "/v1/documents/" + ids[0], "", auditor).status, 200);
    auto consent = i.request("POST", "/v1/consents", "{}",
                             {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "application/json"}});
    EXPECT_EQ(consent.status, 403);
    EXPECT_EQ(consent.jsonString("code"), "role_not_admitted");
    auto denials = json::parse(i.request("GET", "/v1/audit/events?action=access.denied", "", auditor).body).as_object();
    ASSERT_EQ(denials.at("events").as_array().size(), 1u);
    auto& d = denials.at("events").as_array()[0].as_object();
    EXPECT_EQ(d.at("actor").as_string(), "demo-frontdesk");
    EXPECT_EQ(d.at("target").as_string(), "POST /v1/consents");
    EXPECT_EQ(d.at("outcome").as_string(), "denied");
    auto reads = json::parse(i.request("GET", "/v1/audit/events?action=document.read&actor=demo-auditor", "", auditor).body)
                     .as_object();
    ASSERT_EQ(reads.at("events").as_array().size(), 1u);
    EXPECT_EQ(reads.at("events").as_array()[0].as_object().at("outcome").as_string(), "allowed");
}
