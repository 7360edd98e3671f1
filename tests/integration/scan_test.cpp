// Section 2 of API.md against the real gateway: POST /v1/scans with a good, a rotated, an empty, a
// corrupt, an oversized and a wrong-type upload; the scan stored encrypted as a document; the
// cross-check with an e-licence of the same person; a person's correction audited.
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "tests/integration/http_client.hpp"
#include "tests/integration/sim_fixture.hpp"
#include "tests/common/files.hpp"

using namespace lgw;
using namespace lgw::testing;
namespace json = boost::json;

namespace {

const std::vector<std::pair<std::string, std::string>> kFd = {{"Authorization", "Bearer demo-frontdesk"},
                                                              {"Content-Type", "application/json"}};

std::vector<std::pair<std::string, std::string>> upload(const std::string& type) {
    return {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", type}};
}

using lgw::testing::readFile;
std::string scan(const std::string& name) { return readFile(sourceDir() + "/tests/data/scans/" + name); }

json::object truth(const std::string& file) {
    auto all = json::parse(scan("truth.json")).as_array();
    for (auto& t : all)
        if (t.as_object().at("file").as_string() == file) return t.as_object().at("fields").as_object();
    throw std::runtime_error("no truth for " + file);
}

std::string quarterTurned(const std::string& png) {
    Pix* pix = pixReadMem(reinterpret_cast<const l_uint8*>(png.data()), png.size());
    Pix* turned = pixRotateOrth(pix, 3);
    l_uint8* data = nullptr;
    size_t size = 0;
    pixWriteMemPng(&data, &size, turned, 0);
    std::string out(reinterpret_cast<char*>(data), size);
    lept_free(data);
    pixDestroy(&turned);
    pixDestroy(&pix);
    return out;
}


}  // namespace

TEST(Scans, AGoodScanIsReadStoredAndAudited) {
    TestGateway gw([](config::Config& c) { c.server.readTimeoutMs = 10000; });
    HttpClient c(gw.port);
    putApplication(c, "YK-SCAN-1");
    auto r = c.request("POST", "/v1/scans?application_id=YK-SCAN-1", scan("0-id_card_front.png"), upload("image/png"));
    ASSERT_EQ(r.status, 201) << r.body;
    auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("doc_type").as_string(), "id_card_front");
    auto want = truth("0-id_card_front.png");
    auto& f = o.at("fields").as_object();
    EXPECT_EQ(f.at("id_number").as_object().at("value"), want.at("id_number"));
    EXPECT_EQ(f.at("id_number").as_object().at("status").as_string(), "ok");
    EXPECT_EQ(f.at("id_number").as_object().at("box").as_array().size(), 4u);
    for (const char* k : {"preprocess", "ocr", "extract"}) EXPECT_TRUE(o.at("timing_ms").as_object().contains(k));
    auto docId = std::string(o.at("document_id").as_string());

    // Stored as a document of the application, its fields with it; the copy that leaves is watermarked.
    auto meta = c.request("GET", "/v1/documents/" + docId + "/meta", "", kFd);
    ASSERT_EQ(meta.status, 200) << meta.body;
    auto m = json::parse(meta.body).as_object();
    EXPECT_EQ(m.at("source").as_string(), "scan");
    EXPECT_EQ(m.at("doc_type").as_string(), "id_card_front");
    EXPECT_EQ(m.at("fields").as_object().at("id_number").as_object().at("value"), want.at("id_number"));
    auto copy = c.request("GET", "/v1/documents/" + docId, "", kFd);
    EXPECT_EQ(copy.status, 200);
    EXPECT_FALSE(copy.header("x-download-id").empty());
    // No plaintext on disk: the scan's PNG signature is in no blob.
    for (auto& e : std::filesystem::recursive_directory_iterator(gw.dataDir / "blobs")) {
        if (e.is_regular_file()) {
            EXPECT_EQ(readFile(e.path().string()).find("IHDR"), std::string::npos);
        }
    }

