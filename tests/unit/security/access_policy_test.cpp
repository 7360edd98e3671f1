#include "security/access_policy.hpp"

#include <gtest/gtest.h>

using namespace lgw;
using namespace lgw::security;

TEST(AccessPolicy, DefaultsFollowTheIssue) {
    AccessPolicy p(config::AccessConfig{});
    ResourceFacts mine{true, false}, theirs{false, false}, pushed{false, true};
    EXPECT_TRUE(p.decide("frontdesk", "document.read", mine).allowed);
    auto denied = p.decide("frontdesk", "document.read", theirs);
    EXPECT_FALSE(denied.allowed);
    EXPECT_EQ(denied.reason, "frontdesk may document.read only of applications it worked on");
    EXPECT_TRUE(p.decide("marketing", "document.read", pushed).allowed);
    EXPECT_FALSE(p.decide("marketing", "document.read", mine).allowed);
    EXPECT_FALSE(p.decide("auditor", "document.read", mine).allowed);  // never content
    EXPECT_TRUE(p.decide("auditor", "document.meta", theirs).allowed);
    EXPECT_TRUE(p.decide("auditor", "audit.read", {}).allowed);
    EXPECT_FALSE(p.decide("frontdesk", "audit.read", {}).allowed);
    EXPECT_EQ(p.rolesFor("audit.read"), (std::vector<std::string>{"auditor", "admin"}));
    EXPECT_EQ(p.rolesFor("consent.create"), (std::vector<std::string>{"frontdesk", "marketing"}));
}

TEST(AccessPolicy, ConfiguredRulesReplaceTheDefaults) {
    config::AccessConfig cfg;
    cfg.configured = true;
    cfg.rules = {{"frontdesk", "document.read", "any"}, {"auditor", "audit.read", "any"}};
    AccessPolicy p(cfg);
    EXPECT_TRUE(p.decide("frontdesk", "document.read", {}).allowed);
    EXPECT_FALSE(p.decide("frontdesk", "consent.create", {}).allowed);
    EXPECT_EQ(p.decide("admin", "audit.read", {}).reason, "the access policy gives admin no audit.read");
    EXPECT_EQ(p.rolesFor("audit.read"), (std::vector<std::string>{"auditor"}));
    // An action nobody holds: its routes admit no role at all, rather than every caller.
    EXPECT_EQ(p.rolesFor("consent.create"), (std::vector<std::string>{"-nobody-"}));
}
