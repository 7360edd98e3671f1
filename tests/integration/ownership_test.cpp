// Black-box, against the real binary with two front-desk keys (issue 17): each scenario of "Why"
// is one test named after it, refused with a documented problem and an access.denied alert.
// The gateway runs as `licence-gateway serve` on the shipped configuration (demo mode, its
// simulators, the log SMS sender) with two more front-desk keys, desk-a and desk-b.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <regex>

#include "security/crypto.hpp"
#include "tests/common/blank_page.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/common/files.hpp"
#include "tests/integration/process_harness.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string kDeskAKey = "key-of-desk-a-0123456789", kDeskBKey = "key-of-desk-b-0123456789";

// The shipped config with its repository-relative paths made absolute, the two desks' keys and
// whatever a test appends (TOML: later [[...]] tables extend the arrays).
std::string configText(const std::string& extra) {
    std::string cfg = std::regex_replace(readFile(sourceDir() + "/config/gateway.toml"), std::regex("\"config/"),
                                         "\"" + sourceDir() + "/config/");
    for (auto [id, key] : {std::pair{"desk-a", kDeskAKey}, std::pair{"desk-b", kDeskBKey}})
        cfg += std::string("\n[[auth.api_keys]]\nid = \"") + id + "\"\nrole = \"frontdesk\"\nsha256 = \"" +
               security::sha256Hex(key) + "\"\n";
    return cfg + extra;
}

class Served : public ServedBinary {
public:
    explicit Served(const std::string& extraConfig = "", const std::string& listenHost = "127.0.0.1")
        : ServedBinary("own") {
        start(configText(extraConfig),
              {"--listen", listenHost + ":" + std::to_string(port), "--data-dir", (dir / "data").string()});
    }
    bool up() {
        return waitServing([&] { return answersHealthz(port); });
    }

    ClientResponse call(const std::string& key, const std::string& method, const std::string& target,
                        const std::string& body = "", const std::string& type = "application/json",
                        std::vector<std::pair<std::string, std::string>> extra = {}) {
        HttpClient c(port);
        extra.emplace_back("Authorization", "Bearer " + key);
        if (!body.empty()) extra.emplace_back("Content-Type", type);
        return c.request(method, target, body, extra);
    }
    ClientResponse putApp(const std::string& key, const std::string& id, const std::string& phone = "13800001111") {
        return call(key, "PUT", "/v1/applications/" + id,
                    R"({"customer_category":"low_voltage_residential","customer_name":"合成示例","phone":")" + phone + "\"}");
    }
    std::string smsCode(const std::string& consentId) const {
        std::ifstream f(dir / "data" / "sms.ndjson");
        std::string line, code;
        while (std::getline(f, line)) {
            auto v = json::parse(line).as_object();
            if (v.at("reference").as_string() == consentId) code = std::string(v.at("params").at("code").as_string());
        }
        return code;
    }
    /// Consent, verify and fetch as desk A: the fetch's answer.
    json::object fetchAsDeskA(const std::string& app, const std::string& person) {
        auto consent = call(kDeskAKey, "POST", "/v1/consents",
                            R"({"application_id":")" + app + R"(","subject":{"type":"person","code":")" + person +
                                R"("},"licence_types":["id_card"],"purpose":"power_connection"})");
        EXPECT_EQ(consent.status, 201) << consent.body;
        auto id = consent.jsonString("consent_id");
        auto grant = call(kDeskAKey, "POST", "/v1/consents/" + id + "/verify", R"({"code":")" + smsCode(id) + "\"}");
        EXPECT_EQ(grant.status, 200) << grant.body;
        auto fetched = call(kDeskAKey, "POST", "/v1/grants/" + grant.jsonString("grant_id") + "/licences");
        EXPECT_EQ(fetched.status, 200) << fetched.body;
        return json::parse(fetched.body).as_object();
    }
    /// The access.denied alerts of `actor` that attempted `action` on `target`.
    std::size_t deniedAlerts(const std::string& actor, const std::string& action, const std::string& target) {
        auto r = call("demo-auditor", "GET", "/v1/audit/alerts?action=access.denied&actor=" + actor + "&document=" + target);
        std::size_t n = 0;
        json::value alerts = json::parse(r.body);  // named: a range-for over a member of a temporary would dangle
        for (auto& a : alerts.at("alerts").as_array())
            if (a.at("detail").at("attempted").as_string() == action) ++n;
        return n;
    }
};

