#include "ocr/scan_image.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>

namespace lgw::ocr {

void PixDeleter::operator()(Pix* p) const { pixDestroy(&p); }

std::string sniffFormat(std::string_view b) {
    auto starts = [&](std::string_view magic) { return b.size() >= magic.size() && b.substr(0, magic.size()) == magic; };
    if (starts("\xFF\xD8\xFF")) return "jpeg";
    if (starts("\x89PNG\r\n\x1A\n")) return "png";
    if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) return "tiff";
    return {};
}

std::variant<DecodedScan, ScanError> decodeScan(std::string_view bytes, std::string_view declaredType, long maxPixels,
                                                int maxSide) {
    // Leptonica reports every failure on stderr too; the caller gets a reason, the log no noise.
    static const bool quiet = [] {
        setMsgSeverity(L_SEVERITY_NONE);
        return true;
    }();
    (void)quiet;
    if (bytes.empty()) return ScanError{422, "unreadable_image", "the upload is empty: send the scan's bytes as the body"};
    std::string format = sniffFormat(bytes);
    if (format.empty())
        return ScanError{415, "unsupported_media_type",
                         "the bytes are not a JPEG, PNG or TIFF image; scan to one of those formats"};
    if (!declaredType.empty()) {
        std::string expected = "image/" + format;
        if (declaredType.substr(0, declaredType.find(';')) != expected)
            return ScanError{415, "unsupported_media_type",
                             "Content-Type says " + std::string(declaredType) + " but the bytes are " + format +
                                 "; send Content-Type: " + expected};
    }
    const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
    l_int32 w = 0, h = 0, bps = 0, spp = 0, iscmap = 0, fmt = 0;
    if (pixReadHeaderMem(data, bytes.size(), &fmt, &w, &h, &bps, &spp, &iscmap) != 0 || w <= 0 || h <= 0)
        return ScanError{422, "unreadable_image", "the " + format + " header cannot be read: the file is corrupt or cut off"};
    if (static_cast<long>(w) * h > maxPixels)
        return ScanError{422, "unreadable_image",
                         "the image declares " + std::to_string(w) + "x" + std::to_string(h) + " pixels; at most " +
                             std::to_string(maxPixels / 1'000'000) + " megapixels are read (scan at 300 DPI)"};
    const std::string size = std::to_string(w) + "x" + std::to_string(h);
    if (std::max(w, h) > maxSide)
        return ScanError{422, "unreadable_image",
                         "the page cannot be read: the image is " + size + " pixels and a side may have at most " +
                             std::to_string(maxSide) + " (scan the page at 300 DPI)"};
    if (std::max(w, h) > kMaxAspectRatio * static_cast<long>(std::min(w, h)))
        return ScanError{422, "unreadable_image",
                         "the page cannot be read: the image is " + size + " pixels, a strip rather than a page; scan "
                         "the whole certificate"};
    Pix* pix = pixReadMem(data, bytes.size());
    if (!pix) return ScanError{422, "unreadable_image", "the " + format + " data cannot be decoded: the file is corrupt or cut off"};
    DecodedScan out;
    out.pix.reset(pix);
    out.format = format;
    out.dpi = pixGetXRes(pix);
    return out;
}

}  // namespace lgw::ocr
