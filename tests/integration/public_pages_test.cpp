// The gateway's public pages (../shared/API.md §6): the counter's material checklists with their
// QR codes, and the OpenAPI document. No key is needed, nothing personal is in them, and every
// wrong request gets an error that says what to send instead.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/materials.hpp"
#include "gateway/app/app.hpp"
#include "gateway/http/router.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/test_gateway.hpp"

namespace lgw::testing {
namespace {

namespace json = boost::json;

config::Materials shippedMaterials() {
    auto r = config::loadMaterialsFile(std::string(std::getenv("LGW_SOURCE_DIR")) + "/config/materials.toml");
    if (!r.materials) throw std::runtime_error("config/materials.toml does not load");
    return *r.materials;
}

// What zbarimg (ZBar, an independent decoder: Debian's zbar-tools) reads off a PNG.
std::string decodeQr(const std::string& png) {
    auto dir = freshTempDir("qr");
    const auto file = dir / "qr.png";
    std::ofstream(file, std::ios::binary) << png;
    std::string out;
    // zbarimg's stderr carries D-Bus chatter on a machine without a system bus: kept apart.
    FILE* p = ::popen(("zbarimg --quiet --raw " + file.string() + " 2>" + (dir / "err").string()).c_str(), "r");
    if (!p) return "popen failed";
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
    const int rc = ::pclose(p);
    std::ifstream errFile(dir / "err");
    std::stringstream err;
    err << errFile.rdbuf();
    std::filesystem::remove_all(dir);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (rc != 0)
        return "zbarimg failed (" + std::to_string(rc) + "; run scripts/bootstrap.sh for zbar-tools): " + out + err.str();
    return out;
}

int pngWidth(const std::string& png) {
    if (png.size() < 24 || png.compare(1, 3, "PNG") != 0) return -1;
    auto b = [&](std::size_t i) { return static_cast<unsigned char>(png[i]); };
    return static_cast<int>((b(16) << 24) | (b(17) << 16) | (b(18) << 8) | b(19));
}

TEST(Checklists, EachCategoryHasAChinesePageAndItsJsonWithEveryMaterialInOrder) {
    TestGateway gw([](config::Config& c) { c.server.publicUrl = "https://yk.example-utility.cn"; });
    HttpClient c(gw.port);
    for (const auto& cat : shippedMaterials().categories) {
        auto page = c.request("GET", "/checklists/" + cat.id);
        ASSERT_EQ(page.status, 200) << cat.id << ": " << page.body;
        EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
        EXPECT_NE(page.header("content-security-policy").find("default-src 'none'"), std::string::npos);
        EXPECT_NE(page.body.find("lang=\"zh-CN\""), std::string::npos);
        EXPECT_NE(page.body.find(cat.name + "用电报装材料清单"), std::string::npos) << cat.id;
        EXPECT_NE(page.body.find("/checklists/" + cat.id + "/qr.png"), std::string::npos) << "the page shows its QR code";
        for (const auto& m : cat.materials) {
            EXPECT_NE(page.body.find(m.name), std::string::npos) << cat.id << " page lacks " << m.id;
            if (m.deferrable) {
                EXPECT_NE(page.body.find("受理后 " + std::to_string(m.deferDays) + " 天内补交"), std::string::npos) << m.id;
            }
        }

        auto js = c.request("GET", "/checklists/" + cat.id + "?format=json");
        ASSERT_EQ(js.status, 200) << js.body;
        EXPECT_EQ(js.header("content-type"), "application/json");
        auto o = json::parse(js.body).as_object();
        EXPECT_EQ(o.at("category").as_string(), cat.id);
        EXPECT_EQ(o.at("url").as_string(), "https://yk.example-utility.cn/checklists/" + cat.id);
        const auto& got = o.at("materials").as_array();
        ASSERT_EQ(got.size(), cat.materials.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            const auto& g = got[i].as_object();
            const auto& m = cat.materials[i];
            EXPECT_EQ(g.at("id").as_string(), m.id);
            EXPECT_EQ(g.at("identity").as_bool(), m.identity) << m.id;
            EXPECT_EQ(g.at("deferrable").as_bool(), m.deferrable) << m.id;
            if (m.deferrable) {
                EXPECT_EQ(g.at("defer_days").as_int64(), m.deferDays) << m.id;
            } else {
                EXPECT_TRUE(g.at("defer_days").is_null()) << m.id;
            }
            ASSERT_EQ(g.at("satisfied_by").as_array().size(), m.satisfiedBy.size()) << m.id;
            for (auto& k : g.at("satisfied_by").as_array())
                EXPECT_FALSE(k.at("description").as_string().empty()) << m.id;
        }
    }
    // The page is the same for everyone until the next start: a cache may revalidate it.
    auto first = c.request("GET", "/checklists/high_voltage");
    auto again = c.request("GET", "/checklists/high_voltage", "", {{"If-None-Match", first.header("etag")}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
}

// Each request on a connection of its own: decoding takes long enough under ASan on a busy machine
// for the test gateway's 2 s idle timeout to close a kept-alive one.
ClientResponse getOnce(std::uint16_t port, const std::string& target) { return HttpClient(port).request("GET", target); }

TEST(Checklists, TheQrCodeDecodesToThePagesPublicAddressAtEveryScale) {
    TestGateway gw([](config::Config& c) { c.server.publicUrl = "https://yk.example-utility.cn/"; });
    auto qr = getOnce(gw.port, "/checklists/high_voltage/qr.png");
    ASSERT_EQ(qr.status, 200) << qr.body;
    EXPECT_EQ(qr.header("content-type"), "image/png");
    EXPECT_EQ(decodeQr(qr.body), "https://yk.example-utility.cn/checklists/high_voltage");
    auto poster = getOnce(gw.port, "/checklists/low_voltage_residential/qr.png?scale=24");
    ASSERT_EQ(poster.status, 200) << poster.body;
    EXPECT_EQ(decodeQr(poster.body), "https://yk.example-utility.cn/checklists/low_voltage_residential");
    EXPECT_EQ(pngWidth(poster.body), pngWidth(getOnce(gw.port, "/checklists/low_voltage_residential/qr.png").body) * 3)
        << "scale 24 draws each module three times the default 8 pixels";
    auto held = HttpClient(gw.port).request("GET", "/checklists/low_voltage_residential/qr.png?scale=24", "",
                                            {{"If-None-Match", poster.header("etag")}});
    EXPECT_EQ(held.status, 304) << "a poster the client holds is not drawn again";
    EXPECT_TRUE(held.body.empty());
}

TEST(Checklists, WithoutAPublicUrlTheCodePointsAtTheListenAddressAndThatAddressAnswers) {
    TestGateway gw;
    const std::string url = decodeQr(getOnce(gw.port, "/checklists/low_voltage_non_residential/qr.png").body);
    const std::string want = "http://127.0.0.1:" + std::to_string(gw.port) + "/checklists/low_voltage_non_residential";
    ASSERT_EQ(url, want);
    auto page = getOnce(gw.port, url.substr(url.find("/checklists/")));
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("低压非居民客户"), std::string::npos);
}

TEST(Checklists, WrongAndHostileRequestsGetAClearErrorAndNoPage) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto problemCode = [](const ClientResponse& r) { return std::string(json::parse(r.body).at("code").as_string()); };

    auto unknown = c.request("GET", "/checklists/industrial");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(problemCode(unknown), "category_not_found");
    EXPECT_NE(unknown.body.find("high_voltage, low_voltage_non_residential, low_voltage_residential"), std::string::npos)
        << "the error names the categories there are: " << unknown.body;

    for (const char* hostile : {"/checklists/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/checklists/..%2F..%2Fconfig",
                                "/checklists/high_voltage%00", "/checklists/HIGH_VOLTAGE"}) {
        auto r = c.request("GET", hostile);
        EXPECT_EQ(r.status, 404) << hostile;
        EXPECT_EQ(r.header("content-type").find("text/html"), std::string::npos) << "no page is made of the path: " << r.body;
        EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << "a problem that quotes the path is never read as HTML";
        auto q = c.request("GET", std::string(hostile) + "/qr.png");
        EXPECT_EQ(q.status, 404) << hostile;
    }
    std::string longName(4000, 'a');
    EXPECT_EQ(c.request("GET", "/checklists/" + longName).status, 404);

    auto format = c.request("GET", "/checklists/high_voltage?format=xml");
    EXPECT_EQ(format.status, 400);
    EXPECT_EQ(problemCode(format), "invalid_format");
    for (const char* scale : {"1", "33", "abc", "", "8px", "-8", "99999999999999999999"}) {
        auto r = c.request("GET", std::string("/checklists/high_voltage/qr.png?scale=") + scale);
        EXPECT_EQ(r.status, 400) << "scale=" << scale;
        EXPECT_EQ(problemCode(r), "invalid_scale") << "scale=" << scale;
    }
    auto post = c.request("POST", "/checklists/high_voltage", "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(post.status, 405);
    // A wrong key does not matter to a public page, and a right one changes nothing in it.
    auto anon = c.request("GET", "/checklists/high_voltage?format=json");
    auto keyed = c.request("GET", "/checklists/high_voltage?format=json", "", {{"Authorization", "Bearer demo-admin"}});
    auto wrong = c.request("GET", "/checklists/high_voltage?format=json", "", {{"Authorization", "Bearer wrong"}});
    EXPECT_EQ(keyed.body, anon.body);
    EXPECT_EQ(wrong.status, 200);
    EXPECT_EQ(wrong.body, anon.body);
}

}  // namespace
}  // namespace lgw::testing

namespace lgw::testing {
namespace {

json::object shippedOpenApi() {
    std::ifstream f(std::string(std::getenv("LGW_SOURCE_DIR")) + "/gateway/api/openapi.json");
    std::stringstream ss;
    ss << f.rdbuf();
    return json::parse(ss.str()).as_object();
}

std::set<std::string> stringsOf(const json::value& v) {
    std::set<std::string> out;
    for (auto& s : v.as_array()) out.insert(std::string(s.as_string()));
    return out;
}

std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (auto& x : s) out += (out.empty() ? "" : ", ") + x;
    return out;
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

TEST(OpenApi, TheServedDocumentIsTheFileAndNamesEveryRouteWithItsRolesParametersAndMediaTypes) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto served = c.request("GET", "/v1/openapi.json");
    ASSERT_EQ(served.status, 200) << "no key is needed for the API's description: " << served.body;
    EXPECT_EQ(served.header("content-type"), "application/json");
    const json::object doc = shippedOpenApi();
    EXPECT_EQ(json::parse(served.body).as_object(), doc) << "the binary serves gateway/api/openapi.json as built";
    EXPECT_EQ(c.request("GET", "/v1/openapi.json", "", {{"If-None-Match", served.header("etag")}}).status, 304);
    // Abuse: no other method, a wrong key changes nothing, a validator that is not ours gets the document.
    EXPECT_EQ(c.request("POST", "/v1/openapi.json", "{}", {{"Content-Type", "application/json"}}).status, 405);
    auto wrongKey = c.request("GET", "/v1/openapi.json", "", {{"Authorization", "Bearer wrong"}});
    EXPECT_EQ(wrongKey.status, 200);
    EXPECT_EQ(wrongKey.body, served.body);
    auto otherTag = c.request("GET", "/v1/openapi.json", "", {{"If-None-Match", "\"0000\""}});
    EXPECT_EQ(otherTag.status, 200);
    EXPECT_EQ(otherTag.body, served.body);

