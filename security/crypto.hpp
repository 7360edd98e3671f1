#pragma once
// Small cryptographic building blocks over OpenSSL. Domain types only in the header.
// All functions are thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lgw::security {

using Bytes = std::vector<std::uint8_t>;

std::string sha256(std::string_view data);      ///< raw 32 bytes
std::string sha256Hex(std::string_view data);   ///< lower-case hex
std::string hmacSha256(std::string_view key, std::string_view data);  ///< raw 32 bytes
std::string sm3(std::string_view data);          ///< raw 32 bytes (GB/T 32905)
std::string sm3Hex(std::string_view data);       ///< lower-case hex
std::string hmacSm3(std::string_view key, std::string_view data);     ///< raw 32 bytes
/// HKDF-SHA256 (RFC 5869): `length` bytes of key for `info`, from the secret `ikm` and `salt`.
std::string hkdfSha256(std::string_view ikm, std::string_view salt, std::string_view info, std::size_t length);

/// Cryptographically secure random bytes (OpenSSL's DRBG). Throws only if the DRBG is broken.
std::string randomBytes(std::size_t n);
/// 128-bit random identifier as 32 hex characters.
std::string randomId128();

/// Compares without a data-dependent early exit (CRYPTO_memcmp); unequal lengths compare unequal.
bool constantTimeEquals(std::string_view a, std::string_view b);

std::string toHex(std::string_view bytes);
std::optional<std::string> fromHex(std::string_view hex);
std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace lgw::security