    // A person corrects the name; old and new value and who are in the audit trail.
    auto patch = c.request("PATCH", "/v1/scans/" + docId + "/fields", R"({"fields":{"name":"更正姓名"}})", kFd);
    ASSERT_EQ(patch.status, 200) << patch.body;
    auto p = json::parse(patch.body).as_object();
    EXPECT_EQ(p.at("fields").as_object().at("name").as_object().at("value").as_string(), "更正姓名");
    EXPECT_EQ(p.at("changes").as_array().at(0).as_object().at("old"), f.at("name").as_object().at("value"));
    auto events = c.request("GET", "/v1/audit/events?action=scan.correct", "", {{"Authorization", "Bearer demo-auditor"}});
    ASSERT_EQ(events.status, 200) << events.body;
    auto ev = json::parse(events.body).as_object().at("events").as_array();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev.at(0).as_object().at("actor").as_string(), "demo-frontdesk");
    auto detail = json::serialize(ev.at(0).as_object().at("detail"));
    // The trail says which field changed, masked: the values themselves stay in the sealed document.
    EXPECT_EQ(detail.find("更正姓名"), std::string::npos) << detail;
    EXPECT_NE(detail.find("更***"), std::string::npos) << detail;
    // A field the document does not have, or an empty value, says what to fix.
    EXPECT_EQ(c.request("PATCH", "/v1/scans/" + docId + "/fields", R"({"fields":{"credit_code":"x"}})", kFd).status, 422);
    EXPECT_EQ(c.request("PATCH", "/v1/scans/" + docId + "/fields", R"({"fields":{}})", kFd).status, 422);
    EXPECT_EQ(c.request("PATCH", "/v1/scans/nope/fields", R"({"fields":{"name":"x"}})", kFd).status, 404);
    // The auditor may not correct anything.
    EXPECT_EQ(c.request("PATCH", "/v1/scans/" + docId + "/fields", R"({"fields":{"name":"x"}})",
                        {{"Authorization", "Bearer demo-auditor"}, {"Content-Type", "application/json"}})
                  .status,
              403);
}

TEST(Scans, ARotatedScanIsTurnedUpright) {
    TestGateway gw([](config::Config& c) { c.server.readTimeoutMs = 10000; });
    HttpClient c(gw.port);
    putApplication(c, "YK-SCAN-2");
    auto r = c.request("POST", "/v1/scans?application_id=YK-SCAN-2&hint=id_card_front",
                       quarterTurned(scan("0-id_card_front.png")), upload("image/png"));
    ASSERT_EQ(r.status, 201) << r.body;
    auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("doc_type").as_string(), "id_card_front");
    EXPECT_NE(o.at("page").as_object().at("rotated_degrees").as_int64(), 0);
    EXPECT_EQ(o.at("fields").as_object().at("id_number").as_object().at("value"), truth("0-id_card_front.png").at("id_number"));
    EXPECT_FALSE(o.at("hint").as_object().at("contradicted").as_bool());
}

TEST(Scans, BadUploadsGetAClearErrorAndNothingIsStored) {
    TestGateway gw([](config::Config& c) {
        c.server.readTimeoutMs = 10000;
        c.server.scanBodyLimitBytes = 1 << 20;
    });
    HttpClient c(gw.port);
    putApplication(c, "YK-SCAN-3");
    const std::string target = "/v1/scans?application_id=YK-SCAN-3";
    auto code = [](const ClientResponse& r) { return r.jsonString("code"); };

    auto empty = c.request("POST", target, "", upload("image/png"));
    EXPECT_EQ(empty.status, 422) << empty.body;
    EXPECT_EQ(code(empty), "unreadable_image");

    std::string png = scan("1-id_card_back.png");
    auto corrupt = c.request("POST", target, png.substr(0, png.size() / 2), upload("image/png"));
    EXPECT_EQ(corrupt.status, 422) << corrupt.body;
    EXPECT_EQ(code(corrupt), "unreadable_image");

    auto oversized = c.request("POST", target, std::string((1 << 20) + 4096, '\xFF'), upload("image/jpeg"));
    EXPECT_EQ(oversized.status, 413) << oversized.body;

    HttpClient c2(gw.port);  // the 413 closes its connection
    auto wrongType = c2.request("POST", target, "%PDF-1.7 not an image", upload("application/pdf"));
    EXPECT_EQ(wrongType.status, 415) << wrongType.body;
    auto lying = c2.request("POST", target, png, upload("image/jpeg"));
    EXPECT_EQ(lying.status, 415) << lying.body;
    EXPECT_NE(lying.body.find("image/png"), std::string::npos);
    auto noApp = c2.request("POST", "/v1/scans", png, upload("image/png"));
    EXPECT_EQ(noApp.status, 422);
    auto unknownApp = c2.request("POST", "/v1/scans?application_id=YK-NOPE", png, upload("image/png"));
    EXPECT_EQ(unknownApp.status, 404);
    auto badHint = c2.request("POST", target + "&hint=passport", png, upload("image/png"));
    EXPECT_EQ(badHint.status, 422);

    // Nothing of these was stored.
    auto docs = c2.request("GET", "/v1/applications/YK-SCAN-3", "", kFd);
    ASSERT_EQ(docs.status, 200);
    std::size_t blobs = 0;
    if (std::filesystem::exists(gw.dataDir / "blobs"))
        for (auto& e : std::filesystem::recursive_directory_iterator(gw.dataDir / "blobs")) blobs += e.is_regular_file();
    EXPECT_EQ(blobs, 0u);
}

