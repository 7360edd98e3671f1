// The console's server side: sign-in for a session cookie, CSRF on state-changing requests, idle and
// absolute expiry, sign-out, the static files with their security headers, and the materials view
// the front desk page reads. The browser itself is driven by tests/e2e (e2e_console).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway/app/app.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/sim_fixture.hpp"
#include "tests/integration/test_gateway.hpp"

namespace lgw::testing {
namespace {

namespace json = boost::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

const Headers kJson = {{"Content-Type", "application/json"}};

struct Session {
    std::string cookie;  // "lgw_session=..."
    std::string csrf;
    std::string setCookie;
    std::string expiresAt;
};

Session signIn(HttpClient& c, const std::string& key) {
    auto r = c.request("POST", "/v1/session", R"({"api_key":")" + key + "\"}", kJson);
    EXPECT_EQ(r.status, 201) << r.body;
    Session s;
    s.setCookie = r.header("set-cookie");
    s.cookie = s.setCookie.substr(0, s.setCookie.find(';'));
    s.csrf = r.jsonString("csrf_token");
    s.expiresAt = r.jsonString("expires_at");
    return s;
}

Headers with(const Session& s, bool csrf, Headers extra = kJson) {
    extra.emplace_back("Cookie", "theme=dark; " + s.cookie);
    if (csrf) extra.emplace_back("X-CSRF-Token", s.csrf);
    return extra;
}

const std::string kApp = R"({"customer_category":"low_voltage_residential","customer_name":"测试客户","phone":"13800001111"})";

TEST(Console, SignInGivesAnHttpOnlyStrictCookieAndCsrfGuardsWrites) {
    TestGateway gw;
    HttpClient c(gw.port);

    auto wrong = c.request("POST", "/v1/session", R"({"api_key":"demo-nobody"})", kJson);
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.jsonString("code"), "unknown_api_key");
    EXPECT_TRUE(wrong.header("set-cookie").empty());
    auto malformed = c.request("POST", "/v1/session", R"({"key":"demo-frontdesk"})", kJson);
    EXPECT_EQ(malformed.status, 422) << malformed.body;
    // Not an object at all: the same 422, naming the body and its shape (one check for every route).
    auto notObject = c.request("POST", "/v1/session", R"(["demo-frontdesk"])", kJson);
    EXPECT_EQ(notObject.status, 422) << notObject.body;
    EXPECT_NE(notObject.body.find("(body)"), std::string::npos) << notObject.body;
    EXPECT_TRUE(notObject.header("set-cookie").empty());

    auto s = signIn(c, "demo-frontdesk");
    EXPECT_EQ(s.cookie.rfind("lgw_session=", 0), 0u) << s.setCookie;
    EXPECT_GE(s.cookie.size(), std::string("lgw_session=").size() + 64);
    for (const char* attr : {"; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=36000"})
        EXPECT_NE(s.setCookie.find(attr), std::string::npos) << attr << " in " << s.setCookie;
    EXPECT_EQ(s.setCookie.find("Secure"), std::string::npos) << "plain HTTP on loopback: no Secure";
    EXPECT_EQ(s.csrf.size(), 64u);

    auto me = c.request("GET", "/v1/session", "", with(s, false, {}));
    ASSERT_EQ(me.status, 200) << me.body;
    auto mv = json::parse(me.body).as_object();
    EXPECT_EQ(mv.at("principal").at("id").as_string(), "demo-frontdesk");
    EXPECT_EQ(mv.at("principal").at("role").as_string(), "frontdesk");
    EXPECT_EQ(mv.at("csrf_token").as_string(), s.csrf);
    EXPECT_FALSE(s.expiresAt.empty());
    EXPECT_EQ(mv.at("expires_at").as_string(), s.expiresAt);  // the absolute end does not move

    // Reads need no token; writes do, and a wrong one is no better than none. Nothing is written.
    EXPECT_EQ(c.request("GET", "/v1/applications/YK1", "", with(s, false, {})).status, 404);
    auto missing = c.request("PUT", "/v1/applications/YK1", kApp, with(s, false));
    EXPECT_EQ(missing.status, 403);
    EXPECT_EQ(missing.jsonString("code"), "csrf_token_missing");
    Session forged = s;
    forged.csrf = std::string(64, 'a');
    auto mismatch = c.request("PUT", "/v1/applications/YK1", kApp, with(forged, true));
    EXPECT_EQ(mismatch.status, 403);
    EXPECT_EQ(mismatch.jsonString("code"), "csrf_token_mismatch");
    EXPECT_EQ(c.request("GET", "/v1/applications/YK1", "", with(s, false, {})).status, 404);
    auto ok = c.request("PUT", "/v1/applications/YK1", kApp, with(s, true));
    EXPECT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(json::parse(ok.body).at("created_by").as_string(), "demo-frontdesk");

