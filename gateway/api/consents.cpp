#include "gateway/api/consents.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <set>

#include "gateway/api/access_checks.hpp"
#include "gateway/api/error_mapping.hpp"
#include "gateway/http/json_body.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/services/time_text.hpp"
#include "security/consent_codes.hpp"
#include "security/crypto.hpp"
#include "security/identity_codes.hpp"
#include "security/masking.hpp"

namespace lgw::gateway {

namespace json = boost::json;
using adapters::govdata::GovError;
using adapters::govdata::GovErrorCode;
using Millis = std::int64_t;

namespace {

const std::set<std::string> kLicenceTypes = {"business_licence", "id_card", "property_certificate", "electrical_permit"};
constexpr Millis kDay = 86400000;

// "YYYY-MM-DD" -> Unix ms at 00:00 UTC; nullopt if malformed.
std::optional<Millis> dateMs(const std::string& d) {
    int y, m, day;
    if (d.size() != 10 || std::sscanf(d.c_str(), "%4d-%2d-%2d", &y, &m, &day) != 3) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                    std::chrono::day{static_cast<unsigned>(day)}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::sys_days{ymd}.time_since_epoch()).count();
}

HttpResponse problem(const HttpRequest& req, int status, std::string code, std::string detail) {
    return toResponse(makeProblem(status, std::move(code), std::move(detail)), req.requestId);
}

store::AuditEvent event(const HttpRequest& req, std::string action, std::string target, std::string app,
                        std::string subject, std::string outcome, json::object detail = {}, bool alert = false) {
    store::AuditEvent e = requestEvent(req, std::move(action));
    e.target = std::move(target);
    e.applicationId = std::move(app);
    // The auditor stores the subject as its keyed reference; the masked code is for reading.
    if (!subject.empty()) detail["subject_masked"] = security::maskIdentityCode(subject);
    e.subject = std::move(subject);
    e.outcome = std::move(outcome);
    e.detailJson = json::serialize(detail);
    e.alert = alert;
    return e;
}

}  // namespace

namespace {

struct Ctx {
    ConsentDeps* d;
    Services& s() { return d->services; }
    const config::ConsentConfig& cfg() { return d->services.config.consent; }
    Millis now() { return d->services.nowMs(); }

    template <class T>
    asio::awaitable<T> blocking(std::function<T()> fn) {
        co_return co_await d->services.blocking.call(std::move(fn));
    }
    // Not a coroutine: the event is moved into Auditor::record's frame before this returns, so a
    // temporary built in the caller's co_await expression never outlives its use (STYLE.md, g++ 12).
    asio::awaitable<store::AuditEvent> audit(store::AuditEvent e) { return d->auditor.record(std::move(e)); }

