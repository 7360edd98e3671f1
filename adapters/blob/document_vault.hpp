#pragma once
// Where document bytes live. Callers hand plaintext in and get plaintext out; implementations keep
// only ciphertext (envelope encryption, security/envelope.hpp). Blocking: call on the blocking pool.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/store/store.hpp"

namespace lgw::adapters::blob {

class DocumentVault {
public:
    virtual ~DocumentVault() = default;
    /// Encrypts and durably writes the bytes; fills blobRef, keyVersion, wrappedKey, size and sha256
    /// of `meta`. The document is visible only once the caller commits `meta` to the store.
    /// Throws std::runtime_error naming the file on an I/O error.
    virtual void put(store::DocumentMeta& meta, std::string_view plaintext) = 0;
    /// nullopt when the blob is missing, was altered, or its key is gone (purged or retired).
    virtual std::optional<std::string> get(const store::DocumentMeta& meta) = 0;
};

}  // namespace lgw::adapters::blob
