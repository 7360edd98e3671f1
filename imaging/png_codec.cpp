#include "imaging/png_codec.hpp"

#include <libdeflate.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace lgw::imaging::png {
namespace {

constexpr std::array<std::uint8_t, 8> kSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

void putBe32(std::uint8_t* p, std::uint32_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

struct FreeDecompressor {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
struct FreeCompressor {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// One per thread that codes (the blocking pool's few): allocated once, not once per page.
libdeflate_decompressor* decompressor() {
    thread_local std::unique_ptr<libdeflate_decompressor, FreeDecompressor> d(libdeflate_alloc_decompressor());
    return d.get();
}
libdeflate_compressor* compressor() {
    thread_local std::unique_ptr<libdeflate_compressor, FreeCompressor> c(libdeflate_alloc_compressor(1));
    return c.get();
}

std::uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(a);
    return static_cast<std::uint8_t>(pb <= pc ? b : c);
}

// Reverses one row's filter in place; `prev` is the row above, already unfiltered (nullptr for the first).
bool unfilter(std::uint8_t type, std::uint8_t* row, const std::uint8_t* prev, std::size_t stride, std::size_t bpp) {
    switch (type) {
        case 0: return true;
        case 1:
            for (std::size_t i = bpp; i < stride; ++i) row[i] = static_cast<std::uint8_t>(row[i] + row[i - bpp]);
            return true;
        case 2:
            if (prev)
                for (std::size_t i = 0; i < stride; ++i) row[i] = static_cast<std::uint8_t>(row[i] + prev[i]);
            return true;
        case 3:
            for (std::size_t i = 0; i < stride; ++i) {
                const int a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0;
                row[i] = static_cast<std::uint8_t>(row[i] + ((a + b) >> 1));
            }
            return true;
        case 4:
            for (std::size_t i = 0; i < stride; ++i) {
                const int a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0;
                const int c = prev && i >= bpp ? prev[i - bpp] : 0;
                row[i] = static_cast<std::uint8_t>(row[i] + paeth(a, b, c));
            }
            return true;
        default: return false;  // no such filter
    }
}

}  // namespace

Decoded decode(std::string_view bytes, std::int64_t maxPixels, Image& out) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const std::size_t size = bytes.size();
    if (size < kSignature.size() || std::memcmp(p, kSignature.data(), kSignature.size()) != 0) return Decoded::kCorrupt;
    std::size_t at = kSignature.size();
    std::uint32_t width = 0, height = 0;
    int colour = -1, channels = 0;
    bool sawHeader = false, sawEnd = false;
    std::vector<std::array<std::uint8_t, 3>> palette;
    std::string_view onlyIdat;  // the common case: one IDAT, inflated from the file itself
    std::vector<std::uint8_t> joined;
    int idats = 0;
    while (!sawEnd) {
        if (size - at < 12) return Decoded::kCorrupt;
        const std::uint32_t len = be32(p + at);
        if (len > 0x7fffffffu || size - at - 12 < len) return Decoded::kCorrupt;
        const std::uint8_t* type = p + at + 4;
        const std::uint8_t* data = type + 4;
        if (libdeflate_crc32(0, type, 4 + std::size_t{len}) != be32(data + len)) return Decoded::kCorrupt;
        const std::string_view name(reinterpret_cast<const char*>(type), 4);
        at += 12 + std::size_t{len};
        if (!sawHeader) {
            if (name != "IHDR" || len != 13) return Decoded::kCorrupt;
            width = be32(data);
            height = be32(data + 4);
            const int depth = data[8];
            colour = data[9];
            if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu) return Decoded::kCorrupt;
            if (data[10] != 0 || data[11] != 0 || data[12] > 1) return Decoded::kCorrupt;
            switch (colour) {
                case 0: channels = 1; break;
                case 2: channels = 3; break;
                case 3: channels = 1; break;
                case 4: channels = 2; break;
                case 6: channels = 4; break;
                default: return Decoded::kCorrupt;
            }
            if (static_cast<std::int64_t>(width) * static_cast<std::int64_t>(height) > maxPixels) return Decoded::kCorrupt;
            if (depth != 8 || data[12] != 0) return Decoded::kUnsupported;  // 1/2/4/16 bits, Adam7
            sawHeader = true;
            continue;
        }
        if (name == "IDAT") {
            if (++idats == 1) {
                onlyIdat = {reinterpret_cast<const char*>(data), len};
            } else {
                if (idats == 2) joined.assign(onlyIdat.begin(), onlyIdat.end());
                joined.insert(joined.end(), data, data + len);
            }
        } else if (name == "PLTE") {
            if (len % 3 != 0 || len / 3 > 256 || len == 0) return Decoded::kCorrupt;
            palette.resize(len / 3);
            for (std::size_t i = 0; i < palette.size(); ++i) palette[i] = {data[3 * i], data[3 * i + 1], data[3 * i + 2]};
        } else if (name == "IEND") {
            sawEnd = true;
        } else if (name[0] >= 'A' && name[0] <= 'Z') {
            return Decoded::kUnsupported;  // a critical chunk this decoder does not know
        }
    }
    if (idats == 0 || (colour == 3 && palette.empty())) return Decoded::kCorrupt;
    const std::string_view compressed =
        idats == 1 ? onlyIdat : std::string_view(reinterpret_cast<const char*>(joined.data()), joined.size());

