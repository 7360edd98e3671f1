// POST /v1/audit/identify and `watermark identify` take an image from anyone who found a copy:
// any bytes give a trace verdict (not an image, no mark, forged, a download id), never a crash or a
// hang.
#include <cstdint>
#include <string_view>

#include "gateway/services/copy_trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto key = lgw::security::MarkKey::derive("the fuzz target's watermark secret");
    (void)lgw::gateway::traceCopy(std::string_view(reinterpret_cast<const char*>(data), size), nullptr, key);
    return 0;
}
