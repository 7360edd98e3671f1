#pragma once
// RFC 3339 timestamps read back into Unix milliseconds ("2026-11-23T08:00:00+08:00", "...Z", a
// fraction allowed and ignored below the second). The audit queries and the licence annotation's
// expiry read times this way; a malformed one is nullopt, never an exception.
#include <cstdint>
#include <optional>
#include <string_view>

namespace lgw::text {

std::optional<std::int64_t> parseRfc3339Ms(std::string_view text);

}  // namespace lgw::text
