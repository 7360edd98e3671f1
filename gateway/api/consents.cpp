#include "gateway/api/consents.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "gateway/api/access_checks.hpp"
#include "gateway/api/error_mapping.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/http/conditional.hpp"
#include "gateway/http/json_body.hpp"
#include "gateway/services/time_text.hpp"
#include "security/consent_codes.hpp"

namespace lgw::gateway {

namespace json = boost::json;

namespace {

const std::set<std::string> kLicenceTypes = {"business_licence", "id_card", "property_certificate", "electrical_permit"};

struct Ctx {
    Services* services;
    Auditor* auditor;
    ConsentService* consents;
};

json::value orNull(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::array typesJson(const std::vector<std::string>& types) {
    json::array out;
    for (auto& t : types) out.emplace_back(t);
    return out;
}

// The body of POST /v1/consents as a request, or what is wrong with it (every field at once).
std::variant<ConsentRequest, Problem> decodeConsentRequest(const std::string& body, const config::ConsentConfig& cfg) {
    auto parsed = parseJsonObject(body);
    if (auto* p = std::get_if<Problem>(&parsed)) return *p;
    auto& o = std::get<json::object>(parsed);
    FieldErrors errs;
    ConsentRequest rq;
    auto appId = errs.string(o, "application_id", true, 64);
    auto purpose = errs.string(o, "purpose", true, 64);
    if (auto* subj = o.if_contains("subject"); subj && subj->is_object()) {
        auto t = errs.string(subj->get_object(), "type", true, 16);
        auto code = errs.string(subj->get_object(), "code", true, 64);
        if (t && *t != "enterprise" && *t != "person") errs.add("subject.type", "must be enterprise or person");
        if (t) rq.subjectType = *t;
        if (code) rq.subjectCode = *code;
    } else {
        errs.add("subject", "is required: {\"type\": \"enterprise\" | \"person\", \"code\": \"...\"}");
    }
    if (auto* lt = o.if_contains("licence_types"); lt && lt->is_array() && !lt->get_array().empty()) {
        for (auto& t : lt->get_array()) {
            if (!t.is_string() || !kLicenceTypes.count(std::string(t.get_string()))) {
                errs.add("licence_types", "each must be one of business_licence, id_card, property_certificate, "
                                          "electrical_permit");
                break;
            }
            std::string ts(t.get_string());
            if (std::find(rq.licenceTypes.begin(), rq.licenceTypes.end(), ts) == rq.licenceTypes.end())
                rq.licenceTypes.push_back(ts);
        }
    } else {
        errs.add("licence_types", "must be a non-empty array of licence types");
    }
    if (purpose && !cfg.purposes.count(*purpose)) {
        std::string known;
        for (auto& [k, pv] : cfg.purposes) known += (known.empty() ? "" : ", ") + k;
        errs.add("purpose", "must be one of: " + known);
    }
    if (!errs.empty()) return errs.problem();
    rq.applicationId = *appId;
    rq.purpose = *purpose;
    return rq;
}

// ---- POST /v1/consents ----
asio::awaitable<HttpResponse> createConsent(Ctx c, HttpRequest req) {
    auto decoded = decodeConsentRequest(req.body, c.services->config.consent);
    if (auto* p = std::get_if<Problem>(&decoded)) co_return toResponse(*p, req.requestId);
    ConsentRequest rq = std::get<ConsentRequest>(std::move(decoded));
    // A consent serves one application the caller works on (API.md, "Who may act on what").
    ApplicationAccess access = co_await accessApplication(*c.services, *c.auditor, req, "consent.create", rq.applicationId);
    if (access.refusal) co_return std::move(*access.refusal);
    Actor who = actorOf(req);
    auto started = co_await c.consents->start(std::move(who), std::move(rq));
    if (!started) co_return consentResponse(started.error(), req.requestId);
    json::object out{{"consent_id", started->consentId},
                     {"masked_phone", started->maskedPhone},
                     {"expires_at", rfc3339Utc(started->codeExpiresAt)},
                     {"resend_after_s", started->resendAfterS},
                     {"checksum_warning", started->checksumWarning}};
    if (started->checksumWarning) out["checksum_detail"] = started->checksumDetail;
    co_return jsonResponse(201, out);
}

// ---- POST /v1/consents/{consent_id}/resend ----
asio::awaitable<HttpResponse> resendConsent(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("consent_id");
    Actor who = actorOf(req);
    auto resent = co_await c.consents->resend(std::move(who), std::move(id));
    if (!resent) co_return consentResponse(resent.error(), req.requestId);
    co_return jsonResponse(200, {{"resend_after_s", resent->resendAfterS}, {"expires_at", rfc3339Utc(resent->codeExpiresAt)}});
}

// ---- POST /v1/consents/{consent_id}/verify ----
asio::awaitable<HttpResponse> verifyConsent(Ctx c, HttpRequest req) {
    auto parsed = parseJsonObject(req.body, R"({"code": "123456"})");
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    FieldErrors errs;
    std::optional<std::string> code = errs.string(std::get<json::object>(parsed), "code", true, 16);
    if (code && !security::looksLikeSmsCode(*code)) errs.add("code", "must be the six digits of the SMS");
    if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);
    std::string id = req.pathParams.at("consent_id");
    Actor who = actorOf(req);
    auto granted = co_await c.consents->verify(std::move(who), std::move(id), std::move(*code));
    if (!granted) co_return consentResponse(granted.error(), req.requestId);
    co_return jsonResponse(200, {{"grant_id", granted->grantId},
                                 {"expires_at", rfc3339Utc(granted->expiresAt)},
                                 {"scope", {{"application_id", granted->applicationId},
                                            {"licence_types", typesJson(granted->licenceTypes)},
                                            {"purpose", granted->purpose}}}});
}

json::object licenceJson(const FetchedLicence& f) {
    const security::ELicence& l = f.licence;
    json::object fields;
    for (auto& [k, v] : l.data) fields[k] = v;
    return {{"document_id", f.documentId},
            {"type", l.type},
            {"name", l.name},
            {"identifier", l.identifier},
            {"number", l.number},
            {"holder", l.holder},
            {"holder_code", l.holderCode},
            {"issuer", l.issuer},
            {"issued_on", l.issuedOn},
            {"valid_from", l.validFrom},
            {"valid_to", orNull(l.validTo)},
            {"signature", "verified"},
            {"content_type", l.fileContentType},
            {"seal", f.seal.empty() ? json::value(nullptr) : json::value(f.seal)},
            {"expires_within_days", f.expiresWithinDays ? json::value(*f.expiresWithinDays) : json::value(nullptr)},
            {"fields", std::move(fields)}};
}

json::object autofillJson(const Autofill& a) {
    return {{"customer_name", orNull(a.customerName)}, {"credit_code", orNull(a.creditCode)},
            {"legal_representative", orNull(a.legalRepresentative)}, {"address", orNull(a.address)},
            {"id_number", orNull(a.idNumber)}};
}

// ---- POST /v1/grants/{grant_id}/licences ----
asio::awaitable<HttpResponse> fetchLicences(Ctx c, HttpRequest req) {
    std::optional<std::string> appFilter;
    if (!req.body.empty()) {
        auto parsed = parseJsonBody(req.body);
        if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
        auto& v = std::get<json::value>(parsed);
        FieldErrors errs;
        if (v.is_object()) appFilter = errs.string(v.get_object(), "application_id", false, 64);
        if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);
    }
    std::string grantId = req.pathParams.at("grant_id");
    Actor who = actorOf(req);
    auto fetched = co_await c.consents->fetchLicences(std::move(who), std::move(grantId), std::move(appFilter));
    if (!fetched) co_return consentResponse(fetched.error(), req.requestId);
    json::array out;
    for (auto& f : fetched->licences) out.push_back(licenceJson(f));
    co_return jsonResponse(200, {{"licences", std::move(out)}, {"autofill", autofillJson(fetched->autofill)}});
}

// The consent text the desk reads out before the code is sent: the very text whose hash each
// consent records.
asio::awaitable<HttpResponse> consentText(Ctx c, HttpRequest req) {
    const std::string& sha = c.consents->consentTextSha256();
    const std::string body = json::serialize(json::object{{"sha256", sha}, {"text", c.consents->consentText()}});
    co_return conditionalResponse(req, "\"" + sha.substr(0, 32) + "\"", "private, max-age=300", "application/json", body);
}

}  // namespace

void addConsentRoutes(Router& router, Services& services, Auditor& auditor, ConsentService& consents) {
    Ctx c{&services, &auditor, &consents};
    const auto roles = services.access->rolesFor("consent.create");
    const std::vector<std::string> json = {"application/json"};
    router.add({"POST", "/v1/consents", roles, 0, json, [c](HttpRequest r) { return createConsent(c, std::move(r)); }});
    router.add({"GET", "/v1/consent-text", roles, 0, {}, [c](HttpRequest r) { return consentText(c, std::move(r)); }});
    router.add({"POST", "/v1/consents/{consent_id}/resend", roles, 0, {},
                [c](HttpRequest r) { return resendConsent(c, std::move(r)); }});
    router.add({"POST", "/v1/consents/{consent_id}/verify", roles, 0, json,
                [c](HttpRequest r) { return verifyConsent(c, std::move(r)); }});
    router.add({"POST", "/v1/grants/{grant_id}/licences", roles, 0, {},
                [c](HttpRequest r) { return fetchLicences(c, std::move(r)); }});
}

}  // namespace lgw::gateway
