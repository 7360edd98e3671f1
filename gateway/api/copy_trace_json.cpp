#include "gateway/api/copy_trace_json.hpp"

#include <cmath>

#include "gateway/services/time_text.hpp"

namespace lgw::gateway {

boost::json::object traceJson(const CopyTrace& t) {
    using Status = CopyTrace::Status;
    boost::json::object o;
    switch (t.status) {
        case Status::NotAnImage: o["status"] = "not_an_image"; break;
        case Status::NoMark: o["status"] = "no_mark"; break;
        case Status::Forged: o["status"] = "forged"; break;
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
                                           {"document_id", t.read->target}, {"at", rfc3339Utc(t.read->at)},
                                           {"audit_seq", t.read->seq}};
    }
    return o;
}

}  // namespace lgw::gateway
