#pragma once
// Stage 3: which way up. Decided before the one full read: the engine's layout analysis (no
// recognition) finds the text lines, whose shape tells a page lying on its side from one standing;
// a few of them are then read each of the two remaining ways, and the way that reads with more
// confidence and more labels wins. Reading the whole page up to four times cost more than the read.
#include "ocr/ocr_engine.hpp"

namespace lgw::ocr {

struct Turn {
    int quads = 0;      ///< quarter turns clockwise that make the page upright
    bool sure = false;  ///< the sample read clearly one way: no full reads the other ways
};

/// `page` prepared (prepare.hpp), `thresholding` as chosen for it.
Turn chooseTurn(OcrEngine& engine, Pix* page, int dpi, int thresholding);

}  // namespace lgw::ocr