    // The session carries the role: an auditor route is still refused.
    EXPECT_EQ(c.request("GET", "/v1/audit/verify", "", with(s, false, {})).status, 403);
    // An API key caller is unaffected by cookies and needs no CSRF token.
    Headers bearer = {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "application/json"}};
    EXPECT_EQ(c.request("PUT", "/v1/applications/YK2", kApp, bearer).status, 201);

    // Sign-out clears the cookie and ends the session for good.
    auto out = c.request("DELETE", "/v1/session", "", with(s, true, {}));
    EXPECT_EQ(out.status, 200) << out.body;
    EXPECT_NE(out.header("set-cookie").find("lgw_session=;"), std::string::npos);
    EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
    auto after = c.request("GET", "/v1/applications/YK1", "", with(s, false, {}));
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(after.jsonString("code"), "session_expired");

    // Sign-in, a refused sign-in (an alert) and sign-out are in the audit trail; so is the CSRF refusal.
    Headers auditor = {{"Authorization", "Bearer demo-auditor"}};
    auto ev = json::parse(c.request("GET", "/v1/audit/events?action=session.sign_in", "", auditor).body).as_object();
    auto& list = ev.at("events").as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("outcome").as_string(), "allowed");
    EXPECT_EQ(list[1].at("outcome").as_string(), "denied");
    EXPECT_TRUE(list[1].at("alert").as_bool());
    auto outs = json::parse(c.request("GET", "/v1/audit/events?action=session.sign_out", "", auditor).body);
    EXPECT_EQ(outs.at("events").as_array().size(), 1u);
    auto denied = json::parse(c.request("GET", "/v1/audit/alerts?action=access.denied", "", auditor).body);
    EXPECT_GE(denied.at("alerts").as_array().size(), 3u) << "two CSRF refusals and the auditor route";
}

TEST(Console, SessionsEndWhenIdleAndAtTheirAbsoluteAge) {
    auto shared = std::make_shared<FakeClock>();
    FakeClock& clock = *shared;
    TestGateway gw([](config::Config& c) {
        c.console.sessionIdleMinutes = 30;
        c.console.sessionAbsoluteHours = 2;
    }, shared);
    HttpClient c(gw.port);

    auto idle = signIn(c, "demo-auditor");
    clock.advance(std::chrono::minutes(29));
    EXPECT_EQ(c.request("GET", "/v1/audit/verify", "", with(idle, false, {})).status, 200);
    clock.advance(std::chrono::minutes(30) + std::chrono::seconds(1));
    auto gone = c.request("GET", "/v1/audit/verify", "", with(idle, false, {}));
    EXPECT_EQ(gone.status, 401);
    EXPECT_EQ(gone.jsonString("code"), "session_expired");

    // Busy all along, still over at two hours.
    auto busy = signIn(c, "demo-auditor");
    for (int i = 0; i < 5; ++i) {
        clock.advance(std::chrono::minutes(20));
        EXPECT_EQ(c.request("GET", "/v1/session", "", with(busy, false, {})).status, 200) << i;
    }
    clock.advance(std::chrono::minutes(21));
    EXPECT_EQ(c.request("GET", "/v1/session", "", with(busy, false, {})).status, 401);
}

TEST(Console, SessionsSurviveARestartButNotTheirKeysRevocation) {
    auto dir = freshTempDir("console-restart");
    auto at = [&](bool withoutAuditorKey) {
        return [dir, withoutAuditorKey](config::Config& c) {
            c.dataDir = dir.string();
            if (withoutAuditorKey)
                std::erase_if(c.auth.apiKeys, [](const config::ApiKey& k) { return k.id == "demo-auditor"; });
        };
    };
    Session s;
    {
        TestGateway gw(at(false));
        HttpClient c(gw.port);
        s = signIn(c, "demo-auditor");
    }
    {
        TestGateway gw(at(false));
        HttpClient c(gw.port);
        EXPECT_EQ(c.request("GET", "/v1/audit/verify", "", with(s, false, {})).status, 200) << "the store keeps sessions";
    }
    {
        TestGateway gw(at(true));
        HttpClient c(gw.port);
        auto r = c.request("GET", "/v1/audit/verify", "", with(s, false, {}));
        EXPECT_EQ(r.status, 401);
        EXPECT_EQ(r.jsonString("code"), "session_expired");
    }
    {
        TestGateway gw(at(false));
        HttpClient c(gw.port);
        EXPECT_EQ(c.request("GET", "/v1/audit/verify", "", with(s, false, {})).status, 401) << "gone for good";
    }
    std::filesystem::remove_all(dir);
}

