#include "ocr/orientation.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ocr/document_specs.hpp"
#include "ocr/impl/elapsed.hpp"
#include "ocr/impl/trace.hpp"
#include "ocr/labels.hpp"
#include "ocr/scan_image.hpp"

namespace lgw::ocr {
namespace {

using Clock = impl::SteadyClock;
using impl::msSince;

// The text lines' boxes, found on a copy at most 800 pixels across (found as well, in a fraction
// of the time) and given back in the page's coordinates.
std::vector<Box> lineBoxes(OcrEngine& engine, Pix* page, int dpi, int thresholding) {
    const int longSide = std::max(pixGetWidth(page), pixGetHeight(page));
    const float shrink = longSide > 800 ? 800.0f / static_cast<float>(longSide) : 1.0f;
    PixPtr small(shrink < 1.0f ? pixScale(page, shrink, shrink) : pixClone(page));
    std::vector<Box> boxes =
        small ? engine.layout(small.get(), static_cast<int>(static_cast<float>(dpi) * shrink), thresholding) : std::vector<Box>{};
    for (auto& b : boxes)
        b = {static_cast<int>(static_cast<float>(b.x) / shrink), static_cast<int>(static_cast<float>(b.y) / shrink),
             static_cast<int>(static_cast<float>(b.w) / shrink), static_cast<int>(static_cast<float>(b.h) / shrink)};
    return boxes;
}

// Whether most line-shaped boxes stand up (single characters and border strokes left out).
bool lyingOnItsSide(const std::vector<Box>& boxes) {
    int standing = 0, lying = 0;
    for (auto& b : boxes) {
        int lo = std::min(b.w, b.h), hi = std::max(b.w, b.h);
        if (lo < 15 || hi < 3 * lo) continue;
        (b.h > b.w ? standing : lying) += 1;
    }
    return standing > lying;
}

// A few short lines (a title, a label and its value): enough to tell, little to read.
std::vector<Box> sampleLines(const std::vector<Box>& boxes, bool side) {
    std::vector<Box> sample;
    for (auto& b : boxes) {
        int lo = std::min(b.w, b.h), hi = std::max(b.w, b.h);
        if (lo >= 15 && hi >= 3 * lo && hi <= 10 * lo && (b.h > b.w) == side) sample.push_back(b);
    }
    std::sort(sample.begin(), sample.end(), [](const Box& a, const Box& b) { return std::min(a.w, a.h) > std::min(b.w, b.h); });
    if (sample.size() > 3) sample.resize(3);
    return sample;
}

// The sample read `quads` quarter turns clockwise: mean confidence plus 40 for each label of any
// document, per line read. With `early`, stops at the first line that reads surely.
double sampleScore(OcrEngine& engine, Pix* page, int dpi, int thresholding, const std::vector<Box>& sample, int quads, bool early,
                   Clock::time_point started) {
    double confidence = 0, score = 0;
    std::string seen;
    int n = 0;
    for (auto& b : sample) {
        BOX* box = boxCreate(b.x, b.y, b.w, b.h);
        PixPtr crop(pixClipRectangle(page, box, nullptr));
        boxDestroy(&box);
        if (!crop) continue;
        PixPtr turned(quads ? pixRotateOrth(crop.get(), quads) : pixClone(crop.get()));
        PixPtr framed(pixAddBorder(turned.get(), 8, 255));
        LineRead lr = engine.readLine(framed.get(), dpi, Box{0, 0, pixGetWidth(framed.get()), pixGetHeight(framed.get())}, "", thresholding);
        confidence += lr.confidence;
        seen += lr.text;
        ++n;
        const std::u32string text = labelText(seen);
        std::size_t labelsSeen = 0;
        for (auto& d : specs()) labelsSeen += findLabels(text, d).size();
        score = (confidence + 40.0 * static_cast<double>(labelsSeen)) / n;
        if (early && score >= 80) break;
    }
    impl::trace("orientation +%d: %d lines read, score %.1f at %d ms: %s\n", quads * 90, n, score, msSince(started),
                seen.c_str());
    return score;
}

}  // namespace

Turn chooseTurn(OcrEngine& engine, Pix* page, int dpi, int thresholding) {
    const auto started = Clock::now();
    const std::vector<Box> boxes = lineBoxes(engine, page, dpi, thresholding);
    const bool side = lyingOnItsSide(boxes);
    const std::vector<Box> sample = sampleLines(boxes, side);
    const int pair[2] = {side ? 1 : 0, side ? 3 : 2};
    impl::trace("layout: %zu lines, %s, %zu sampled, %d ms\n", boxes.size(), side ? "lying" : "standing", sample.size(),
                msSince(started));
    if (sample.empty()) return {pair[0], false};
    const double first = sampleScore(engine, page, dpi, thresholding, sample, pair[0], true, started);
    if (first >= 80) return {pair[0], true};  // read with confidence and labels: no need to look the other way
    const double second = sampleScore(engine, page, dpi, thresholding, sample, pair[1], false, started);
    // Wrong ways scored 4 to 21, right ways 40 to 105.
    return {second > first ? pair[1] : pair[0], std::abs(second - first) >= 25};
}

}  // namespace lgw::ocr