TEST(Scans, AScanIsComparedWithTheELicenceOfTheSamePerson) {
    SimGateway s([](config::Config& c) { c.server.readTimeoutMs = 10000; });
    HttpClient c(s.gw->port);
    putApplication(c, "YK2026110001");
    Holders h;
    std::string code = h.find([](const json::object& o) { return o.at("holder_code_type").as_string() == "ID"; });
    auto consent = c.request("POST", "/v1/consents",
                             R"({"application_id":"YK2026110001","subject":{"type":"person","code":")" + code +
                                 R"("},"licence_types":["id_card"],"purpose":"power_connection"})",
                             kFd);
    ASSERT_EQ(consent.status, 201) << consent.body;
    auto id = consent.jsonString("consent_id");
    auto grant = c.request("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + s.smsCode(id) + "\"}", kFd);
    ASSERT_EQ(c.request("POST", "/v1/grants/" + grant.jsonString("grant_id") + "/licences", "", kFd).status, 200);

    // The scan shows another (synthetic) person: the cross-check names each field that differs.
    auto r = c.request("POST", "/v1/scans?application_id=YK2026110001", scan("0-id_card_front.png"), upload("image/png"));
    ASSERT_EQ(r.status, 201) << r.body;
    auto cross = json::parse(r.body).as_object().at("cross_check").as_object();
    EXPECT_EQ(std::string(cross.at("against").as_string()).rfind("e_licence:", 0), 0u);
    std::set<std::string> fields;
    for (auto& m : cross.at("mismatches").as_array()) fields.insert(std::string(m.as_object().at("field").as_string()));
    EXPECT_TRUE(fields.count("id_number"));
    EXPECT_TRUE(fields.count("name"));

    // The package repeats the disagreement: the numbers only for who may read the e-licence (the
    // front desk that works on it), the field alone for an admin, who may read packages but no
    // document content (issue 17).
    auto built = c.request("POST", "/v1/applications/YK2026110001/packages", "", kFd);
    ASSERT_EQ(built.status, 201) << built.body;
    auto mismatchOf = [](const std::string& body) {
        json::value v = json::parse(body);
        for (auto& item : v.at("items").as_array())
            if (auto* m = item.as_object().if_contains("mismatch")) return m->as_object();
        return json::object{};
    };
    auto desk = mismatchOf(built.body);
    ASSERT_FALSE(desk.empty()) << built.body;
    EXPECT_TRUE(desk.contains("e_licence") && desk.contains("scan")) << json::serialize(desk);
    auto asAdmin = c.request("GET", "/v1/packages/" + built.jsonString("package_id"), "", {{"Authorization", "Bearer demo-admin"}});
    ASSERT_EQ(asAdmin.status, 200) << asAdmin.body;
    auto admin = mismatchOf(asAdmin.body);
    EXPECT_EQ(admin.at("field").as_string(), "number") << json::serialize(admin);
    EXPECT_FALSE(admin.contains("e_licence") || admin.contains("scan")) << json::serialize(admin);
    EXPECT_EQ(asAdmin.body.find(std::string(desk.at("e_licence").as_string())), std::string::npos);
}
