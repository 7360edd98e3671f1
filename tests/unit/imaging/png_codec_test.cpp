// The libdeflate PNG codec (imaging/png_codec.hpp) against an independent one: Leptonica, which
// writes and reads PNG through libpng (its adaptive filters exercise every row filter).
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <libdeflate.h>

#include <cstring>
#include <random>
#include <string>

#include "imaging/canvas.hpp"
#include "imaging/png_codec.hpp"

namespace lgw::imaging {
namespace {

// A page with what scans have: flat paper, hard text-like edges, gradients and noise.
std::vector<std::uint8_t> samplePixels(int w, int h, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            auto* p = &px[(static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 3];
            const bool ink = ((x / 7 + y / 5) % 9) == 0;
            p[0] = ink ? 20 : static_cast<std::uint8_t>(200 + (x * 50) / std::max(1, w));
            p[1] = ink ? 20 : static_cast<std::uint8_t>(180 + (y * 70) / std::max(1, h));
            p[2] = static_cast<std::uint8_t>(rng() & 0xff);
        }
    return px;
}

std::string leptonicaPng(PIX* pix) {
    l_uint8* out = nullptr;
    size_t size = 0;
    EXPECT_EQ(pixWriteMemPng(&out, &size, pix, 0.0), 0);
    std::string bytes(reinterpret_cast<char*>(out), size);
    lept_free(out);
    return bytes;
}

// The pixels Leptonica reads from `bytes`, as RGB (alpha dropped, as the canvas does).
std::vector<std::uint8_t> leptonicaRgb(const std::string& bytes, int& w, int& h) {
    PIX* pix = pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size());
    EXPECT_NE(pix, nullptr);
    PIX* rgb = pixConvertTo32(pix);
    w = pixGetWidth(rgb);
    h = pixGetHeight(rgb);
    std::vector<std::uint8_t> out;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            l_int32 r = 0, g = 0, b = 0;
            pixGetRGBPixel(rgb, x, y, &r, &g, &b);
            out.push_back(static_cast<std::uint8_t>(r));
            out.push_back(static_cast<std::uint8_t>(g));
            out.push_back(static_cast<std::uint8_t>(b));
        }
    pixDestroy(&rgb);
    pixDestroy(&pix);
    return out;
}

PIX* pixOf(const std::vector<std::uint8_t>& rgb, int w, int h) {
    PIX* pix = pixCreate(w, h, 32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const auto* p = &rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 3];
            pixSetRGBPixel(pix, x, y, p[0], p[1], p[2]);
        }
    pixSetSpp(pix, 3);
    return pix;
}

TEST(PngCodec, WhatItWritesLeptonicaReadsPixelForPixel) {
    for (auto [w, h] : {std::pair{1, 1}, {3, 5}, {640, 480}, {1001, 17}}) {
        auto px = samplePixels(w, h, static_cast<unsigned>(w * 31 + h));
        const std::string bytes = png::encodeRgb(px.data(), w, h);
        int lw = 0, lh = 0;
        EXPECT_EQ(leptonicaRgb(bytes, lw, lh), px) << w << "x" << h;
        EXPECT_EQ(lw, w);
        EXPECT_EQ(lh, h);
        png::Image back;
        ASSERT_EQ(png::decode(bytes, Canvas::kMaxPixels, back), png::Decoded::kOk);
        EXPECT_EQ(back.rgb, px);
    }
}

TEST(PngCodec, WhatLeptonicaWritesItReadsAsLeptonicaDoes) {
    const int w = 301, h = 97;
    auto px = samplePixels(w, h, 7);
    PIX* rgb = pixOf(px, w, h);
    PIX* grey = pixConvertRGBToLuminance(rgb);
    PIX* rgba = pixCopy(nullptr, rgb);
    pixSetSpp(rgba, 4);  // an alpha channel in the file; its values are dropped when read
    PIX* palette = pixConvertRGBToColormap(rgb, 1);
    ASSERT_TRUE(grey && rgba && palette);
    for (PIX* pix : {rgb, grey, rgba, palette}) {
        const std::string bytes = leptonicaPng(pix);
        png::Image ours;
        ASSERT_EQ(png::decode(bytes, Canvas::kMaxPixels, ours), png::Decoded::kOk) << pixGetDepth(pix) << " bpp";
        int lw = 0, lh = 0;
        EXPECT_EQ(ours.rgb, leptonicaRgb(bytes, lw, lh)) << pixGetDepth(pix) << " bpp";
        EXPECT_EQ(ours.width, w);
        EXPECT_EQ(ours.height, h);
    }
    pixDestroy(&palette);
    pixDestroy(&rgba);
    pixDestroy(&grey);
    pixDestroy(&rgb);
}

