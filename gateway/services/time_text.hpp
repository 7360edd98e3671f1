#pragma once
// Unix milliseconds as text, UTC: RFC 3339 ("2026-11-24T09:12:03Z") and a date ("2026-11-24").
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

}  // namespace lgw::gateway