    // Counts one hit against a limit; a problem when exceeded.
    asio::awaitable<std::optional<HttpResponse>> limit(std::string requestId, std::string key,
                                                       config::RateLimitConfig rl, std::string what) {
        std::function<store::RateDecision()> job = [this, key, rl] {
            return s().store.hitRateLimit(key, static_cast<Millis>(rl.windowS) * 1000, rl.max, now());
        };
        auto decision = co_await blocking(std::move(job));
        if (decision.allowed) co_return std::nullopt;
        const auto secs = retryAfterSeconds(decision.retryAfterMs);
        co_return rateLimited("too many consent requests " + what + "; retry after " + std::to_string(secs) + " s", secs,
                              requestId);
    }
};

// ---- POST /v1/consents ----
asio::awaitable<HttpResponse> createConsent(Ctx c, HttpRequest req) {
    auto parsed = parseJsonObject(req.body);
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    auto& o = std::get<json::object>(parsed);
    FieldErrors errs;
    auto appId = errs.string(o, "application_id", true, 64);
    auto purpose = errs.string(o, "purpose", true, 64);
    std::string subjectType, subjectCode;
    if (auto* subj = o.if_contains("subject"); subj && subj->is_object()) {
        auto t = errs.string(subj->get_object(), "type", true, 16);
        auto code = errs.string(subj->get_object(), "code", true, 64);
        if (t && *t != "enterprise" && *t != "person") errs.add("subject.type", "must be enterprise or person");
        if (t) subjectType = *t;
        if (code) subjectCode = *code;
    } else {
        errs.add("subject", "is required: {\"type\": \"enterprise\" | \"person\", \"code\": \"...\"}");
    }
    std::vector<std::string> types;
    if (auto* lt = o.if_contains("licence_types"); lt && lt->is_array() && !lt->get_array().empty()) {
        for (auto& t : lt->get_array()) {
            if (!t.is_string() || !kLicenceTypes.count(std::string(t.get_string()))) {
                errs.add("licence_types", "each must be one of business_licence, id_card, property_certificate, "
                                          "electrical_permit");
                break;
            }
            std::string ts(t.get_string());
            if (std::find(types.begin(), types.end(), ts) == types.end()) types.push_back(ts);
        }
    } else {
        errs.add("licence_types", "must be a non-empty array of licence types");
    }
    if (purpose && !c.cfg().purposes.count(*purpose)) {
        std::string known;
        for (auto& [k, pv] : c.cfg().purposes) known += (known.empty() ? "" : ", ") + k;
        errs.add("purpose", "must be one of: " + known);
    }
    if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);
    // A consent serves one application the caller works on (API.md, "Who may act on what").
    ApplicationAccess access = co_await accessApplication(c.s(), c.d->auditor, req, "consent.create", *appId);
    if (access.refusal) co_return std::move(*access.refusal);

    // A malformed code is refused; a wrong check character alone is only flagged, because some
    // legally issued early credit codes fail it: the platform decides whether the holder exists.
    auto verdict = subjectType == "enterprise" ? security::validateCreditCode(subjectCode)
                                               : security::validateIdNumber(subjectCode);
    if (!verdict.wellFormed) co_return problem(req, 422, "invalid_subject_code", verdict.reason);
    bool checksumWarning = !verdict.valid;
    std::string code = verdict.normalized;
    std::string caller = req.principal->id;

    std::string callerKey = "caller:" + caller, subjectKey = "subject:" + code;
    std::string fromCaller = "from this caller", forSubject = "for this subject", toPhone = "to this phone";
    auto callerLimit = co_await c.limit(req.requestId, callerKey, c.cfg().perCaller, fromCaller);
    if (callerLimit) co_return *callerLimit;
    auto subjectLimit = co_await c.limit(req.requestId, subjectKey, c.cfg().perSubject, forSubject);
    if (subjectLimit) co_return *subjectLimit;

    std::string codeType = subjectType == "enterprise" ? "USCC" : "ID";
    auto phoneResult = co_await c.d->gov.contactPhone(codeType, code);
    if (auto* e = std::get_if<GovError>(&phoneResult)) {
        auto ev0 = event(req, "consent.create", "", *appId, code, "error",
                               {{"reason", adapters::govdata::toString(e->code)}});
        co_await c.audit(std::move(ev0));
        co_return toResponse(govProblem(*e), req.requestId);
    }
    std::string phone = std::get<std::string>(phoneResult);
    std::string phoneKey = "phone:" + phone;
    auto phoneLimit = co_await c.limit(req.requestId, phoneKey, c.cfg().perPhone, toPhone);
    if (phoneLimit) co_return *phoneLimit;

    store::Consent consent;
    consent.id = security::randomId128();
    consent.applicationId = *appId;
    consent.subjectType = subjectType;
    consent.subjectCode = code;
    consent.licenceTypes = types;
    consent.purpose = *purpose;
    consent.caller = caller;
    consent.phone = phone;
    consent.consentTextSha256 = c.d->consentTextSha256;
    consent.checksumWarning = checksumWarning;
    Millis now = c.now();
    consent.createdAt = now;
    consent.codeExpiresAt = now + c.cfg().codeTtlS * 1000LL;
    consent.resendAfter = now + c.cfg().resendIntervalS * 1000LL;
    std::string smsCode = security::generateSmsCode();
    consent.codeHmac = security::smsCodeHmac(c.d->codeSecret, consent.id, smsCode);

