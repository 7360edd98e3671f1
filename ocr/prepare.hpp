#pragma once
// Stage 2 of a scan (after decode, scan_image.hpp): the page as the recogniser wants it — grey
// with red seals lifted out, about 300 DPI, background normalised (and stretched when the ink is
// faint), deskewed — and the binarisation this image calls for. Turning it upright is the next
// stage's (orientation.hpp).
#include <variant>

#include "ocr/scan_image.hpp"

namespace lgw::ocr {

struct PreparedPage {
    PixPtr pix;                ///< 8-bit grey
    int dpi = 300;
    int thresholding = 0;      ///< Tesseract's thresholding_method: 0 Otsu, 2 Sauvola
    double deskewDegrees = 0;  ///< the rotation applied
};

/// The thresholding method's name as the API reports it (otsu | sauvola).
const char* thresholdingName(int method);

/// `maxPixels` holds for the scaled page too, and no side passes kMaxPreparedSide.
std::variant<PreparedPage, ScanError> preparePage(const DecodedScan& scan, long maxPixels);

/// Grey levels for recognition, with red ink (the issuing authority's seal stamped over 登记机关 and
/// the date) lifted out: a clearly red pixel takes its red channel's value, which is light, so the
/// seal fades while black text under it (dark in every channel) stays. Everything else is plain
/// luminance, so blue labels and photo backgrounds are untouched.
PixPtr toGreyWithoutSeals(Pix* src);

}  // namespace lgw::ocr
