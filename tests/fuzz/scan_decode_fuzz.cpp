// POST /v1/scans and `licence-gateway ocr` take whatever a document camera or a person uploads:
// any bytes give a decoded page or a 415/422 reason, never a crash or a hang.
#include <cstdint>
#include <string_view>
#include <variant>

#include "ocr/scan_image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto r = lgw::ocr::decodeScan(std::string_view(reinterpret_cast<const char*>(data), size), {}, 4'000'000);
    if (auto* e = std::get_if<lgw::ocr::ScanError>(&r)) {
        if (e->status != 415 && e->status != 422) __builtin_trap();
        if (e->message.empty()) __builtin_trap();
    }
    return 0;
}
