#pragma once
// Stage 4: one full read of the upright page, and which document it is. Each document type is
// scored by the share of its labels found, its titles, and a code of its own shape; a hint from the
// caller wins when it scores nearly as well as the best.
#include <string>
#include <vector>

#include "ocr/document_specs.hpp"
#include "ocr/labels.hpp"
#include "ocr/ocr_engine.hpp"

namespace lgw::ocr {

struct PageRead {
    PageText page;
    std::vector<Chars> lines;  ///< page.lines as labels are matched on
    const DocSpec* doc = nullptr;
    double score = 0;
    bool hintContradicted = false;
    bool vertical = false;  ///< most lines taller than wide: the page lies on its side
    /// A known document, most of its labels read, the right way up.
    bool clear() const { return doc && score >= 1.0 && !vertical; }
    /// For choosing between two reads of one page: the score, Tesseract's mean confidence, and a
    /// page read lying on its side counted against.
    double weight() const { return score + page.meanConfidence / 100.0 - (vertical ? 1.0 : 0.0); }
};

/// `hint` "" or a document type.
PageRead readPage(OcrEngine& engine, Pix* page, int dpi, int thresholding, const std::string& hint);

}  // namespace lgw::ocr
