#pragma once
// Tracing a leaked copy: read the download id a watermarked copy carries invisibly
// (security/spread_spectrum_mark.hpp) and find the document read that produced it in the audit
// trail. Used by `licence-gateway watermark identify FILE` and POST /v1/audit/identify.
// Blocking: decodes the image and queries the store.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/store/store.hpp"

namespace lgw::gateway {

struct CopyTrace {
    enum class Status { NotAnImage, NoMark, NotInAuditTrail, Identified };
    Status status = Status::NotAnImage;
    std::string downloadId;
    double strength = 0;
    std::optional<store::AuditEvent> read;  ///< the document.read event that issued the copy
};

/// `store` may be null: then only the download id is read.
CopyTrace traceCopy(std::string_view imageBytes, store::Store* store);

}  // namespace lgw::gateway
