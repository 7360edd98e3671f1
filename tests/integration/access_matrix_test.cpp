// The authorisation matrix (issue 17): every route the gateway serves × every caller (two front
// desks, the marketing system, an auditor, an admin, nobody) × {desk A's application or what hangs
// off it, nothing that exists}, with the status each must get. The rows are checked against the
// router's own table: a route added without a row, or a row whose route is gone, fails the test.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <array>
#include <map>
#include <set>

#include "gateway/http/router.hpp"
#include "security/crypto.hpp"
#include "tests/common/blank_page.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
namespace json = boost::json;

namespace {

// The callers, in the order each row runs them: desk A, who owns what the row acts on, goes last,
// so that what it changes (a grant used, a package pushed) has been tried by everyone else first.
enum Caller { kDeskB, kMarketing, kAuditor, kAdmin, kNobody, kDeskA, kCallers };
const char* const kCallerNames[] = {"desk-b", "marketing", "auditor", "admin", "nobody", "desk-a"};
const char* const kKeys[] = {"key-of-desk-b-0123456789", "demo-marketing", "demo-auditor", "demo-admin", "",
                             "key-of-desk-a-0123456789"};

using Statuses = std::array<int, kCallers>;  // in Caller order

// What desk A made before the matrix runs: its application and, hanging off it, a fetched
// e-licence, a scan, a package, a consent waiting for its code and an unused grant.
struct Made {
    std::string app = "APP-DESK-A";
    std::string document, scan, package, consent, grant;
};

struct Request {
    std::string method, target, body, contentType;
};

struct Row {
    std::string route;  ///< "METHOD pattern", as the router has it
    std::function<Request(const Made& m, bool existing, Caller who)> make;
    Statuses onDeskAs;  ///< the target is desk A's (for a route without a target: the only run)
    std::optional<Statuses> onNothing;  ///< the target does not exist; nullopt: the route has no target
};

std::vector<std::pair<std::string, std::string>> headersOf(Caller who, const std::string& contentType) {
    std::vector<std::pair<std::string, std::string>> h;
    if (who != kNobody) h.emplace_back("Authorization", std::string("Bearer ") + kKeys[who]);
    if (!contentType.empty()) h.emplace_back("Content-Type", contentType);
    return h;
}

const std::string kAppBody = R"({"customer_category":"low_voltage_residential","customer_name":"合成示例","phone":"13800001111"})";

std::string personOfRecord() {
    Holders h;
    return h.find([](const json::object& o) { return o.at("holder_code_type").as_string() == "ID" && !Holders::soonExpiring(o); });
}

std::string consentBody(const std::string& app) {
    return R"({"application_id":")" + app + R"(","subject":{"type":"person","code":")" + personOfRecord() +
           R"("},"licence_types":["id_card"],"purpose":"power_connection"})";
}

