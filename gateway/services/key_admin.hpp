#pragma once
// Key administration (admin): rotate the KEK file, re-wrap data keys under the newest KEK without
// decrypting any document. Blocking; for the command line.
#include <functional>
#include <string>

#include "adapters/store/store.hpp"
#include "security/keyring.hpp"

namespace lgw::gateway {

struct RewrapReport {
    int rewrapped = 0;
    int failed = 0;  ///< data keys that did not unwrap (their KEK version is missing from the file)
};

/// Re-wraps every data key below the newest version of `fullRing` (which must still hold the old
/// versions). Safe to run while gateways serve: each re-wrap is a conditional update. Each batch
/// (up to 500 keys) commits with one copy of `event` (its detail: rewrapped, failed, to_version)
/// in one transaction, so no key changes wrapping unaudited; a pass that changes nothing records
/// one event with zero counts. Throws adapters::AuditUnavailable when an event cannot be written
/// (that batch rolled back; earlier batches stay, each with its event).
RewrapReport rewrapAll(store::Store& store, const security::Keyring& fullRing, const store::AuditHasher& hasher,
                       store::AuditEvent event);

}  // namespace lgw::gateway
