#pragma once
// What the scan pipeline asks of an OCR engine: a page read with its layout, one region read as a
// line, and the layout alone. TesseractPool (tesseract_engine.hpp) is the engine of the product;
// tests give ScanReader's stages a scripted one (tests/common/fake_ocr_engine.hpp). Every call
// blocks until the read is done: call from the blocking pool or an OCR worker, never an I/O thread.
#include <string>
#include <vector>

struct Pix;

namespace lgw::ocr {

struct Box {
    int x = 0, y = 0, w = 0, h = 0;
    int right() const { return x + w; }
    int bottom() const { return y + h; }
};

struct Word {
    std::string text;
    float confidence = 0;  ///< 0..100 as Tesseract reports it
    Box box;
};

struct TextLine {
    std::string text;      ///< words joined; CJK words without spaces
    float confidence = 0;
    Box box;
    std::vector<Word> words;
};

struct PageText {
    std::vector<TextLine> lines;
    float meanConfidence = 0;
};

/// One line read again as a single line, optionally restricted to `whitelist` characters.
struct LineRead {
    std::string text;
    float confidence = 0;
};

class OcrEngine {
public:
    virtual ~OcrEngine() = default;
    /// Page layout analysis and recognition of `pix` (8-bit grey) at `dpi`; `thresholding` is
    /// Tesseract's thresholding_method (0 Otsu, 2 Sauvola).
    virtual PageText recognise(Pix* pix, int dpi, int thresholding) = 0;
    /// Reads `region` of `pix` as one line; `whitelist` "" means any character; `thresholding` as
    /// for recognise(), for this read (on a pool of engines, one left as it was would be whichever
    /// page that engine read last).
    virtual LineRead readLine(Pix* pix, int dpi, const Box& region, const std::string& whitelist, int thresholding) = 0;
    /// Layout analysis alone (no recognition, a fraction of recognise()'s time): the boxes of the
    /// text lines found.
    virtual std::vector<Box> layout(Pix* pix, int dpi, int thresholding) = 0;
};

}  // namespace lgw::ocr
