// POST /v1/identity-codes/validate: the verdict of `licence-gateway validate`, for pages that check a
// credit code or ID number as it is typed. The code travels in the body, never in a URL that could
// end up in an access log.
#include "gateway/http/json_body.hpp"
#include "gateway/api/routes.hpp"

namespace lgw::gateway {

boost::json::object verdictToJson(const security::CodeVerdict& v) {
    boost::json::object o{{"input", v.input},
                          {"normalized", v.normalized},
                          {"kind", security::toString(v.kind)},
                          {"valid", v.valid},
                          {"well_formed", v.wellFormed}};
    if (!v.valid) {
        o["problem"] = v.problem;
        o["reason"] = v.reason;
    }
    if (v.expectedCheck) o["expected_check_character"] = std::string(1, *v.expectedCheck);
    if (v.kind == security::CodeKind::kIdNumber && v.wellFormed) {
        o["birth_date"] = v.birthDate;
        o["sex"] = v.sex;
    }
    if (v.legacy15) o["converted_from_15_digits"] = true;
    return o;
}

namespace {

asio::awaitable<HttpResponse> validateCode(Services*, HttpRequest req) {
    auto parsed = parseJsonObject(req.body, R"({"code": "...", "type": "credit_code" | "id_number"})");
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    auto& o = std::get<boost::json::object>(parsed);
    FieldErrors errs;
    auto code = errs.string(o, "code", true, 64);
    auto type = errs.string(o, "type", false, 32);
    if (type && *type != "credit_code" && *type != "id_number") errs.add("type", "must be credit_code or id_number");
    if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);
    security::CodeVerdict verdict = !type                     ? security::validateIdentityCode(*code)
                                    : *type == "credit_code" ? security::validateCreditCode(*code)
                                                             : security::validateIdNumber(*code);
    co_return jsonResponse(200, verdictToJson(verdict));
}

}  // namespace

void addIdentityCodeRoutes(Router& router, Services& services) {
    Services* s = &services;
    router.add({"POST", "/v1/identity-codes/validate", services.access->rolesFor("identity_code.validate"), 0, {"application/json"},
                [s](HttpRequest r) { return validateCode(s, std::move(r)); }});
}

}  // namespace lgw::gateway
