#include "imaging/canvas.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string_view>
#include <stdexcept>

#include "imaging/png_codec.hpp"
#include "text/utf8.hpp"

namespace lgw::imaging {

std::string findCjkFont() {
    for (const char* p : {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                          "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"})
        if (std::filesystem::exists(p)) return p;
    return {};
}

struct Font::Impl {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    ~Impl() {
        if (face) FT_Done_Face(face);
        if (lib) FT_Done_FreeType(lib);
    }
};

Font::Font(const std::string& path) : impl(std::make_unique<Impl>()) {
    if (FT_Init_FreeType(&impl->lib) != 0) throw std::runtime_error("FreeType init failed");
    if (FT_New_Face(impl->lib, path.c_str(), 0, &impl->face) != 0)
        throw std::runtime_error("cannot load font " + path + " (install fonts-wqy-microhei)");
}
Font::Font(const std::string& path, const std::string& family) : Font(path) {
    const long faces = impl->face->num_faces;
    for (long i = 0; i < faces; ++i) {
        FT_Face f = nullptr;
        if (FT_New_Face(impl->lib, path.c_str(), i, &f) != 0) continue;
        // The collection's other weights name their family with the weight after it ("Noto Sans
        // CJK SC Light") or not at all: the family given is what it begins with.
        if (f->family_name && std::string_view(f->family_name).starts_with(family)) {
            FT_Done_Face(impl->face);
            impl->face = f;
            return;
        }
        FT_Done_Face(f);
    }
    throw std::runtime_error("font " + path + " has no face of the family '" + family + "'");
}
Font::~Font() = default;

Canvas::Canvas(int width, int height, Rgb bg)
    : width_(width), height_(height), rgb_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3) {
    for (std::size_t i = 0; i < rgb_.size(); i += 3) {
        rgb_[i] = bg.r;
        rgb_[i + 1] = bg.g;
        rgb_[i + 2] = bg.b;
    }
}

// RGB canvas <-> Leptonica's 32 bpp RGBx.
PIX* Canvas::toPix(const Canvas& c) {
    PIX* pix = pixCreate(c.width_, c.height_, 32);
    if (!pix) throw std::runtime_error("out of memory for an image");
    pixSetSpp(pix, 3);  // RGB, no alpha channel in the file
    l_uint32* data = pixGetData(pix);
    l_int32 wpl = pixGetWpl(pix);
    for (int y = 0; y < c.height_; ++y) {
        l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
        const auto* p = &c.rgb_[static_cast<std::size_t>(y) * static_cast<std::size_t>(c.width_) * 3];
        for (int x = 0; x < c.width_; ++x, p += 3)
            line[x] = (static_cast<l_uint32>(p[0]) << 24) | (static_cast<l_uint32>(p[1]) << 16) |
                      (static_cast<l_uint32>(p[2]) << 8);
    }
    return pix;
}

std::optional<Canvas> Canvas::fromPix(PIX* pix) {
    PIX* rgb = pixConvertTo32(pix);
    if (!rgb) return std::nullopt;
    int w = pixGetWidth(rgb), h = pixGetHeight(rgb);
    Canvas c(w, h, {255, 255, 255});
    l_uint32* data = pixGetData(rgb);
    l_int32 wpl = pixGetWpl(rgb);
    for (int y = 0; y < h; ++y) {
        l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
        auto* p = &c.rgb_[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * 3];
        for (int x = 0; x < w; ++x, p += 3) {
            p[0] = static_cast<std::uint8_t>(line[x] >> 24);
            p[1] = static_cast<std::uint8_t>(line[x] >> 16);
            p[2] = static_cast<std::uint8_t>(line[x] >> 8);
        }
    }
    pixDestroy(&rgb);
    return c;
}

std::optional<Canvas> Canvas::decode(std::string_view bytes) {
    if (bytes.empty()) return std::nullopt;
    l_int32 format = IFF_UNKNOWN;
    if (findFileFormatBuffer(reinterpret_cast<const l_uint8*>(bytes.data()), &format) != 0 ||
        (format != IFF_PNG && format != IFF_JFIF_JPEG && format != IFF_TIFF && format != IFF_TIFF_G4 &&
         format != IFF_TIFF_LZW && format != IFF_TIFF_ZIP && format != IFF_TIFF_PACKBITS))
        return std::nullopt;
    // The header first: a small file may declare a page of gigapixels (a decompression bomb).
    l_int32 w = 0, h = 0, bps = 0, spp = 0, iscmap = 0, hf = 0;
    if (pixReadHeaderMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size(), &hf, &w, &h, &bps, &spp, &iscmap) != 0 ||
        w <= 0 || h <= 0 || static_cast<std::int64_t>(w) * h > kMaxPixels)
        return std::nullopt;
    if (format == IFF_PNG) {
        png::Image image;
        if (png::decode(bytes, kMaxPixels, image) == png::Decoded::kOk)
            return Canvas(Adopt{}, image.width, image.height, std::move(image.rgb));
        // Another kind of PNG (16 bits, 1-bit, interlaced), or one this decoder found fault with:
        // Leptonica decides, as it did before there was a fast path.
    }
    PIX* pix = pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size());
    if (!pix) return std::nullopt;
    auto c = fromPix(pix);
    pixDestroy(&pix);
    return c;
}

