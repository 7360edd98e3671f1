// Identity codes arrive from callers and from OCR: any bytes must give a verdict, never a crash,
// and a verdict must be self-consistent.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "security/identity_codes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    for (auto v : {lgw::security::validateCreditCode(in), lgw::security::validateIdNumber(in, "2026-11-23"),
                   lgw::security::validateIdentityCode(in, "2026-11-23")}) {
        if (v.valid && (!v.wellFormed || !v.problem.empty() || v.normalized.size() != 18)) std::abort();
        if (!v.valid && v.problem.empty()) std::abort();
    }
    (void)lgw::security::mod37_36CheckChar(in);
    return 0;
}