    // Send first, store second: a failed send leaves no consent that anyone could verify.
    adapters::sms::SmsMessage msg{phone, "consent_code", {{"code", smsCode}, {"valid_minutes", std::to_string(c.cfg().codeTtlS / 60)}}, consent.id};
    auto smsError = co_await c.d->sms.send(std::move(msg));
    if (smsError) {
        auto ev1 = event(req, "consent.sms", consent.id, *appId, code, "error", {{"reason", smsError->detail}});
        co_await c.audit(std::move(ev1));
        co_return toResponse(smsProblem(*smsError), req.requestId);
    }
    std::function<bool()> insert = [&c, consent] {
        c.s().store.insertConsent(consent);
        return true;
    };
    co_await c.blocking(std::move(insert));
    auto ev2 = event(req, "consent.create", consent.id, *appId, code, "allowed",
                           {{"masked_phone", security::maskPhone(phone)}, {"checksum_warning", checksumWarning}});
    co_await c.audit(std::move(ev2));
    json::object out{{"consent_id", consent.id},
                     {"masked_phone", security::maskPhone(phone)},
                     {"expires_at", rfc3339Utc(consent.codeExpiresAt)},
                     {"resend_after_s", c.cfg().resendIntervalS},
                     {"checksum_warning", checksumWarning}};
    if (checksumWarning) out["checksum_detail"] = verdict.reason;
    co_return jsonResponse(201, out);
}

asio::awaitable<std::optional<store::Consent>> loadConsent(Ctx c, std::string id) {
    std::function<std::optional<store::Consent>()> job = [&c, id] { return c.s().store.consent(id); };
    co_return co_await c.blocking(std::move(job));
}

// ---- POST /v1/consents/{consent_id}/resend ----
asio::awaitable<HttpResponse> resendConsent(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("consent_id");
    auto consent = co_await loadConsent(c, id);
    if (!consent || consent->caller != req.principal->id)
        co_return problem(req, 404, "consent_not_found", "no consent " + id + " of this caller");
    if (consent->status == store::ConsentStatus::kLocked)
        co_return problem(req, 423, "consent_locked", "too many wrong codes; start a new consent");
    if (consent->status == store::ConsentStatus::kVerified)
        co_return problem(req, 409, "consent_used", "this consent was verified already");
    Millis now = c.now();
    if (now < consent->resendAfter) {
        const auto secs = retryAfterSeconds(consent->resendAfter - now);
        co_return rateLimited("a new code may be sent in " + std::to_string(secs) + " s", secs, req.requestId);
    }
    std::string smsCode = security::generateSmsCode();
    adapters::sms::SmsMessage msg{consent->phone, "consent_code", {{"code", smsCode}, {"valid_minutes", std::to_string(c.cfg().codeTtlS / 60)}}, id};
    auto smsError = co_await c.d->sms.send(std::move(msg));
    if (smsError) co_return toResponse(smsProblem(*smsError), req.requestId);
    std::string hmac = security::smsCodeHmac(c.d->codeSecret, id, smsCode);
    Millis expires = now + c.cfg().codeTtlS * 1000LL, resendAfter = now + c.cfg().resendIntervalS * 1000LL;
    std::function<store::ResendOutcome()> job = [&c, id, hmac, expires, resendAfter, now] {
        return c.s().store.replaceConsentCode(id, hmac, expires, resendAfter, now);
    };
    auto outcome = co_await c.blocking(std::move(job));
    if (outcome == store::ResendOutcome::kTooSoon)
        co_return problem(req, 429, "rate_limited", "a new code was sent moments ago");
    if (outcome != store::ResendOutcome::kOk)
        co_return problem(req, 409, "consent_used", "this consent can no longer be resent");
    auto ev3 = event(req, "consent.resend", id, consent->applicationId, consent->subjectCode, "allowed");
    co_await c.audit(std::move(ev3));
    co_return jsonResponse(200, {{"resend_after_s", c.cfg().resendIntervalS}, {"expires_at", rfc3339Utc(expires)}});
}

