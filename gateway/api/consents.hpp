#pragma once
// Section 1 of API.md: consent by SMS code, grants, and the e-licence fetch. The customer gives a
// credit code or ID number, reads back a code sent to the phone the government platform has on
// record, and the gateway fetches, verifies, stores and maps the e-licences. A grant serves one
// application, one purpose, the licence types named, once.
#include <memory>
#include <string>

#include "adapters/blob/document_vault.hpp"
#include "adapters/govdata/gov_data_platform.hpp"
#include "adapters/sms/sms_sender.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/http/router.hpp"
#include "gateway/services/services.hpp"
#include "security/licence_verifier.hpp"

namespace lgw::gateway {

struct ConsentDeps {
    Services& services;
    Auditor& auditor;
    adapters::govdata::GovDataPlatform& gov;
    adapters::sms::SmsSender& sms;
    adapters::blob::DocumentVault& vault;
    security::PlatformKeys platformKeys;
    std::string codeSecret;         ///< HMAC key for SMS codes
    std::string consentTextSha256;  ///< of config/consent_text.txt
};

void addConsentRoutes(Router& router, ConsentDeps& deps);

}  // namespace lgw::gateway