    const std::size_t w = width, h = height, bpp = static_cast<std::size_t>(channels), stride = w * bpp;
    const std::size_t rawSize = h * (stride + 1);
    std::vector<std::uint8_t> raw(rawSize);
    std::size_t produced = 0;
    if (libdeflate_zlib_decompress(decompressor(), compressed.data(), compressed.size(), raw.data(), rawSize, &produced) !=
            LIBDEFLATE_SUCCESS ||
        produced != rawSize)
        return Decoded::kCorrupt;
    for (std::size_t y = 0; y < h; ++y) {
        std::uint8_t* row = &raw[y * (stride + 1)];
        if (!unfilter(row[0], row + 1, y ? row - stride : nullptr, stride, bpp)) return Decoded::kCorrupt;
    }
    out.width = static_cast<int>(width);
    out.height = static_cast<int>(height);
    if (colour == 2) {
        // The rows are already RGB: close the one-byte gaps (filter types) in place, no second page.
        for (std::size_t y = 0; y < h; ++y) std::memmove(&raw[y * stride], &raw[y * (stride + 1) + 1], stride);
        raw.resize(h * stride);
        out.rgb = std::move(raw);
        return Decoded::kOk;
    }
    out.rgb.assign(w * h * 3, 0);
    for (std::size_t y = 0; y < h; ++y) {
        const std::uint8_t* src = &raw[y * (stride + 1) + 1];
        std::uint8_t* dst = &out.rgb[y * w * 3];
        for (std::size_t x = 0; x < w; ++x, dst += 3) {
            switch (colour) {
                case 0:
                case 4: dst[0] = dst[1] = dst[2] = src[x * bpp]; break;
                case 6: std::memcpy(dst, src + x * 4, 3); break;
                case 3:
                    // An index past the palette is drawn black, as libpng does.
                    if (src[x] < palette.size()) std::memcpy(dst, palette[src[x]].data(), 3);
                    break;
                default: break;
            }
        }
    }
    return Decoded::kOk;
}

std::string encodeRgb(const std::uint8_t* rgb, int width, int height) {
    const std::size_t w = static_cast<std::size_t>(width), h = static_cast<std::size_t>(height), stride = w * 3;
    // Up filter: the difference to the row above, which turns a page's smooth shading (and the
    // invisible mark's) into runs the compressor finds; the first row unfiltered.
    // Scratch buffers left uninitialised (each byte is written before it is read): zero-filling a
    // page's worth twice cost more than filtering it.
    const std::size_t filteredSize = h * (stride + 1);
    std::unique_ptr<std::uint8_t[]> filtered(new std::uint8_t[filteredSize]);
    for (std::size_t y = 0; y < h; ++y) {
        std::uint8_t* __restrict dst = &filtered[y * (stride + 1)];
        const std::uint8_t* row = rgb + y * stride;
        if (y == 0) {
            dst[0] = 0;
            std::memcpy(dst + 1, row, stride);
            continue;
        }
        dst[0] = 2;
        const std::uint8_t* __restrict above = row - stride;
        for (std::size_t i = 0; i < stride; ++i) dst[1 + i] = static_cast<std::uint8_t>(row[i] - above[i]);
    }
    libdeflate_compressor* c = compressor();
    if (!c) throw std::runtime_error("libdeflate: out of memory for a compressor");
    const std::size_t bound = libdeflate_zlib_compress_bound(c, filteredSize);
    std::unique_ptr<std::uint8_t[]> compressed(new std::uint8_t[bound]);
    const std::size_t n = libdeflate_zlib_compress(c, filtered.get(), filteredSize, compressed.get(), bound);
    if (n == 0) throw std::runtime_error("libdeflate: the compressed page did not fit its bound");
    constexpr std::size_t kHead = 8 + 25 + 8;  // signature, IHDR chunk, IDAT length and type
    std::string out(kHead + n + 4 + 12, '\0');  // exactly the file: a copy holds no slack
    auto* o = reinterpret_cast<std::uint8_t*>(out.data());
    std::memcpy(o, kSignature.data(), 8);
    putBe32(o + 8, 13);
    std::memcpy(o + 12, "IHDR", 4);
    putBe32(o + 16, static_cast<std::uint32_t>(width));
    putBe32(o + 20, static_cast<std::uint32_t>(height));
    o[24] = 8;  // bit depth
    o[25] = 2;  // RGB
    o[26] = o[27] = o[28] = 0;
    putBe32(o + 29, libdeflate_crc32(0, o + 12, 17));
    std::memcpy(o + 37, "IDAT", 4);
    std::memcpy(o + kHead, compressed.get(), n);
    putBe32(o + 33, static_cast<std::uint32_t>(n));
    putBe32(o + kHead + n, libdeflate_crc32(0, o + 37, 4 + n));
    std::uint8_t* end = o + kHead + n + 4;
    putBe32(end, 0);
    std::memcpy(end + 4, "IEND", 4);
    putBe32(end + 8, libdeflate_crc32(0, end + 4, 4));
    return out;
}

}  // namespace lgw::imaging::png
