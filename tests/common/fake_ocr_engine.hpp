#pragma once
// An OcrEngine that reads a scripted page: recognise() gives the page's lines, layout() their
// boxes, readLine() the words whose centre lies in the region (restricted to the whitelist's
// characters when one is given). It lets the pipeline's stages be tested on what Tesseract would
// have read, without Tesseract and without an image.
#include <map>
#include <string>
#include <vector>

#include "ocr/ocr_engine.hpp"
#include "ocr/text_ops.hpp"

namespace lgw::tests {

class FakeOcrEngine final : public ocr::OcrEngine {
public:
    /// One word a line: {text, x, y, w, h}; `confidence` for every word.
    struct Placed {
        std::string text;
        int x, y, w, h;
    };
    FakeOcrEngine(std::vector<std::vector<Placed>> lines, float confidence = 93) {
        for (auto& placed : lines) {
            ocr::TextLine line;
            for (auto& p : placed) {
                ocr::Word w{p.text, confidence, {p.x, p.y, p.w, p.h}};
                line.box = ocr::unite(line.box, w.box);
                line.text += p.text;
                line.words.push_back(w);
            }
            line.confidence = confidence;
            page_.lines.push_back(line);
        }
        page_.meanConfidence = confidence;
    }

    ocr::PageText recognise(Pix*, int, int) override {
        ++reads;
        return page_;
    }
    std::vector<ocr::Box> layout(Pix*, int, int) override {
        std::vector<ocr::Box> boxes;
        for (auto& l : page_.lines) boxes.push_back(l.box);
        return boxes;
    }
    ocr::LineRead readLine(Pix*, int, const ocr::Box& region, const std::string& whitelist, int thresholding) override {
        ++lineReads;
        // The tests read pages binarised with Otsu (0, PageImage's default): Sauvola (2) is "the other way".
        if (thresholding == 2) ++otherThresholdingReads;
        ocr::LineRead out;
        const std::u32string allowed = ocr::toU32(whitelist);
        for (auto& l : page_.lines)
            for (auto& w : l.words) {
                const int cx = w.box.x + w.box.w / 2, cy = w.box.y + w.box.h / 2;
                if (cx < region.x || cx >= region.right() || cy < region.y || cy >= region.bottom()) continue;
                const auto as = thresholding != 2 || regionMisreadsEitherWay ? regionMisreads.find(w.text) : regionMisreads.end();
                for (char32_t ch : ocr::toU32(as == regionMisreads.end() ? w.text : as->second))
                    if (allowed.empty() || allowed.find(ch) != std::u32string::npos) out.text += ocr::toU8(std::u32string(1, ch));
                out.confidence = w.confidence;
            }
        return out;
    }

    int reads = 0, lineReads = 0, otherThresholdingReads = 0;
    /// A word a region read (binarised as the page was) reads as something else; read binarised
    /// the other way it reads as printed, unless regionMisreadsEitherWay.
    std::map<std::string, std::string> regionMisreads;
    bool regionMisreadsEitherWay = false;

private:
    ocr::PageText page_;
};

}  // namespace lgw::tests
