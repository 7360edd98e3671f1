#include "gateway/api/packages.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "gateway/api/access_checks.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/services/time_text.hpp"
#include "security/crypto.hpp"

namespace lgw::gateway {

namespace json = boost::json;
using Millis = std::int64_t;

namespace {

constexpr Millis kDay = 86400000;

struct Ctx {
    PackageDeps* d;
    Services& s() const { return d->services; }
    // Not a coroutine: the event moves into the auditor's frame before this returns (STYLE.md).
    asio::awaitable<store::AuditEvent> audit(store::AuditEvent e) const { return d->auditor.record(std::move(e)); }
};

store::AuditEvent event(const HttpRequest& req, std::string action, std::string target, std::string app,
                        std::string outcome, json::object detail = {}) {
    store::AuditEvent e = requestEvent(req, std::move(action));
    e.target = std::move(target);
    e.applicationId = std::move(app);
    e.outcome = std::move(outcome);
    e.detailJson = json::serialize(detail);
    return e;
}

HttpResponse problem(const HttpRequest& req, int status, std::string code, std::string detail) {
    return toResponse(makeProblem(status, std::move(code), std::move(detail)), req.requestId);
}

bool satisfies(const config::Material& m, const store::DocumentMeta& d) {
    return std::any_of(m.satisfiedBy.begin(), m.satisfiedBy.end(), [&](const config::DocumentKind& k) {
        return k.docType == d.docType && (k.source == "any" || k.source == d.source);
    });
}

// The identifying number a document states, for comparing a scan with an e-licence.
std::string statedNumber(const store::DocumentMeta& d, const std::optional<store::LicenceRecord>& l) {
    if (l && !l->number.empty()) return l->number;
    boost::system::error_code ec;
    auto v = json::parse(d.fieldsJson, ec);
    if (ec || !v.is_object()) return {};
    for (const char* k : {"credit_code", "id_number", "certificate_number", "number"}) {
        auto* f = v.as_object().if_contains(k);
        if (!f) continue;
        if (f->is_string()) return std::string(f->as_string());
        if (f->is_object())
            if (auto* val = f->as_object().if_contains("value"); val && val->is_string()) return std::string(val->as_string());
    }
    return {};
}

struct Judged {
    json::object pkg;     ///< the package body as stored and answered
    bool identityPresent = false;
    std::vector<std::string> identityMaterials;
};

// Judges every material of the category against the application's documents. Blocking.
Judged judge(store::Store& st, const config::Category& cat, const store::Application& app, const std::string& packageId, Millis now) {
    Judged j;
    const std::string today = dateUtc(now);
    std::vector<store::DocumentMeta> docs;
    for (auto& d : st.documentsOf(app.id))
        if (d.purgedAt == 0) docs.push_back(d);
    json::array items, deficiencies;
    bool complete = true, overdue = false;
    for (auto& m : cat.materials) {
        if (m.identity) j.identityMaterials.push_back(m.id);
        json::object item{{"material", m.id}, {"name", m.name}};
        std::vector<std::pair<store::DocumentMeta, std::optional<store::LicenceRecord>>> valid, expired;
        for (auto& d : docs) {
            if (!satisfies(m, d)) continue;
            auto lic = d.source == "e_licence" ? st.licence(d.id) : std::nullopt;
            if (lic && !lic->validTo.empty() && lic->validTo < today) expired.emplace_back(d, lic);
            else valid.emplace_back(d, lic);
        }
        std::string status;
        if (!valid.empty()) {
            // The e-licence first (verified at the source), then the newest.
            std::stable_sort(valid.begin(), valid.end(), [](auto& a, auto& b) {
                if ((a.first.source == "e_licence") != (b.first.source == "e_licence")) return a.first.source == "e_licence";
                return a.first.createdAt > b.first.createdAt;
            });
            auto& pick = valid.front();
            status = "present";
            for (auto& other : valid) {
                if (other.first.source == pick.first.source) continue;
                auto a = statedNumber(pick.first, pick.second), b = statedNumber(other.first, other.second);
                if (!a.empty() && !b.empty() && a != b) {
                    status = "mismatch";
                    item["mismatch"] = json::object{{"e_licence", a}, {"scan", b}, {"scan_document_id", other.first.id}};
                }
            }
            item["document_id"] = pick.first.id;
            item["source"] = pick.first.source;
            item["doc_type"] = pick.first.docType;
            if (m.identity) j.identityPresent = true;
        } else if (!expired.empty()) {
            status = "expired";
            item["document_id"] = expired.front().first.id;
            item["valid_to"] = expired.front().second->validTo;
        } else if (!m.required) {
            status = "not_required";
        } else if (m.deferrable) {
            Millis due = app.createdAt + static_cast<Millis>(m.deferDays) * kDay;
            status = now > due ? "overdue" : "deferred";
            item["due"] = dateUtc(due);
            overdue = overdue || now > due;
        } else {
            status = "missing";
        }
        item["status"] = status;
        if (status != "present" && status != "not_required") {
            complete = false;
            json::object def{{"material", m.id}, {"status", status}};
            if (auto* due = item.if_contains("due")) def["due"] = *due;
            deficiencies.push_back(std::move(def));
        }
        items.push_back(std::move(item));
    }
    j.pkg = {{"package_id", packageId},
             {"application_id", app.id},
             {"customer_category", app.customerCategory},
             {"complete", complete},
             {"status", overdue ? "suspended" : "built"},
             {"items", std::move(items)},
             {"deficiencies", std::move(deficiencies)},
             {"created_at", rfc3339Utc(now)}};
    return j;
}

// 容缺 reminders: SMS materials_due remind_days before each deferred material's due date (09:00
// China Standard Time), package_suspended on the day; cancelled once the material is present.
// Dedupe keys make a rebuild schedule nothing twice; the scheduler sends each at most once.
void scheduleMaterialReminders(store::Store& st, const config::Category& cat, const store::Application& app,
                               const json::object& pkg, Millis now) {
    const auto& items = pkg.at("items").as_array();
    for (std::size_t i = 0; i < items.size() && i < cat.materials.size(); ++i) {
        auto& item = items[i].as_object();
        auto& m = cat.materials[i];
        std::string prefix = "material:" + app.id + ":" + m.id + ":";
        auto status = std::string(item.at("status").as_string());
        if (status == "present" || status == "not_required") {
            st.cancelReminders(prefix);
            continue;
        }
        if (status != "deferred" || app.phone.empty()) continue;
        Millis due = app.createdAt + static_cast<Millis>(m.deferDays) * kDay;
        Millis dueMorning = due - due % kDay + 3600000;  // 01:00 UTC = 09:00 CST on the due day
        auto params = json::serialize(json::object{{"application_id", app.id}, {"material", m.name},
                                                   {"due", item.at("due")}});
        auto add = [&](const std::string& key, const char* tmpl, Millis at) {
            if (at <= now) return;
            store::Reminder r;
            r.dedupeKey = prefix + key;
            r.phone = app.phone;
            r.templateName = tmpl;
            r.paramsJson = params;
            r.dueAt = at;
            st.scheduleReminder(r);
        };
        for (int d : m.remindDays) add(std::to_string(d), "materials_due", dueMorning - d * kDay);
        add("due", "package_suspended", dueMorning + kDay);
    }
}

// Why an application's materials cannot be judged: it does not exist, or its category has no checklist.
std::optional<HttpResponse> unjudgeable(const HttpRequest& req, const std::string& appId,
                                        const std::optional<store::Application>& app, const config::Category* cat) {
    if (!app)
        return problem(req, 404, "application_not_found", "no application " + appId + "; create it with PUT /v1/applications/" + appId);
    if (!cat)
        return problem(req, 422, "unknown_customer_category",
                       "customer category \"" + app->customerCategory + "\" has no checklist in the materials file");
    return std::nullopt;
}

asio::awaitable<json::object> shownTo(Ctx c, Principal who, std::optional<store::Application> app, bool pushed,
                                      json::object view);

asio::awaitable<HttpResponse> buildPackage(Ctx c, HttpRequest req) {
    std::string appId = req.pathParams.at("application_id");
    ApplicationAccess access = co_await accessApplication(c.s(), c.d->auditor, req, "package.build", appId);
    if (access.refusal) co_return std::move(*access.refusal);
    const Millis now = c.s().nowMs();
    const std::string packageId = "PKG-" + security::randomId128().substr(0, 20);
    struct Outcome {
        std::optional<store::Application> app;
        const config::Category* cat = nullptr;
        Judged judged;
    };
    std::function<Outcome()> job = [c, appId, packageId, now] {
        Outcome o;
        o.app = c.s().store.application(appId);
        if (!o.app) return o;
        o.cat = c.d->materials.category(o.app->customerCategory);
        if (!o.cat) return o;
        o.judged = judge(c.s().store, *o.cat, *o.app, packageId, now);
        if (o.judged.identityPresent) {
            store::Package p;
            p.id = packageId;
            p.applicationId = appId;
            p.status = std::string(o.judged.pkg.at("status").as_string());
            p.complete = o.judged.pkg.at("complete").as_bool();
            p.bodyJson = json::serialize(o.judged.pkg);
            p.createdAt = now;
            c.s().store.insertPackage(p);
            scheduleMaterialReminders(c.s().store, *o.cat, *o.app, o.judged.pkg, now);
        }
        return o;
    };
    auto o = co_await c.s().blocking.call(std::move(job));
    if (auto p = unjudgeable(req, appId, o.app, o.cat)) co_return std::move(*p);
    if (!o.judged.identityPresent) {
        std::string names;
        for (auto& m : o.judged.identityMaterials) names += (names.empty() ? "" : " or ") + m;
        auto e = event(req, "package.build", "", appId, "denied", {{"reason", "identity_proof_missing"}});
        co_await c.audit(std::move(e));
        Problem p = makeProblem(422, "identity_proof_missing",
                                "一证启动: a package starts with one valid identity proof (" + names +
                                    "); fetch it as an e-licence or scan it, then build again");
        p.extra["items"] = o.judged.pkg.at("items");
        co_return toResponse(p, req.requestId);
    }
    auto e = event(req, "package.build", packageId, appId, "allowed",
                   {{"complete", o.judged.pkg.at("complete")}, {"deficiencies", o.judged.pkg.at("deficiencies").as_array().size()}});
    co_await c.audit(std::move(e));
    json::object shown = co_await shownTo(c, *req.principal, o.app, false, std::move(o.judged.pkg));
    co_return jsonResponse(201, shown);
}

// The checklist judged now, nothing stored: what the front desk sees before it builds a package,
// with the application's documents.
asio::awaitable<HttpResponse> materialsOf(Ctx c, HttpRequest req) {
    std::string appId = req.pathParams.at("application_id");
    ApplicationAccess access = co_await accessApplication(c.s(), c.d->auditor, req, "package.build", appId, "materials.read");
    if (access.refusal) co_return std::move(*access.refusal);
    const Millis now = c.s().nowMs();
    struct Outcome {
        std::optional<store::Application> app;
        const config::Category* cat = nullptr;
        Judged judged;
        std::vector<store::DocumentMeta> docs;
    };
    std::function<Outcome()> job = [c, appId, now] {
        Outcome o;
        o.app = c.s().store.application(appId);
        if (!o.app) return o;
        o.cat = c.d->materials.category(o.app->customerCategory);
        if (o.cat) o.judged = judge(c.s().store, *o.cat, *o.app, "", now);
        o.docs = c.s().store.documentsOf(appId);
        return o;
    };
    auto o = co_await c.s().blocking.call(std::move(job));
    if (auto p = unjudgeable(req, appId, o.app, o.cat)) co_return std::move(*p);
    json::object out = std::move(o.judged.pkg);
    out.erase("package_id");
    out.erase("created_at");
    out["suspended"] = out["status"] == "suspended";  // a package built now would be; nothing is built here
    out.erase("status");
    out["identity_present"] = o.judged.identityPresent;
    json::array docs;
    for (auto& d : o.docs) {
        if (d.purgedAt) continue;
        docs.push_back(json::object{{"document_id", d.id}, {"doc_type", d.docType}, {"source", d.source},
                                    {"content_type", d.contentType}, {"created_at", rfc3339Utc(d.createdAt)}});
    }
    out["documents"] = std::move(docs);
    co_return jsonResponse(200, out);
}

// The package as stored, with the delivery state of its outbox row.
json::object packageView(const store::Package& p, const std::optional<store::OutboxEntry>& o) {
    boost::system::error_code ec;
    auto body = json::parse(p.bodyJson, ec);
    json::object v = !ec && body.is_object() ? body.as_object() : json::object{};
    v["status"] = o ? o->status : p.status;
    v["attempts"] = o ? o->attempts : 0;
    v["last_error"] = o && !o->lastError.empty() ? json::value(o->lastError) : json::value(nullptr);
    v["delivered_at"] = o && o->deliveredAt ? json::value(rfc3339Utc(o->deliveredAt)) : json::value(nullptr);
    return v;
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
        a.refusal = problem(req, 404, "package_not_found", "no package " + id);
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
        auto refusal = co_await refuse(c.d->auditor, req, action, id, a.package->applicationId, std::move(denied));
        a.refusal = std::move(refusal);
    }
    co_return a;
}

// Not a coroutine: the arguments move into accessingPackage's frame before it returns (STYLE.md).
asio::awaitable<PackageAccess> accessPackage(Ctx c, const HttpRequest& req, std::string action, std::string id) {
    return accessingPackage(c, req, std::move(action), std::move(id));
}

// A package as `who` may see it: the numbers of a mismatch only for who may read that e-licence
// (field names for anyone else). Blocking.
void hideUnreadableMismatches(Ctx c, const Principal& who, const std::optional<store::Application>& app, bool pushed,
                              json::object& view) {
    auto* items = view.if_contains("items");
    if (!items || !items->is_array()) return;
    auto& policy = *c.s().access;
    for (auto& item : items->as_array()) {
        if (!item.is_object()) continue;
        auto* mismatch = item.as_object().if_contains("mismatch");
        auto* docId = item.as_object().if_contains("document_id");
        if (!mismatch || !mismatch->is_object() || !docId || !docId->is_string()) continue;
        auto doc = c.s().store.document(std::string(docId->as_string()));
        const bool mayRead = doc && policy.decide(who.role, "document.read", documentFacts(policy, who, *doc, app, pushed)).allowed;
        if (!mayRead) {
            auto scanDoc = mismatch->as_object().if_contains("scan_document_id");
            json::object names{{"field", "number"}};
            if (scanDoc) names["scan_document_id"] = *scanDoc;
            *mismatch = std::move(names);
        }
    }
}

// The package answer as `who` may see it, filtered on the blocking pool (it reads the documents).
asio::awaitable<json::object> shownTo(Ctx c, Principal who, std::optional<store::Application> app, bool pushed,
                                      json::object view) {
    std::function<json::object()> hide = [c, who = std::move(who), app = std::move(app), pushed, view = std::move(view)]() mutable {
        hideUnreadableMismatches(c, who, app, pushed, view);
        return view;
    };
    co_return co_await c.s().blocking.call(std::move(hide));
}

asio::awaitable<HttpResponse> getPackage(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("package_id");
    PackageAccess a = co_await accessPackage(c, req, "package.read", id);
    if (a.refusal) co_return std::move(*a.refusal);
    const bool delivered = a.outbox && a.outbox->status == "delivered";
    json::object full = packageView(*a.package, a.outbox);  // named before the co_await (STYLE.md, g++ 12)
    json::object view = co_await shownTo(c, *req.principal, a.app, delivered, std::move(full));
    co_return jsonResponse(200, view);
}

asio::awaitable<HttpResponse> pushPackage(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("package_id");
    PackageAccess access = co_await accessPackage(c, req, "package.push", id);
    if (access.refusal) co_return std::move(*access.refusal);
    const Millis now = c.s().nowMs();
    std::function<std::pair<store::EnqueueOutcome, std::optional<store::Package>>()> job = [c, id, now] {
        // A package built before a deferred material's due date and pushed after it is suspended now.
        if (auto before = c.s().store.package(id); before && before->status == "built") {
            boost::system::error_code ec;
            auto body = json::parse(before->bodyJson, ec);
            const std::string today = dateUtc(now);
            if (!ec && body.is_object())
                for (auto& item : body.as_object()["items"].as_array()) {
                    auto* due = item.as_object().if_contains("due");
                    if (item.as_object().at("status") == "deferred" && due && std::string(due->as_string()) < today) {
                        c.s().store.setPackageStatus(id, "suspended");
                        break;
                    }
                }
        }
        auto r = c.s().store.enqueuePush(id, now);
        return std::make_pair(r, c.s().store.package(id));
    };
    auto [r, p] = co_await c.s().blocking.call(std::move(job));
    if (r == store::EnqueueOutcome::kNotFound) co_return problem(req, 404, "package_not_found", "no package " + id);
    std::string app = p ? p->applicationId : "";
    if (r == store::EnqueueOutcome::kNotPushable) {
        auto e = event(req, "package.push", id, app, "denied", {{"reason", "suspended"}});
        co_await c.audit(std::move(e));
        co_return problem(req, 409, "package_suspended",
                          "a deferred material is past its due date; bring it, build a new package and push that");
    }
    if (r == store::EnqueueOutcome::kQueued) c.d->wakePusher();
    auto e = event(req, "package.push", id, app, "allowed", {{"already_queued", r == store::EnqueueOutcome::kAlreadyQueued}});
    co_await c.audit(std::move(e));
    co_return jsonResponse(202, {{"package_id", id}, {"status", r == store::EnqueueOutcome::kQueued ? "queued" : p->status}});
}

asio::awaitable<HttpResponse> replayPackage(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("package_id");
    const Millis now = c.s().nowMs();
    std::function<std::pair<bool, std::optional<store::Package>>()> job = [c, id, now] {
        bool ok = c.s().store.requeueDeadLetter(id, now);
        return std::make_pair(ok, c.s().store.package(id));
    };
    auto [ok, p] = co_await c.s().blocking.call(std::move(job));
    if (!p) co_return problem(req, 404, "package_not_found", "no package " + id);
    auto e = event(req, "package.replay", id, p->applicationId, ok ? "allowed" : "denied");
    co_await c.audit(std::move(e));
    if (!ok) co_return problem(req, 409, "not_dead_letter", "package " + id + " is " + p->status + ", not a dead letter");
    c.d->wakePusher();
    co_return jsonResponse(202, {{"package_id", id}, {"status", "queued"}});
}

}  // namespace

void addPackageRoutes(Router& router, PackageDeps& deps) {
    Ctx c{&deps};
    auto& access = *deps.services.access;
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
