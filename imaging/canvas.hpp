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
    ~Font();
    Font(const Font&) = delete;
    Font& operator=(const Font&) = delete;
    struct Impl;
    std::unique_ptr<Impl> impl;
};

class Canvas {
public:
    Canvas(int width, int height, Rgb background);
    /// Pages beyond this are refused before decoding: A3 at 600 DPI is 70 million pixels.
    static constexpr std::int64_t kMaxPixels = 80'000'000;
    /// Decodes PNG, JPEG or TIFF (any depth) into RGB; nullopt for anything else, corrupt data or a
    /// page over kMaxPixels.
    static std::optional<Canvas> decode(std::string_view bytes);
    int width() const { return width_; }
    int height() const { return height_; }

    void fillRect(int x, int y, int w, int h, Rgb color, std::uint8_t alpha = 255);
    void strokeRect(int x, int y, int w, int h, int thickness, Rgb color);
    /// Draws text with its baseline at y; returns the advance width in pixels.
    int drawText(Font& font, int x, int y, std::string_view utf8, int pixelSize, Rgb color, std::uint8_t alpha = 255,
                 double angleDegrees = 0);
    int textWidth(Font& font, std::string_view utf8, int pixelSize);

    /// Resampled to the given size through Leptonica (area mapping when shrinking).
    Canvas scaled(int width, int height) const;

    std::string encodePng() const;
    std::string encodeJpeg(int quality) const;

    std::vector<std::uint8_t>& pixels() { return rgb_; }
    const std::vector<std::uint8_t>& pixels() const { return rgb_; }

    /// A 32-bpp Leptonica copy; the caller owns it (pixDestroy).
    static ::Pix* toPix(const Canvas& c);

private:
    static std::optional<Canvas> fromPix(::Pix* pix);
    void blend(int x, int y, Rgb c, unsigned coverage);
    int width_, height_;
    std::vector<std::uint8_t> rgb_;
};

}  // namespace lgw::imaging
