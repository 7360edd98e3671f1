#include "security/spread_spectrum_mark.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "imaging/canvas.hpp"
#include "security/crypto.hpp"

namespace lgw::security {
namespace {

constexpr int kGrid = 64;                 // cells per side
constexpr int kCells = kGrid * kGrid;
constexpr int kBits = 96;                 // 64 payload + 32 tag
constexpr double kAmplitude = 7.0;        // luminance levels at the middle of a cell
constexpr double kMeanBump = 4.0 / (std::numbers::pi * std::numbers::pi);  // mean of sin(pi u) sin(pi v)
constexpr int kMinSide = 2 * kGrid;
constexpr double kMinStrength = 1.4;
constexpr int kChase = 6;

std::uint64_t splitmix(std::uint64_t& s) {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Which bit each cell carries and with which sign, from the key.
struct Layout {
    std::array<std::uint8_t, kCells> bit{};
    std::array<std::int8_t, kCells> chip{};
    explicit Layout(const MarkKey& key) {
        std::array<int, kCells> order{};
        for (int i = 0; i < kCells; ++i) order[static_cast<std::size_t>(i)] = i;
        std::uint64_t s = key.layoutSeed;
        for (int i = kCells - 1; i > 0; --i)
            std::swap(order[static_cast<std::size_t>(i)], order[splitmix(s) % static_cast<std::uint64_t>(i + 1)]);
        for (int k = 0; k < kCells; ++k) {
            auto cell = static_cast<std::size_t>(order[static_cast<std::size_t>(k)]);
            bit[cell] = static_cast<std::uint8_t>(k % kBits);
            chip[cell] = (splitmix(s) & 1) ? 1 : -1;
        }
    }
};

// For one axis of n pixels: the cell of each pixel and the bump's profile sin(pi u) at its centre.
struct Axis {
    std::vector<int> cell;
    std::vector<double> profile;
    explicit Axis(int n) : cell(static_cast<std::size_t>(n)), profile(static_cast<std::size_t>(n)) {
        for (int i = 0; i < n; ++i) {
            double pos = (i + 0.5) * kGrid / n;
            int c = std::min(kGrid - 1, static_cast<int>(pos));
            cell[static_cast<std::size_t>(i)] = c;
            profile[static_cast<std::size_t>(i)] = std::sin(std::numbers::pi * (pos - c));
        }
    }
};

}  // namespace

MarkKey MarkKey::derive(std::string_view secret) {
    MarkKey k;
    auto seed = hkdfSha256(secret, "licence-gateway", "watermark layout v1", 8);
    for (unsigned char b : seed) k.layoutSeed = (k.layoutSeed << 8) | b;
    auto tag = hkdfSha256(secret, "licence-gateway", "watermark tag v1", k.tagKey.size());
    std::copy(tag.begin(), tag.end(), k.tagKey.begin());
    return k;
}

std::uint32_t markTag(std::uint64_t payload, const MarkKey& key) {
    std::string id(8, '\0');
    for (int i = 0; i < 8; ++i) id[static_cast<std::size_t>(i)] = static_cast<char>((payload >> (56 - 8 * i)) & 0xFF);
    auto mac = hmacSha256({reinterpret_cast<const char*>(key.tagKey.data()), key.tagKey.size()}, "lgw mark v1:" + id);
    std::uint32_t tag = 0;
    for (int i = 0; i < 4; ++i) tag = (tag << 8) | static_cast<unsigned char>(mac[static_cast<std::size_t>(i)]);
    return tag;
}

bool embedMark(imaging::Canvas& canvas, std::uint64_t payload, const MarkKey& key) {
    return embedMarkWithTag(canvas, payload, markTag(payload, key), key);
}

bool embedMarkWithTag(imaging::Canvas& canvas, std::uint64_t payload, std::uint32_t tag, const MarkKey& key) {
    const int w = canvas.width(), h = canvas.height();
    if (w < kMinSide || h < kMinSide) return false;
    const Layout layout(key);
    std::array<int, kBits> bits{};
    for (int i = 0; i < 64; ++i) bits[static_cast<std::size_t>(i)] = (payload >> (63 - i)) & 1 ? 1 : -1;
    for (int i = 0; i < 32; ++i) bits[static_cast<std::size_t>(64 + i)] = (tag >> (31 - i)) & 1 ? 1 : -1;

    Axis ax(w), ay(h);
    // Leave head-room so that neither white paper nor black ink clips the bump: each level v is
    // mapped to margin + v * scale, in fixed point (1/16 of a level, Q16 for the mapping). This
    // loop runs over every pixel of every copy: plain arithmetic the compiler turns into vector
    // code, no table to look up and no libm call per pixel.
    const double margin = kAmplitude * (1 - kMeanBump) + 1, scale = (255.0 - 2 * margin) / 255.0;
    const auto mapScale = static_cast<std::int32_t>(std::lround(16 * scale * 65536));
    const auto mapOffset = static_cast<std::int32_t>(std::lround(16 * margin * 65536)) + 32768;
    std::vector<float> profileX(ax.profile.begin(), ax.profile.end());
    std::array<float, kCells> amp{};
    for (std::size_t c = 0; c < kCells; ++c)
        amp[c] = static_cast<float>(16 * kAmplitude * layout.chip[c] * bits[layout.bit[c]]);
    std::vector<float> cellAmp(static_cast<std::size_t>(w));          // the amplitude of each column's cell, per row
    std::vector<std::int32_t> shift(static_cast<std::size_t>(w) * 3);  // the bump at each byte of the row, + rounding
    auto& px = canvas.pixels();
    for (int y = 0; y < h; ++y) {
        const int cy = ay.cell[static_cast<std::size_t>(y)];
        const auto py = static_cast<float>(ay.profile[static_cast<std::size_t>(y)]);
        for (int x = 0; x < w; ++x)
            cellAmp[static_cast<std::size_t>(x)] = amp[static_cast<std::size_t>(cy * kGrid + ax.cell[static_cast<std::size_t>(x)])];
        for (int x = 0; x < w; ++x) {
            const float f = cellAmp[static_cast<std::size_t>(x)] * (py * profileX[static_cast<std::size_t>(x)] - static_cast<float>(kMeanBump));
            const auto d = static_cast<std::int32_t>(f + (f >= 0 ? 0.5f : -0.5f)) + 8;  // half away from zero, as lround
            shift[static_cast<std::size_t>(x) * 3] = shift[static_cast<std::size_t>(x) * 3 + 1] = shift[static_cast<std::size_t>(x) * 3 + 2] = d;
        }
        std::uint8_t* __restrict row = &px[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * 3];
        const std::int32_t* __restrict s = shift.data();
        for (std::size_t i = 0, n = static_cast<std::size_t>(w) * 3; i < n; ++i) {
            const std::int32_t v = ((std::int32_t{row[i]} * mapScale + mapOffset) >> 16) + s[i];
            row[i] = static_cast<std::uint8_t>(std::clamp(v >> 4, 0, 255));
        }
    }
    return true;
}

std::optional<MarkReading> readMark(const imaging::Canvas& canvas, const MarkKey& key) {
    const int w = canvas.width(), h = canvas.height();
    if (w < kMinSide || h < kMinSide) return std::nullopt;
    const Layout layout(key);
    Axis ax(w), ay(h);
    // Per cell: correlation of luminance with the zero-mean bump, normalised so that an intact
    // mark reads as ±kAmplitude.
    std::vector<double> num(kCells, 0.0), den(kCells, 0.0), sum(kCells, 0.0), cnt(kCells, 0.0), sw(kCells, 0.0);
    const auto& px = canvas.pixels();
    for (int y = 0; y < h; ++y) {
        const int cy = ay.cell[static_cast<std::size_t>(y)];
        const double py = ay.profile[static_cast<std::size_t>(y)];
        const auto* row = &px[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * 3];
        for (int x = 0; x < w; ++x) {
            auto cell = static_cast<std::size_t>(cy * kGrid + ax.cell[static_cast<std::size_t>(x)]);
            double lum = 0.299 * row[x * 3] + 0.587 * row[x * 3 + 1] + 0.114 * row[x * 3 + 2];
            double b = py * ax.profile[static_cast<std::size_t>(x)];
            num[cell] += b * lum;
            sum[cell] += lum;
            sw[cell] += b;
            den[cell] += b * b;
            cnt[cell] += 1;
        }
    }
    // r = sum((b - mean b) * lum) / sum((b - mean b)^2), computed from the running sums.
    std::vector<double> r(kCells);
    for (std::size_t c = 0; c < kCells; ++c) {
        double meanB = sw[c] / cnt[c];
        double cov = num[c] - meanB * sum[c];
        double var = den[c] - meanB * sw[c];
        r[c] = var > 1e-9 ? cov / var : 0.0;
    }
    // Text edges dwarf the mark in a few cells: clip them so that they cannot outvote the rest.
    for (auto& v : r) v = std::clamp(v, -2 * kAmplitude, 2 * kAmplitude);
    std::array<double, kBits> soft{};
    std::array<int, kBits> n{};
    double energy = 0;
    for (std::size_t c = 0; c < kCells; ++c) {
        soft[layout.bit[c]] += layout.chip[c] * r[c];
        n[layout.bit[c]] += 1;
        energy += r[c] * r[c];
    }
    const double sigma = std::sqrt(energy / kCells);
    if (sigma < 1e-9) return std::nullopt;  // a flat page carries nothing
    double strength = 0;
    for (int i = 0; i < kBits; ++i)
        strength += std::abs(soft[static_cast<std::size_t>(i)]) / (sigma * std::sqrt(n[static_cast<std::size_t>(i)]));
    strength /= kBits;
    // Pages without a mark read about 0.8 (the mean of |N(0,1)|); a mark reads 2 and up.
    if (strength < kMinStrength) return std::nullopt;
    // Hard decision, and if the tag fails, a Chase search: flip the kChase least certain bits in
    // every combination (2^6 tries against a 32-bit tag: a false read 1 in 67 million).
    std::array<int, kBits> weakest{};
    for (int i = 0; i < kBits; ++i) weakest[static_cast<std::size_t>(i)] = i;
    std::partial_sort(weakest.begin(), weakest.begin() + kChase, weakest.end(), [&](int a, int b) {
        return std::abs(soft[static_cast<std::size_t>(a)]) < std::abs(soft[static_cast<std::size_t>(b)]);
    });
    std::uint64_t asRead = 0;
    for (unsigned flips = 0; flips < (1u << kChase); ++flips) {
        std::array<bool, kBits> bit{};
        for (int i = 0; i < kBits; ++i) bit[static_cast<std::size_t>(i)] = soft[static_cast<std::size_t>(i)] > 0;
        for (int k = 0; k < kChase; ++k)
            if (flips & (1u << k)) bit[static_cast<std::size_t>(weakest[static_cast<std::size_t>(k)])] ^= true;
        std::uint64_t payload = 0;
        std::uint32_t tag = 0;
        for (int i = 0; i < 64; ++i) payload = (payload << 1) | (bit[static_cast<std::size_t>(i)] ? 1 : 0);
        for (int i = 64; i < kBits; ++i) tag = (tag << 1) | (bit[static_cast<std::size_t>(i)] ? 1 : 0);
        if (flips == 0) asRead = payload;
        if (markTag(payload, key) == tag) return MarkReading{payload, strength, true};
    }
    if (strength >= kForgedStrength) return MarkReading{asRead, strength, false};
    return std::nullopt;
}

std::optional<std::uint64_t> payloadFromDownloadId(const std::string& hex16) {
    if (hex16.size() != 16) return std::nullopt;
    std::uint64_t v = 0;
    for (char ch : hex16) {
        int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
        if (d < 0) return std::nullopt;
        v = (v << 4) | static_cast<std::uint64_t>(d);
    }
    return v;
}

std::string downloadIdFromPayload(std::uint64_t payload) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, payload >>= 4) s[static_cast<std::size_t>(i)] = kDigits[payload & 0xF];
    return s;
}

}  // namespace lgw::security