TEST(PngCodec, OtherKindsAreLeftToLeptonicaAndStillDecode) {
    PIX* bilevel = pixCreate(200, 100, 1);  // a fax-like 1-bit scan
    pixRasterop(bilevel, 20, 20, 60, 30, PIX_SET, nullptr, 0, 0);
    const std::string bytes = leptonicaPng(bilevel);
    pixDestroy(&bilevel);
    png::Image ours;
    EXPECT_EQ(png::decode(bytes, Canvas::kMaxPixels, ours), png::Decoded::kUnsupported);
    auto canvas = Canvas::decode(bytes);
    ASSERT_TRUE(canvas);
    EXPECT_EQ(canvas->width(), 200);
    const auto& p = canvas->pixels();
    EXPECT_EQ(p[(30 * 200 + 30) * 3], 0);      // set: black
    EXPECT_EQ(p[(90 * 200 + 190) * 3], 255);  // clear: white
}

// The IDAT split in two chunks, as encoders writing in slices do.
std::string splitIdat(const std::string& png) {
    const std::size_t at = 33;  // signature + IHDR chunk
    EXPECT_EQ(png.substr(at + 4, 4), "IDAT");
    const auto* p = reinterpret_cast<const std::uint8_t*>(png.data() + at);
    const std::size_t len = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
    const std::string data = png.substr(at + 8, len);
    auto chunk = [](const std::string& type, const std::string& d) {
        std::string c(4, '\0');
        for (int i = 0; i < 4; ++i) c[static_cast<std::size_t>(i)] = static_cast<char>((d.size() >> (24 - 8 * i)) & 0xff);
        std::string body = type + d;
        const std::uint32_t crc = libdeflate_crc32(0, body.data(), body.size());
        std::string tail(4, '\0');
        for (int i = 0; i < 4; ++i) tail[static_cast<std::size_t>(i)] = static_cast<char>((crc >> (24 - 8 * i)) & 0xff);
        return c + body + tail;
    };
    return png.substr(0, at) + chunk("IDAT", data.substr(0, len / 3)) + chunk("tEXt", std::string("Comment\0x", 9)) +
           chunk("IDAT", data.substr(len / 3)) + png.substr(at + 12 + len);
}

TEST(PngCodec, ReadsAnImageDataStreamSplitOverChunks) {
    auto px = samplePixels(120, 80, 3);
    const std::string split = splitIdat(png::encodeRgb(px.data(), 120, 80));
    png::Image back;
    ASSERT_EQ(png::decode(split, Canvas::kMaxPixels, back), png::Decoded::kOk);
    EXPECT_EQ(back.rgb, px);
}

TEST(PngCodec, RefusesWhatDoesNotCheck) {
    auto px = samplePixels(64, 48, 5);
    const std::string good = png::encodeRgb(px.data(), 64, 48);
    png::Image out;
    EXPECT_EQ(png::decode(good.substr(0, good.size() - 20), Canvas::kMaxPixels, out), png::Decoded::kCorrupt);  // truncated
    std::string badCrc = good;
    badCrc[45] = static_cast<char>(badCrc[45] ^ 1);  // inside the IDAT data: its CRC no longer matches
    EXPECT_EQ(png::decode(badCrc, Canvas::kMaxPixels, out), png::Decoded::kCorrupt);
    EXPECT_EQ(png::decode("not a png at all", Canvas::kMaxPixels, out), png::Decoded::kCorrupt);
    EXPECT_EQ(png::decode("", Canvas::kMaxPixels, out), png::Decoded::kCorrupt);
    // A header that claims more pixels than allowed is refused before anything is allocated.
    EXPECT_EQ(png::decode(good, 64 * 48 - 1, out), png::Decoded::kCorrupt);
    // Pixels that inflate to less than the header promises.
    auto small = samplePixels(64, 47, 5);
    std::string shortData = png::encodeRgb(small.data(), 64, 47);
    shortData.replace(16, 8, good.substr(16, 8));  // the 64x48 header over 64x47 rows...
    shortData.replace(29, 4, good.substr(29, 4));  // ...with that header's CRC
    EXPECT_EQ(png::decode(shortData, Canvas::kMaxPixels, out), png::Decoded::kCorrupt);
}

TEST(PngCodec, TheCanvasRoundTripsThroughIt) {
    Canvas page(333, 222, {250, 250, 245});
    page.fillRect(10, 10, 100, 40, {200, 30, 30}, 180);
    auto back = Canvas::decode(page.encodePng());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->pixels(), page.pixels());
}

}  // namespace
}  // namespace lgw::imaging
