#pragma once
// Envelope encryption: a fresh 256-bit data key per document encrypts the document; the data key
// is wrapped under a key-encryption key (KEK) of the keyring. Two suites, chosen per deployment:
//  - AES-256-GCM (format "LGW1"; associated data: the document id);
//  - national cryptography, SM4-CTR then HMAC-SM3 over the associated data, the IV and the
//    ciphertext (encrypt-then-MAC; format "LGW2"): OpenSSL 3.0 has no SM4-GCM. Its SM4 and MAC
//    keys are derived from the data key with HMAC-SM3.
// Opening reads the suite from the format, so documents of either suite open in any deployment
// (a switch of suite applies to new documents; keys rewrap keeps each data key's suite).
// Thread-safe, allocation-only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "security/keyring.hpp"

namespace lgw::security {

enum class CipherSuite { kAes256Gcm, kSm4CtrHmacSm3 };

/// "aes-256-gcm" / "sm4-ctr-hmac-sm3"; nullopt for anything else.
std::optional<CipherSuite> cipherSuiteFromName(std::string_view name);
const char* cipherSuiteName(CipherSuite suite);

struct Sealed {
    /// "LGW1" | nonce(12) | tag(16) | ciphertext, or "LGW2" | iv(16) | ciphertext | mac(32)
    std::string ciphertext;
    /// nonce(12) | tag(16) | encrypted data key(32) (60 bytes), or iv(16) | encrypted key(32) | mac(32) (80)
    std::string wrappedKey;
    std::uint32_t keyVersion = 0;
};

/// Throws std::runtime_error only if OpenSSL fails or the keyring is empty.
Sealed seal(const Keyring& ring, std::string_view documentId, std::string_view plaintext,
            CipherSuite suite = CipherSuite::kAes256Gcm);

/// nullopt when the KEK version is unknown, the wrapped key or the ciphertext was altered, or the
/// document id does not match the one it was sealed for.
std::optional<std::string> open(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                std::string_view wrappedKey, std::string_view ciphertext);

/// Re-wraps a data key under the newest KEK without touching the document. nullopt if unwrap fails.
std::optional<std::string> rewrap(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                  std::string_view wrappedKey);

}  // namespace lgw::security