std::vector<Row> matrix() {
    const std::string png = blankPage(600, 400, IFF_PNG);
    auto get = [](std::string target) { return Request{"GET", std::move(target), "", ""}; };
    auto post = [](std::string target, std::string body = "", std::string type = "") {
        return Request{"POST", std::move(target), std::move(body), std::move(type)};
    };
    const std::string missing = "NO-SUCH-THING";
    //                    desk-b mkt  audit admin nobody desk-a
    const Statuses open = {200, 200, 200, 200, 200, 200};
    const Statuses auditors = {403, 403, 200, 200, 401, 403};
    return {
        {"GET /healthz", [=](auto&, bool, Caller) { return get("/healthz"); }, open, {}},
        {"GET /readyz", [=](auto&, bool, Caller) { return get("/readyz"); }, open, {}},
        {"GET /metrics", [=](auto&, bool, Caller) { return get("/metrics"); }, open, {}},
        {"GET /v1/openapi.json", [=](auto&, bool, Caller) { return get("/v1/openapi.json"); }, open, {}},
        {"GET /", [=](auto&, bool, Caller) { return get("/"); }, open, {}},
        {"GET /assets/{file}", [=](auto&, bool, Caller) { return get("/assets/app.js"); }, open, {}},
        // The counter's checklists are public; a category that does not exist is 404 for everyone.
        {"GET /checklists/{category}",
         [=](auto&, bool existing, Caller) { return get(existing ? "/checklists/high_voltage" : "/checklists/" + missing); },
         open, Statuses{404, 404, 404, 404, 404, 404}},
        {"GET /checklists/{category}/qr.png",
         [=](auto&, bool existing, Caller) {
             return get(existing ? "/checklists/low_voltage_residential/qr.png" : "/checklists/" + missing + "/qr.png");
         },
         open, Statuses{404, 404, 404, 404, 404, 404}},
        {"POST /v1/session", [=](auto&, bool, Caller) { return post("/v1/session", R"({"api_key":"wrong"})", "application/json"); },
         {401, 401, 401, 401, 401, 401}, {}},
        {"GET /v1/session", [=](auto&, bool, Caller) { return get("/v1/session"); }, {200, 200, 200, 200, 401, 200}, {}},
        {"DELETE /v1/session", [=](auto&, bool, Caller) { return Request{"DELETE", "/v1/session", "", ""}; },
         {200, 200, 200, 200, 401, 200}, {}},
        {"POST /v1/identity-codes/validate",
         [=](auto&, bool, Caller) { return post("/v1/identity-codes/validate", R"({"code":"110105194912310029"})", "application/json"); },
         {200, 200, 403, 200, 401, 200}, {}},
        {"PUT /v1/applications/{application_id}",
         [=](const Made& m, bool existing, Caller who) {
             return Request{"PUT", "/v1/applications/" + (existing ? m.app : std::string("NEW-") + kCallerNames[who]), kAppBody,
                            "application/json"};
         },
         {403, 403, 403, 403, 401, 200}, Statuses{201, 201, 403, 201, 401, 201}},
        {"GET /v1/applications/{application_id}",
         [=](const Made& m, bool existing, Caller) { return get("/v1/applications/" + (existing ? m.app : missing)); },
         {403, 200, 403, 200, 401, 200}, Statuses{404, 404, 403, 404, 401, 404}},
        {"GET /v1/applications/{application_id}/materials",
         [=](const Made& m, bool existing, Caller) { return get("/v1/applications/" + (existing ? m.app : missing) + "/materials"); },
         {403, 403, 403, 403, 401, 200}, Statuses{404, 403, 403, 403, 401, 404}},
        // The text read to the customer: whoever may start a consent.
        {"GET /v1/consent-text", [=](auto&, bool, Caller) { return get("/v1/consent-text"); },
         {200, 200, 403, 403, 401, 200}, {}},
        {"POST /v1/consents",
         [=](const Made& m, bool existing, Caller) { return post("/v1/consents", consentBody(existing ? m.app : missing), "application/json"); },
         {403, 403, 403, 403, 401, 201}, Statuses{404, 404, 403, 403, 401, 404}},
        // A consent and a grant are their caller's alone: anyone else is told there is none.
        {"POST /v1/consents/{consent_id}/resend",
         [=](const Made& m, bool existing, Caller) { return post("/v1/consents/" + (existing ? m.consent : missing) + "/resend"); },
         {404, 404, 403, 403, 401, 429}, Statuses{404, 404, 403, 403, 401, 404}},
        {"POST /v1/consents/{consent_id}/verify",
         [=](const Made& m, bool existing, Caller) {
             return post("/v1/consents/" + (existing ? m.consent : missing) + "/verify", R"({"code":"000000"})", "application/json");
         },
         {404, 404, 403, 403, 401, 401}, Statuses{404, 404, 403, 403, 401, 404}},
        {"POST /v1/grants/{grant_id}/licences",
         [=](const Made& m, bool existing, Caller) { return post("/v1/grants/" + (existing ? m.grant : missing) + "/licences"); },
         {403, 403, 403, 403, 401, 200}, Statuses{404, 404, 403, 403, 401, 404}},
        {"GET /v1/documents/{document_id}",
         [=](const Made& m, bool existing, Caller) { return get("/v1/documents/" + (existing ? m.document : missing)); },
         {403, 403, 403, 403, 401, 200}, Statuses{404, 404, 404, 404, 401, 404}},
        {"GET /v1/documents/{document_id}/meta",
         [=](const Made& m, bool existing, Caller) { return get("/v1/documents/" + (existing ? m.document : missing) + "/meta"); },
         {403, 403, 200, 200, 401, 200}, Statuses{404, 404, 404, 404, 401, 404}},
        {"POST /v1/scans",
         [=](const Made& m, bool existing, Caller) {
             return post("/v1/scans?application_id=" + (existing ? m.app : missing), png, "image/png");
         },
         {403, 403, 403, 403, 401, 201}, Statuses{404, 403, 403, 403, 401, 404}},
        // The work list: every front desk may ask, each sees its own scope (the test below).
        {"GET /v1/audit/subjects/{code}", [=](auto&, bool, Caller) { return get("/v1/audit/subjects/" + personOfRecord()); },
         auditors, {}},
        {"GET /v1/scans", [=](auto&, bool, Caller) { return get("/v1/scans?status=needs_review"); },
         {200, 403, 403, 403, 401, 200}, {}},
        {"PATCH /v1/scans/{document_id}/fields",
         [=](const Made& m, bool existing, Caller) {
             return Request{"PATCH", "/v1/scans/" + (existing ? m.scan : missing) + "/fields", R"({"fields":{"name":"x"}})",
                            "application/json"};
         },
         {403, 403, 403, 403, 401, 422}, Statuses{404, 403, 403, 403, 401, 404}},
        {"POST /v1/applications/{application_id}/packages",
         [=](const Made& m, bool existing, Caller) { return post("/v1/applications/" + (existing ? m.app : missing) + "/packages"); },
         {403, 403, 403, 403, 401, 201}, Statuses{404, 403, 403, 403, 401, 404}},
        // Before the push: the marketing system reads a package only once it was pushed to it.
        {"GET /v1/packages/{package_id}",
         [=](const Made& m, bool existing, Caller) { return get("/v1/packages/" + (existing ? m.package : missing)); },
         {403, 403, 403, 200, 401, 200}, Statuses{404, 404, 403, 404, 401, 404}},
        {"POST /v1/packages/{package_id}/push",
         [=](const Made& m, bool existing, Caller) { return post("/v1/packages/" + (existing ? m.package : missing) + "/push"); },
         {403, 403, 403, 403, 401, 202}, Statuses{404, 403, 403, 403, 401, 404}},
        {"POST /v1/packages/{package_id}/replay",
         [=](const Made& m, bool existing, Caller) { return post("/v1/packages/" + (existing ? m.package : missing) + "/replay"); },
         {403, 403, 403, 409, 401, 403}, Statuses{403, 403, 403, 404, 401, 403}},
        {"GET /v1/audit/events", [=](auto&, bool, Caller) { return get("/v1/audit/events"); }, auditors, {}},
        {"GET /v1/audit/alerts", [=](auto&, bool, Caller) { return get("/v1/audit/alerts"); }, auditors, {}},
        {"GET /v1/audit/verify", [=](auto&, bool, Caller) { return get("/v1/audit/verify"); }, auditors, {}},
        {"GET /v1/audit/export", [=](auto&, bool, Caller) { return get("/v1/audit/export"); }, auditors, {}},
        {"POST /v1/audit/identify", [=](auto&, bool, Caller) { return post("/v1/audit/identify", png, "image/png"); }, auditors, {}},
    };
}

