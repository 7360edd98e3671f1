#include "gateway/http/dispatcher.hpp"

#include "adapters/transient_error.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include "security/crypto.hpp"

using namespace lgw;
using namespace lgw::gateway;

namespace {

asio::awaitable<Dispatcher::Admission> admitCopy(Dispatcher* d, HttpRequest* req);

asio::awaitable<HttpResponse> echoRole(HttpRequest req) {
    HttpResponse r;
    r.body = req.principal ? req.principal->role : "none";
    co_return r;
}

asio::awaitable<HttpResponse> throwing(HttpRequest) {
    throw std::runtime_error("secret internal detail");
    co_return HttpResponse{};
}

asio::awaitable<HttpResponse> storeDown(HttpRequest) {
    throw adapters::TransientError("PostgreSQL connection lost: host=db password=hunter2");
    co_return HttpResponse{};
}

class DispatcherTest : public ::testing::Test {
protected:
    DispatcherTest() : metrics_("test"), auth_(authConfig(), false), dispatcher_(router_, auth_, metrics_, 1024, 4096) {
        router_.add({"GET", "/open", {}, 0, {}, &echoRole});
        router_.add({"POST", "/v1/things/{id}", {"frontdesk", "admin"}, 2048, {"application/json"}, &echoRole});
        router_.add({"GET", "/v1/boom", {"admin"}, 0, {}, &throwing});
        router_.add({"GET", "/v1/store-down", {"admin"}, 0, {}, &storeDown});
    }

    static config::AuthConfig authConfig() {
        config::AuthConfig a;
        a.apiKeys.push_back({"fd", security::sha256Hex("fd-key"), "frontdesk", false});
        a.apiKeys.push_back({"au", security::sha256Hex("au-key"), "auditor", false});
        a.apiKeys.push_back({"ad", security::sha256Hex("ad-key"), "admin", false});
        return a;
    }

    HttpResponse run(HttpRequest req) {
        asio::io_context ioc;
        auto fut = asio::co_spawn(ioc, dispatcher_.dispatch(std::move(req)), asio::use_future);
        ioc.run();
        return fut.get();
    }

    static HttpRequest request(std::string method, std::string path, std::string key = "", std::string ct = "") {
        HttpRequest r;
        r.method = std::move(method);
        r.path = std::move(path);
        r.requestId = "rid";
        if (!key.empty()) r.headers.emplace_back("authorization", "Bearer " + key);
        if (!ct.empty()) r.headers.emplace_back("content-type", ct);
        return r;
    }

    static std::string code(const HttpResponse& r) {
        return std::string(boost::json::parse(r.body).as_object().at("code").as_string());
    }

    Router router_;
    Metrics metrics_;
    Authenticator auth_;
    Dispatcher dispatcher_;
};

}  // namespace

