#include "gateway/api/error_mapping.hpp"

#include <boost/json/parse.hpp>

namespace lgw::gateway {

using adapters::govdata::GovErrorCode;

Problem govProblem(const adapters::govdata::GovError& e) {
    switch (e.code) {
        case GovErrorCode::kUpstreamTimeout: return makeProblem(504, "upstream_timeout", e.detail);
        case GovErrorCode::kSubjectUnknown:
            return makeProblem(404, "subject_unknown", "the government platform has no holder with this code");
        case GovErrorCode::kUpstreamBadPayload: return makeProblem(502, "upstream_bad_payload", e.detail);
        case GovErrorCode::kUpstreamRefused: return makeProblem(502, "upstream_refused", e.detail);
        case GovErrorCode::kUpstreamUnavailable: return makeProblem(502, "upstream_unavailable", e.detail);
    }
    return makeProblem(502, "upstream_unavailable", e.detail);
}

Problem smsProblem(const adapters::sms::SmsError& e) {
    return makeProblem(502, "sms_failed", "the verification code could not be sent: " + e.detail);
}

Problem licenceProblem(const security::LicenceVerdict& v) {
    return makeProblem(502, v.code, v.reason + "; nothing was stored");
}

Problem consentProblem(const ConsentFailure& f) {
    if (auto* gov = std::get_if<adapters::govdata::GovError>(&f.cause)) return govProblem(*gov);
    if (auto* sms = std::get_if<adapters::sms::SmsError>(&f.cause)) return smsProblem(*sms);
    if (auto* verdict = std::get_if<security::LicenceVerdict>(&f.cause)) return licenceProblem(*verdict);
    int status = 500;
    switch (static_cast<ConsentErrc>(f.code.value())) {
        case ConsentErrc::kInvalidSubjectCode: status = 422; break;
        case ConsentErrc::kRateLimited: status = 429; break;
        case ConsentErrc::kConsentNotFound:
        case ConsentErrc::kGrantNotFound: status = 404; break;
        case ConsentErrc::kConsentLocked: status = 423; break;
        case ConsentErrc::kConsentUsed:
        case ConsentErrc::kResendLimit:
        case ConsentErrc::kGrantUsed: status = 409; break;
        case ConsentErrc::kConsentExpired:
        case ConsentErrc::kGrantExpired: status = 410; break;
        case ConsentErrc::kCodeMismatch: status = 401; break;
        case ConsentErrc::kGrantScope: status = 403; break;
        case ConsentErrc::kUpstream: status = 502; break;  // only without a cause, which is a bug
        case ConsentErrc::kSmsFailed:
        case ConsentErrc::kLicenceRejected: status = 502; break;
        case ConsentErrc::kTimestampingUnavailable: status = 503; break;
    }
    Problem p = makeProblem(status, f.code.message(), f.detail);
    if (f.attemptsLeft) p.extra["attempts_left"] = *f.attemptsLeft;
    return p;
}

HttpResponse consentResponse(const ConsentFailure& f, const std::string& requestId) {
    if (f.code == ConsentErrc::kRateLimited && f.retryAfterS > 0) return rateLimited(f.detail, f.retryAfterS, requestId);
    HttpResponse r = toResponse(consentProblem(f), requestId);
    if (f.retryAfterS > 0) r.headers.emplace_back("Retry-After", std::to_string(f.retryAfterS));
    return r;
}

Problem packageProblem(const PackageFailure& f) {
    int status = 500;
    switch (static_cast<PackageErrc>(f.code.value())) {
        case PackageErrc::kApplicationNotFound:
        case PackageErrc::kPackageNotFound: status = 404; break;
        case PackageErrc::kUnknownCategory:
        case PackageErrc::kIdentityProofMissing: status = 422; break;
        case PackageErrc::kPackageSuspended:
        case PackageErrc::kNotDeadLetter: status = 409; break;
    }
    Problem p = makeProblem(status, f.code.message(), f.detail);
    if (f.code == PackageErrc::kIdentityProofMissing) p.extra["items"] = boost::json::parse(store::encodePackageItems(f.items));
    return p;
}

Problem scanProblem(const ocr::ScanError& e) { return makeProblem(e.status, e.code, e.message); }

HttpResponse scanResponse(const ocr::ScanError& e, const std::string& requestId) {
    HttpResponse r = toResponse(scanProblem(e), requestId);
    if (e.status == 503) r.headers.emplace_back("Retry-After", "5");
    return r;
}

}  // namespace lgw::gateway