// Desk A's application and everything the rows act on.
Made prepare(SimGateway& s) {
    Made m;
    auto as = [](Caller who, const std::string& type = "application/json") { return headersOf(who, type); };
    HttpClient c(s.gw->port);
    EXPECT_EQ(c.request("PUT", "/v1/applications/" + m.app, kAppBody, as(kDeskA)).status, 201);
    auto consentFor = [&]() {
        auto r = c.request("POST", "/v1/consents", consentBody(m.app), as(kDeskA));
        EXPECT_EQ(r.status, 201) << r.body;
        return r.jsonString("consent_id");
    };
    auto grantOf = [&](const std::string& consent) {
        auto r = c.request("POST", "/v1/consents/" + consent + "/verify", R"({"code":")" + s.smsCode(consent) + "\"}", as(kDeskA));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.jsonString("grant_id");
    };
    auto fetched = c.request("POST", "/v1/grants/" + grantOf(consentFor()) + "/licences", "", as(kDeskA));
    EXPECT_EQ(fetched.status, 200) << fetched.body;
    m.document = std::string(json::parse(fetched.body).at("licences").as_array().at(0).at("document_id").as_string());
    m.grant = grantOf(consentFor());
    m.consent = consentFor();
    auto scan = c.request("POST", "/v1/scans?application_id=" + m.app, blankPage(600, 400, IFF_PNG), as(kDeskA, "image/png"));
    EXPECT_EQ(scan.status, 201) << scan.body;
    m.scan = scan.jsonString("document_id");
    auto pkg = c.request("POST", "/v1/applications/" + m.app + "/packages", "", as(kDeskA, ""));
    EXPECT_EQ(pkg.status, 201) << pkg.body;
    m.package = pkg.jsonString("package_id");
    return m;
}

