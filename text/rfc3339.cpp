#include "text/rfc3339.hpp"

#include <chrono>
#include <string>

namespace lgw::text {

namespace {

// `n` decimal digits at `s[at]`, or -1.
int digitsAt(std::string_view s, std::size_t at, std::size_t n) {
    if (at + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

}  // namespace

std::optional<std::int64_t> parseRfc3339Ms(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS, each field exactly its digits (sscanf's %d once took signs and spaces).
    const int y = digitsAt(s, 0, 4), mo = digitsAt(s, 5, 2), d = digitsAt(s, 8, 2);
    const int h = digitsAt(s, 11, 2), mi = digitsAt(s, 14, 2), sec = digitsAt(s, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        std::size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return std::nullopt;
    }
    const std::string_view zone = s.substr(std::min(i, s.size()));
    int offsetMin = 0;
    if (zone == "Z" || zone == "z") {
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        const int oh = digitsAt(zone, 1, 2), om = digitsAt(zone, 4, 2);
        if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
        offsetMin = (oh * 60 + om) * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                    std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
    return ((static_cast<std::int64_t>(days) * 86400 + h * 3600 + mi * 60 + sec) - offsetMin * 60) * 1000LL;
}

}  // namespace lgw::text