// ---- POST /v1/consents/{consent_id}/verify ----
asio::awaitable<HttpResponse> verifyConsent(Ctx c, HttpRequest req) {
    std::string id = req.pathParams.at("consent_id");
    auto parsed = parseJsonObject(req.body, R"({"code": "123456"})");
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    FieldErrors errs;
    std::optional<std::string> code = errs.string(std::get<json::object>(parsed), "code", true, 16);
    if (code && !security::looksLikeSmsCode(*code)) errs.add("code", "must be the six digits of the SMS");
    if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);

    auto consent = co_await loadConsent(c, id);
    if (!consent || consent->caller != req.principal->id)
        co_return problem(req, 404, "consent_not_found", "no consent " + id + " of this caller");
    std::string grantId = security::randomId128();
    store::Grant grant;
    grant.idHash = security::sha256Hex(grantId);
    Millis now = c.now();
    grant.expiresAt = now + c.cfg().grantTtlS * 1000LL;
    std::string presented = security::smsCodeHmac(c.d->codeSecret, id, *code);
    int maxAttempts = c.cfg().maxAttempts;
    std::function<store::VerifyResult()> job = [&c, id, presented, now, maxAttempts, grant] {
        return c.s().store.verifyConsentCode(id, presented, now, maxAttempts, grant);
    };
    auto r = co_await c.blocking(std::move(job));
    const std::string& app = consent->applicationId;
    const std::string& subject = consent->subjectCode;
    switch (r.outcome) {
        case store::VerifyOutcome::kVerified: {
            auto ev4 = event(req, "consent.verify", id, app, subject, "allowed");
            co_await c.audit(std::move(ev4));
            json::array types;
            for (auto& t : consent->licenceTypes) types.emplace_back(t);
            co_return jsonResponse(200, {{"grant_id", grantId},
                                         {"expires_at", rfc3339Utc(grant.expiresAt)},
                                         {"scope", {{"application_id", app}, {"licence_types", types},
                                                    {"purpose", consent->purpose}}}});
        }
        case store::VerifyOutcome::kMismatch: {
            auto ev5 = event(req, "consent.verify", id, app, subject, "denied", {{"reason", "code_mismatch"}});
            co_await c.audit(std::move(ev5));
            Problem p = makeProblem(401, "code_mismatch", "the code does not match; " +
                                                               std::to_string(r.attemptsLeft) + " attempt(s) left");
            p.extra["attempts_left"] = r.attemptsLeft;
            co_return toResponse(p, req.requestId);
        }
        case store::VerifyOutcome::kLocked: {
            bool justLocked = consent->status == store::ConsentStatus::kPending;
            auto ev6 = event(req, "consent.verify", id, app, subject, "denied", {{"reason", "consent_locked"}},
                                   justLocked);
            co_await c.audit(std::move(ev6));
            Problem p = makeProblem(423, "consent_locked", "too many wrong codes; start a new consent");
            p.extra["attempts_left"] = 0;
            co_return toResponse(p, req.requestId);
        }
        case store::VerifyOutcome::kExpired: {
            auto ev7 = event(req, "consent.verify", id, app, subject, "denied", {{"reason", "consent_expired"}});
            co_await c.audit(std::move(ev7));
            co_return problem(req, 410, "consent_expired", "the code expired; send a new one with /resend");
        }
        case store::VerifyOutcome::kUsed: {
            auto ev8 = event(req, "consent.verify", id, app, subject, "denied", {{"reason", "consent_used"}});
            co_await c.audit(std::move(ev8));
            co_return problem(req, 409, "consent_used", "this consent was verified already; it serves one grant");
        }
        case store::VerifyOutcome::kNotFound: break;
    }
    co_return problem(req, 404, "consent_not_found", "no consent " + id);
}

