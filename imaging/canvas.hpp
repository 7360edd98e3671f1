#pragma once
// A small RGB canvas with anti-aliased UTF-8 text drawn through FreeType (CJK fonts from Debian
// packages) and PNG/JPEG encoding through Leptonica. Used to render licence images in the
// simulator, watermarks on copies and synthetic scans. Not thread-safe per instance.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct Pix;  // Leptonica's image

namespace lgw::imaging {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
};

/// The first CJK-capable font found among the Debian font packages we depend on; "" if none.
std::string findCjkFont();

class Font {
public:
    /// Throws std::runtime_error naming the file if FreeType cannot load it.
    explicit Font(const std::string& path);
    /// The face of a collection (.ttc) whose family name is `family` ("Noto Sans CJK SC" in
    /// NotoSansCJK-Regular.ttc, whose first face is the Japanese one); throws if none is.
    Font(const std::string& path, const std::string& family);
    ~Font();
    Font(const Font&) = delete;
    Font& operator=(const Font&) = delete;
    struct Impl;
    std::unique_ptr<Impl> impl;
};

/// A line of text rendered once — each glyph's coverage bitmap and where it sits relative to the
/// pen's start — to be drawn many times (the watermark's tiles) without FreeType again.
struct TextRun {
    struct Glyph {
        int left = 0, top = 0;  ///< bitmap origin relative to the start of the baseline (y down)
        int width = 0, rows = 0;
        std::vector<std::uint8_t> coverage;  ///< rows x width, 0..255
    };
    std::vector<Glyph> glyphs;
    int advance = 0;  ///< pixels from the start to the end of the run along its direction
};

/// Renders `utf8` at `pixelSize`, turned by `angleDegrees` (counter-clockwise).
TextRun renderText(Font& font, std::string_view utf8, int pixelSize, double angleDegrees = 0);

class Canvas {
public:
    Canvas(int width, int height, Rgb background);
    /// Pages beyond this are refused before decoding: A3 at 600 DPI is 70 million pixels.
    static constexpr std::int64_t kMaxPixels = 80'000'000;
    /// Decodes PNG, JPEG or TIFF (any depth) into RGB; nullopt for anything else, corrupt data or a
    /// page over kMaxPixels. The PNGs of 8 bits per sample go through libdeflate (png_codec.hpp),
    /// the rest through Leptonica.
    static std::optional<Canvas> decode(std::string_view bytes);
    int width() const { return width_; }
    int height() const { return height_; }

    void fillRect(int x, int y, int w, int h, Rgb color, std::uint8_t alpha = 255);
    void strokeRect(int x, int y, int w, int h, int thickness, Rgb color);
    /// Draws text with its baseline at y; returns the advance width in pixels.
    int drawText(Font& font, int x, int y, std::string_view utf8, int pixelSize, Rgb color, std::uint8_t alpha = 255,
                 double angleDegrees = 0);
    int textWidth(Font& font, std::string_view utf8, int pixelSize);
    /// Draws a rendered run with the start of its baseline at (x, y): the same pixels as drawText
    /// with the same text, size and angle.
    void drawRun(const TextRun& run, int x, int y, Rgb color, std::uint8_t alpha = 255);

    /// Resampled to the given size through Leptonica (area mapping when shrinking).
    Canvas scaled(int width, int height) const;

    /// 8-bit RGB, Up-filtered, libdeflate's fastest level (png_codec.hpp).
    std::string encodePng() const;
    std::string encodeJpeg(int quality) const;

    std::vector<std::uint8_t>& pixels() { return rgb_; }
    const std::vector<std::uint8_t>& pixels() const { return rgb_; }

    /// A 32-bpp Leptonica copy; the caller owns it (pixDestroy).
    static ::Pix* toPix(const Canvas& c);

private:
    struct Adopt {};  // the pixels are taken as they are (a decoder's output)
    Canvas(Adopt, int width, int height, std::vector<std::uint8_t> rgb)
        : width_(width), height_(height), rgb_(std::move(rgb)) {}
    static std::optional<Canvas> fromPix(::Pix* pix);
    void blend(int x, int y, Rgb c, unsigned coverage);
    int width_, height_;
    std::vector<std::uint8_t> rgb_;
};

}  // namespace lgw::imaging
