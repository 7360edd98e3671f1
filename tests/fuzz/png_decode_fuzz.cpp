// The libdeflate PNG decoder reads stored scans and licence images (watermarked copies, pushes):
// any bytes give a verdict, never a crash, a hang or a read outside the input; what it accepts has
// exactly width x height x 3 bytes and survives a round trip through the encoder.
#include <cstdint>
#include <string_view>

#include "imaging/png_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace lgw::imaging;
    png::Image image;
    if (png::decode(std::string_view(reinterpret_cast<const char*>(data), size), 4'000'000, image) != png::Decoded::kOk)
        return 0;
    if (image.width <= 0 || image.height <= 0 ||
        image.rgb.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3)
        __builtin_trap();
    png::Image again;
    if (png::decode(png::encodeRgb(image.rgb.data(), image.width, image.height), 4'000'000, again) != png::Decoded::kOk ||
        again.rgb != image.rgb)
        __builtin_trap();
    return 0;
}