// One gateway for the scenarios; each uses application ids of its own.
class Ownership : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        gw = new Served("\n[[access.assignments]]\nprincipal = \"desk-b\"\napplications = [\"SHARED-*\"]\n");
        ASSERT_TRUE(gw->up()) << gw->log();
    }
    static void TearDownTestSuite() {
        delete gw;
        gw = nullptr;
    }
    static Served* gw;
};
Served* Ownership::gw = nullptr;

std::string aPerson() {
    return Holders().find([](const json::object& h) { return h.at("holder_code_type").as_string() == "ID"; });
}

std::string phoneOnRecordOf(const std::string& code) {
    const Holders holders;
    for (auto& h : holders.all)
        if (h.at("holder_code").as_string() == code) return std::string(h.at("phone").as_string());
    return {};
}

}  // namespace

TEST_F(Ownership, DeskBCannotReadDeskAsApplication) {
    ASSERT_EQ(gw->putApp(kDeskAKey, "OWN-READ").status, 201);
    auto r = gw->call(kDeskBKey, "GET", "/v1/applications/OWN-READ");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.jsonString("code"), "access_denied");
    EXPECT_EQ(r.body.find("13800001111"), std::string::npos);
    EXPECT_EQ(gw->deniedAlerts("desk-b", "application.read", "OWN-READ"), 1u);
    EXPECT_EQ(gw->call(kDeskAKey, "GET", "/v1/applications/OWN-READ").status, 200);
}

TEST_F(Ownership, DeskBCannotOverwriteThePhoneThatDeskAsRemindersGoTo) {
    ASSERT_EQ(gw->putApp(kDeskAKey, "OWN-PHONE", "13900001111").status, 201);
    auto r = gw->putApp(kDeskBKey, "OWN-PHONE", "13700009999");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.jsonString("code"), "not_owner");
    EXPECT_NE(r.jsonString("detail").find("desk-a"), std::string::npos) << r.body;
    EXPECT_EQ(json::parse(gw->call(kDeskAKey, "GET", "/v1/applications/OWN-PHONE").body).at("phone").as_string(), "13900001111");
    EXPECT_EQ(gw->deniedAlerts("desk-b", "application.write", "OWN-PHONE"), 1u);
    // Desk A's own update is 200, audited with the change masked.
    EXPECT_EQ(gw->putApp(kDeskAKey, "OWN-PHONE", "13900002222").status, 200);
    auto ev = gw->call("demo-auditor", "GET", "/v1/audit/events?action=application.write&document=OWN-PHONE");
    EXPECT_NE(ev.body.find("139****1111"), std::string::npos) << ev.body;
    EXPECT_NE(ev.body.find("139****2222"), std::string::npos) << ev.body;
    EXPECT_EQ(ev.body.find("13900002222"), std::string::npos) << ev.body;
}

TEST_F(Ownership, DeskBCannotScanIntoDeskAsApplicationNorReadItsCustomerBackFromTheCrossCheck) {
    ASSERT_EQ(gw->putApp(kDeskAKey, "OWN-SCAN").status, 201);
    const std::string person = aPerson();
    gw->fetchAsDeskA("OWN-SCAN", person);
    auto r = gw->call(kDeskBKey, "POST", "/v1/scans?application_id=OWN-SCAN", blankPage(600, 400, IFF_PNG), "image/png");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.jsonString("code"), "access_denied");
    EXPECT_EQ(r.body.find(person), std::string::npos);
    EXPECT_EQ(gw->deniedAlerts("desk-b", "scan.create", "OWN-SCAN"), 1u);
}

