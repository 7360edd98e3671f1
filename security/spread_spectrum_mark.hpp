#pragma once
// The invisible part of a copy's watermark: a 64-bit download id spread over the whole page so
// that a leaked copy names the request it came from, even after JPEG re-compression (quality 75)
// and a 50% downscale.
//
// How: the page is divided into a fixed 64 x 64 grid of cells (a grid relative to the page, so a
// scaled copy has the same cells). Each cell carries one chip of one payload bit as a smooth,
// zero-mean luminance bump (+A in the middle, -0.4A at the edges: low frequencies that JPEG keeps
// and downscaling averages but does not cancel). The 80 payload bits (id + CRC-16) are spread over
// the 4,096 cells by a keyed permutation with a keyed ±1 carrier, ~51 chips per bit. Reading
// correlates each cell with the bump, clips what page content adds, and sums the chips of each bit.
// The CRC tells a real mark from noise.
#include <cstdint>
#include <optional>
#include <string>

namespace lgw::imaging {
class Canvas;
}

namespace lgw::security {

struct MarkKey {
    std::uint64_t seed = 0x4c47572d6d61726bULL;  ///< the permutation and carrier key ("LGW-mark")
};

/// Embeds the payload into the canvas in place. False when the page is too small to carry it
/// (under 128 pixels on a side); the canvas is then unchanged.
bool embedMark(imaging::Canvas& canvas, std::uint64_t payload, const MarkKey& key = {});

struct MarkReading {
    std::uint64_t payload = 0;
    double strength = 0;  ///< mean bit correlation over its noise; above ~3 is a confident read
};

/// nullopt when no mark is found (the CRC of the read bits fails) or the page is too small.
std::optional<MarkReading> readMark(const imaging::Canvas& canvas, const MarkKey& key = {});

/// A download id (16 hex digits) as a payload and back.
std::optional<std::uint64_t> payloadFromDownloadId(const std::string& hex16);
std::string downloadIdFromPayload(std::uint64_t payload);

}  // namespace lgw::security
