#pragma once
// Who may do what to which resource: rules of (role, action, scope) from [access] in the config,
// or these defaults when the config has none:
//   frontdesk  identity_code.validate; application.read/write, consent.create, scan.create/correct,
//              package.build/read/push, document.read/meta — of applications it works on
//   marketing  identity_code.validate, application.read; application.write and consent.create of
//              applications it works on; package.read, document.read/meta of what was pushed to it
//   auditor    audit.read, audit.identify, document.meta (without field values) — never content
//   admin      identity_code.validate, application.read, audit.read, audit.identify, document.meta
//              (without field values), package.read, package.replay; application.write of its own
// A principal works on an application it created and on those [[access.assignments]] give it.
// Creating an application needs only a rule for application.write; changing one needs its scope.
// Routes are admitted by action (rolesFor); scoped decisions are taken with the facts of the
// resource (decide). Every decision is audited by the caller of decide.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace lgw::security {

struct ResourceFacts {
    bool workedOn = false;  ///< the caller works on the application (created or assigned) or made the document
    bool pushedTo = false;  ///< the document went to the caller in a delivered package
};

struct AccessDecision {
    bool allowed = false;
    std::string reason;  ///< for the audit event and the 403 problem
};

class AccessPolicy {
public:
    /// The rules of the config, or the defaults above when [access] is absent.
    explicit AccessPolicy(const config::AccessConfig& cfg);
    static std::vector<config::AccessRuleConfig> defaults();

    /// Roles with any rule for the action: what a route for it admits.
    std::vector<std::string> rolesFor(std::string_view action) const;
    AccessDecision decide(std::string_view role, std::string_view action, const ResourceFacts& facts) const;

    /// Whether `principal` works on the application: it created it, or an assignment gives it.
    bool worksOn(std::string_view principal, std::string_view createdBy, std::string_view applicationId) const;

private:
    std::vector<config::AccessRuleConfig> rules_;
    std::vector<config::AccessAssignmentConfig> assignments_;
};

}  // namespace lgw::security
