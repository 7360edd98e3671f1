#include "gateway/http/router.hpp"

#include <gtest/gtest.h>

using namespace lgw::gateway;

namespace {
Handler noop() {
    return [](HttpRequest) -> asio::awaitable<HttpResponse> { co_return HttpResponse{}; };
}
}  // namespace

TEST(Router, MatchesLiteralAndParameterSegments) {
    Router r;
    r.add({"POST", "/v1/consents", {}, 0, {}, noop()});
    r.add({"POST", "/v1/consents/{consent_id}/verify", {}, 0, {}, noop()});
    auto m = r.match("POST", "/v1/consents/abc123/verify");
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.route->pattern, "/v1/consents/{consent_id}/verify");
    EXPECT_EQ(m.params.at("consent_id"), "abc123");
    EXPECT_TRUE(r.match("POST", "/v1/consents").route);
    EXPECT_TRUE(r.match("POST", "/v1/consents/").route);  // a trailing slash is the same path
}

TEST(Router, UnknownPathIsNotFoundAndWrongMethodListsAllowed) {
    Router r;
    r.add({"PUT", "/v1/applications/{id}", {}, 0, {}, noop()});
    r.add({"GET", "/v1/applications/{id}", {}, 0, {}, noop()});
    auto none = r.match("GET", "/v1/nothing");
    EXPECT_FALSE(none.route);
    EXPECT_TRUE(none.allowedMethods.empty());
    auto wrong = r.match("DELETE", "/v1/applications/x");
    EXPECT_FALSE(wrong.route);
    EXPECT_EQ(wrong.allowedMethods, (std::vector<std::string>{"PUT", "GET"}));
    EXPECT_FALSE(r.match("GET", "/v1/applications/x/extra").route);
}

TEST(Router, LiteralBeatsParameter) {
    Router r;
    r.add({"GET", "/v1/documents/{id}", {}, 0, {}, noop()});
    r.add({"GET", "/v1/documents/meta", {}, 0, {}, noop()});
    EXPECT_EQ(r.match("GET", "/v1/documents/meta").route->pattern, "/v1/documents/meta");
    EXPECT_EQ(r.match("GET", "/v1/documents/d1").route->pattern, "/v1/documents/{id}");
}

TEST(Router, RejectsDuplicatesAndMalformedPatterns) {
    Router r;
    r.add({"GET", "/a/{x}", {}, 0, {}, noop()});
    EXPECT_THROW(r.add({"GET", "/a/{x}", {}, 0, {}, noop()}), std::invalid_argument);
    EXPECT_THROW(r.add({"GET", "/a/{x", {}, 0, {}, noop()}), std::invalid_argument);
    EXPECT_THROW(r.add({"GET", "relative", {}, 0, {}, noop()}), std::invalid_argument);
}
