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

/// `declaredType` is the request's Content-Type ("" to skip the comparison).
std::variant<DecodedScan, ScanError> decodeScan(std::string_view bytes, std::string_view declaredType = {},
                                                long maxPixels = 80'000'000);

}  // namespace lgw::ocr
