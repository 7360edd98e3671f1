#pragma once
// Tracing a leaked copy: read the download id a watermarked copy carries invisibly
// (security/spread_spectrum_mark.hpp) and find the document read that produced it in the audit
// trail. Used by `licence-gateway watermark identify FILE` and POST /v1/audit/identify.
// Blocking: decodes the image and queries the store.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/store/store.hpp"
#include "security/spread_spectrum_mark.hpp"

namespace lgw::gateway {

struct CopyTrace {
    /// Forged: a clear mark whose tag does not match its id under the deployment's key (an id
    /// altered or embedded without the secret); it names nobody, and the id is shown only as read.
    enum class Status { NotAnImage, NoMark, Forged, NotInAuditTrail, Identified };
    Status status = Status::NotAnImage;
    std::string downloadId;
    double strength = 0;
    std::optional<store::AuditEvent> read;  ///< the document.read event that issued the copy
};

/// `store` may be null: then only the download id is read.
CopyTrace traceCopy(std::string_view imageBytes, store::Store* store, const security::MarkKey& key);

}  // namespace lgw::gateway