void addDeskKeys(config::Config& c) {
    c.auth.apiKeys.push_back({"desk-a", security::sha256Hex(kKeys[kDeskA]), "frontdesk", false});
    c.auth.apiKeys.push_back({"desk-b", security::sha256Hex(kKeys[kDeskB]), "frontdesk", false});
    c.server.readTimeoutMs = 10000;  // the scans are read by real OCR workers
}

}  // namespace

TEST(AccessMatrix, EveryRouteHasARow) {
    SimGateway s(addDeskKeys);
    std::set<std::string> rows;
    for (auto& r : matrix()) rows.insert(r.route);
    std::set<std::string> served;
    for (auto& route : s.gw->app().router().routes()) {
        std::string key = route.method + " " + route.pattern;
        served.insert(key);
        EXPECT_TRUE(rows.count(key)) << key << " has no row in the authorisation matrix: add one with the status of each caller";
    }
    for (auto& r : rows) EXPECT_TRUE(served.count(r)) << r << " is in the matrix but the gateway serves no such route";
}

TEST(AccessMatrix, EveryCallerGetsTheStatusOfItsRowOnDeskAsWorkAndOnNothing) {
    SimGateway s(addDeskKeys);
    const Made made = prepare(s);
    ASSERT_FALSE(::testing::Test::HasFailure()) << "desk A's work could not be prepared";
    for (auto& row : matrix()) {
        for (bool existing : {false, true}) {
            if (!existing && !row.onNothing) continue;
            const Statuses& want = existing ? row.onDeskAs : *row.onNothing;
            for (int who = 0; who < kCallers; ++who) {
                auto caller = static_cast<Caller>(who);
                Request req = row.make(made, existing, caller);
                HttpClient c(s.gw->port);
                auto r = c.request(req.method, req.target, req.body, headersOf(caller, req.contentType));
                EXPECT_EQ(r.status, want[who]) << row.route << " by " << kCallerNames[who] << " on "
                                               << (existing ? "desk A's" : "nothing") << ": " << r.body;
            }
        }
    }
    // Every refusal by the scope of a rule is an alert naming what was attempted.
    HttpClient c(s.gw->port);
    auto alerts = json::parse(c.request("GET", "/v1/audit/alerts?action=access.denied&actor=desk-b&limit=500", "",
                                        headersOf(kAuditor, "")).body);
    std::set<std::string> attempted;
    for (auto& a : alerts.at("alerts").as_array())
        if (auto* d = a.at("detail").as_object().if_contains("attempted")) attempted.insert(std::string(d->as_string()));
    for (auto action : {"application.read", "application.write", "consent.create", "document.read", "document.meta",
                        "scan.create", "scan.correct", "package.build", "package.read", "package.push"})
        EXPECT_TRUE(attempted.count(action)) << "no access.denied alert for desk B's " << action;
}

