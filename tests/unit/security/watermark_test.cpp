// The copy's watermark: the visible text, and the download id that must survive JPEG quality 75
// and a 50% downscale (issue 5), read back by the same code `watermark identify` uses.
#include <gtest/gtest.h>

#include <iostream>

#include "imaging/canvas.hpp"
#include "security/spread_spectrum_mark.hpp"
#include "security/watermark.hpp"

using namespace lgw;
using namespace lgw::security;

namespace {

// A page that looks like a certificate: a frame, a title, rows of label/value text, a red seal.
imaging::Canvas page(int w, int h) {
    imaging::Canvas c(w, h, {250, 248, 240});
    imaging::Font font(imaging::findCjkFont());
    c.strokeRect(w / 30, h / 30, w - w / 15, h - h / 15, std::max(2, w / 200), {120, 90, 40});
    int size = std::max(12, w / 40);
    c.drawText(font, w / 3, h / 8, "营业执照", size * 2, {20, 20, 20});
    const char* rows[] = {"统一社会信用代码  91350100M000100Y43", "名称  合成示例电力用户有限公司", "类型  有限责任公司",
                          "法定代表人  张示例", "注册资本  壹仟万元整", "成立日期  2015年03月18日",
                          "住所  示例省示例市示例区示例路1号", "经营范围  电力设备销售；技术服务；合成数据"};
    int y = h / 4;
    for (const char* r : rows) {
        c.drawText(font, w / 10, y, r, size, {30, 30, 30});
        y += size * 2;
    }
    c.fillRect(w * 2 / 3, h * 2 / 3, w / 6, w / 6, {220, 40, 40}, 140);
    return c;
}

const MarkKey kKey = MarkKey::derive("a deployment's watermark secret, 32+ bytes");

imaging::Canvas decode(const std::string& bytes) {
    auto c = imaging::Canvas::decode(bytes);
    EXPECT_TRUE(c.has_value());
    return std::move(*c);
}

}  // namespace

TEST(SpreadSpectrumMark, DownloadIdRoundTripsAsHex) {
    EXPECT_EQ(downloadIdFromPayload(*payloadFromDownloadId("00ff10a0b0c0d0e9")), "00ff10a0b0c0d0e9");
    EXPECT_FALSE(payloadFromDownloadId("00ff10a0b0c0d0e"));
    EXPECT_FALSE(payloadFromDownloadId("00ff10a0b0c0d0eZ"));
}

TEST(SpreadSpectrumMark, ReadsBackFromALosslessCopy) {
    auto c = page(900, 640);
    ASSERT_TRUE(embedMark(c, 0x0123456789abcdefULL, kKey));
    auto r = readMark(c, kKey);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->payload, 0x0123456789abcdefULL);
    EXPECT_TRUE(r->authentic);
}

TEST(SpreadSpectrumMark, AnUnmarkedPageCarriesNoMark) {
    EXPECT_FALSE(readMark(page(900, 640), kKey));
    EXPECT_FALSE(readMark(decode(page(1240, 1754).encodeJpeg(75)), kKey));
    imaging::Canvas flat(400, 400, {255, 255, 255});
    EXPECT_FALSE(readMark(flat, kKey));
}

// A mark made without the deployment's secret reads as nothing: the cells and carrier come from it.
TEST(SpreadSpectrumMark, AnotherSecretReadsNothing) {
    auto c = page(900, 640);
    ASSERT_TRUE(embedMark(c, 42, MarkKey::derive("another deployment's secret, 32+ b")));
    EXPECT_FALSE(readMark(c, kKey));
    // The key of the source code before issue 18 (a constant) is no key at all now.
    MarkKey old;
    old.layoutSeed = 0x4c47572d6d61726bULL;
    auto d = page(900, 640);
    ASSERT_TRUE(embedMark(d, 42, old));
    EXPECT_FALSE(readMark(d, kKey));
}

