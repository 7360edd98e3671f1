#pragma once
// UTF-8 to code points and back, written once: the OCR pipeline matches labels character by
// character, the canvas draws text glyph by glyph.
#include <string>
#include <string_view>

namespace lgw::text {

/// The code points of `s`; a byte that does not begin a whole, well-formed sequence becomes U+FFFD.
std::u32string decodeUtf8(std::string_view s);
/// `s` encoded as UTF-8 (code points above U+10FFFF are not expected and encoded as four bytes).
std::string encodeUtf8(std::u32string_view s);

}  // namespace lgw::text
