#include "security/consent_codes.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "security/crypto.hpp"

namespace lgw::security {

std::string generateSmsCode() {
    // 2^32 - (2^32 mod 10^6): values at or above it would bias the low codes.
    constexpr std::uint64_t kLimit = 4294000000ULL;
    for (;;) {
        std::string raw = randomBytes(4);
        std::uint32_t v;
        std::memcpy(&v, raw.data(), 4);
        if (v >= kLimit) continue;
        char buf[8];
        std::snprintf(buf, sizeof buf, "%06u", static_cast<unsigned>(v % 1000000));
        return buf;
    }
}

std::string smsCodeHmac(std::string_view secret, std::string_view consentId, std::string_view code) {
    std::string msg(consentId);
    msg += ':';
    msg += code;
    return hmacSha256(secret, msg);
}

bool looksLikeSmsCode(std::string_view code) {
    if (code.size() != 6) return false;
    for (char c : code)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace lgw::security
