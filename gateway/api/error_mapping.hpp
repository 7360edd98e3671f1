#pragma once
// Every error of a service or an adapter becomes its problem here, and only here: the status, the
// stable code and a detail that says what happened or what to do (API.md: never a stack trace,
// never a 500 for bad input). The transport's own problems (401, 413, 431, 503 at the door) stay
// with the dispatcher and the server; access refusals with access_checks.
#include "adapters/govdata/gov_data_platform.hpp"
#include "adapters/sms/sms_sender.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/services/consents.hpp"
#include "gateway/services/packages.hpp"
#include "ocr/scan_image.hpp"
#include "security/licence_verifier.hpp"

namespace lgw::gateway {

/// The government platform: 504 upstream_timeout, 404 subject_unknown, 502 upstream_bad_payload /
/// upstream_refused / upstream_unavailable.
Problem govProblem(const adapters::govdata::GovError& e);

/// The SMS provider: 502 sms_failed, naming why (never the phone or the code).
Problem smsProblem(const adapters::sms::SmsError& e);

/// A licence failing its seal, identifier, holder, purpose or type check: 502 with the verdict's
/// code (licence_signature_invalid, licence_rejected); nothing was stored.
Problem licenceProblem(const security::LicenceVerdict& v);

/// A consent, grant or fetch that did not happen: its status and code (ConsentErrc's message), the
/// platform's, SMS provider's or verdict's problem for those causes; attempts_left where it counts.
Problem consentProblem(const ConsentFailure& f);
/// The same as a response: a rate limit carries Retry-After.
HttpResponse consentResponse(const ConsentFailure& f, const std::string& requestId);

/// A package that could not be built, pushed or replayed (404, 409, 422); identity_proof_missing
/// carries the judged items.
Problem packageProblem(const PackageFailure& f);

/// A scan the OCR pipeline refused or could not read (415, 422, 503 ocr_unavailable); the 503
/// carries Retry-After when answered (scanResponse).
Problem scanProblem(const ocr::ScanError& e);
HttpResponse scanResponse(const ocr::ScanError& e, const std::string& requestId);

}  // namespace lgw::gateway
