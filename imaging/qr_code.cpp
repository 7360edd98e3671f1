#include "imaging/qr_code.hpp"

#include <qrencode.h>

#include <cerrno>
#include <memory>
#include <stdexcept>
#include <string>

#include "imaging/canvas.hpp"

namespace lgw::imaging {

std::string qrPng(std::string_view text, QrOptions options) {
    if (text.empty()) throw std::invalid_argument("a QR code needs a text");
    if (options.modulePixels < 1 || options.modulePixels > 64)
        throw std::invalid_argument("QR module size must be 1..64 pixels, not " + std::to_string(options.modulePixels));
    const std::string data(text);  // QRcode_encodeData wants its own buffer, not a view
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(static_cast<int>(data.size()), reinterpret_cast<const unsigned char*>(data.data()), 0,
                          QR_ECLEVEL_M),
        &QRcode_free);
    if (!code) {
        if (errno == ERANGE) throw std::invalid_argument("the text is too long for a QR code");
        throw std::runtime_error("libqrencode could not encode the text");
    }
    constexpr int kQuiet = 4;
    const int modules = code->width + 2 * kQuiet;
    const int px = options.modulePixels;
    Canvas canvas(modules * px, modules * px, Rgb{255, 255, 255});
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x)
            if (code->data[y * code->width + x] & 1)  // bit 0: the module is dark
                canvas.fillRect((x + kQuiet) * px, (y + kQuiet) * px, px, px, Rgb{0, 0, 0});
    return canvas.encodePng();
}

}  // namespace lgw::imaging