    const auto& paths = doc.at("paths").as_object();
    std::set<std::string> routed;
    for (const auto& route : gw.app().router().routes()) {
        const std::string key = route.method + " " + route.pattern;
        routed.insert(key);
        const auto* item = paths.if_contains(route.pattern);
        const auto* op = item ? item->as_object().if_contains(lower(route.method)) : nullptr;
        if (!op) {
            ADD_FAILURE() << key << " is served but not in gateway/api/openapi.json";
            continue;
        }
        const auto& o = op->as_object();
        const std::set<std::string> roles(route.roles.begin(), route.roles.end());
        EXPECT_EQ(stringsOf(o.at("x-roles")), roles) << key << ": x-roles differs from the router's (" << joined(roles) << ")";
        // Every {param} of the pattern is a declared path parameter, and no other.
        std::set<std::string> want, declared;
        for (auto& seg : gateway::splitPath(route.pattern))
            if (seg.size() > 2 && seg.front() == '{') want.insert(seg.substr(1, seg.size() - 2));
        if (auto* ps = o.if_contains("parameters"))
            for (auto& p : ps->as_array())
                if (p.at("in").as_string() == "path") declared.insert(std::string(p.at("name").as_string()));
        EXPECT_EQ(declared, want) << key << ": path parameters";
        // The request media types are the ones the router accepts; a route that takes no body has none.
        std::set<std::string> types;
        if (auto* body = o.if_contains("requestBody"))
            for (auto& [t, _] : body->at("content").as_object()) types.insert(std::string(t));
        EXPECT_EQ(types, std::set<std::string>(route.contentTypes.begin(), route.contentTypes.end())) << key << ": request media types";
        EXPECT_FALSE(o.at("responses").as_object().empty()) << key;
        EXPECT_TRUE(o.at("responses").as_object().contains("default")) << key << ": the problem answer";
    }
    for (const auto& [path, item] : paths)
        for (const auto& [method, _] : item.as_object()) {
            std::string m = std::string(method);
            for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            EXPECT_TRUE(routed.count(m + " " + std::string(path))) << m << " " << path << " is documented but not served";
        }
}

// The problem codes a source file can answer with, found where the code writes them: a problem made
// with a literal code (also the two arms of a ?:), a request the reader refused, an OCR error, a
// licence verdict, and the codes of
// the error categories whose failures become problems (consents, packages, the platform).
std::set<std::string> problemCodesInSources() {
    const std::regex made(R"re(makeProblem\(\s*[^,;]+?,\s*(?:[^;,"]*\?\s*)?"([a-z][a-z_]*)"(?:\s*:\s*"([a-z][a-z_]*)")?)re");
    const std::regex refused(R"re(\brefused\(\s*\d+,\s*"([a-z][a-z_]*)")re");  // the request reader's
    const std::regex scanError(R"re(ScanError\{\s*\d+,\s*"([a-z][a-z_]*)")re");
    const std::regex verdict(R"re(\b(?:v|verdict)\.code\s*=\s*"([a-z][a-z_]*)")re");
    const std::regex category(R"re(case\s+(?:ConsentErrc|PackageErrc|GovErrorCode)::k\w+:\s*return\s*"([a-z][a-z_]*)")re");
    std::set<std::string> out;
    const std::filesystem::path root = std::getenv("LGW_SOURCE_DIR");
    for (const char* dir : {"gateway", "ocr", "security", "adapters"}) {
        for (auto& entry : std::filesystem::recursive_directory_iterator(root / dir)) {
            if (entry.path().extension() != ".cpp" && entry.path().extension() != ".hpp") continue;
            std::ifstream f(entry.path());
            std::stringstream ss;
            ss << f.rdbuf();
            const std::string text = ss.str();
            for (const auto* re : {&made, &refused, &scanError, &verdict, &category})
                for (std::sregex_iterator it(text.begin(), text.end(), *re), end; it != end; ++it)
                    for (std::size_t g = 1; g < it->size(); ++g)
                        if ((*it)[g].matched) out.insert((*it)[g].str());
        }
    }
    return out;
}