TEST(Console, AFloodOfWrongKeysIsCutOffWithoutLockingPeopleOut) {
    TestGateway gw;
    HttpClient c(gw.port);
    int refused = 0, limited = 0;
    for (int i = 0; i < 40; ++i) {
        auto r = c.request("POST", "/v1/session", R"({"api_key":"guess-)" + std::to_string(i) + "\"}", kJson);
        refused += r.status == 401;
        if (r.status == 429) {
            ++limited;
            EXPECT_EQ(r.jsonString("code"), "rate_limited");
            EXPECT_FALSE(r.header("retry-after").empty());
        }
    }
    EXPECT_EQ(refused, 30);
    EXPECT_EQ(limited, 10);
    signIn(c, "demo-frontdesk");  // a right key still signs in (201 asserted inside)
    auto ev = json::parse(c.request("GET", "/v1/audit/alerts?action=session.sign_in", "",
                                    {{"Authorization", "Bearer demo-auditor"}}).body);
    EXPECT_EQ(ev.at("alerts").as_array().size(), 30u) << "the cut-off answers are not audited one by one";
}

TEST(Console, CookieIsSecureBehindATlsProxy) {
    TestGateway gw([](config::Config& c) { c.console.cookieSecure = "always"; });
    HttpClient c(gw.port);
    auto s = signIn(c, "demo-frontdesk");
    EXPECT_NE(s.setCookie.find("; Secure"), std::string::npos) << s.setCookie;
}

TEST(Console, PagesCarryTheirSecurityHeadersAndRevalidate) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto index = c.request("GET", "/");
    ASSERT_EQ(index.status, 200);
    EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(index.body.find("/assets/app.js"), std::string::npos);
    auto csp = index.header("content-security-policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("http"), std::string::npos) << "no CDN: " << csp;
    EXPECT_EQ(index.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(index.header("referrer-policy"), "no-referrer");
    EXPECT_EQ(index.header("x-frame-options"), "DENY");
    // No inline script or style in the page itself, and nothing fetched from elsewhere.
    EXPECT_EQ(index.body.find("<script>"), std::string::npos);
    EXPECT_EQ(index.body.find("style="), std::string::npos);
    EXPECT_EQ(index.body.find("//cdn"), std::string::npos);

    auto js = c.request("GET", "/assets/app.js");
    ASSERT_EQ(js.status, 200);
    EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
    auto etag = js.header("etag");
    ASSERT_FALSE(etag.empty());
    auto again = c.request("GET", "/assets/app.js", "", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(c.request("GET", "/assets/nope.js").status, 404);
    EXPECT_EQ(c.request("GET", "/assets/..%2Fconfig%2Fgateway.toml").status, 404);

    // API answers are not pages: nothing may run or frame them either.
    auto api = c.request("GET", "/healthz");
    EXPECT_EQ(api.header("content-security-policy"), "default-src 'none'; frame-ancestors 'none'");
    EXPECT_EQ(api.header("x-content-type-options"), "nosniff");
}

TEST(Console, CanBeTurnedOffAndRefusesADirectoryWithoutIndex) {
    {
        TestGateway gw([](config::Config& c) { c.console.enabled = false; });
        HttpClient c(gw.port);
        EXPECT_EQ(c.request("GET", "/").status, 404);
        EXPECT_EQ(c.request("POST", "/v1/session", R"({"api_key":"demo-frontdesk"})", kJson).status, 201)
            << "sessions stay: another console may be served elsewhere";
    }
    try {
        TestGateway gw([](config::Config& c) { c.console.dir = "/nonexistent/web"; });
        FAIL() << "started without console files";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("console.dir"), std::string::npos) << e.what();
    }
}

TEST(Console, MaterialsShowsTheChecklistWithoutBuildingAPackage) {
    TestGateway gw;
    HttpClient c(gw.port);
    Headers fd = {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "application/json"}};
    EXPECT_EQ(c.request("GET", "/v1/applications/YK404/materials", "", fd).status, 404);
    ASSERT_EQ(c.request("PUT", "/v1/applications/YK7", kApp, fd).status, 201);
    auto r = c.request("GET", "/v1/applications/YK7/materials", "", fd);
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = json::parse(r.body).as_object();
    EXPECT_FALSE(v.at("identity_present").as_bool());
    EXPECT_FALSE(v.at("complete").as_bool());
    EXPECT_FALSE(v.contains("package_id"));
    EXPECT_TRUE(v.at("documents").as_array().empty());
    auto& items = v.at("items").as_array();
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0].at("material").as_string(), "identity_proof");
    EXPECT_EQ(items[0].at("status").as_string(), "missing");
    EXPECT_EQ(items[1].at("status").as_string(), "deferred");
    EXPECT_TRUE(items[1].as_object().contains("due"));
    // Nothing was built: the auditor sees no package.build event.
    auto ev = json::parse(c.request("GET", "/v1/audit/events?action=package.build", "", {{"Authorization", "Bearer demo-auditor"}}).body);
    EXPECT_TRUE(ev.at("events").as_array().empty());
    // A bare "?" is no parameter.
    EXPECT_EQ(c.request("GET", "/v1/audit/export?", "", {{"Authorization", "Bearer demo-auditor"}}).status, 200);
}

}  // namespace
}  // namespace lgw::testing
