#pragma once
// The scoped half of the access policy on the routes (the role half is the router's): what the
// request acts on is loaded, the policy decides with its facts, and a refusal is one
// `access.denied` alert in the audit trail (target, application, the action attempted, the rule)
// before the problem is answered. API.md, "Who may act on what".
#include <optional>
#include <string>

#include "gateway/http/http_types.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

/// The facts of an application for the caller: it works on it (created it, or is assigned it).
ResourceFacts applicationFacts(const AccessPolicy& policy, const Principal& who, const store::Application& app);

/// The facts of a document: the caller made it or works on its application; `pushed` when it went
/// to the marketing system in a delivered package (and the caller is that system).
ResourceFacts documentFacts(const AccessPolicy& policy, const Principal& who, const store::DocumentMeta& doc,
                            const std::optional<store::Application>& app, bool pushed);

/// Records the refusal of `attempted` on `target` as an access.denied alert and answers `problem`;
/// `subject` is the credit code or ID number whose data was asked for, when known (their record).
/// Not a coroutine itself: its arguments move into the coroutine's frame before it returns, so
/// temporaries in the caller's co_await expression are safe (STYLE.md, g++ 12).
asio::awaitable<HttpResponse> refuse(Auditor& auditor, const HttpRequest& req, std::string attempted, std::string target,
                                     std::string applicationId, Problem problem, std::string subject = {});

/// An application the caller may act on, or the answer that refuses it.
struct ApplicationAccess {
    std::optional<store::Application> app;
    std::optional<HttpResponse> refusal;
};

/// Loads application `id` and decides `action` on it: `404 application_not_found` (audited as
/// denied) when there is none, `403 access_denied` (an access.denied alert) when the caller's rules
/// do not reach it. The not-found event is recorded as `auditAs` (default: `action`). Not a
/// coroutine itself, as refuse.
asio::awaitable<ApplicationAccess> accessApplication(Services& services, Auditor& auditor, const HttpRequest& req,
                                                     std::string action, std::string id, std::string auditAs = {});

/// accessApplication's decision as values, for a route whose read, decision and event go into one
/// audited transaction (one trip to the pool): given what the store holds for `id`, `event` is
/// left as the allowed event, or replaced by the not-found (recorded as `auditAs`, default
/// `action`) or the access.denied one; the problem to answer comes back when refused.
/// accessApplication decides with it too.
std::optional<Problem> judgeApplication(const Services& services, const HttpRequest& req, const std::string& action,
                                        const std::string& id, const std::optional<store::Application>& app,
                                        store::AuditEvent& event, const std::string& auditAs = {});

}  // namespace lgw::gateway
