#pragma once
// Section 1 of API.md: consent by SMS code, grants, and the e-licence fetch. Decodes each request,
// checks that the caller works on the application, calls the ConsentService (the domain,
// gateway/services/consents) and encodes its answer; a failure goes through error_mapping.
#include "gateway/http/router.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/consents.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

void addConsentRoutes(Router& router, Services& services, Auditor& auditor, ConsentService& consents);

}  // namespace lgw::gateway
