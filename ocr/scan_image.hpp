#pragma once
// Untrusted scan bytes to a Leptonica image: the format is sniffed from the bytes (JPEG, PNG, TIFF;
// the declared content type must agree), the header is read before any pixel is decoded so that a
// declared gigapixel image costs nothing, and every failure is a value saying what to fix.
#include <memory>
#include <string>
#include <string_view>
#include <variant>

struct Pix;

namespace lgw::ocr {

struct PixDeleter {
    void operator()(Pix* p) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

struct ScanError {
    int status = 422;       ///< 415 unsupported_media_type or 422 unreadable_image
    std::string code;
    std::string message;
};

struct DecodedScan {
    PixPtr pix;
    std::string format;    ///< jpeg | png | tiff
    int dpi = 0;           ///< from the file, 0 when it does not say
};

/// The format the bytes are in ("jpeg", "png", "tiff"), or "" for anything else.
std::string sniffFormat(std::string_view bytes);

/// The longest side a page may have, as sent and once prepared: Tesseract asserts past 32767.
inline constexpr int kMaxPreparedSide = 30000;
/// The most one side may exceed the other: no certificate, card or page is a strip.
inline constexpr int kMaxAspectRatio = 20;

/// `declaredType` is the request's Content-Type ("" to skip the comparison). The header is checked
/// against `maxPixels`, `maxSide` and kMaxAspectRatio before any pixel is decoded.
std::variant<DecodedScan, ScanError> decodeScan(std::string_view bytes, std::string_view declaredType = {},
                                                long maxPixels = 80'000'000, int maxSide = kMaxPreparedSide);

}  // namespace lgw::ocr