// Issue 19's review queue beside its happy path: another desk, another role, missing and hostile
// parameters. Pages are "read" by the scripted worker so that which fields wait is known.
TEST(AccessMatrix, TheReviewQueueShowsEachDeskOnlyTheScansItMayCorrect) {
    SimGateway s([](config::Config& c) {
        addDeskKeys(c);
        c.ocr.workerBinary = LGW_FAKE_OCR_WORKER;
    });
    HttpClient c(s.gw->port);
    auto as = [](Caller who, const std::string& type = "application/json") { return headersOf(who, type); };
    ASSERT_EQ(c.request("PUT", "/v1/applications/REVIEW-A", kAppBody, as(kDeskA)).status, 201);
    ASSERT_EQ(c.request("PUT", "/v1/applications/REVIEW-B", kAppBody, as(kDeskB)).status, 201);
    auto scan = [&](Caller who, const std::string& app, const std::string& bytes) {
        auto r = c.request("POST", "/v1/scans?application_id=" + app, bytes, as(who, "image/png"));
        EXPECT_EQ(r.status, 201) << r.body;
        return r.jsonString("document_id");
    };
    const std::string a1 = scan(kDeskA, "REVIEW-A", "review"), a2 = scan(kDeskA, "REVIEW-A", "review");
    scan(kDeskA, "REVIEW-A", "ok");  // nothing to review: not listed
    const std::string b1 = scan(kDeskB, "REVIEW-B", "review");
    auto queue = [&](Caller who) {
        auto r = c.request("GET", "/v1/scans?status=needs_review", "", as(who, ""));
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> ids;
        const json::value doc = json::parse(r.body);  // named: a temporary would die before the loop
        for (auto& v : doc.at("scans").as_array()) {
            ids.emplace_back(v.at("document_id").as_string());
            EXPECT_EQ(v.at("fields_to_review"), (json::array{"name"})) << r.body;
        }
        return ids;
    };
    EXPECT_EQ(queue(kDeskA), (std::vector<std::string>{a1, a2})) << "oldest first, only desk A's";
    EXPECT_EQ(queue(kDeskB), (std::vector<std::string>{b1})) << "desk B never sees desk A's customers";
    // A correction takes a scan off the list once no field is left to review.
    auto fixed = c.request("PATCH", "/v1/scans/" + a1 + "/fields", R"({"fields":{"name":"合成示例"}})", as(kDeskA));
    ASSERT_EQ(fixed.status, 200) << fixed.body;
    EXPECT_EQ(queue(kDeskA), (std::vector<std::string>{a2}));
    auto limited = c.request("GET", "/v1/scans?status=needs_review&limit=1", "", as(kDeskB, ""));
    EXPECT_EQ(json::parse(limited.body).at("scans").as_array().size(), 1u);
    for (std::string bad : {"/v1/scans", "/v1/scans?status=ok", "/v1/scans?status=needs_review&limit=0",
                            "/v1/scans?status=needs_review&limit=9x", "/v1/scans?status=needs_review&limit=201"}) {
        auto r = c.request("GET", bad, "", as(kDeskA, ""));
        EXPECT_EQ(r.status, 422) << bad << ": " << r.body;
        EXPECT_NE(r.body.find(bad.find("limit") == std::string::npos ? "\"field\":\"status\"" : "\"field\":\"limit\""), std::string::npos)
            << bad << ": " << r.body;
    }
    EXPECT_EQ(c.request("GET", "/v1/scans?status=needs_review", "", as(kMarketing, "")).status, 403);
    EXPECT_EQ(c.request("GET", "/v1/scans?status=needs_review", "", as(kNobody, "")).status, 401);
}
