#pragma once
// QR codes for the counter (材料清单二维码): libqrencode (Debian's libqrencode-dev) makes the symbol,
// the canvas's PNG encoder writes it. Black modules on white with the four-module quiet zone that
// ISO/IEC 18004 asks for, so that any phone's camera app reads it off a printed poster.
#include <string>
#include <string_view>

namespace lgw::imaging {

/// Error correction M (15 %): a poster at a counter gets scuffed, but a URL must still fit a
/// symbol small enough to scan from a metre away.
struct QrOptions {
    int modulePixels = 8;  ///< pixels per module; 8 gives ~300 px for a short URL
};

/// A PNG of a QR code holding `text` as 8-bit bytes (a URL is ASCII). Throws std::invalid_argument
/// for an empty text or one too long for any QR version at level M (~2,300 bytes), or a module size
/// outside 1..64.
std::string qrPng(std::string_view text, QrOptions options = {});

}  // namespace lgw::imaging
