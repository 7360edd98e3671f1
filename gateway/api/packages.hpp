#pragma once
// Section 4 of API.md: material packages for the marketing system. A package is built from the
// application's documents against the checklist of its customer category (config/materials.toml):
// each material present, expired, in disagreement between scan and e-licence, missing, or deferred
// (容缺) with its due date; without a valid identity proof nothing is built (一证启动). A push
// writes the outbox row in the same transaction as the status change; the PushWorker delivers.
#include <functional>

#include "adapters/blob/document_vault.hpp"
#include "config/materials.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/http/router.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

struct PackageDeps {
    Services& services;
    Auditor& auditor;
    const config::Materials& materials;
    std::function<void()> wakePusher = [] {};  ///< a push queued a row: deliver now, not at the next poll
};

void addPackageRoutes(Router& router, PackageDeps& deps);

}  // namespace lgw::gateway
