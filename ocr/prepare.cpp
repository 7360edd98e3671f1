#include "ocr/prepare.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>

#include "ocr/impl/trace.hpp"

namespace lgw::ocr {
namespace {

// About 300 DPI: from the file's resolution when it states a plausible one, else from the size (a
// document camera's frame of a card or a page is 1,000 to 3,500 pixels across). The prepared page
// must stay inside what the engine takes: Tesseract asserts (and aborts the process) once a side
// passes 32767 pixels, and the pixel cap holds after scaling too, not only for the file as sent.
double scaleFactor(int dpi, int w0, int h0, long maxPixels) {
    double factor = 1.0;
    if (dpi >= 100 && dpi <= 1200) factor = 300.0 / dpi;
    else {
        int longSide = std::max(w0, h0);
        if (longSide < 1400) factor = 1400.0 / longSide;
        else if (longSide > 3600) factor = 3600.0 / longSide;
    }
    factor = std::clamp(factor, 0.4, 4.0);
    factor = std::min(factor, static_cast<double>(kMaxPreparedSide) / std::max(w0, h0));
    factor = std::min(factor, std::sqrt(static_cast<double>(maxPixels) / (static_cast<double>(w0) * h0)));
    return factor;
}

// Leptonica normalises the background to 200, not white: on a dark, low-contrast photo the grey
// text on grey was then lost to the recogniser. When the darkest ink (the darkest 0.1 % of the
// page: text covers little of a sparse certificate) lies less than 90 levels below the paper,
// stretch it to black and the paper to white. Pages of ordinary contrast (ink below 75 on every
// generated page) are left alone: stretched, they read worse.
void stretchFaintInk(PixPtr& norm) {
    NUMA* hist = pixGetGrayHistogram(norm.get(), 2);
    if (!hist) return;
    l_float32 ink = 0, paper = 200;
    numaHistogramGetValFromRank(hist, 0.001f, &ink);
    numaHistogramGetValFromRank(hist, 0.5f, &paper);
    numaDestroy(&hist);
    if (paper - ink >= 20 && paper - ink < 90)
        if (Pix* stretched = pixGammaTRC(nullptr, norm.get(), 1.0f, static_cast<int>(ink), static_cast<int>(paper))) {
            norm.reset(stretched);
            impl::trace("contrast stretched: ink %.0f, paper %.0f\n", ink, paper);
        }
}

// Skew measured on a binary copy and corrected by rotating here: pixDeskew's own confidence
// cut-off silently skips sparse certificate pages. Returns the angle applied.
double deskew(PixPtr& norm) {
    PixPtr bin(pixConvertTo1(norm.get(), 160));
    l_float32 angle = 0, conf = 0;
    if (bin && pixFindSkew(bin.get(), &angle, &conf) == 0 && conf >= 1.0f && std::abs(angle) >= 0.15f) {
        Pix* rotated = pixRotate(norm.get(), static_cast<float>(angle * M_PI / 180.0), L_ROTATE_AREA_MAP,
                                 L_BRING_IN_WHITE, 0, 0);
        if (rotated) {
            norm.reset(rotated);
            return angle;
        }
    }
    return 0;
}

// Binarisation per image: where local Otsu thresholds still spread widely after background
// normalisation (a photo with shadows), Sauvola; on an evenly lit scan, plain Otsu.
int chooseThresholding(Pix* norm) {
    int method = 0;
    Pix* thresholds = nullptr;
    int tw = std::max(16, pixGetWidth(norm) / 4), th = std::max(16, pixGetHeight(norm) / 4);
    if (pixOtsuAdaptiveThreshold(norm, tw, th, 0, 0, 0.1f, &thresholds, nullptr) == 0 && thresholds) {
        l_int32 lo = 0, hi = 0;
        pixGetExtremeValue(thresholds, 1, L_SELECT_MIN, nullptr, nullptr, nullptr, &lo);
        pixGetExtremeValue(thresholds, 1, L_SELECT_MAX, nullptr, nullptr, nullptr, &hi);
        if (hi - lo > 60) method = 2;
        pixDestroy(&thresholds);
    }
    return method;
}

// A sheet photographed on a desk or a cloth: the paper is the largest bright region of the frame
// (Otsu on a small copy), with the background round it. The page is cut to that region and what
// lies outside the region within the cut — desk in the corners a tilted sheet leaves — is painted
// paper white, so that layout analysis sees no wood grain or shadow as lines. A frame the region
// fills (a flatbed scan, a camera frame of the page alone), barely covers, or reaches the edge of
// is left as it is.
void cropToSheet(PixPtr& grey) {
    const int w = pixGetWidth(grey.get()), h = pixGetHeight(grey.get());
    const float f = std::min(1.0f, 600.0f / static_cast<float>(std::max(w, h)));
    PixPtr small(pixScale(grey.get(), f, f));
    if (!small) return;
    Pix* dark = nullptr;
    const int sw = pixGetWidth(small.get()), sh = pixGetHeight(small.get());
    if (pixOtsuAdaptiveThreshold(small.get(), sw, sh, 0, 0, 0.1f, nullptr, &dark) != 0 || !dark) return;
    PixPtr bright(pixInvert(nullptr, dark));
    pixDestroy(&dark);
    if (!bright) return;
    PIXA* parts = nullptr;
    BOXA* boxes = pixConnComp(bright.get(), &parts, 8);
    if (!boxes || !parts) {
        boxaDestroy(&boxes);
        pixaDestroy(&parts);
        return;
    }
    int best = -1;
    long bestArea = 0;
    for (int i = 0; i < boxaGetCount(boxes); ++i) {
        l_int32 bx, by, bw, bh;
        boxaGetBoxGeometry(boxes, i, &bx, &by, &bw, &bh);
        if (static_cast<long>(bw) * bh > bestArea) bestArea = static_cast<long>(bw) * bh, best = i;
    }
    const double share = static_cast<double>(bestArea) / (static_cast<double>(sw) * sh);
    l_int32 bx = 0, by = 0, bw = 0, bh = 0;
    if (best >= 0) boxaGetBoxGeometry(boxes, best, &bx, &by, &bw, &bh);
    // Background on every side: a page that fills the frame but is lit unevenly splits under Otsu
    // into a bright part touching the frame's edge, which is no sheet.
    const bool surrounded = bx > sw / 100 && by > sh / 100 && bx + bw < sw - sw / 100 && by + bh < sh - sh / 100;
    if (best >= 0 && share > 0.2 && share < 0.9 && surrounded) {
        PixPtr mask(pixaGetPix(parts, best, L_COPY));
        // The paper's region with the ink inside it: its holes filled.
        if (mask)
            if (Pix* holes = pixHolesByFilling(mask.get(), 4)) {
                pixOr(mask.get(), mask.get(), holes);
                pixDestroy(&holes);
            }
        const int X = static_cast<int>(bx / f), Y = static_cast<int>(by / f);
        const int W = std::min(w - X, static_cast<int>(std::ceil(bw / f))), H = std::min(h - Y, static_cast<int>(std::ceil(bh / f)));
        BOX* region = boxCreate(X, Y, W, H);
        PixPtr sheet(pixClipRectangle(grey.get(), region, nullptr));
        boxDestroy(&region);
        if (sheet && mask) {
            PixPtr big(pixScaleBinary(mask.get(), static_cast<float>(pixGetWidth(sheet.get())) / static_cast<float>(bw),
                                      static_cast<float>(pixGetHeight(sheet.get())) / static_cast<float>(bh)));
            if (big)
                if (PixPtr outside(pixInvert(nullptr, big.get())); outside) pixSetMasked(sheet.get(), outside.get(), 255);
            pixCopyResolution(sheet.get(), grey.get());
            impl::trace("sheet found: %dx%d at %d,%d of %dx%d (%.0f %% of the frame)\n", W, H, X, Y, w, h, share * 100);
            grey = std::move(sheet);
        }
    }
    boxaDestroy(&boxes);
    pixaDestroy(&parts);
}

}  // namespace

const char* thresholdingName(int method) { return method == 2 ? "sauvola" : "otsu"; }

std::variant<PreparedPage, ScanError> preparePage(const DecodedScan& scan, long maxPixels) {
    PixPtr grey = toGreyWithoutSeals(scan.pix.get());
    if (!grey) return ScanError{422, "unreadable_image", "the image cannot be converted to grey levels"};
    cropToSheet(grey);
    const int w0 = pixGetWidth(grey.get()), h0 = pixGetHeight(grey.get());
    const double factor = scaleFactor(scan.dpi, w0, h0, maxPixels);
    PixPtr scaled(std::abs(factor - 1.0) > 0.05 ? pixScale(grey.get(), static_cast<float>(factor), static_cast<float>(factor))
                                                : pixClone(grey.get()));
    if (factor > 1.3) {
        // Upscaled low-resolution scans blur thin strokes (a Song face, light label ink) into grey
        // that binarisation drops: sharpen them back.
        if (Pix* sharp = pixUnsharpMaskingGray(scaled.get(), 2, 0.5f)) scaled.reset(sharp);
    }
    PreparedPage page;
    page.pix.reset(pixBackgroundNormSimple(scaled.get(), nullptr, nullptr));
    if (!page.pix) page.pix.reset(pixClone(scaled.get()));
    stretchFaintInk(page.pix);
    page.deskewDegrees = deskew(page.pix);
    page.thresholding = chooseThresholding(page.pix.get());
    return page;
}

PixPtr toGreyWithoutSeals(Pix* src) {
    PixPtr colour(pixGetDepth(src) == 32 ? pixClone(src) : pixcmapGetCount(pixGetColormap(src)) > 0
                                                          ? pixRemoveColormap(src, REMOVE_CMAP_TO_FULL_COLOR)
                                                          : nullptr);
    if (!colour || pixGetDepth(colour.get()) != 32) return PixPtr(pixConvertTo8(src, 0));
    const int w = pixGetWidth(colour.get()), h = pixGetHeight(colour.get());
    PixPtr grey(pixCreate(w, h, 8));
    if (!grey) return grey;
    pixCopyResolution(grey.get(), colour.get());
    const int wplSrc = pixGetWpl(colour.get()), wplDst = pixGetWpl(grey.get());
    l_uint32* srcData = pixGetData(colour.get());
    l_uint32* dstData = pixGetData(grey.get());
    for (int y = 0; y < h; ++y) {
        l_uint32* srow = srcData + y * wplSrc;
        l_uint32* drow = dstData + y * wplDst;
        for (int x = 0; x < w; ++x) {
            l_int32 r, g, b;
            extractRGBValues(srow[x], &r, &g, &b);
            int v = (r * 77 + g * 128 + b * 51) >> 8;  // Leptonica's luminance weights (0.3, 0.5, 0.2)
            if (r > g + 50 && r > b + 50) v = r;
            SET_DATA_BYTE(drow, x, v);
        }
    }
    return grey;
}

}  // namespace lgw::ocr