// An insider who knows where the cells are (the layout) but not the tag key: a colleague's id with
// a guessed tag reads as forged, never as the colleague's download; so does a mark made under
// another tag key. (A tag one or two bits off the right one is what the Chase search corrects in
// damaged copies: a guess lands there with odds of 1 in 2^26.)
TEST(SpreadSpectrumMark, AWrongTagReadsAsForged) {
    const std::uint64_t colleague = 0x5eed0a11c0ffee42ULL;
    auto c = page(900, 640);
    ASSERT_TRUE(embedMarkWithTag(c, colleague, ~markTag(colleague, kKey), kKey));
    auto r = readMark(c, kKey);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->authentic);
    EXPECT_EQ(r->payload, colleague);
    EXPECT_GE(r->strength, kForgedStrength);

    MarkKey sameCellsOtherTagKey = kKey;
    sameCellsOtherTagKey.tagKey[0] ^= 1;
    auto d = page(900, 640);
    ASSERT_TRUE(embedMark(d, colleague, sameCellsOtherTagKey));
    auto q = readMark(d, kKey);
    ASSERT_TRUE(q);
    EXPECT_FALSE(q->authentic);
    // The tag is an HMAC of the id: flipping one bit of the id changes about half of it.
    EXPECT_NE(markTag(colleague, kKey), markTag(colleague ^ 1, kKey));
}

TEST(SpreadSpectrumMark, KeysAreDerivedDeterministicallyAndApart) {
    auto a = MarkKey::derive("secret one, long enough to use"), b = MarkKey::derive("secret one, long enough to use");
    EXPECT_EQ(a.layoutSeed, b.layoutSeed);
    EXPECT_EQ(a.tagKey, b.tagKey);
    auto c = MarkKey::derive("secret two, long enough to use");
    EXPECT_NE(a.layoutSeed, c.layoutSeed);
    EXPECT_NE(a.tagKey, c.tagKey);
}

TEST(SpreadSpectrumMark, TooSmallAPageIsLeftUnchanged) {
    imaging::Canvas c(100, 300, {255, 255, 255});
    auto before = c.pixels();
    EXPECT_FALSE(embedMark(c, 1, kKey));
    EXPECT_EQ(c.pixels(), before);
}

// The point: a watermarked copy, re-compressed as JPEG at quality 75 and downscaled by
// half (in both orders), still names its download.
TEST(Watermark, DownloadIdSurvivesJpeg75AndAHalfDownscale) {
    struct Size { int w, h; };
    for (Size s : {Size{2480, 3508} /* A4 at 300 DPI */, Size{1240, 1754}, Size{900, 640} /* a licence image */}) {
        SCOPED_TRACE(std::to_string(s.w) + "x" + std::to_string(s.h));
        const std::string id = "5eed0a11c0ffee42";
        auto copy = watermarkImage(page(s.w, s.h).encodePng(), {"APP-2026-0001", "frontdesk-01", "2026-11-24 10:00 UTC", id}, kKey);
        ASSERT_TRUE(copy);
        auto marked = decode(*copy);

        auto jpegThenHalf = decode(marked.encodeJpeg(75)).scaled(s.w / 2, s.h / 2);
        auto a = readMark(decode(jpegThenHalf.encodeJpeg(75)), kKey);
        ASSERT_TRUE(a) << "JPEG 75, half size, JPEG 75 again";
        EXPECT_EQ(downloadIdFromPayload(a->payload), id);
        EXPECT_TRUE(a->authentic);

        auto halfThenJpeg = decode(marked.scaled(s.w / 2, s.h / 2).encodeJpeg(75));
        auto b = readMark(halfThenJpeg, kKey);
        ASSERT_TRUE(b) << "half size, then JPEG 75";
        EXPECT_EQ(downloadIdFromPayload(b->payload), id);
        EXPECT_TRUE(b->authentic);
        EXPECT_GT(b->strength, 2.5);
    }
}

TEST(Watermark, StampsOnlyReadableImages) {
    EXPECT_FALSE(watermarkImage("not an image", {"A", "B", "C", "0000000000000001"}, kKey));
}

TEST(Canvas, AHugeDeclaredPageIsRefusedBeforeDecoding) {
    // A PNG header declaring 100,000 x 100,000 pixels, with no data behind it.
    imaging::Canvas small(16, 16, {0, 0, 0});
    std::string png = small.encodePng();
    auto put32 = [&](std::size_t at, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) png[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
    };
    put32(16, 100000);  // IHDR width
    put32(20, 100000);  // IHDR height
    EXPECT_FALSE(imaging::Canvas::decode(png));
}
