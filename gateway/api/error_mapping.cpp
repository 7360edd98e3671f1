#include "gateway/api/error_mapping.hpp"

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

Problem scanProblem(const ocr::ScanError& e) { return makeProblem(e.status, e.code, e.message); }

HttpResponse scanResponse(const ocr::ScanError& e, const std::string& requestId) {
    HttpResponse r = toResponse(scanProblem(e), requestId);
    if (e.status == 503) r.headers.emplace_back("Retry-After", "5");
    return r;
}

}  // namespace lgw::gateway
