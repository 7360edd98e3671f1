#include "gateway/services/copy_trace.hpp"

#include <cmath>

#include "imaging/canvas.hpp"
#include "security/spread_spectrum_mark.hpp"

namespace lgw::gateway {

CopyTrace traceCopy(std::string_view imageBytes, store::Store* store, const security::MarkKey& key) {
    CopyTrace t;
    auto canvas = imaging::Canvas::decode(imageBytes);
    if (!canvas) return t;
    auto mark = security::readMark(*canvas, key);
    if (!mark) {
        t.status = CopyTrace::Status::NoMark;
        return t;
    }
    t.downloadId = security::downloadIdFromPayload(mark->payload);
    t.strength = mark->strength;
    if (!mark->authentic) {
        t.status = CopyTrace::Status::Forged;
        return t;
    }
    t.status = CopyTrace::Status::NotInAuditTrail;
    if (!store) return t;
    store::AuditFilter f;
    f.downloadId = t.downloadId;
    f.action = "document.read";  // not the lookups of the same id (audit.identify)
    f.limit = 1;
    auto events = store->auditEvents(f);
    if (!events.empty()) {
        t.read = events.front();
        t.status = CopyTrace::Status::Identified;
    }
    return t;
}

}  // namespace lgw::gateway
