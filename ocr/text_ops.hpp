#pragma once
// Small operations on read text and boxes that every stage of the pipeline uses.
#include <string>
#include <string_view>

#include "ocr/ocr_engine.hpp"
#include "text/utf8.hpp"

namespace lgw::ocr {

inline std::u32string toU32(std::string_view s) { return text::decodeUtf8(s); }
inline std::string toU8(std::u32string_view s) { return text::encodeUtf8(s); }

/// Spaces, tabs, colons and newlines off both ends, and a full-width colon after a label.
std::string trim(std::string s);
/// Two reads of one value compare equal when they differ only in spaces or punctuation width.
std::string comparable(const std::string& s);
std::string digitsOnly(const std::string& s);
/// Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`.
int editDistance(std::u32string_view a, std::u32string_view b, int limit);
/// Appends a word to a value, with a space only between two ASCII letters or digits.
void appendTo(std::string& text, const std::string& word);
/// A value without what OCR reads around it: quotes or a colon for the gap after a label, a speck
/// before it read as a full stop or comma.
std::string cleanValue(std::string t);
/// The smallest box holding both (a box of width 0 is none).
Box unite(const Box& a, const Box& b);
/// Whether the two boxes share at least half the height of the lower one: one printed row.
bool sameRow(const Box& a, const Box& b);

}  // namespace lgw::ocr