json::object autofillFrom(const std::vector<security::ELicence>& ls) {
    json::object a{{"customer_name", nullptr}, {"credit_code", nullptr}, {"legal_representative", nullptr},
                   {"address", nullptr},       {"id_number", nullptr}};
    auto setIfNull = [&](const char* k, const std::string& v) {
        if (!v.empty() && a[k].is_null()) a[k] = v;
    };
    for (auto& l : ls)
        if (l.type == "business_licence") {
            setIfNull("customer_name", l.holder);
            setIfNull("credit_code", l.holderCode);
            if (auto it = l.data.find("legal_representative"); it != l.data.end()) setIfNull("legal_representative", it->second);
            if (auto it = l.data.find("address"); it != l.data.end()) setIfNull("address", it->second);
        }
    for (auto& l : ls)
        if (l.type == "id_card") {
            setIfNull("customer_name", l.holder);
            setIfNull("id_number", l.holderCode);
            if (auto it = l.data.find("address"); it != l.data.end()) setIfNull("address", it->second);
        }
    for (auto& l : ls)
        if (l.type == "property_certificate")
            if (auto it = l.data.find("location"); it != l.data.end()) setIfNull("address", it->second);
    return a;
}

// ---- POST /v1/grants/{grant_id}/licences ----
// A grant that cannot serve this fetch: its problem, the refusal audited (nullopt when it can).
asio::awaitable<std::optional<HttpResponse>> refuseGrant(Ctx c, HttpRequest req, store::ConsumeResult used, std::string target) {
    struct Refusal {
        int status;
        const char* code;
        std::string detail;
        bool alert;
    };
    std::optional<Refusal> why;
    switch (used.outcome) {
        case store::ConsumeOutcome::kOk: co_return std::nullopt;
        case store::ConsumeOutcome::kNotFound: co_return problem(req, 404, "grant_not_found", "no such grant");
        case store::ConsumeOutcome::kUsed:
            why = Refusal{409, "grant_used", "this grant was used already; a grant serves one fetch", false};
            break;
        case store::ConsumeOutcome::kExpired:
            why = Refusal{410, "grant_expired", "the grant expired; ask the customer for a new consent", false};
            break;
        case store::ConsumeOutcome::kWrongCaller:
        case store::ConsumeOutcome::kWrongApplication:
            why = Refusal{403, "grant_scope",
                          used.outcome == store::ConsumeOutcome::kWrongCaller ? "this grant was issued to another caller"
                                                                              : "this grant was issued for another application",
                          true};
            break;
    }
    auto denied = event(req, "licences.fetch", target, used.grant->applicationId, used.grant->subjectCode, "denied",
                        {{"reason", why->code}}, why->alert);
    co_await c.audit(std::move(denied));
    co_return problem(req, why->status, why->code, why->detail);
}

// Every licence verified (seal, holder, purpose) and of a consented type, or the first that is not
// as a 502, audited as an alert: then nothing is stored. `licences` is the caller's, which awaits this.
asio::awaitable<std::optional<HttpResponse>> rejectUnverified(Ctx c, HttpRequest req, store::Grant g, std::string target,
                                                             std::string platformPurpose,
                                                             const std::vector<security::ELicence>& licences) {
    security::LicenceExpectations expect{g.subjectCode, platformPurpose};
    for (auto& l : licences) {
        auto verdict = security::verifyLicence(l, c.d->platformKeys, expect);
        if (verdict.ok && std::find(g.licenceTypes.begin(), g.licenceTypes.end(), l.type) == g.licenceTypes.end()) {
            verdict.ok = false;
            verdict.code = "licence_rejected";
            verdict.reason = "licence " + l.number + ": type " + l.type + " was not consented";
        }
        if (verdict.ok) continue;
        auto rejected = event(req, "licence.verify", target, g.applicationId, g.subjectCode, "denied",
                              {{"reason", verdict.code}, {"detail", verdict.reason}}, true);
        co_await c.audit(std::move(rejected));
        co_return toResponse(licenceProblem(verdict), req.requestId);
    }
    co_return std::nullopt;
}

