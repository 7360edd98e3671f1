#pragma once
// Envelope encryption: a fresh 256-bit data key per document encrypts the document with
// AES-256-GCM (associated data: document id and format version); the data key is wrapped with
// AES-256-GCM under a key-encryption key (KEK) of the keyring. Thread-safe, allocation-only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "security/keyring.hpp"

namespace lgw::security {

struct Sealed {
    std::string ciphertext;   ///< "LGW1" | nonce(12) | tag(16) | ciphertext
    std::string wrappedKey;   ///< nonce(12) | tag(16) | encrypted data key(32)
    std::uint32_t keyVersion = 0;
};

/// Throws std::runtime_error only if OpenSSL fails or the keyring is empty.
Sealed seal(const Keyring& ring, std::string_view documentId, std::string_view plaintext);

/// nullopt when the KEK version is unknown, the wrapped key or the ciphertext was altered, or the
/// document id does not match the one it was sealed for.
std::optional<std::string> open(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                std::string_view wrappedKey, std::string_view ciphertext);

/// Re-wraps a data key under the newest KEK without touching the document. nullopt if unwrap fails.
std::optional<std::string> rewrap(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                  std::string_view wrappedKey);

}  // namespace lgw::security