TEST_F(Ownership, DeskBCannotBuildReadOrPushDeskAsPackageNorSeeItsMismatch) {
    ASSERT_EQ(gw->putApp(kDeskAKey, "OWN-PKG").status, 201);
    gw->fetchAsDeskA("OWN-PKG", aPerson());
    auto built = gw->call(kDeskAKey, "POST", "/v1/applications/OWN-PKG/packages");
    ASSERT_EQ(built.status, 201) << built.body;
    const std::string pkg = built.jsonString("package_id");
    EXPECT_EQ(gw->call(kDeskBKey, "POST", "/v1/applications/OWN-PKG/packages").status, 403);
    EXPECT_EQ(gw->call(kDeskBKey, "GET", "/v1/applications/OWN-PKG/materials").status, 403);
    EXPECT_EQ(gw->call(kDeskBKey, "GET", "/v1/packages/" + pkg).status, 403);
    auto push = gw->call(kDeskBKey, "POST", "/v1/packages/" + pkg + "/push");
    EXPECT_EQ(push.status, 403);
    EXPECT_EQ(push.jsonString("code"), "access_denied");
    EXPECT_EQ(gw->deniedAlerts("desk-b", "package.read", pkg), 1u);
    EXPECT_EQ(gw->deniedAlerts("desk-b", "package.push", pkg), 1u);
    EXPECT_EQ(gw->deniedAlerts("desk-b", "package.build", "OWN-PKG"), 2u);  // the build and the materials
    EXPECT_EQ(gw->call(kDeskAKey, "GET", "/v1/packages/" + pkg).status, 200);
}

TEST_F(Ownership, RegisteringAnApplicationIdFirstCapturesNoneOfDeskAsWork) {
    ASSERT_EQ(gw->putApp(kDeskBKey, "OWN-SQUAT").status, 201);
    // Desk A is told the id is someone else's; nothing it fetches or scans can land under it.
    auto r = gw->putApp(kDeskAKey, "OWN-SQUAT");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.jsonString("code"), "not_owner");
    auto consent = gw->call(kDeskAKey, "POST", "/v1/consents",
                            R"({"application_id":"OWN-SQUAT","subject":{"type":"person","code":")" + aPerson() +
                                R"("},"licence_types":["id_card"],"purpose":"power_connection"})");
    EXPECT_EQ(consent.status, 403);
    // A create-only PUT says so without touching anything.
    auto createOnly = gw->call(kDeskAKey, "PUT", "/v1/applications/OWN-SQUAT",
                               R"({"customer_category":"low_voltage_residential","customer_name":"合成示例","phone":"13800001111"})",
                               "application/json", {{"If-None-Match", "*"}});
    EXPECT_EQ(createOnly.status, 412);
    EXPECT_EQ(createOnly.jsonString("code"), "application_exists");
    EXPECT_EQ(gw->putApp(kDeskBKey, "OWN-SQUAT").status, 200);  // its own stays its own
}

TEST_F(Ownership, AConsentForAnApplicationThatDoesNotExistIs404) {
    const std::size_t sent = readFile(gw->dir / "data" / "sms.ndjson").size();
    auto r = gw->call(kDeskAKey, "POST", "/v1/consents",
                      R"({"application_id":"OWN-NEVER","subject":{"type":"person","code":")" + aPerson() +
                          R"("},"licence_types":["id_card"],"purpose":"power_connection"})");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.jsonString("code"), "application_not_found");
    EXPECT_EQ(readFile(gw->dir / "data" / "sms.ndjson").size(), sent);  // no code went out
}

TEST_F(Ownership, ADeskAssignedByTheConfigWorksOnTheApplication) {
    ASSERT_EQ(gw->putApp(kDeskAKey, "SHARED-1").status, 201);
    EXPECT_EQ(gw->call(kDeskBKey, "GET", "/v1/applications/SHARED-1").status, 200);
    EXPECT_EQ(gw->putApp(kDeskBKey, "SHARED-1", "13600001111").status, 200);
    EXPECT_EQ(json::parse(gw->call(kDeskAKey, "GET", "/v1/applications/SHARED-1").body).at("created_by").as_string(), "desk-a");
}