// A licence ending within the warning period: an SMS reminder at 09:00 China Standard Time (01:00
// UTC) on each configured day before its end that is still ahead. Returns the days left, or null.
asio::awaitable<json::value> scheduleExpiryReminders(Ctx c, const security::ELicence& l, std::string phone, Millis now) {
    if (!l.validTo) co_return nullptr;
    auto end = dateMs(*l.validTo);
    if (!end) co_return nullptr;
    Millis left = *end - now;
    if (left >= c.cfg().expiryWarningDays * kDay) co_return nullptr;
    for (int days : c.cfg().reminderDays) {
        Millis due = *end - days * kDay + 3600000;
        if (due <= now) continue;
        store::Reminder rem;
        rem.dedupeKey = "licence:" + l.identifier + ":" + std::to_string(days);
        rem.phone = phone;
        rem.templateName = "licence_expiring";
        rem.paramsJson =
            json::serialize(json::object{{"licence", l.name}, {"number", l.number}, {"valid_to", *l.validTo}, {"days", days}});
        rem.dueAt = due;
        std::function<bool()> sched = [&c, rem] { return c.s().store.scheduleReminder(rem); };
        co_await c.blocking(std::move(sched));
    }
    co_return json::value(std::max<Millis>(0, left / kDay));
}

// One verified licence into the vault and the store (audited), its reminders scheduled; its entry
// in the response. `l` is the caller's (fetchLicences' list), which awaits this; so is `l` below.
asio::awaitable<json::object> storeLicence(Ctx c, HttpRequest req, store::Grant g, std::string phone,
                                           const security::ELicence& l, Millis now) {
    store::DocumentMeta doc;
    doc.id = security::randomId128();
    doc.applicationId = g.applicationId;
    doc.source = "e_licence";
    doc.docType = l.type;
    doc.contentType = l.fileContentType;
    doc.createdBy = req.principal->id;
    doc.createdAt = now;
    json::object fields;
    for (auto& [k, dv] : l.data) fields[k] = dv;
    doc.fieldsJson = json::serialize(fields);
    store::LicenceRecord rec{doc.id, g.applicationId, l.identifier, l.type, l.number, l.holder, l.holderCode,
                             l.issuer, l.issuedOn, l.validFrom, l.validTo.value_or(""), doc.fieldsJson};
    std::function<bool()> save = [&c, &doc, &rec, &l] {
        c.d->vault.put(doc, l.fileBytes);
        c.s().store.insertLicenceDocument(doc, rec);
        return true;
    };
    co_await c.blocking(std::move(save));
    auto stored = event(req, "licence.store", doc.id, g.applicationId, g.subjectCode, "allowed",
                        {{"type", l.type}, {"identifier", l.identifier}});
    co_await c.audit(std::move(stored));
    auto reminders = scheduleExpiryReminders(c, l, phone, now);
    json::value expiresWithin = co_await std::move(reminders);
    co_return json::object{{"document_id", doc.id},
                           {"type", l.type},
                           {"name", l.name},
                           {"identifier", l.identifier},
                           {"number", l.number},
                           {"holder", l.holder},
                           {"holder_code", l.holderCode},
                           {"issuer", l.issuer},
                           {"issued_on", l.issuedOn},
                           {"valid_from", l.validFrom},
                           {"valid_to", l.validTo ? json::value(*l.validTo) : json::value(nullptr)},
                           {"signature", "verified"},
                           {"expires_within_days", expiresWithin},
                           {"fields", fields}};
}

