#include "gateway/services/copy_trace.hpp"

#include <cmath>
#include <ctime>

#include "imaging/canvas.hpp"
#include "security/spread_spectrum_mark.hpp"

namespace lgw::gateway {
namespace {

std::string utcText(std::int64_t ms) {
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

CopyTrace traceCopy(std::string_view imageBytes, store::Store* store) {
    CopyTrace t;
    auto canvas = imaging::Canvas::decode(imageBytes);
    if (!canvas) return t;
    auto mark = security::readMark(*canvas);
    if (!mark) {
        t.status = CopyTrace::Status::NoMark;
        return t;
    }
    t.downloadId = security::downloadIdFromPayload(mark->payload);
    t.strength = mark->strength;
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

boost::json::object traceJson(const CopyTrace& t) {
    using Status = CopyTrace::Status;
    boost::json::object o;
    switch (t.status) {
        case Status::NotAnImage: o["status"] = "not_an_image"; break;
        case Status::NoMark: o["status"] = "no_mark"; break;
        case Status::NotInAuditTrail: o["status"] = "not_in_audit_trail"; break;
        case Status::Identified: o["status"] = "identified"; break;
    }
    if (!t.downloadId.empty()) {
        o["download_id"] = t.downloadId;
        o["strength"] = std::round(t.strength * 100) / 100;
    }
    if (t.read) {
        o["request"] = boost::json::object{{"request_id", t.read->requestId}, {"caller", t.read->actor},
                                           {"role", t.read->role}, {"application_id", t.read->applicationId},
                                           {"document_id", t.read->target}, {"at", utcText(t.read->at)},
                                           {"audit_seq", t.read->seq}};
    }
    return o;
}

}  // namespace lgw::gateway
