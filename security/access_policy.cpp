#include "security/access_policy.hpp"

#include <algorithm>

namespace lgw::security {

std::vector<config::AccessRuleConfig> AccessPolicy::defaults() {
    std::vector<config::AccessRuleConfig> r;
    auto add = [&r](const char* role, std::initializer_list<const char*> actions, const char* scope = "any") {
        for (const char* a : actions) r.push_back({role, a, scope});
    };
    const auto common = {"application.read", "application.write", "identity_code.validate"};
    add("frontdesk", common);
    add("frontdesk", {"consent.create", "package.build", "package.read", "package.push", "scan.create"});
    add("frontdesk", {"scan.correct"}, "worked_on");
    add("frontdesk", {"document.read", "document.meta"}, "worked_on");
    add("marketing", common);
    add("marketing", {"consent.create", "package.read"});
    add("marketing", {"document.read", "document.meta"}, "pushed_to");
    add("auditor", {"audit.read", "audit.identify", "document.meta"});
    add("admin", common);
    add("admin", {"audit.read", "audit.identify", "document.meta", "package.read", "package.replay"});
    return r;
}

AccessPolicy::AccessPolicy(const config::AccessConfig& cfg) : rules_(cfg.configured ? cfg.rules : defaults()) {}

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
        if (r.scope == "worked_on" && facts.workedOn) return {true, std::string(role) + " worked on the application"};
        if (r.scope == "pushed_to" && facts.pushedTo) return {true, "the document was pushed to " + std::string(role)};
        scopes.push_back(r.scope);
    }
    if (scopes.empty()) return {false, "the access policy gives " + std::string(role) + " no " + std::string(action)};
    std::string why;
    for (auto& s : scopes)
        why += (why.empty() ? "" : " or ") +
               (s == "worked_on" ? std::string("of applications it worked on") : std::string("pushed to it in a package"));
    return {false, std::string(role) + " may " + std::string(action) + " only " + why};
}

}  // namespace lgw::security