TEST_F(DispatcherTest, OpenRouteNeedsNoKey) {
    auto r = run(request("GET", "/open"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "none");
}

TEST_F(DispatcherTest, AuthenticatedAndAdmitted) {
    auto r = run(request("POST", "/v1/things/1", "fd-key", "application/json; charset=utf-8"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "frontdesk");
}

TEST_F(DispatcherTest, MissingUnknownAndNotAdmitted) {
    auto missing = run(request("POST", "/v1/things/1", "", "application/json"));
    EXPECT_EQ(missing.status, 401);
    EXPECT_EQ(code(missing), "missing_credentials");
    EXPECT_EQ(missing.headers.at(0).first, "WWW-Authenticate");
    auto unknown = run(request("POST", "/v1/things/1", "nope", "application/json"));
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(code(unknown), "unknown_api_key");
    auto role = run(request("POST", "/v1/things/1", "au-key", "application/json"));
    EXPECT_EQ(role.status, 403);
    EXPECT_EQ(code(role), "role_not_admitted");
}

TEST_F(DispatcherTest, WrongContentTypeIs415) {
    auto r = run(request("POST", "/v1/things/1", "fd-key", "text/plain"));
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(code(r), "unsupported_media_type");
    EXPECT_EQ(run(request("POST", "/v1/things/1", "fd-key")).status, 415);
}

TEST_F(DispatcherTest, NotFoundAndMethodNotAllowed) {
    EXPECT_EQ(run(request("GET", "/v1/nothing")).status, 404);
    auto r = run(request("DELETE", "/v1/things/1", "fd-key"));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.headers.at(0), (std::pair<std::string, std::string>{"Allow", "POST"}));
}

TEST_F(DispatcherTest, HandlerExceptionIsA500WithoutDetails) {
    auto r = run(request("GET", "/v1/boom", "ad-key"));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(code(r), "internal_error");
    EXPECT_EQ(r.body.find("secret internal detail"), std::string::npos);
    EXPECT_NE(r.body.find("rid"), std::string::npos);
}

// A database that is restarting is not a bug: 503 with Retry-After, so that clients and load
// balancers retry, and still no detail of the failure in the answer.
TEST_F(DispatcherTest, AnUnavailableStoreIsA503WithRetryAfter) {
    auto r = run(request("GET", "/v1/store-down", "ad-key"));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(code(r), "store_unavailable");
    EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
    bool retryAfter = false;
    for (auto& [k, v] : r.headers) retryAfter |= k == "Retry-After" && v == "1";
    EXPECT_TRUE(retryAfter);
}

// The body limit comes with the admission: the route's own, else the default.
TEST_F(DispatcherTest, PerRouteBodyLimits) {
    auto limitFor = [this](std::string method, std::string path) {
        HttpRequest req = request(std::move(method), std::move(path), "fd-key");
        asio::io_context ioc;
        auto fut = asio::co_spawn(ioc, admitCopy(&dispatcher_, &req), asio::use_future);
        ioc.run();
        return fut.get().bodyLimit;
    };
    EXPECT_EQ(limitFor("POST", "/v1/things/9"), 2048u);
    EXPECT_EQ(limitFor("GET", "/open"), 1024u);
    EXPECT_EQ(limitFor("GET", "/unknown"), 1024u);
}

TEST_F(DispatcherTest, MetricsCountByRouteAndStatus) {
    run(request("GET", "/open"));
    run(request("GET", "/v1/nothing"));
    auto text = metrics_.render();
    EXPECT_NE(text.find("lgw_http_requests_total{route=\"/open\",method=\"GET\",status=\"200\"} 1"), std::string::npos);
    EXPECT_NE(text.find("lgw_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1"),
              std::string::npos);
    EXPECT_NE(text.find("lgw_http_request_duration_seconds_count{route=\"/open\"} 1"), std::string::npos);
    EXPECT_NE(text.find("lgw_http_requests_in_flight 0"), std::string::npos);
}

namespace {
asio::awaitable<std::optional<Principal>> sessionOf(std::string token) {
    if (token == "down") throw adapters::TransientError("PostgreSQL connection lost: password=hunter2");
    if (token == "live") co_return Principal{"fd", "frontdesk", "session"};
    co_return std::nullopt;
}
}  // namespace

// The session cookie: resolved only when no other identity is named; writes need the CSRF token;
// an unknown session is a 401, a store that cannot answer a 503 (never an escaped exception).
TEST_F(DispatcherTest, SessionCookiesResolveWithCsrfOnWrites) {
    dispatcher_.onSession({&sessionOf, [](std::string_view t) { return "csrf-" + std::string(t); }});
    auto withCookie = [](std::string method, std::string token, std::string csrf = "") {
        auto r = request(std::move(method), "/v1/things/1", "", "application/json");
        r.headers.emplace_back("cookie", "a=b; lgw_session=" + token);
        if (!csrf.empty()) r.headers.emplace_back("x-csrf-token", csrf);
        return r;
    };
    auto ok = run(withCookie("POST", "live", "csrf-live"));
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "frontdesk");
    EXPECT_EQ(code(run(withCookie("POST", "live"))), "csrf_token_missing");
    EXPECT_EQ(code(run(withCookie("POST", "live", "csrf-other"))), "csrf_token_mismatch");
    auto gone = run(withCookie("POST", "gone", "csrf-gone"));
    EXPECT_EQ(gone.status, 401);
    EXPECT_EQ(code(gone), "session_expired");
    auto down = run(withCookie("POST", "down", "csrf-down"));
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(code(down), "store_unavailable");
    EXPECT_EQ(down.body.find("hunter2"), std::string::npos);
    // A bearer key wins over a cookie: the auditor key is not admitted here, whatever the cookie says.
    auto keyed = withCookie("POST", "live", "csrf-live");
    keyed.headers.emplace_back("authorization", "Bearer au-key");
    EXPECT_EQ(run(keyed).status, 403);
    // Every answer carries the browser protections.
    bool nosniff = false, frame = false;
    for (auto& [k, v] : ok.headers) {
        nosniff |= k == "X-Content-Type-Options" && v == "nosniff";
        frame |= k == "X-Frame-Options" && v == "DENY";
    }
    EXPECT_TRUE(nosniff && frame);
}

namespace {
asio::awaitable<Dispatcher::Admission> admitCopy(Dispatcher* d, HttpRequest* req) {
    auto admitting = d->admit(*req);
    co_return co_await std::move(admitting);
}
}  // namespace

// The header alone decides (issue 15): the transport reads no body for a request admit() refuses.
TEST_F(DispatcherTest, AdmissionJudgesTheHeaderBeforeAnyBody) {
    auto admit = [this](HttpRequest req) {
        asio::io_context ioc;
        auto fut = asio::co_spawn(ioc, admitCopy(&dispatcher_, &req), asio::use_future);
        ioc.run();
        return std::make_pair(fut.get(), req);
    };
    struct Case {
        HttpRequest req;
        int status;  ///< 0: admitted
        const char* code;
    };
    Case cases[] = {
        {request("POST", "/v1/things/7", "", "application/json"), 401, "missing_credentials"},
        {request("POST", "/v1/things/7", "wrong-key", "application/json"), 401, "unknown_api_key"},
        {request("POST", "/v1/things/7", "au-key", "application/json"), 403, "role_not_admitted"},
        {request("POST", "/v1/things/7", "fd-key", "image/png"), 415, "unsupported_media_type"},
        {request("POST", "/v1/nothing", "fd-key", "application/json"), 404, "not_found"},
        {request("DELETE", "/v1/things/7", "fd-key"), 405, "method_not_allowed"},
        {request("POST", "/v1/things/7", "fd-key", "application/json"), 0, ""},
    };
    for (auto& c : cases) {
        SCOPED_TRACE(c.req.method + " " + c.req.path);
        auto [a, req] = admit(c.req);
        if (c.status == 0) {
            ASSERT_FALSE(a.answer);
            EXPECT_EQ(a.bodyLimit, 2048u);  // the route's own limit
            EXPECT_EQ(a.label, "/v1/things/{id}");
            ASSERT_TRUE(req.principal);
            EXPECT_EQ(req.principal->role, "frontdesk");
            EXPECT_EQ(req.pathParams.at("id"), "7");
        } else {
            ASSERT_TRUE(a.answer);
            EXPECT_EQ(a.answer->status, c.status);
            EXPECT_EQ(code(*a.answer), c.code);
        }
    }
}
