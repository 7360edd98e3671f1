#include "gateway/api/packages.hpp"

#include <boost/json.hpp>

#include "gateway/api/access_checks.hpp"
#include "gateway/api/error_mapping.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/services/time_text.hpp"

namespace lgw::gateway {

namespace json = boost::json;

namespace {

struct Ctx {
    Services* services;
    Auditor* auditor;
    PackageService* packages;
    Services& s() const { return *services; }
};

// The body in the one package format (adapters/store/package_body) as a JSON object to add to.
json::object bodyJson(const store::PackageBody& body) {
    return json::parse(store::encodePackageBody(body)).as_object();
}

// A package as `who` may see it: the numbers of a mismatch only for who may read that e-licence
// (the field name for anyone else). Blocking: it reads the documents.
void hideUnreadableMismatches(const Services& s, const Principal& who, const std::optional<store::Application>& app,
                              bool pushed, store::PackageBody& body) {
    auto& policy = *s.access;
    for (auto& item : body.items) {
        if (!item.mismatch || item.documentId.empty()) continue;
        auto doc = s.store.document(item.documentId);
        const bool mayRead =
            doc && policy.decide(who.role, "document.read", documentFacts(policy, who, *doc, app, pushed)).allowed;
        if (!mayRead) item.mismatch = store::PackageMismatch{"", "", item.mismatch->scanDocumentId, true};
    }
}

// The package as `who` may see it, filtered on the blocking pool.
asio::awaitable<store::PackageBody> shownTo(Ctx c, Principal who, std::optional<store::Application> app, bool pushed,
                                            store::PackageBody body) {
    std::function<store::PackageBody()> hide = [c, who = std::move(who), app = std::move(app), pushed,
                                                body = std::move(body)]() mutable {
        hideUnreadableMismatches(c.s(), who, app, pushed, body);
        return body;
    };
    co_return co_await c.s().blocking.call(std::move(hide));
}

// ---- POST /v1/applications/{application_id}/packages ----
asio::awaitable<HttpResponse> buildPackage(Ctx c, HttpRequest req) {
    std::string appId = req.pathParams.at("application_id");
    ApplicationAccess access = co_await accessApplication(c.s(), *c.auditor, req, "package.build", appId);
    if (access.refusal) co_return std::move(*access.refusal);
    Actor who = actorOf(req);
    auto built = co_await c.packages->build(std::move(who), std::move(appId));
    if (!built) co_return toResponse(packageProblem(built.error()), req.requestId);
    std::optional<store::Application> app = built->application;
    store::PackageBody shown = co_await shownTo(c, *req.principal, std::move(app), false, std::move(built->package));
    co_return jsonResponse(201, bodyJson(shown));
}

// ---- GET /v1/applications/{application_id}/materials ----
// The checklist judged now, nothing stored: what the front desk sees before it builds a package,
// with the application's documents.
asio::awaitable<HttpResponse> materialsOf(Ctx c, HttpRequest req) {
    std::string appId = req.pathParams.at("application_id");
    ApplicationAccess access = co_await accessApplication(c.s(), *c.auditor, req, "package.build", appId, "materials.read");
    if (access.refusal) co_return std::move(*access.refusal);
    auto list = co_await c.packages->checklist(std::move(appId));
    if (!list) co_return toResponse(packageProblem(list.error()), req.requestId);
    const Judgement& j = list->judgement;
    json::object out = bodyJson(j.package);
    out.erase("package_id");
    out.erase("created_at");
    out.erase("status");
    out["suspended"] = j.package.status == "suspended";  // a package built now would be; nothing is built here
    out["identity_present"] = j.identityPresent;
    json::array docs;
    for (auto& d : list->documents)
        docs.push_back(json::object{{"document_id", d.id}, {"doc_type", d.docType}, {"source", d.source},
                                    {"content_type", d.contentType}, {"created_at", rfc3339Utc(d.createdAt)}});
    out["documents"] = std::move(docs);
    co_return jsonResponse(200, out);
}

// A package, its outbox row and its application, and whether the caller may `action` it: by the
// application it serves (worked_on), or as the marketing system once delivered to it (pushed_to).
struct PackageAccess {
    std::optional<store::Package> package;
    std::optional<store::OutboxEntry> outbox;
    std::optional<store::Application> app;
    std::optional<HttpResponse> refusal;
};

asio::awaitable<PackageAccess> accessingPackage(Ctx c, const HttpRequest& req, std::string action, std::string id) {
    std::function<PackageAccess()> job = [c, id] {
        PackageAccess a;
        a.package = c.s().store.package(id);
        if (!a.package) return a;
        a.outbox = c.s().store.outboxEntry(id);
        a.app = c.s().store.application(a.package->applicationId);
        return a;
    };
    PackageAccess a = co_await c.s().blocking.call(std::move(job));
    if (!a.package) {
        a.refusal = toResponse(makeProblem(404, "package_not_found", "no package " + id), req.requestId);
        co_return a;
    }
    auto& policy = *c.s().access;
    ResourceFacts facts;
    if (a.app) facts = applicationFacts(policy, *req.principal, *a.app);
    // Pushed to the marketing system: delivered to it, not merely queued for it.
    facts.pushedTo = a.outbox && a.outbox->status == "delivered" && req.principal->role == "marketing";
    auto decision = policy.decide(req.principal->role, action, facts);
    if (!decision.allowed) {
        Problem denied = makeProblem(403, "access_denied", decision.reason);
        auto refusal = co_await refuse(*c.auditor, req, action, id, a.package->applicationId, std::move(denied));
        a.refusal = std::move(refusal);
    }
    co_return a;
}

// Not a coroutine: the arguments move into accessingPackage's frame before it returns (STYLE.md).
asio::awaitable<PackageAccess> accessPackage(Ctx c, const HttpRequest& req, std::string action, std::string id) {
    return accessingPackage(c, req, std::move(action), std::move(id));
}

// ---- GET /v1/packages/{package_id} ----
// The package as stored, with the delivery state of its outbox row.
asio::awaitable<HttpResponse> getPackage(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("package_id");
    PackageAccess a = co_await accessPackage(c, req, "package.read", id);
    if (a.refusal) co_return std::move(*a.refusal);
    const auto& o = a.outbox;
    const bool delivered = o && o->status == "delivered";
    json::object v;
    if (auto body = store::decodePackageBody(a.package->bodyJson)) {
        store::PackageBody shown = co_await shownTo(c, *req.principal, a.app, delivered, std::move(*body));
        v = bodyJson(shown);
    }
    v["status"] = o ? o->status : a.package->status;
    v["attempts"] = o ? o->attempts : 0;
    v["last_error"] = o && !o->lastError.empty() ? json::value(o->lastError) : json::value(nullptr);
    v["delivered_at"] = o && o->deliveredAt ? json::value(rfc3339Utc(o->deliveredAt)) : json::value(nullptr);
    co_return jsonResponse(200, v);
}

// ---- POST /v1/packages/{package_id}/push ----
asio::awaitable<HttpResponse> pushPackage(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("package_id");
    PackageAccess access = co_await accessPackage(c, req, "package.push", id);
    if (access.refusal) co_return std::move(*access.refusal);
    Actor who = actorOf(req);
    auto queued = co_await c.packages->push(std::move(who), id);
    if (!queued) co_return toResponse(packageProblem(queued.error()), req.requestId);
    co_return jsonResponse(202, {{"package_id", id}, {"status", queued->status}});
}

// ---- POST /v1/packages/{package_id}/replay ----
asio::awaitable<HttpResponse> replayPackage(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("package_id");
    Actor who = actorOf(req);
    auto queued = co_await c.packages->replay(std::move(who), id);
    if (!queued) co_return toResponse(packageProblem(queued.error()), req.requestId);
    co_return jsonResponse(202, {{"package_id", id}, {"status", queued->status}});
}

}  // namespace

void addPackageRoutes(Router& router, Services& services, Auditor& auditor, PackageService& packages) {
    Ctx c{&services, &auditor, &packages};
    auto& access = *services.access;
    router.add({"POST", "/v1/applications/{application_id}/packages", access.rolesFor("package.build"), 0, {},
                [c](HttpRequest r) { return buildPackage(c, std::move(r)); }});
    router.add({"GET", "/v1/applications/{application_id}/materials", access.rolesFor("package.build"), 0, {},
                [c](HttpRequest r) { return materialsOf(c, std::move(r)); }});
    router.add({"GET", "/v1/packages/{package_id}", access.rolesFor("package.read"), 0, {},
                [c](HttpRequest r) { return getPackage(c, std::move(r)); }});
    router.add({"POST", "/v1/packages/{package_id}/push", access.rolesFor("package.push"), 0, {},
                [c](HttpRequest r) { return pushPackage(c, std::move(r)); }});
    router.add({"POST", "/v1/packages/{package_id}/replay", access.rolesFor("package.replay"), 0, {},
                [c](HttpRequest r) { return replayPackage(c, std::move(r)); }});
}

}  // namespace lgw::gateway
