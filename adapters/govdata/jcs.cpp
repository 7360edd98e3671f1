#include "adapters/govdata/jcs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "text/utf8.hpp"

namespace lgw::adapters::govdata {

namespace json = boost::json;

namespace {

// The name as UTF-16 code units: RFC 8785 section 3.2.3 sorts on those, not on UTF-8 bytes.
std::u16string utf16(std::string_view s) {
    std::u16string out;
    for (char32_t c : text::decodeUtf8(s)) {
        if (c >= 0x10000) {
            c -= 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (c >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (c & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(c));
        }
    }
    return out;
}

void appendString(std::string& out, std::string_view s) {
    out.push_back('"');
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char esc[8];
                    std::snprintf(esc, sizeof esc, "\\u%04x", c);
                    out += esc;
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
    }
    out.push_back('"');
}

// ECMAScript Number::toString (ECMA-262 7.1.12.1) over the shortest round-trip digits.
std::optional<std::string> numberText(double d) {
    if (!std::isfinite(d)) return std::nullopt;
    if (d == 0) return std::string("0");  // -0 too
    std::string out = d < 0 ? "-" : "";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
    std::string sci(buf, r.ptr);  // d[.ddd]e±x
    const auto e = sci.find('e');
    std::string digits = sci.substr(0, 1) + (e > 1 ? sci.substr(2, e - 2) : "");
    const int exp10 = std::stoi(sci.substr(e + 1));
    const int k = static_cast<int>(digits.size()), n = exp10 + 1;  // value = 0.digits * 10^n
    if (k <= n && n <= 21) {
        out += digits + std::string(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    } else {
        out += digits.substr(0, 1);
        if (k > 1) out += "." + digits.substr(1);
        out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
    }
    return out;
}

bool append(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::null: out += "null"; return true;
        case json::kind::bool_: out += v.get_bool() ? "true" : "false"; return true;
        case json::kind::int64:
        case json::kind::uint64: {
            // A JSON number is an IEEE double to JCS: an integer a double cannot hold exactly is refused.
            const double d = v.is_int64() ? static_cast<double>(v.get_int64()) : static_cast<double>(v.get_uint64());
            if (std::fabs(d) > 9007199254740992.0) return false;
            auto t = numberText(d);
            if (!t) return false;
            out += *t;
            return true;
        }
        case json::kind::double_: {
            auto t = numberText(v.get_double());
            if (!t) return false;
            out += *t;
            return true;
        }
        case json::kind::string: appendString(out, v.get_string()); return true;
        case json::kind::array: {
            out.push_back('[');
            bool first = true;
            for (auto& item : v.get_array()) {
                if (!first) out.push_back(',');
                first = false;
                if (!append(out, item)) return false;
            }
            out.push_back(']');
            return true;
        }
        case json::kind::object: {
            std::vector<std::pair<std::u16string, const json::key_value_pair*>> members;
            for (auto& kv : v.get_object()) members.emplace_back(utf16(kv.key()), &kv);
            std::sort(members.begin(), members.end(), [](auto& a, auto& b) { return a.first < b.first; });
            out.push_back('{');
            bool first = true;
            for (auto& [sortKey, kv] : members) {
                if (!first) out.push_back(',');
                first = false;
                appendString(out, kv->key());
                out.push_back(':');
                if (!append(out, kv->value())) return false;
            }
            out.push_back('}');
            return true;
        }
    }
    return false;
}

}  // namespace

std::optional<std::string> canonicalJson(const json::value& v) {
    std::string out;
    if (!append(out, v)) return std::nullopt;
    return out;
}

}  // namespace lgw::adapters::govdata