TEST_F(Ownership, TheAuditExportOfAWalkthroughHoldsNoCompleteIdNumberOrPhone) {
    const std::string person = aPerson(), phone = "13500004444";
    ASSERT_EQ(gw->putApp(kDeskAKey, "OWN-WALK", phone).status, 201);
    gw->fetchAsDeskA("OWN-WALK", person);
    auto scan = gw->call(kDeskAKey, "POST", "/v1/scans?application_id=OWN-WALK", blankPage(600, 400, IFF_PNG), "image/png");
    EXPECT_EQ(scan.status, 201) << scan.body;
    auto built = gw->call(kDeskAKey, "POST", "/v1/applications/OWN-WALK/packages");
    ASSERT_EQ(built.status, 201) << built.body;
    EXPECT_EQ(gw->call(kDeskAKey, "POST", "/v1/packages/" + built.jsonString("package_id") + "/push").status, 202);
    gw->call(kDeskBKey, "GET", "/v1/applications/OWN-WALK");  // and a refusal
    auto exported = gw->call("demo-auditor", "GET", "/v1/audit/export");
    ASSERT_EQ(exported.status, 200);
    ASSERT_GT(exported.body.size(), 1000u);
    for (const std::string& secret : {person, phone, phoneOnRecordOf(person)}) {
        ASSERT_FALSE(secret.empty());
        EXPECT_EQ(exported.body.find(secret), std::string::npos) << secret << " is in the audit export";
    }
    // The subject's events are still found by its code.
    auto bySubject = gw->call("demo-auditor", "GET", "/v1/audit/events?subject=" + person);
    auto events = json::parse(bySubject.body).at("events").as_array();
    EXPECT_GE(events.size(), 4u) << bySubject.body;  // consent, verify, fetch, store at least
    for (auto& e : events) EXPECT_TRUE(e.at("subject").as_string().starts_with("h:")) << e.at("subject");
}

TEST_F(Ownership, TheMarketingSystemReadsOnlyWhatWasPushedToIt) {
    ASSERT_EQ(gw->putApp(kDeskAKey, "OWN-MKT").status, 201);
    auto fetched = gw->fetchAsDeskA("OWN-MKT", aPerson());
    const std::string licence(fetched.at("licences").as_array().at(0).at("document_id").as_string());
    auto scan = gw->call(kDeskAKey, "POST", "/v1/scans?application_id=OWN-MKT", blankPage(600, 400, IFF_PNG), "image/png");
    ASSERT_EQ(scan.status, 201) << scan.body;
    auto built = gw->call(kDeskAKey, "POST", "/v1/applications/OWN-MKT/packages");
    ASSERT_EQ(built.status, 201) << built.body;
    const std::string pkg = built.jsonString("package_id");
    EXPECT_EQ(gw->call("demo-marketing", "GET", "/v1/packages/" + pkg).status, 403);
    EXPECT_EQ(gw->call("demo-marketing", "GET", "/v1/documents/" + licence).status, 403);
    ASSERT_EQ(gw->call(kDeskAKey, "POST", "/v1/packages/" + pkg + "/push").status, 202);
    ASSERT_TRUE(waitUntil([&] { return gw->call(kDeskAKey, "GET", "/v1/packages/" + pkg).jsonString("status") == "delivered"; }, 20s));
    EXPECT_EQ(gw->call("demo-marketing", "GET", "/v1/packages/" + pkg).status, 200);
    EXPECT_EQ(gw->call("demo-marketing", "GET", "/v1/documents/" + licence).status, 200);
    // The scan was in no package item: it stays unreadable to the marketing system.
    EXPECT_EQ(gw->call("demo-marketing", "GET", "/v1/documents/" + scan.jsonString("document_id")).status, 403);
}

TEST(OwnershipStart, DemoModeRefusesToListenBeyondTheLoopback) {
    Served s("", "0.0.0.0");
    EXPECT_TRUE(waitUntil([&] { return !s.process->running(); }, 20s));
    EXPECT_EQ(s.process->wait(), 1);
    EXPECT_NE(s.log().find("demo mode (demo = true: the demo keys work) listens on the loopback only"), std::string::npos)
        << s.log();
}

TEST(OwnershipStart, AKeyFileOthersMayReadStopsTheStartWithItsPath) {
    Served first;
    ASSERT_TRUE(first.up()) << first.log();
    const fs::path dir = first.dir;
    first.process->kill(SIGTERM);
    const fs::path key = dir / "data" / "keys" / "kek.keyring";
    fs::permissions(key, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
    auto again = std::make_unique<Process>(
        std::vector<std::string>{"serve", "--config", (dir / "gateway.toml").string(), "--listen",
                                 "127.0.0.1:" + std::to_string(freePort()), "--data-dir", (dir / "data").string()},
        dir / "again.log", std::map<std::string, std::string>{});
    EXPECT_EQ(again->wait(), 1);
    auto log = readFile(dir / "again.log");
    EXPECT_NE(log.find(key.string()), std::string::npos) << log;
    EXPECT_NE(log.find("chmod 600"), std::string::npos) << log;
}
