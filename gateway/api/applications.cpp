// PUT/GET /v1/applications/{application_id}: the application (业扩报装申请) that consents, scans,
// documents and packages hang off. It belongs to its creator and to whom [[access.assignments]]
// give it: anyone else's PUT is 403 not_owner, `If-None-Match: *` creates only (412 when it
// exists), and every write commits with its audit event (changes masked), every read is audited.
#include <regex>

#include <boost/json.hpp>

#include "adapters/transient_error.hpp"
#include "gateway/api/access_checks.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/http/json_body.hpp"
#include "security/masking.hpp"

namespace lgw::gateway {
namespace json = boost::json;
namespace {

const std::vector<std::string> kCategories = {"high_voltage", "low_voltage_non_residential", "low_voltage_residential"};

bool validApplicationId(const std::string& id) {
    static const std::regex re("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    return std::regex_match(id, re);
}

boost::json::object toJson(const store::Application& a) {
    return {{"application_id", a.id},         {"customer_category", a.customerCategory},
            {"customer_name", a.customerName}, {"phone", a.phone},
            {"created_by", a.createdBy},       {"created_at_ms", a.createdAt},
            {"updated_at_ms", a.updatedAt}};
}

std::optional<Problem> checkId(const std::string& id) {
    if (validApplicationId(id)) return std::nullopt;
    return makeProblem(422, "invalid_application_id",
                       "application_id must be 1-64 letters, digits, '_' or '-', starting with a letter or digit");
}

struct Ctx {
    Services* s;
    Auditor* auditor;
};

// An allowed event of `action` on application `id`, by the caller of `req`.
store::AuditEvent applicationEvent(const HttpRequest& req, std::string action, const std::string& id) {
    store::AuditEvent e = requestEvent(req, std::move(action));
    e.target = id;
    e.applicationId = id;
    e.outcome = "allowed";
    return e;
}

// The changes a write makes, masked for the audit trail (names and phones are personal data).
json::array maskedChanges(const std::optional<store::Application>& old, const store::Application& now) {
    json::array out;
    auto add = [&](const char* field, const std::string& before, const std::string& after, bool personal) {
        if (old && before == after) return;
        json::object c{{"field", field}};
        c["old"] = old ? json::value(personal ? security::maskValue(before) : before) : json::value(nullptr);
        c["new"] = personal ? security::maskValue(after) : after;
        out.push_back(std::move(c));
    };
    add("customer_category", old ? old->customerCategory : "", now.customerCategory, false);
    add("customer_name", old ? old->customerName : "", now.customerName, true);
    add("phone", old ? old->phone : "", now.phone, true);
    return out;
}

asio::awaitable<HttpResponse> putApplication(Ctx c, HttpRequest req) {
    Services* s = c.s;
    const std::string id = req.pathParams.at("application_id");
    if (auto p = checkId(id)) co_return toResponse(*p, req.requestId);
    const std::string* ifNoneMatch = req.header("if-none-match");
    if (ifNoneMatch && *ifNoneMatch != "*")
        co_return toResponse(makeProblem(400, "bad_request", "If-None-Match takes only \"*\" (create, never replace)"),
                             req.requestId);
    const bool createOnly = ifNoneMatch != nullptr;
    auto parsed = parseJsonObject(req.body);
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    auto& o = std::get<json::object>(parsed);
    FieldErrors errs;
    for (auto& [k, val] : o) {
        (void)val;
        if (k != "customer_category" && k != "customer_name" && k != "phone")
            errs.add(std::string(k), "unknown field; expected customer_category, customer_name, phone");
    }
    auto category = errs.string(o, "customer_category");
    auto name = errs.string(o, "customer_name", true, 200);
    auto phone = errs.string(o, "phone", true, 32);
    if (category && std::find(kCategories.begin(), kCategories.end(), *category) == kCategories.end())
        errs.add("customer_category", "must be high_voltage, low_voltage_non_residential or low_voltage_residential");
    if (name && name->empty()) errs.add("customer_name", "must not be empty");
    static const std::regex mobile("1[3-9][0-9]{9}");
    if (phone && !std::regex_match(*phone, mobile))
        errs.add("phone", "must be an 11-digit mainland mobile number starting with 13-19");
    if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);

    store::Application app{id, *category, *name, *phone, req.principal->id, s->nowMs(), s->nowMs()};
    // Every write commits with its audit event, or neither happens (503 audit_unavailable).
    // Create if absent (atomic: of two desks creating one id, one creates and the other is judged
    // against the stored creator); otherwise an update, which only who works on it may make.
    auto written = std::make_shared<std::optional<store::Application>>();
    store::AuditEvent created = applicationEvent(req, "application.write", id);
    created.detailJson = json::serialize(json::object{{"created", true}, {"changes", maskedChanges(std::nullopt, app)}});
    store::AuditedAction create = [s, app](store::AuditEvent&) { return s->store.insertApplication(app); };
    auto creating = c.auditor->recordWith(std::move(created), std::move(create));
    if (co_await std::move(creating)) co_return jsonResponse(201, toJson(app));

    std::function<std::optional<store::Application>()> read = [s, id] { return s->store.application(id); };
    auto before = co_await s->blocking.call(std::move(read));
    if (!before) throw adapters::TransientError("application " + id + " vanished between its insert and its read");
    if (createOnly)
        co_return toResponse(makeProblem(412, "application_exists",
                                         "application " + id + " exists (If-None-Match: * creates only); choose another id"),
                             req.requestId);
    auto decision = s->access->decide(req.principal->role, "application.write", applicationFacts(*s->access, *req.principal, *before));
    if (!decision.allowed)
        co_return co_await refuse(*c.auditor, req, "application.write", id, id,
                                  makeProblem(403, "not_owner",
                                              "application " + id + " belongs to " + before->createdBy +
                                                  " (and whom the access rules assign it to): " + decision.reason));
    app.createdBy = before->createdBy;
    app.createdAt = before->createdAt;
    store::AuditEvent updated = applicationEvent(req, "application.write", id);
    // The changes against the row as it is inside the transaction, not as first read.
    store::AuditedAction update = [s, app, written](store::AuditEvent& e) {
        auto old = s->store.application(app.id);
        s->store.upsertApplication(app);
        *written = s->store.application(app.id);
        e.detailJson = json::serialize(json::object{{"created", false}, {"changes", maskedChanges(old, **written)}});
        return true;
    };
    auto updating = c.auditor->recordWith(std::move(updated), std::move(update));
    co_await std::move(updating);
    co_return jsonResponse(200, toJson(**written));
}

asio::awaitable<HttpResponse> getApplication(Ctx c, HttpRequest req) {
    const std::string id = req.pathParams.at("application_id");
    if (auto p = checkId(id)) co_return toResponse(*p, req.requestId);
    // A read of personal data is audited before it is answered: no event, no answer. The row, the
    // decision and the event (or the refusal's) in one audited transaction, one trip to the pool.
    struct Outcome {
        std::optional<store::Application> app;
        std::optional<Problem> refusal;
    };
    auto outcome = std::make_shared<Outcome>();
    Services* s = c.s;
    const HttpRequest* request = &req;  // lives in this frame until the record below completes
    store::AuditedAction readAndJudge = [s, request, id, outcome](store::AuditEvent& e) {
        outcome->app = s->store.application(id);
        outcome->refusal = judgeApplication(*s, *request, "application.read", id, outcome->app, e);
        return true;
    };
    store::AuditEvent e = applicationEvent(req, "application.read", id);
    auto recording = c.auditor->recordWith(std::move(e), std::move(readAndJudge));
    co_await std::move(recording);
    if (outcome->refusal) co_return toResponse(*outcome->refusal, req.requestId);
    co_return jsonResponse(200, toJson(*outcome->app));
}

}  // namespace

void addApplicationRoutes(Router& router, Services& services, Auditor& auditor) {
    Ctx s{&services, &auditor};
    router.add({"PUT", "/v1/applications/{application_id}", services.access->rolesFor("application.write"), 0, {"application/json"},
                [s](HttpRequest r) { return putApplication(s, std::move(r)); }});
    router.add({"GET", "/v1/applications/{application_id}", services.access->rolesFor("application.read"), 0, {},
                [s](HttpRequest r) { return getApplication(s, std::move(r)); }});
}

}  // namespace lgw::gateway