namespace {
// `c` over the pixel at `p` with `coverage` of 255.
void mix(std::uint8_t* p, Rgb c, unsigned coverage) {
    p[0] = static_cast<std::uint8_t>((p[0] * (255 - coverage) + c.r * coverage) / 255);
    p[1] = static_cast<std::uint8_t>((p[1] * (255 - coverage) + c.g * coverage) / 255);
    p[2] = static_cast<std::uint8_t>((p[2] * (255 - coverage) + c.b * coverage) / 255);
}
}  // namespace

void Canvas::blend(int x, int y, Rgb c, unsigned coverage) {
    if (x < 0 || y < 0 || x >= width_ || y >= height_ || coverage == 0) return;
    mix(&rgb_[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)) * 3], c, coverage);
}

void Canvas::fillRect(int x, int y, int w, int h, Rgb color, std::uint8_t alpha) {
    for (int j = std::max(0, y); j < std::min(height_, y + h); ++j)
        for (int i = std::max(0, x); i < std::min(width_, x + w); ++i) blend(i, j, color, alpha);
}

void Canvas::strokeRect(int x, int y, int w, int h, int t, Rgb color) {
    fillRect(x, y, w, t, color);
    fillRect(x, y + h - t, w, t, color);
    fillRect(x, y, t, h, color);
    fillRect(x + w - t, y, t, h, color);
}

TextRun renderText(Font& font, std::string_view utf8, int pixelSize, double angleDegrees) {
    FT_Face face = font.impl->face;
    FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(pixelSize));
    double a = angleDegrees * M_PI / 180.0;
    FT_Matrix m{static_cast<FT_Fixed>(std::cos(a) * 0x10000), static_cast<FT_Fixed>(-std::sin(a) * 0x10000),
                static_cast<FT_Fixed>(std::sin(a) * 0x10000), static_cast<FT_Fixed>(std::cos(a) * 0x10000)};
    FT_Vector pen{0, 0};
    TextRun run;
    for (char32_t cp : text::decodeUtf8(utf8)) {
        FT_Set_Transform(face, &m, &pen);
        if (FT_Load_Char(face, cp, FT_LOAD_RENDER) != 0) continue;
        FT_GlyphSlot g = face->glyph;
        TextRun::Glyph out;
        out.left = g->bitmap_left;
        out.top = g->bitmap_top;
        out.width = static_cast<int>(g->bitmap.width);
        out.rows = static_cast<int>(g->bitmap.rows);
        out.coverage.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.rows));
        for (int row = 0; row < out.rows; ++row)
            for (int col = 0; col < out.width; ++col)
                out.coverage[static_cast<std::size_t>(row * out.width + col)] = g->bitmap.buffer[row * g->bitmap.pitch + col];
        if (out.width > 0 && out.rows > 0) run.glyphs.push_back(std::move(out));
        pen.x += g->advance.x;
        pen.y += g->advance.y;
    }
    FT_Set_Transform(face, nullptr, nullptr);
    run.advance = static_cast<int>(std::lround(std::hypot(pen.x, pen.y) / 64.0));
    return run;
}

void Canvas::drawRun(const TextRun& run, int x, int y, Rgb color, std::uint8_t alpha) {
    for (const auto& g : run.glyphs) {
        const int ox = x + g.left, oy = y - g.top;
        // Clipped once per glyph, not per pixel: a tile half off the page is common.
        const int c0 = std::max(0, -ox), c1 = std::min(g.width, width_ - ox);
        const int r0 = std::max(0, -oy), r1 = std::min(g.rows, height_ - oy);
        for (int row = r0; row < r1; ++row) {
            const std::uint8_t* cov = &g.coverage[static_cast<std::size_t>(row * g.width)];
            auto* p = &rgb_[(static_cast<std::size_t>(oy + row) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(ox)) * 3];
            for (int col = c0; col < c1; ++col) {
                const unsigned k = cov[col] * unsigned{alpha} / 255;
                if (k != 0) mix(p + static_cast<std::ptrdiff_t>(col) * 3, color, k);
            }
        }
    }
}

int Canvas::drawText(Font& font, int x, int y, std::string_view utf8, int pixelSize, Rgb color, std::uint8_t alpha,
                     double angleDegrees) {
    const TextRun run = renderText(font, utf8, pixelSize, angleDegrees);
    drawRun(run, x, y, color, alpha);
    return run.advance;
}

int Canvas::textWidth(Font& font, std::string_view utf8, int pixelSize) {
    FT_Face face = font.impl->face;
    FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(pixelSize));
    long w = 0;
    for (char32_t cp : text::decodeUtf8(utf8))
        if (FT_Load_Char(face, cp, FT_LOAD_DEFAULT) == 0) w += face->glyph->advance.x;
    return static_cast<int>(w / 64);
}

std::string Canvas::encodeJpeg(int quality) const {
    PIX* pix = toPix(*this);
    l_uint8* out = nullptr;
    size_t size = 0;
    int rc = pixWriteMemJpeg(&out, &size, pix, quality, 0);
    pixDestroy(&pix);
    if (rc != 0 || !out) throw std::runtime_error("JPEG encoding failed");
    std::string bytes(reinterpret_cast<char*>(out), size);
    lept_free(out);
    return bytes;
}

Canvas Canvas::scaled(int width, int height) const {
    PIX* pix = toPix(*this);
    PIX* out = pixScaleToSize(pix, width, height);
    pixDestroy(&pix);
    auto c = out ? fromPix(out) : std::nullopt;
    pixDestroy(&out);
    if (!c) throw std::runtime_error("scaling failed");
    return std::move(*c);
}

std::string Canvas::encodePng() const { return png::encodeRgb(rgb_.data(), width_, height_); }

}  // namespace lgw::imaging
