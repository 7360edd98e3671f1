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
    EXPECT_EQ(denied.reason, "frontdesk may document.read only on applications it works on");
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

TEST(AccessPolicy, EveryApplicationActionOfTheFrontDeskIsScopedToWhatItWorksOn) {
    AccessPolicy p(config::AccessConfig{});
    for (auto action : {"application.read", "application.write", "consent.create", "scan.create", "scan.correct",
                        "package.build", "package.read", "package.push", "document.read", "document.meta"}) {
        EXPECT_TRUE(p.decide("frontdesk", action, {true, false}).allowed) << action;
        EXPECT_FALSE(p.decide("frontdesk", action, {false, false}).allowed) << action;  // so no `any` rule
    }
    // The marketing system reads only what was pushed to it, and changes only its own applications.
    EXPECT_TRUE(p.decide("marketing", "package.read", {false, true}).allowed);
    EXPECT_FALSE(p.decide("marketing", "package.read", {true, false}).allowed);
    EXPECT_FALSE(p.decide("marketing", "application.write", {false, false}).allowed);
    EXPECT_TRUE(p.decide("marketing", "application.read", {}).allowed);
    EXPECT_FALSE(p.decide("admin", "application.write", {false, false}).allowed);
    EXPECT_TRUE(p.decide("admin", "package.read", {}).allowed);
}

TEST(AccessPolicy, AssignmentsGiveApplicationsByIdOrPrefix) {
    config::AccessConfig cfg;
    cfg.assignments = {{"desk-b", {"YK-7", "HV-2026-*"}}};
    AccessPolicy p(cfg);  // the default rules: assignments alone do not replace them
    EXPECT_TRUE(p.worksOn("desk-a", "desk-a", "YK-1"));
    EXPECT_FALSE(p.worksOn("desk-b", "desk-a", "YK-1"));
    EXPECT_TRUE(p.worksOn("desk-b", "desk-a", "YK-7"));
    EXPECT_FALSE(p.worksOn("desk-b", "desk-a", "YK-70"));
    EXPECT_TRUE(p.worksOn("desk-b", "desk-a", "HV-2026-0001"));
    EXPECT_FALSE(p.worksOn("desk-b", "desk-a", "HV-2025-0001"));
    EXPECT_FALSE(p.worksOn("desk-c", "desk-a", "HV-2026-0001"));
    EXPECT_FALSE(p.worksOn("", "", "YK-1"));  // no principal works on an application of nobody
    EXPECT_FALSE(p.decide("frontdesk", "document.read", {}).allowed);  // assignments give work, not rules
}
