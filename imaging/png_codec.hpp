#pragma once
// PNG encoding and decoding for the pages the gateway rewrites (watermarked copies, pushes,
// rendered licences), on libdeflate: one zlib stream compressed or inflated in one call, 2-3x
// faster than zlib through libpng on a 300 DPI page, which is most of a watermarked copy's time.
// The decoder takes the PNGs scanners and phones write — 8 bits per sample, not interlaced, grey,
// RGB, palette, grey+alpha, RGBA — and answers kUnsupported for any other kind, so that the caller
// hands those to its general decoder (Leptonica). Every length, CRC and size is checked; nothing
// is allocated before the header's size has passed the caller's pixel limit.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lgw::imaging::png {

enum class Decoded {
    kOk,
    kUnsupported,  ///< a valid-looking PNG of another kind (bit depth, interlace): decode it elsewhere
    kCorrupt,      ///< not a PNG, truncated, a CRC or zlib stream that does not check, or over the limit
};

struct Image {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;  ///< width * height * 3, rows top to bottom; alpha is dropped
};

/// Decodes `bytes` into `out` when it is a PNG of the kinds above with at most `maxPixels` pixels.
Decoded decode(std::string_view bytes, std::int64_t maxPixels, Image& out);

/// A PNG of 8-bit RGB rows (`rgb`: width * height * 3 bytes), each row Up-filtered, compressed at
/// libdeflate's fastest level. Throws std::runtime_error when the compressor cannot be allocated.
std::string encodeRgb(const std::uint8_t* rgb, int width, int height);

}  // namespace lgw::imaging::png
