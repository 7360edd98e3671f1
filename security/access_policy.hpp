#pragma once
// Who may do what to which resource: rules of (role, action, scope) from [access] in the config,
// or these defaults when the config has none:
//   frontdesk  application.read/write, identity_code.validate, consent.create,
//              package.build/read/push;
//              document.read and document.meta of applications it worked on
//   marketing  application.read/write, identity_code.validate, consent.create, package.read;
//              document.read and document.meta of documents pushed to it in a package
//   auditor    audit.read, audit.identify, document.meta — never document content
//   admin      application.read/write, identity_code.validate, audit.read, audit.identify,
//              document.meta, package.read, package.replay (key rotation: operator commands)
// Routes are admitted by action (rolesFor); scoped decisions are taken by the handler with the
// facts of the resource (decide). Every decision is audited by the caller of decide.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace lgw::security {

struct ResourceFacts {
    bool workedOn = false;  ///< the caller created the document or its application
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

private:
    std::vector<config::AccessRuleConfig> rules_;
};

}  // namespace lgw::security
