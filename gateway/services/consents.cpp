#include "gateway/services/consents.hpp"

#include <boost/system/system_error.hpp>

#include <algorithm>

#include "adapters/error_category.hpp"
#include "adapters/sms/template_params.hpp"
#include "adapters/store/document_fields.hpp"
#include "gateway/services/time_text.hpp"
#include "ofd/licence_check.hpp"
#include "security/audit_detail.hpp"
#include "security/consent_codes.hpp"
#include "security/crypto.hpp"
#include "security/identity_codes.hpp"
#include "security/masking.hpp"
#include "text/rfc3339.hpp"

namespace lgw::gateway {

namespace asio = boost::asio;
using adapters::govdata::GovError;
using adapters::govdata::GovErrorCode;
using Millis = std::int64_t;

namespace {

constexpr Millis kDay = 86400000;

const char* codeOf(ConsentErrc e) {
    switch (e) {
        case ConsentErrc::kInvalidSubjectCode: return "invalid_subject_code";
        case ConsentErrc::kRateLimited: return "rate_limited";
        case ConsentErrc::kConsentNotFound: return "consent_not_found";
        case ConsentErrc::kConsentLocked: return "consent_locked";
        case ConsentErrc::kConsentUsed: return "consent_used";
        case ConsentErrc::kConsentExpired: return "consent_expired";
        case ConsentErrc::kCodeMismatch: return "code_mismatch";
        case ConsentErrc::kGrantNotFound: return "grant_not_found";
        case ConsentErrc::kGrantUsed: return "grant_used";
        case ConsentErrc::kGrantExpired: return "grant_expired";
        case ConsentErrc::kGrantScope: return "grant_scope";
        case ConsentErrc::kUpstream: return "upstream";
        case ConsentErrc::kSmsFailed: return "sms_failed";
        case ConsentErrc::kLicenceRejected: return "licence_rejected";
        case ConsentErrc::kResendLimit: return "resend_limit";
        case ConsentErrc::kTimestampingUnavailable: return "timestamping_unavailable";
    }
    return "consent_error";
}

ConsentFailure failure(ConsentErrc code, std::string detail) { return ConsentFailure{code, std::move(detail)}; }

// "YYYY-MM-DD" -> Unix ms at 00:00 UTC, read by the one RFC 3339 reader; nullopt if malformed.
std::optional<Millis> dateMs(const std::string& d) {
    if (d.size() != 10) return std::nullopt;
    return text::parseRfc3339Ms(d + "T00:00:00Z");
}

ConsentFailure resendLimit(int maxResends) {
    return failure(ConsentErrc::kResendLimit,
                   "a consent takes at most " + std::to_string(maxResends) + " new codes; start a new consent");
}

store::AuditEvent event(const Actor& who, std::string action, std::string target, std::string app, std::string subject,
                        std::string outcome, security::AuditDetail detail = {}, bool alert = false) {
    // The auditor stores the subject as its keyed reference; the masked code is for reading.
    if (!subject.empty()) detail.add("subject_masked", security::maskIdentityCode(subject));
    store::AuditEvent e = actorEvent(who, std::move(action), std::move(target), std::move(app), std::move(outcome), detail);
    e.subject = std::move(subject);
    e.alert = alert;
    return e;
}

// An event's outcome decided inside its audited action (the subject is still the raw code there).
void complete(store::AuditEvent& e, std::string outcome, security::AuditDetail detail = {}, bool alert = false) {
    if (!e.subject.empty()) detail.add("subject_masked", security::maskIdentityCode(e.subject));
    e.outcome = std::move(outcome);
    e.detailJson = detail.json();
    e.alert = alert;
}

adapters::sms::SmsMessage codeMessage(std::string phone, const std::string& code, int ttlS, std::string consentId) {
    return {std::move(phone), "consent_code", {{"code", code}, {"valid_minutes", std::to_string(ttlS / 60)}},
            std::move(consentId)};
}

}  // namespace

const boost::system::error_category& consentCategory() {
    static const adapters::CodeCategory<ConsentErrc> category("lgw.consent", &codeOf);
    return category;
}

boost::system::error_code make_error_code(ConsentErrc e) { return {static_cast<int>(e), consentCategory()}; }

void throw_exception_from_error(const ConsentFailure& f, const boost::source_location& where) {
    throw boost::system::system_error(f.code, f.detail + " (at " + where.file_name() + ")");
}

Autofill autofillFrom(const std::vector<security::ELicence>& ls) {
    Autofill a;
    auto setIfNone = [](std::optional<std::string>& field, const std::string& v) {
        if (!v.empty() && !field) field = v;
    };
    auto datum = [](const security::ELicence& l, const char* key) {
        auto it = l.data.find(key);
        return it == l.data.end() ? std::string() : it->second;
    };
    for (auto& l : ls)
        if (l.type == "business_licence") {
            setIfNone(a.customerName, l.holder);
            setIfNone(a.creditCode, l.holderCode);
            setIfNone(a.legalRepresentative, datum(l, "legal_representative"));
            setIfNone(a.address, datum(l, "address"));
        }
    for (auto& l : ls)
        if (l.type == "id_card") {
            setIfNone(a.customerName, l.holder);
            setIfNone(a.idNumber, l.holderCode);
            setIfNone(a.address, datum(l, "address"));
        }
    for (auto& l : ls)
        if (l.type == "property_certificate") setIfNone(a.address, datum(l, "location"));
    return a;
}

// Not a coroutine: the event moves into Auditor::record's frame before this returns, so an event
// built in the caller's co_await expression never outlives its use (STYLE.md, g++ 12).
asio::awaitable<store::AuditEvent> ConsentService::audit(store::AuditEvent e) {
    return d_.auditor.record(std::move(e));
}

asio::awaitable<std::optional<ConsentFailure>> ConsentService::limit(std::string key, config::RateLimitConfig rl,
                                                                     std::string what) {
    const Millis now = d_.services.nowMs();
    std::function<store::RateDecision()> job = [this, key, rl, now] {
        return d_.services.store.hitRateLimit(key, static_cast<Millis>(rl.windowS) * 1000, rl.max, now);
    };
    auto decision = co_await d_.services.blocking.call(std::move(job));
    if (decision.allowed) co_return std::nullopt;
    ConsentFailure f = failure(ConsentErrc::kRateLimited, "");
    f.retryAfterS = secondsUp(decision.retryAfterMs);
    f.detail = "too many consent requests " + what + "; retry after " + std::to_string(f.retryAfterS) + " s";
    co_return f;
}

std::optional<ConsentFailure> ConsentService::timestampRefusal() const {
    if (!d_.services.timestampRefusal) return std::nullopt;
    auto refusal = d_.services.timestampRefusal();
    if (!refusal) return std::nullopt;
    ConsentFailure f = failure(ConsentErrc::kTimestampingUnavailable, std::move(refusal->reason));
    f.retryAfterS = refusal->retryAfterS;
    return f;
}

asio::awaitable<std::optional<store::Consent>> ConsentService::load(std::string id) {
    std::function<std::optional<store::Consent>()> job = [this, id] { return d_.services.store.consent(id); };
    co_return co_await d_.services.blocking.call(std::move(job));
}

asio::awaitable<ConsentResult<ConsentStarted>> ConsentService::start(Actor who, ConsentRequest rq) {
    // A malformed code is refused; a wrong check character alone is only flagged, because some
    // legally issued early credit codes fail it: the platform decides whether the holder exists.
    auto verdict = rq.subjectType == "enterprise" ? security::validateCreditCode(rq.subjectCode)
                                                  : security::validateIdNumber(rq.subjectCode);
    if (!verdict.wellFormed) co_return failure(ConsentErrc::kInvalidSubjectCode, verdict.reason);
    const bool checksumWarning = !verdict.valid;
    const std::string code = verdict.normalized;
    // Before any limit counts the attempt: nothing is asked of the platform or the customer.
    if (auto refused = timestampRefusal()) {
        auto ev0 = event(who, "consent.create", "", rq.applicationId, code, "error",
                         {{"reason", "timestamping_unavailable"}});
        co_await audit(std::move(ev0));
        co_return std::move(*refused);
    }

    // Arguments named before each co_await (STYLE.md, g++ 12).
    std::string callerKey = "caller:" + who.id, subjectKey = "subject:" + code;
    std::string fromCaller = "from this caller", forSubject = "for this subject", toPhone = "to this phone";
    if (auto f = co_await limit(callerKey, cfg().perCaller, fromCaller)) co_return std::move(*f);
    if (auto f = co_await limit(subjectKey, cfg().perSubject, forSubject)) co_return std::move(*f);

    std::string codeType = rq.subjectType == "enterprise" ? "USCC" : "ID";
    auto phoneResult = co_await d_.gov.contactPhone(codeType, code);
    if (!phoneResult) {
        const GovError e = phoneResult.error();
        auto ev1 = event(who, "consent.create", "", rq.applicationId, code, "error",
                             {{"reason", adapters::govdata::toString(e.code)}});
        co_await audit(std::move(ev1));
        ConsentFailure f = failure(ConsentErrc::kUpstream, e.detail);
        f.cause = e;
        co_return f;
    }
    const std::string phone = *phoneResult;
    std::string phoneKey = "phone:" + phone;
    if (auto f = co_await limit(phoneKey, cfg().perPhone, toPhone)) co_return std::move(*f);

    store::Consent consent;
    consent.id = security::randomId128();
    consent.applicationId = rq.applicationId;
    consent.subjectType = rq.subjectType;
    consent.subjectCode = code;
    consent.licenceTypes = rq.licenceTypes;
    consent.purpose = rq.purpose;
    consent.caller = who.id;
    consent.phone = phone;
    consent.consentTextSha256 = d_.consentTextSha256;
    consent.checksumWarning = checksumWarning;
    const Millis now = d_.services.nowMs();
    consent.createdAt = now;
    consent.codeExpiresAt = now + cfg().codeTtlS * 1000LL;
    consent.resendAfter = now + cfg().resendIntervalS * 1000LL;
    const std::string smsCode = security::generateSmsCode();
    consent.codeHmac = security::smsCodeHmac(d_.codeSecret, consent.id, smsCode);

    // Store first (with its event, one transaction), send second: no SMS goes out with a code the
    // gateway did not keep, even if it stops between the two. A failed send leaves a consent that
    // nobody can use: its id is answered to no one, and the code reached no one.
    auto ev3 = event(who, "consent.create", consent.id, rq.applicationId, code, "allowed",
                     {{"masked_phone", security::maskPhone(phone)}, {"checksum_warning", checksumWarning}});
    store::AuditedAction insert = [this, consent](store::AuditEvent&) {
        d_.services.store.insertConsent(consent);
        return true;
    };
    auto inserting = d_.auditor.recordWith(std::move(ev3), std::move(insert));
    co_await std::move(inserting);
    auto msg = codeMessage(phone, smsCode, cfg().codeTtlS, consent.id);
    auto sent = co_await d_.sms.send(std::move(msg));
    if (!sent) {
        const adapters::sms::SmsError smsError = sent.error();
        auto ev2 = event(who, "consent.sms", consent.id, rq.applicationId, code, "error",
                             {{"reason", smsError.detail}});
        co_await audit(std::move(ev2));
        ConsentFailure f = failure(ConsentErrc::kSmsFailed, smsError.detail);
        f.cause = smsError;
        co_return f;
    }
    co_return ConsentStarted{consent.id, security::maskPhone(phone), consent.codeExpiresAt, cfg().resendIntervalS,
                             checksumWarning, checksumWarning ? verdict.reason : std::string()};
}

// Why a consent takes no new code now, before anything is counted or sent (nullopt: it may).
std::optional<ConsentFailure> ConsentService::refuseResend(const store::Consent& c, const std::string& caller,
                                                           Millis now) const {
    if (c.caller != caller) return failure(ConsentErrc::kConsentNotFound, "no consent " + c.id + " of this caller");
    if (c.status == store::ConsentStatus::kLocked)
        return failure(ConsentErrc::kConsentLocked, "too many wrong codes; start a new consent");
    if (c.status == store::ConsentStatus::kVerified)
        return failure(ConsentErrc::kConsentUsed, "this consent was verified already");
    // An absolute lifetime: resends renew the code, never the consent (an SMS pump otherwise).
    if (now >= c.createdAt + cfg().lifetimeS * 1000LL)
        return failure(ConsentErrc::kConsentExpired, "this consent ended " + std::to_string(cfg().lifetimeS / 60) +
                                                         " minutes after it started; start a new consent");
    if (c.resends >= cfg().maxResends) return resendLimit(cfg().maxResends);
    if (now < c.resendAfter) {
        ConsentFailure f = failure(ConsentErrc::kRateLimited, "");
        f.retryAfterS = secondsUp(c.resendAfter - now);
        f.detail = "a new code may be sent in " + std::to_string(f.retryAfterS) + " s";
        return f;
    }
    return std::nullopt;
}

asio::awaitable<ConsentResult<CodeResent>> ConsentService::resend(Actor who, std::string id) {
    auto consent = co_await load(id);
    if (!consent) co_return failure(ConsentErrc::kConsentNotFound, "no consent " + id + " of this caller");
    const Millis now = d_.services.nowMs();
    if (auto refused = refuseResend(*consent, who.id, now)) co_return std::move(*refused);
    // Every code sent counts against the phone and the subject, a resend as much as the first.
    std::string subjectKey = "subject:" + consent->subjectCode, phoneKey = "phone:" + consent->phone;
    std::string forSubject = "for this subject", toPhone = "to this phone";
    if (auto f = co_await limit(subjectKey, cfg().perSubject, forSubject)) co_return std::move(*f);
    if (auto f = co_await limit(phoneKey, cfg().perPhone, toPhone)) co_return std::move(*f);

    // The code is reserved in the store before it goes out: of two resends at once only one gets
    // a code to send, and no code is sent that the store does not hold.
    const std::string smsCode = security::generateSmsCode();
    const std::string hmac = security::smsCodeHmac(d_.codeSecret, id, smsCode);
    const Millis expires = std::min(now + cfg().codeTtlS * 1000LL, consent->createdAt + cfg().lifetimeS * 1000LL);
    const Millis resendAfter = now + cfg().resendIntervalS * 1000LL;
    // The reservation and its event commit together; a send that fails after it is audited too.
    const int maxResends = cfg().maxResends;
    auto outcome = std::make_shared<store::ResendOutcome>(store::ResendOutcome::kNotPending);
    auto ev4 = event(who, "consent.resend", id, consent->applicationId, consent->subjectCode, "allowed",
                     {{"resend", consent->resends + 1}});
    store::AuditedAction reserve = [this, id, hmac, expires, resendAfter, now, maxResends, outcome](store::AuditEvent&) {
        *outcome = d_.services.store.replaceConsentCode(id, hmac, expires, resendAfter, now, maxResends);
        return *outcome == store::ResendOutcome::kOk;
    };
    auto reserving = d_.auditor.recordWith(std::move(ev4), std::move(reserve));
    co_await std::move(reserving);
    if (*outcome == store::ResendOutcome::kTooSoon)
        co_return failure(ConsentErrc::kRateLimited, "a new code was sent moments ago");
    if (*outcome == store::ResendOutcome::kTooMany) co_return resendLimit(maxResends);
    if (*outcome != store::ResendOutcome::kOk)
        co_return failure(ConsentErrc::kConsentUsed, "this consent can no longer be resent");
    auto msg = codeMessage(consent->phone, smsCode, static_cast<int>((expires - now) / 1000), id);
    auto sent = co_await d_.sms.send(std::move(msg));
    if (!sent) {
        const adapters::sms::SmsError smsError = sent.error();
        auto failed = event(who, "consent.sms", id, consent->applicationId, consent->subjectCode, "error",
                            {{"reason", smsError.detail}, {"resend", consent->resends + 1}});
        co_await audit(std::move(failed));
        ConsentFailure f = failure(ConsentErrc::kSmsFailed, smsError.detail);
        f.cause = smsError;
        co_return f;
    }
    co_return CodeResent{expires, cfg().resendIntervalS};
}

asio::awaitable<ConsentResult<GrantIssued>> ConsentService::verify(Actor who, std::string id, std::string code) {
    auto consent = co_await load(id);
    if (!consent || consent->caller != who.id)
        co_return failure(ConsentErrc::kConsentNotFound, "no consent " + id + " of this caller");
    const std::string grantId = security::randomId128();
    store::Grant grant;
    grant.idHash = security::sha256Hex(grantId);
    const Millis now = d_.services.nowMs();
    grant.expiresAt = now + cfg().grantTtlS * 1000LL;
    const std::string presented = security::smsCodeHmac(d_.codeSecret, id, code);
    const int maxAttempts = cfg().maxAttempts;
    // The code's check (verified, attempt counted or locked) and its event commit together.
    const bool wasPending = consent->status == store::ConsentStatus::kPending;
    auto r = std::make_shared<store::VerifyResult>();
    auto ev5 = event(who, "consent.verify", id, consent->applicationId, consent->subjectCode, "allowed");
    store::AuditedAction check = [this, id, presented, now, maxAttempts, grant, wasPending, r](store::AuditEvent& e) {
        *r = d_.services.store.verifyConsentCode(id, presented, now, maxAttempts, grant);
        switch (r->outcome) {
            case store::VerifyOutcome::kVerified: complete(e, "allowed"); return true;
            case store::VerifyOutcome::kMismatch: complete(e, "denied", {{"reason", "code_mismatch"}}); return true;
            // The attempt that locks it is an alert; later ones at a locked consent are not news.
            case store::VerifyOutcome::kLocked:
                complete(e, "denied", {{"reason", "consent_locked"}}, wasPending);
                return true;
            case store::VerifyOutcome::kExpired: complete(e, "denied", {{"reason", "consent_expired"}}); return true;
            case store::VerifyOutcome::kUsed: complete(e, "denied", {{"reason", "consent_used"}}); return true;
            case store::VerifyOutcome::kNotFound: return false;
        }
        return false;
    };
    auto checking = d_.auditor.recordWith(std::move(ev5), std::move(check));
    co_await std::move(checking);
    switch (r->outcome) {
        case store::VerifyOutcome::kVerified:
            co_return GrantIssued{grantId, grant.expiresAt, consent->applicationId, consent->licenceTypes,
                                  consent->purpose};
        case store::VerifyOutcome::kMismatch: {
            ConsentFailure f = failure(ConsentErrc::kCodeMismatch, "the code does not match; " +
                                                                       std::to_string(r->attemptsLeft) + " attempt(s) left");
            f.attemptsLeft = r->attemptsLeft;
            co_return f;
        }
        case store::VerifyOutcome::kLocked: {
            ConsentFailure f = failure(ConsentErrc::kConsentLocked, "too many wrong codes; start a new consent");
            f.attemptsLeft = 0;
            co_return f;
        }
        case store::VerifyOutcome::kExpired:
            co_return failure(ConsentErrc::kConsentExpired, "the code expired; send a new one with /resend");
        case store::VerifyOutcome::kUsed:
            co_return failure(ConsentErrc::kConsentUsed, "this consent was verified already; it serves one grant");
        case store::VerifyOutcome::kNotFound: break;
    }
    co_return failure(ConsentErrc::kConsentNotFound, "no consent " + id);
}

// A grant that cannot serve this fetch: why, the refusal audited (nullopt when it can).
asio::awaitable<std::optional<ConsentFailure>> ConsentService::refuseGrant(Actor who, store::ConsumeResult used,
                                                                           std::string target) {
    std::optional<ConsentFailure> why;
    bool alert = false;
    switch (used.outcome) {
        case store::ConsumeOutcome::kOk: co_return std::nullopt;
        case store::ConsumeOutcome::kNotFound: co_return failure(ConsentErrc::kGrantNotFound, "no such grant");
        case store::ConsumeOutcome::kUsed:
            why = failure(ConsentErrc::kGrantUsed, "this grant was used already; a grant serves one fetch");
            break;
        case store::ConsumeOutcome::kExpired:
            why = failure(ConsentErrc::kGrantExpired, "the grant expired; ask the customer for a new consent");
            break;
        case store::ConsumeOutcome::kWrongCaller:
            why = failure(ConsentErrc::kGrantScope, "this grant was issued to another caller");
            alert = true;
            break;
        case store::ConsumeOutcome::kWrongApplication:
            why = failure(ConsentErrc::kGrantScope, "this grant was issued for another application");
            alert = true;
            break;
    }
    auto ev10 = event(who, "licences.fetch", target, used.grant->applicationId, used.grant->subjectCode, "denied",
                         {{"reason", why->code.message()}}, alert);
    co_await audit(std::move(ev10));
    co_return why;
}

// Every licence verified (seal, holder, purpose) and of a consented type, or the first that is not,
// audited as an alert: then nothing is stored. `licences` is the caller's, which awaits this.
asio::awaitable<std::optional<ConsentFailure>> ConsentService::rejectUnverified(
    Actor who, store::Grant g, std::string target, std::string platformPurpose, Millis copyExpiresAtMs,
    const std::vector<security::ELicence>& licences, std::vector<SealKept>& seals) {
    // The annotation must say what was asked: this purpose, this utility, no longer than the copy
    // was asked for and not over yet (UPSTREAMS.md).
    security::LicenceExpectations expect{g.subjectCode, platformPurpose, d_.services.config.govdata.orgCode,
                                         copyExpiresAtMs, d_.services.nowMs()};
    for (auto& l : licences) {
        auto verdict = security::verifyLicence(l, d_.platformKeys, expect);
        if (verdict.ok && std::find(g.licenceTypes.begin(), g.licenceTypes.end(), l.type) == g.licenceTypes.end()) {
            verdict.ok = false;
            verdict.code = "licence_rejected";
            verdict.reason = "licence " + l.number + ": type " + l.type + " was not consented";
        }
        if (verdict.ok && l.fileContentType == "application/ofd") {
            // The file itself is the legal document: its seals, and that it says what the record says.
            // Verification and the report's encoding are CPU work: on the pool, as the decryption is.
            std::optional<ofd::LicenceFileCheck> checked;
            SealKept kept;
            std::function<void()> check = [this, &l, &checked, &kept] {
                if (!d_.ofdTrust) return;
                checked = ofd::checkOfdLicence(l, *d_.ofdTrust, d_.services.nowMs() / 1000);
                if (checked->ok) kept = SealKept{ofd::sealSummary(checked->report), ofd::sealReportJson(checked->report)};
            };
            co_await d_.services.blocking.run(std::move(check));
            if (!checked || !checked->ok) {
                verdict.ok = false;
                verdict.code = "licence_seal_invalid";
                verdict.reason = checked ? checked->reason
                                         : "licence " + l.number +
                                               ": an OFD file, and no seal trust anchor is configured (govdata.ofd_trust_anchors)";
            } else {
                seals[static_cast<std::size_t>(&l - licences.data())] = std::move(kept);
            }
        }
        if (verdict.ok) continue;
        auto ev11 = event(who, "licence.verify", target, g.applicationId, g.subjectCode, "denied",
                             {{"reason", verdict.code}, {"detail", verdict.reason}}, true);
        co_await audit(std::move(ev11));
        ConsentFailure f = failure(ConsentErrc::kLicenceRejected, verdict.reason);
        f.cause = verdict;
        co_return f;
    }
    co_return std::nullopt;
}

// A licence ending within the warning period: an SMS reminder at 09:00 China Standard Time (01:00
// UTC) on each configured day before its end that is still ahead. Returns the days left, or none.
asio::awaitable<std::optional<std::int64_t>> ConsentService::scheduleExpiryReminders(security::ELicence l,
                                                                                     std::string phone, Millis now) {
    if (!l.validTo) co_return std::nullopt;
    auto end = dateMs(*l.validTo);
    if (!end) co_return std::nullopt;
    const Millis left = *end - now;
    if (left >= cfg().expiryWarningDays * kDay) co_return std::nullopt;
    for (int days : cfg().reminderDays) {
        const Millis due = *end - days * kDay + 3600000;
        if (due <= now) continue;
        store::Reminder rem;
        rem.dedupeKey = "licence:" + l.identifier + ":" + std::to_string(days);
        rem.phone = phone;
        rem.templateName = "licence_expiring";
        rem.paramsJson = adapters::sms::encodeTemplateParams(
            {{"licence", l.name}, {"number", l.number}, {"valid_to", *l.validTo}, {"days", days}});
        rem.dueAt = due;
        std::function<void()> sched = [this, rem] { d_.services.store.scheduleReminder(rem); };
        co_await d_.services.blocking.run(std::move(sched));
    }
    co_return std::max<Millis>(0, left / kDay);
}

// One verified licence into the vault and the store (audited), its reminders scheduled.
asio::awaitable<FetchedLicence> ConsentService::storeLicence(Actor who, store::Grant g, std::string phone,
                                                             security::ELicence l, Millis now, SealKept kept) {
    store::DocumentMeta doc;
    doc.id = security::randomId128();
    doc.applicationId = g.applicationId;
    doc.source = "e_licence";
    doc.docType = l.type;
    doc.contentType = l.fileContentType;
    doc.createdBy = who.id;
    doc.createdAt = now;
    doc.fieldsJson = store::encodeLicenceFields(l.data);
    // The copy is ours to use until its signed annotation says (verified: no later than the
    // copy_expires_at we asked for); retention shreds it then.
    doc.expiresAt = text::parseRfc3339Ms(l.annotationExpiresAt).value_or(0);
    store::LicenceRecord rec{doc.id, g.applicationId, l.identifier, l.type, l.number, l.holder, l.holderCode,
                             l.issuer, l.issuedOn, l.validFrom, l.validTo.value_or(""), doc.fieldsJson, kept.reportJson};
    std::string file = std::move(l.fileBytes);
    // The sealed blob first (without its metadata row it is unreadable), then the row and its
    // event in one transaction: a licence is stored audited or not at all (503 audit_unavailable).
    std::function<void()> seal = [this, &doc, &file] { d_.vault.put(doc, file); };
    co_await d_.services.blocking.run(std::move(seal));
    security::AuditDetail stored{{"type", l.type}, {"identifier", l.identifier}};
    if (!kept.summary.empty()) stored.add("seal", kept.summary);  // its whole report is in the licence row
    auto ev12 = event(who, "licence.store", doc.id, g.applicationId, g.subjectCode, "allowed", std::move(stored));
    store::AuditedAction insert = [this, doc, rec](store::AuditEvent&) {
        d_.services.store.insertLicenceDocument(doc, rec);
        return true;
    };
    auto storing = d_.auditor.recordWith(std::move(ev12), std::move(insert));
    co_await std::move(storing);
    auto within = co_await scheduleExpiryReminders(l, phone, now);
    co_return FetchedLicence{doc.id, std::move(l), within, std::move(kept.summary)};
}

// The grant back for a retry within its lifetime, with its event (grant.release, the reason).
asio::awaitable<void> ConsentService::releaseGrant(Actor who, store::Grant g, std::string idHash, std::string target,
                                                   Millis now, std::string reason) {
    auto released = event(who, "grant.release", target, g.applicationId, g.subjectCode, "allowed", {{"reason", reason}});
    store::AuditedAction release = [this, idHash, now](store::AuditEvent&) {
        return d_.services.store.releaseGrant(idHash, now);
    };
    auto releasing = d_.auditor.recordWith(std::move(released), std::move(release));
    co_await std::move(releasing);
}

asio::awaitable<store::ConsumeResult> ConsentService::consumeGrant(Actor who, std::string idHash,
                                                                  std::optional<std::string> appFilter,
                                                                  std::string target, Millis now) {
    auto used = std::make_shared<store::ConsumeResult>();
    auto ev = event(who, "grant.consume", target, "", "", "allowed");
    store::AuditedAction consume = [this, idHash, caller = who.id, appFilter, now, used](store::AuditEvent& e) {
        *used = d_.services.store.consumeGrant(idHash, caller, appFilter, now);
        if (used->outcome != store::ConsumeOutcome::kOk) return false;
        e.applicationId = used->grant->applicationId;
        e.subject = used->grant->subjectCode;
        complete(e, "allowed", {{"consent_id", used->grant->consentId}});
        return true;
    };
    auto consuming = d_.auditor.recordWith(std::move(ev), std::move(consume));
    co_await std::move(consuming);
    co_return std::move(*used);
}

asio::awaitable<ConsentResult<LicencesFetched>> ConsentService::fetchLicences(Actor who, std::string grantId,
                                                                              std::optional<std::string> appFilter) {
    const std::string idHash = security::sha256Hex(grantId);
    const Millis now = d_.services.nowMs();
    const std::string target = "grant:" + idHash.substr(0, 16);
    // Before the grant is touched: it stays usable once time-stamps succeed again.
    if (auto refused = timestampRefusal()) {
        auto ev0 = event(who, "licences.fetch", target, appFilter.value_or(""), "", "error",
                         {{"reason", "timestamping_unavailable"}});
        co_await audit(std::move(ev0));
        co_return std::move(*refused);
    }
    // A grant is used up with its event or not at all; a refusal changes nothing and is audited below.
    auto used = co_await consumeGrant(who, idHash, appFilter, target, now);
    if (auto refused = co_await refuseGrant(who, used, target)) co_return std::move(*refused);
    const store::Grant g = *used.grant;
    auto consent = co_await load(g.consentId);
    if (!consent) throw std::logic_error("grant without consent " + g.consentId);
    const std::string platformPurpose = cfg().purposes.at(g.purpose);

    adapters::govdata::LicenceQuery q;
    q.holderCode = g.subjectCode;
    q.licenceTypes = g.licenceTypes;
    q.purpose = platformPurpose;
    q.requesterOrgCode = d_.services.config.govdata.orgCode;
    q.operatorId = who.id;
    q.consentId = consent->id;
    q.verifiedAt = rfc3339Utc(consent->verifiedAt);
    q.consentTextSha256 = consent->consentTextSha256;
    const Millis copyExpiresAtMs = (now + cfg().copyValidityDays * kDay) / 1000 * 1000;  // as RFC 3339 says it
    q.copyExpiresAt = rfc3339Utc(copyExpiresAtMs);
    auto result = co_await d_.gov.queryLicences(std::move(q));
    if (!result) {
        const GovError e = result.error();
        // An outage is not the customer's fault: give the grant back for a retry within its lifetime.
        if (e.code == GovErrorCode::kUpstreamTimeout || e.code == GovErrorCode::kUpstreamUnavailable) {
            auto releasing = releaseGrant(who, g, idHash, target, now, adapters::govdata::toString(e.code));
            co_await std::move(releasing);
        }
        auto ev13 = event(who, "licences.fetch", target, g.applicationId, g.subjectCode, "error",
                             {{"reason", adapters::govdata::toString(e.code)}});
        co_await audit(std::move(ev13));
        ConsentFailure f = failure(ConsentErrc::kUpstream, e.detail);
        f.cause = e;
        co_return f;
    }
    auto licences = std::move(*result);
    std::vector<SealKept> seals(licences.size());
    if (auto rejected = co_await rejectUnverified(who, g, target, platformPurpose, copyExpiresAtMs, licences, seals))
        co_return std::move(*rejected);

    LicencesFetched out;
    out.autofill = autofillFrom(licences);
    // Verified licences that we fail to keep are our fault, not the customer's: the grant is given
    // back (audited) before the failure goes on to its 503, so a retry needs no new consent. (No
    // co_await in a catch handler: the failure is carried out of it.)
    std::exception_ptr storeFailure;
    try {
        for (std::size_t i = 0; i < licences.size(); ++i) {
            auto storing = storeLicence(who, g, consent->phone, std::move(licences[i]), now, seals[i]);
            out.licences.push_back(co_await std::move(storing));
        }
    } catch (const std::exception&) {
        storeFailure = std::current_exception();
    }
    if (storeFailure) {
        auto releasing = releaseGrant(who, g, idHash, target, now, "store_unavailable");
        co_await std::move(releasing);
        std::rethrow_exception(storeFailure);
    }
    auto ev14 = event(who, "licences.fetch", target, g.applicationId, g.subjectCode, "allowed",
                         {{"count", out.licences.size()}});
    co_await audit(std::move(ev14));
    co_return out;
}

}  // namespace lgw::gateway
