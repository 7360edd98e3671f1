#include "security/access_policy.hpp"

#include <algorithm>

namespace lgw::security {

std::vector<config::AccessRuleConfig> AccessPolicy::defaults() {
    std::vector<config::AccessRuleConfig> r;
    auto add = [&r](const char* role, std::initializer_list<const char*> actions, const char* scope = "any") {
        for (const char* a : actions) r.push_back({role, a, scope});
    };
    add("frontdesk", {"identity_code.validate"});
    add("frontdesk", {"application.read", "application.write", "consent.create", "scan.create", "scan.correct",
                      "package.build", "package.read", "package.push", "document.read", "document.meta"},
        "worked_on");
    add("marketing", {"identity_code.validate", "application.read"});
    add("marketing", {"application.write", "consent.create"}, "worked_on");
    add("marketing", {"package.read", "document.read", "document.meta"}, "pushed_to");
    add("auditor", {"audit.read", "audit.identify", "document.meta"});
    add("admin", {"identity_code.validate", "application.read", "audit.read", "audit.identify", "document.meta",
                  "package.read", "package.replay"});
    add("admin", {"application.write"}, "worked_on");
    return r;
}

AccessPolicy::AccessPolicy(const config::AccessConfig& cfg)
    : rules_(cfg.configured ? cfg.rules : defaults()), assignments_(cfg.assignments) {}

bool AccessPolicy::worksOn(std::string_view principal, std::string_view createdBy, std::string_view applicationId) const {
    if (principal.empty()) return false;
    if (principal == createdBy) return true;
    for (auto& a : assignments_) {
        if (a.principal != principal) continue;
        for (auto& pattern : a.applications) {
            if (!pattern.empty() && pattern.back() == '*') {
                if (applicationId.substr(0, pattern.size() - 1) == std::string_view(pattern).substr(0, pattern.size() - 1))
                    return true;
            } else if (pattern == applicationId) {
                return true;
            }
        }
    }
    return false;
}

std::vector<std::string> AccessPolicy::rolesFor(std::string_view action) const {
    std::vector<std::string> roles;
    for (auto& r : rules_)
        if (r.action == action && std::find(roles.begin(), roles.end(), r.role) == roles.end()) roles.push_back(r.role);
    // A route nobody may call still needs a non-empty list, or it would be open to everyone.
    if (roles.empty()) roles.push_back("-nobody-");
    return roles;
}

AccessDecision AccessPolicy::decide(std::string_view role, std::string_view action, const ResourceFacts& facts) const {
    std::vector<std::string> scopes;
    for (auto& r : rules_) {
        if (r.role != role || r.action != action) continue;
        if (r.scope == "any") return {true, std::string(role) + " may " + std::string(action)};
        if (r.scope == "worked_on" && facts.workedOn) return {true, std::string(role) + " works on the application"};
        if (r.scope == "pushed_to" && facts.pushedTo) return {true, "the document was pushed to " + std::string(role)};
        scopes.push_back(r.scope);
    }
    if (scopes.empty()) return {false, "the access policy gives " + std::string(role) + " no " + std::string(action)};
    std::string why;
    for (auto& s : scopes)
        why += (why.empty() ? "" : " or ") +
               (s == "worked_on" ? std::string("on applications it works on") : std::string("on what was pushed to it"));
    return {false, std::string(role) + " may " + std::string(action) + " only " + why};
}

}  // namespace lgw::security
