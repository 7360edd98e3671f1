#pragma once
// Finding a document's labels in a line of read text. OCR misreads labels, so the match is fuzzy:
// punctuation between a label's characters is ignored, a label of four or more characters may have
// one wrong, dropped or added, and (for extraction) a two-character label one misread character.
#include <string>
#include <string_view>
#include <vector>

#include "ocr/document_specs.hpp"
#include "ocr/ocr_engine.hpp"

namespace lgw::ocr {

struct Hit {
    std::size_t start = 0, end = 0;  ///< in the line's code points (spaces removed)
    const FieldSpec* field = nullptr;
    int distance = 0;
    bool lenient = false;  ///< a two-character label with one character misread (extraction only)
};

// A line's characters without spaces, each with the word it came from.
struct Chars {
    std::u32string text;
    std::vector<std::size_t> word;
};

/// The line's characters as labels are matched on (punctuation and spaces dropped), with their words.
Chars charsOf(const TextLine& line);
/// Text read outside the page read (a sample line, a gap re-read), as labels are matched on.
std::u32string labelText(std::string_view read);

/// The labels of `doc` in `text`, best first where they overlap, in line order. `lenient`: a
/// two-character label opening the line may have one of its characters misread (住让 for 住址, 玲落
/// for 坐落: the labels sit in the left column, so a line's start is where they are), or one read
/// character between its two (名上称: the older licences space them, 名　　称). Only for
/// extraction, and only for a field whose label the page shows nowhere else; classification
/// counts exact labels.
std::vector<Hit> findLabels(const std::u32string& text, const DocSpec& doc, bool lenient = false);

}  // namespace lgw::ocr
