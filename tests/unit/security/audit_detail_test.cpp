// The audit detail encoder: members in the order given, each value as its C++ type says.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "security/audit_detail.hpp"

using lgw::security::AuditDetail;

TEST(AuditDetail, KeepsTheOrderAndTheTypes) {
    const std::size_t count = 3;
    AuditDetail d{{"reason", "grant_used"}, {"count", count}, {"lease_held", false}, {"days", -2}};
    d.add("detail", std::string("a \"quoted\" word"));
    EXPECT_EQ(d.json(), R"({"reason":"grant_used","count":3,"lease_held":false,"days":-2,"detail":"a \"quoted\" word"})");
    // A string literal is a string, never the bool a pointer converts to.
    auto parsed = boost::json::parse(AuditDetail{{"reason", "x"}}.json());
    EXPECT_TRUE(parsed.as_object().at("reason").is_string());
}

TEST(AuditDetail, NoMembersIsAnEmptyObject) { EXPECT_EQ(AuditDetail{}.json(), "{}"); }
