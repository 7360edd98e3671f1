#include "gateway/api/access_checks.hpp"

#include "gateway/api/routes.hpp"
#include "security/audit_detail.hpp"

namespace lgw::gateway {

ResourceFacts applicationFacts(const AccessPolicy& policy, const Principal& who, const store::Application& app) {
    ResourceFacts f;
    f.workedOn = policy.worksOn(who.id, app.createdBy, app.id);
    return f;
}

ResourceFacts documentFacts(const AccessPolicy& policy, const Principal& who, const store::DocumentMeta& doc,
                            const std::optional<store::Application>& app, bool pushed) {
    ResourceFacts f;
    f.workedOn = doc.createdBy == who.id || (app && policy.worksOn(who.id, app->createdBy, app->id));
    f.pushedTo = pushed && who.role == "marketing";  // packages go to the marketing system
    return f;
}

namespace {

store::AuditEvent deniedEvent(const HttpRequest& req, const std::string& attempted, std::string target,
                              std::string applicationId, const Problem& problem, std::string subject) {
    store::AuditEvent e = requestEvent(req, "access.denied");
    e.subject = std::move(subject);
    e.target = std::move(target);
    e.applicationId = std::move(applicationId);
    e.outcome = "denied";
    e.alert = true;  // API.md section 5: the alert list holds denied accesses
    e.detailJson = security::AuditDetail{{"attempted", attempted}, {"code", problem.code}, {"reason", problem.detail}}.json();
    return e;
}

store::AuditEvent notFoundEvent(const HttpRequest& req, const std::string& auditAs, const std::string& id) {
    store::AuditEvent e = requestEvent(req, auditAs);
    e.applicationId = id;
    e.outcome = "denied";
    e.detailJson = security::AuditDetail{{"reason", "application_not_found"}}.json();
    return e;
}

Problem notFound(const std::string& id) {
    return makeProblem(404, "application_not_found", "no application " + id + "; create it with PUT /v1/applications/" + id);
}

asio::awaitable<HttpResponse> refusing(Auditor& auditor, const HttpRequest& req, std::string attempted, std::string target,
                                       std::string applicationId, Problem problem, std::string subject) {
    store::AuditEvent e = deniedEvent(req, attempted, std::move(target), std::move(applicationId), problem, std::move(subject));
    co_await auditor.record(std::move(e));
    co_return toResponse(problem, req.requestId);
}

asio::awaitable<ApplicationAccess> accessing(Services& services, Auditor& auditor, const HttpRequest& req,
                                             std::string action, std::string id, std::string auditAs) {
    std::function<std::optional<store::Application>()> read = [&services, id] { return services.store.application(id); };
    ApplicationAccess out;
    out.app = co_await services.blocking.call(std::move(read));
    store::AuditEvent refusalEvent;
    auto refused = judgeApplication(services, req, action, id, out.app, refusalEvent, auditAs);
    if (refused) {
        co_await auditor.record(std::move(refusalEvent));
        out.refusal = toResponse(*refused, req.requestId);
        out.app.reset();
    }
    co_return out;
}

}  // namespace

std::optional<Problem> judgeApplication(const Services& services, const HttpRequest& req, const std::string& action,
                                        const std::string& id, const std::optional<store::Application>& app,
                                        store::AuditEvent& event, const std::string& auditAs) {
    if (!app) {
        event = notFoundEvent(req, auditAs.empty() ? action : auditAs, id);
        return notFound(id);
    }
    auto decision = services.access->decide(req.principal->role, action, applicationFacts(*services.access, *req.principal, *app));
    if (decision.allowed) return std::nullopt;
    Problem denied = makeProblem(403, "access_denied", decision.reason);
    event = deniedEvent(req, action, id, id, denied, std::string());
    return denied;
}

asio::awaitable<HttpResponse> refuse(Auditor& auditor, const HttpRequest& req, std::string attempted, std::string target,
                                     std::string applicationId, Problem problem, std::string subject) {
    return refusing(auditor, req, std::move(attempted), std::move(target), std::move(applicationId), std::move(problem),
                    std::move(subject));
}

asio::awaitable<ApplicationAccess> accessApplication(Services& services, Auditor& auditor, const HttpRequest& req,
                                                     std::string action, std::string id, std::string auditAs) {
    return accessing(services, auditor, req, std::move(action), std::move(id), std::move(auditAs));
}

}  // namespace lgw::gateway
