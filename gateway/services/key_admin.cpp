#include "gateway/services/key_admin.hpp"

#include <set>

#include "security/audit_detail.hpp"
#include "security/envelope.hpp"

namespace lgw::gateway {

RewrapReport rewrapAll(store::Store& store, const security::Keyring& ring, const store::AuditHasher& hasher,
                       store::AuditEvent event) {
    RewrapReport total;
    const std::uint32_t newest = ring.newest();
    std::set<std::string> failedIds;
    for (bool first = true;; first = false) {
        RewrapReport batchReport;
        store::AuditedAction batch = [&](store::AuditEvent& e) {
            for (auto& d : store.documentsWrappedBelow(newest, 500)) {
                if (failedIds.count(d.id)) continue;
                auto wrapped = security::rewrap(ring, d.id, d.keyVersion, d.wrappedKey);
                if (wrapped && store.rewrapDocumentKey(d.id, d.keyVersion, newest, *wrapped)) {
                    ++batchReport.rewrapped;
                } else if (!wrapped) {
                    failedIds.insert(d.id);
                    ++batchReport.failed;
                }
            }
            if (batchReport.rewrapped == 0 && batchReport.failed == 0 && !first) return false;
            e.outcome = batchReport.failed ? "error" : "allowed";
            e.detailJson = security::AuditDetail{{"rewrapped", batchReport.rewrapped},
                                                 {"failed", batchReport.failed},
                                                 {"to_version", newest}}
                               .json();
            return true;
        };
        store.appendAuditWith(event, hasher, batch);
        total.rewrapped += batchReport.rewrapped;
        total.failed += batchReport.failed;
        if (batchReport.rewrapped == 0) break;
    }
    return total;
}

}  // namespace lgw::gateway
