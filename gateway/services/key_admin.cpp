#include "gateway/services/key_admin.hpp"

#include <set>

#include "security/envelope.hpp"

namespace lgw::gateway {

RewrapReport rewrapAll(store::DocumentStore& store, const security::Keyring& ring) {
    RewrapReport r;
    std::uint32_t newest = ring.newest();
    std::set<std::string> failedIds;
    for (;;) {
        auto batch = store.documentsWrappedBelow(newest, 500);
        bool progressed = false;
        for (auto& d : batch) {
            if (failedIds.count(d.id)) continue;
            auto wrapped = security::rewrap(ring, d.id, d.keyVersion, d.wrappedKey);
            if (wrapped && store.rewrapDocumentKey(d.id, d.keyVersion, newest, *wrapped)) {
                ++r.rewrapped;
                progressed = true;
            } else if (!wrapped) {
                failedIds.insert(d.id);
                ++r.failed;
            }
        }
        if (!progressed) break;
    }
    return r;
}

}  // namespace lgw::gateway