TEST(OpenApi, EveryProblemCodeTheCodeCanAnswerIsListedAndNoListedCodeIsMadeUp) {
    const json::object doc = shippedOpenApi();
    const auto listed = stringsOf(doc.at("components").at("schemas").at("ProblemCode").at("enum"));
    const auto inSources = problemCodesInSources();
    ASSERT_GT(inSources.size(), 40u) << "the scan of the sources found too little to be a scan: " << joined(inSources);
    for (auto& code : inSources)
        EXPECT_TRUE(listed.count(code)) << "the code can answer " << code << " but ProblemCode does not list it";
    for (auto& code : listed)
        EXPECT_TRUE(inSources.count(code)) << "ProblemCode lists " << code << " but no source answers it";
    // Each operation's codes, and the transport's, are codes of the list.
    for (auto& code : stringsOf(doc.at("x-transport-problem-codes")))
        EXPECT_TRUE(listed.count(code)) << "x-transport-problem-codes: " << code;
    for (const auto& [path, item] : doc.at("paths").as_object())
        for (const auto& [method, op] : item.as_object())
            for (auto& code : stringsOf(op.at("x-problem-codes")))
                EXPECT_TRUE(listed.count(code)) << method << " " << path << ": " << code << " is not a ProblemCode";
}

}  // namespace
}  // namespace lgw::testing
