#pragma once
// Section 4 of API.md: material packages for the marketing system. Checks who may act on the
// application or the package, calls the PackageService (the domain, gateway/services/packages) and
// encodes; what a caller may not read of a mismatch is hidden here, by the access policy.
#include "gateway/http/router.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/packages.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

void addPackageRoutes(Router& router, Services& services, Auditor& auditor, PackageService& packages);

}  // namespace lgw::gateway