asio::awaitable<HttpResponse> fetchLicences(Ctx c, HttpRequest req) {
    std::string grantId = req.pathParams.at("grant_id");
    std::optional<std::string> appFilter;
    if (!req.body.empty()) {
        auto parsed = parseJsonBody(req.body);
        if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
        auto& v = std::get<json::value>(parsed);
        FieldErrors errs;
        if (v.is_object()) appFilter = errs.string(v.get_object(), "application_id", false, 64);
        if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);
    }
    std::string idHash = security::sha256Hex(grantId);
    std::string caller = req.principal->id;
    Millis now = c.now();
    std::function<store::ConsumeResult()> consume = [&c, idHash, caller, appFilter, now] {
        return c.s().store.consumeGrant(idHash, caller, appFilter, now);
    };
    auto used = co_await c.blocking(std::move(consume));
    std::string target = "grant:" + idHash.substr(0, 16);
    auto refusal = refuseGrant(c, req, used, target);
    if (auto refused = co_await std::move(refusal)) co_return std::move(*refused);
    const store::Grant& g = *used.grant;
    auto consent = co_await loadConsent(c, g.consentId);
    if (!consent) throw std::logic_error("grant without consent " + g.consentId);
    std::string platformPurpose = c.cfg().purposes.at(g.purpose);

    adapters::govdata::LicenceQuery q;
    q.holderCode = g.subjectCode;
    q.licenceTypes = g.licenceTypes;
    q.purpose = platformPurpose;
    q.requesterOrgCode = c.s().config.govdata.orgCode;
    q.operatorId = caller;
    q.consentId = consent->id;
    q.verifiedAt = rfc3339Utc(consent->verifiedAt);
    q.consentTextSha256 = consent->consentTextSha256;
    q.copyExpiresAt = rfc3339Utc(now + c.cfg().copyValidityDays * kDay);
    auto result = co_await c.d->gov.queryLicences(std::move(q));
    if (auto* e = std::get_if<GovError>(&result)) {
        // An outage is not the customer's fault: give the grant back for a retry within its lifetime.
        if (e->code == GovErrorCode::kUpstreamTimeout || e->code == GovErrorCode::kUpstreamUnavailable) {
            std::function<bool()> release = [&c, idHash, now] { return c.s().store.releaseGrant(idHash, now); };
            co_await c.blocking(std::move(release));
        }
        auto failed = event(req, "licences.fetch", target, g.applicationId, g.subjectCode, "error",
                            {{"reason", adapters::govdata::toString(e->code)}});
        co_await c.audit(std::move(failed));
        co_return toResponse(govProblem(*e), req.requestId);
    }
    auto licences = std::move(std::get<std::vector<security::ELicence>>(result));
    auto verification = rejectUnverified(c, req, g, target, platformPurpose, licences);
    if (auto rejected = co_await std::move(verification)) co_return std::move(*rejected);

    json::array out;
    for (auto& l : licences) {
        auto storing = storeLicence(c, req, g, consent->phone, l, now);
        out.push_back(co_await std::move(storing));
    }
    auto fetched = event(req, "licences.fetch", target, g.applicationId, g.subjectCode, "allowed",
                         {{"count", licences.size()}});
    co_await c.audit(std::move(fetched));
    co_return jsonResponse(200, {{"licences", out}, {"autofill", autofillFrom(licences)}});
}

}  // namespace

void addConsentRoutes(Router& router, ConsentDeps& deps) {
    Ctx c{&deps};
    const auto roles = deps.services.access->rolesFor("consent.create");
    const std::vector<std::string> json = {"application/json"};
    router.add({"POST", "/v1/consents", roles, 0, json, [c](HttpRequest r) { return createConsent(c, std::move(r)); }});
    router.add({"POST", "/v1/consents/{consent_id}/resend", roles, 0, {},
                [c](HttpRequest r) { return resendConsent(c, std::move(r)); }});
    router.add({"POST", "/v1/consents/{consent_id}/verify", roles, 0, json,
                [c](HttpRequest r) { return verifyConsent(c, std::move(r)); }});
    router.add({"POST", "/v1/grants/{grant_id}/licences", roles, 0, {},
                [c](HttpRequest r) { return fetchLicences(c, std::move(r)); }});
}

}  // namespace lgw::gateway
