#pragma once
// Stage 5: each field's value as the page read shows it, by layout: every word of the page with its
// box; the words that make up labels; for each field the words beside its label on the same row
// (up to the next label or a wide gap), or else the row below it; long values continue on the
// rows under them. A label the page read lost is looked for in the gap left of an unlabelled
// value, and a code whose label was not read is found by its shape.
#include <map>
#include <string>
#include <vector>

#include "ocr/classify.hpp"
#include "ocr/ocr_engine.hpp"

namespace lgw::ocr {

struct RawField {
    std::string text;
    Box box;
    float confidence = 0;       ///< 0..100
    bool wholeLine = false;     ///< the box is a whole line (label included), not the value alone
    int rows = 1;               ///< printed rows the value spans
    std::vector<Box> rowBoxes;  ///< one box per row of a value that continues below
    std::string restored;       ///< a fixed part of the format put back: why (the value is then `corrected`)
    std::string restoredFrom;   ///< and the read it was put back into
};

/// The page as the later stages read it again: the upright prepared image and its resolution.
struct PageImage {
    Pix* pix = nullptr;
    int dpi = 300;
    int width = 0, height = 0;
    int thresholding = 0;  ///< the binarisation the page was read with (0 Otsu, 2 Sauvola): re-reads use it too
};

/// By field name; a field the page does not show is absent. `read.doc` is not null.
std::map<std::string, RawField> extractRawFields(OcrEngine& engine, const PageImage& image, const PageRead& read);

}  // namespace lgw::ocr
