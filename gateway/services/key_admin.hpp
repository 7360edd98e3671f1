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
/// versions). Safe to run while gateways serve: each re-wrap is a conditional update.
RewrapReport rewrapAll(store::DocumentStore& store, const security::Keyring& fullRing);

}  // namespace lgw::gateway
