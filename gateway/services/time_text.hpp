#pragma once
// Unix milliseconds as text, UTC: RFC 3339 ("2026-11-24T09:12:03Z") and a date ("2026-11-24"); a
// wait in milliseconds as the whole seconds a Retry-After says.
#include <algorithm>
#include <cstdint>
#include <ctime>
#include <string>

namespace lgw::gateway {

inline std::string utcFormat(std::int64_t ms, const char* fmt) {
    auto t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[40];
    std::strftime(b, sizeof b, fmt, &tm);
    return b;
}
inline std::string rfc3339Utc(std::int64_t ms) { return utcFormat(ms, "%Y-%m-%dT%H:%M:%SZ"); }
inline std::string dateUtc(std::int64_t ms) { return utcFormat(ms, "%Y-%m-%d"); }
/// Whole seconds to wait for `ms` milliseconds, rounded up, at least one (what Retry-After says).
inline std::int64_t secondsUp(std::int64_t ms) { return std::max<std::int64_t>(1, (ms + 999) / 1000); }

}  // namespace lgw::gateway
