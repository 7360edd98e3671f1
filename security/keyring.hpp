#pragma once
// The key-encryption-key ring: versioned 256-bit keys read from a file or an environment variable.
// File format: one key per line, `<version> <64 hex chars>`, '#' comments; the highest version is
// the one used for new documents. Key material is never logged and never appears in an error.
#include <cstdint>
#include <map>
#include <string>
#include <variant>

namespace lgw::security {

struct Keyring {
    std::map<std::uint32_t, std::string> keys;  ///< version -> 32 raw bytes
    std::uint32_t newest() const { return keys.empty() ? 0 : keys.rbegin()->first; }
};

struct KeyringError {
    std::string message;  ///< names the file or variable and the line, never key bytes
};

using KeyringResult = std::variant<Keyring, KeyringError>;

KeyringResult parseKeyring(const std::string& text, const std::string& sourceName);
KeyringResult loadKeyringFile(const std::string& path);
KeyringResult loadKeyringEnv(const std::string& variable);

/// Appends a new random version to a keyring file, atomically (temporary file, fsync, rename) and
/// with mode 0600. Returns the new version.
std::variant<std::uint32_t, KeyringError> rotateKeyringFile(const std::string& path);

/// Drops versions below `minVersion` (retired KEKs can no longer decrypt anything).
Keyring retireBelow(Keyring ring, std::uint32_t minVersion);

/// Writes a fresh one-version keyring with mode 0600 (creating parent directories). Fails if the
/// file exists. Used only by the embedded demo default.
std::variant<std::monostate, KeyringError> generateKeyringFile(const std::string& path);

}  // namespace lgw::security
