#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "gateway/http/json_body.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/http/problem.hpp"

using namespace lgw::gateway;
namespace json = boost::json;

TEST(Problem, Rfc9457Shape) {
    auto p = makeProblem(422, "invalid_subject_code", "check character should be 'R', got 'X'");
    p.extra["attempts_left"] = 3;
    auto r = toResponse(p, "req-1");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.contentType, "application/problem+json");
    auto v = json::parse(r.body).as_object();
    EXPECT_EQ(v.at("status").as_int64(), 422);
    EXPECT_EQ(v.at("code").as_string(), "invalid_subject_code");
    EXPECT_EQ(v.at("title").as_string(), "Unprocessable Content");
    EXPECT_EQ(v.at("request_id").as_string(), "req-1");
    EXPECT_EQ(v.at("type").as_string(), "urn:licence-gateway:problem:invalid_subject_code");
    EXPECT_EQ(v.at("attempts_left").as_int64(), 3);
}

TEST(JsonBody, ParseErrorsGiveLineAndColumn) {
    auto r = parseJsonBody("{\n  \"a\": 1,\n  \"b\": tru\n}");
    auto* p = std::get_if<Problem>(&r);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->status, 400);
    EXPECT_EQ(p->code, "malformed_json");
    EXPECT_EQ(p->extra.at("line").as_uint64(), 3u);
    EXPECT_NE(p->detail.find("line 3"), std::string::npos) << p->detail;
}

TEST(JsonBody, TruncatedAndEmptyBodies) {
    auto truncated = parseJsonBody("{\"a\": ");
    ASSERT_TRUE(std::holds_alternative<Problem>(truncated));
    EXPECT_EQ(std::get<Problem>(truncated).code, "malformed_json");
    auto empty = parseJsonBody("");
    ASSERT_TRUE(std::holds_alternative<Problem>(empty));
    EXPECT_NE(std::get<Problem>(empty).detail.find("empty"), std::string::npos);
    EXPECT_TRUE(std::holds_alternative<json::value>(parseJsonBody("{\"a\": [1, 2]}")));
}

TEST(JsonBody, FieldErrorsListEveryProblem) {
    FieldErrors errs;
    auto o = json::parse(R"({"a": 1, "b": "x"})").as_object();
    EXPECT_FALSE(errs.string(o, "a"));
    EXPECT_TRUE(errs.string(o, "b"));
    EXPECT_FALSE(errs.string(o, "c"));
    EXPECT_FALSE(errs.string(o, "d", false));
    auto p = errs.problem();
    EXPECT_EQ(p.status, 422);
    EXPECT_EQ(p.extra.at("errors").as_array().size(), 2u);
    EXPECT_EQ(p.detail, "a: must be a string");
}


