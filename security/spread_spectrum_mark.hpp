#pragma once
// The invisible part of a copy's watermark: a 64-bit download id spread over the whole page so
// that a leaked copy names the request it came from, even after JPEG re-compression (quality 75)
// and a 50% downscale.
//
// How: the page is divided into a fixed 64 x 64 grid of cells (a grid relative to the page, so a
// scaled copy has the same cells). Each cell carries one chip of one payload bit as a smooth,
// zero-mean luminance bump (+A in the middle, -0.4A at the edges: low frequencies that JPEG keeps
// and downscaling averages but does not cancel). The 96 payload bits (the id and a 32-bit tag) are
// spread over the 4,096 cells by a keyed permutation with a keyed ±1 carrier, ~42 chips per bit.
// Reading correlates each cell with the bump, clips what page content adds, and sums the chips of
// each bit.
//
// The key: permutation, carrier and tag key are derived (HKDF-SHA256) from a deployment secret
// (`[watermark] secret_file`), so nobody without it can find the cells to strip the mark. The tag is
// a truncated HMAC-SHA256 of the id: a mark that reads clearly but whose tag does not match was
// written by someone without the secret (an id changed, or embedded by hand) and is `forged`, never
// a name.
#include <cstdint>
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace lgw::imaging {
class Canvas;
}

namespace lgw::security {

struct MarkKey {
    std::uint64_t layoutSeed = 0;         ///< the permutation and carrier
    std::array<unsigned char, 32> tagKey{};  ///< HMAC-SHA256 key of the tag

    /// Both from a deployment secret (at least 16 bytes), by HKDF-SHA256 with their own labels.
    static MarkKey derive(std::string_view secret);
};

/// Embeds the payload and its tag into the canvas in place. False when the page is too small to
/// carry it (under 128 pixels on a side); the canvas is then unchanged.
bool embedMark(imaging::Canvas& canvas, std::uint64_t payload, const MarkKey& key);

/// Embeds `payload` with the tag `tag` as given: what a forger without the tag key can do at best
/// (tests and the forgery drill; the gateway never calls it).
bool embedMarkWithTag(imaging::Canvas& canvas, std::uint64_t payload, std::uint32_t tag, const MarkKey& key);

struct MarkReading {
    std::uint64_t payload = 0;
    double strength = 0;  ///< mean bit correlation over its noise; above ~3 is a confident read
    bool authentic = true;  ///< false: a clear mark whose tag is wrong (forged or altered)
};

/// nullopt when no mark is found (too weak, or too damaged for the tag to be read) or the page is
/// too small. A mark read clearly (strength >= kForgedStrength) whose tag fails is returned with
/// `authentic == false` and the id as read.
std::optional<MarkReading> readMark(const imaging::Canvas& canvas, const MarkKey& key);

/// The strength above which a mark whose tag fails is called forged rather than damaged: undamaged
/// and JPEG-75 copies read 3 and up, copies damaged beyond reading below 2.
inline constexpr double kForgedStrength = 2.5;

/// The tag of `payload` under `key` (the first 4 bytes of HMAC-SHA256, big-endian).
std::uint32_t markTag(std::uint64_t payload, const MarkKey& key);

/// A download id (16 hex digits) as a payload and back.
std::optional<std::uint64_t> payloadFromDownloadId(const std::string& hex16);
std::string downloadIdFromPayload(std::uint64_t payload);

}  // namespace lgw::security
