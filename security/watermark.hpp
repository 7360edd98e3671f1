#pragma once
// The visible watermark of every copy that leaves the gateway: 「仅限业扩报装使用」 with the
// application id, the caller and the time, tiled diagonally and semi-transparent across the whole
// page, drawn with a CJK font. Stored originals are never watermarked; only copies.
#include <optional>
#include <string>
#include <string_view>

#include "security/spread_spectrum_mark.hpp"

namespace lgw::security {

struct WatermarkText {
    std::string applicationId;
    std::string caller;
    std::string time;        ///< as shown, e.g. 2026-11-23 21:05 UTC
    std::string downloadId;  ///< 16 hex digits: printed small under the purpose line and embedded
                             ///< invisibly (security/spread_spectrum_mark.hpp)
};

inline constexpr std::string_view kWatermarkPurpose = "仅限业扩报装使用";

/// Decodes the image (PNG, JPEG, TIFF), stamps the tiled watermark, embeds the download id under
/// `key` and encodes a PNG. nullopt when the bytes are not an image it can read. Thread-safe, and
/// without a lock: each thread draws with a font face of its own.
std::optional<std::string> watermarkImage(std::string_view imageBytes, const WatermarkText& text, const MarkKey& key);

}  // namespace lgw::security
