#pragma once
// A copy trace (gateway/services/copy_trace.hpp) as POST /v1/audit/identify answers it and
// `licence-gateway watermark identify` prints it.
#include <boost/json/object.hpp>

#include "gateway/services/copy_trace.hpp"

namespace lgw::gateway {

/// {"status": "identified" | "not_in_audit_trail" | "no_mark" | "not_an_image", "download_id",
///  "strength", "request": {request_id, caller, role, application_id, document_id, at, seq}}
boost::json::object traceJson(const CopyTrace& trace);

}  // namespace lgw::gateway
