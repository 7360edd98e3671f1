// PUT/GET /v1/applications/{application_id}: the application (业扩报装申请) that consents, scans,
// documents and packages hang off.
#include <regex>

#include "gateway/http/json_body.hpp"
#include "gateway/api/routes.hpp"

namespace lgw::gateway {
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

asio::awaitable<HttpResponse> putApplication(Services* s, HttpRequest req) {
    const std::string id = req.pathParams.at("application_id");
    if (auto p = checkId(id)) co_return toResponse(*p, req.requestId);
    auto parsed = parseJsonBody(req.body);
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    auto& v = std::get<boost::json::value>(parsed);
    if (!v.is_object())
        co_return toResponse(makeProblem(422, "validation_failed", "the body must be a JSON object"), req.requestId);
    auto& o = v.get_object();
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
    std::function<bool()> job = [s, app] { return s->store.upsertApplication(app); };
    bool created = co_await s->blocking.call(std::move(job));
    std::function<std::optional<store::Application>()> read = [s, id] { return s->store.application(id); };
    auto stored = co_await s->blocking.call(std::move(read));
    co_return jsonResponse(created ? 201 : 200, toJson(*stored));
}

asio::awaitable<HttpResponse> getApplication(Services* s, HttpRequest req) {
    const std::string id = req.pathParams.at("application_id");
    if (auto p = checkId(id)) co_return toResponse(*p, req.requestId);
    std::function<std::optional<store::Application>()> read = [s, id] { return s->store.application(id); };
    auto app = co_await s->blocking.call(std::move(read));
    if (!app)
        co_return toResponse(makeProblem(404, "application_not_found", "no application " + id + "; create it with PUT"),
                             req.requestId);
    co_return jsonResponse(200, toJson(*app));
}

}  // namespace

void addApplicationRoutes(Router& router, Services& services) {
    Services* s = &services;
    router.add({"PUT", "/v1/applications/{application_id}", services.access->rolesFor("application.write"), 0, {"application/json"},
                [s](HttpRequest r) { return putApplication(s, std::move(r)); }});
    router.add({"GET", "/v1/applications/{application_id}", services.access->rolesFor("application.read"), 0, {},
                [s](HttpRequest r) { return getApplication(s, std::move(r)); }});
}

}  // namespace lgw::gateway
