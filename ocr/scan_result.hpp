#pragma once
// What reading a scan gives: the document type, each field's value with its status (ok, corrected,
// needs_review) and why, the checks run, and how the page was prepared.
#include <map>
#include <string>
#include <vector>

#include "ocr/check_digit_repair.hpp"
#include "ocr/ocr_engine.hpp"

namespace lgw::ocr {

struct FieldResult {
    std::string value;
    std::string raw;           ///< the read before repair or normalisation, when it differs
    float confidence = 0;      ///< 0..1, from Tesseract's word confidences
    FieldStatus status = FieldStatus::kNeedsReview;
    Box box;                   ///< in the prepared page's coordinates
    std::string note;          ///< why corrected or needs_review
};

struct Check {
    std::string name;          ///< e.g. credit_code_checksum, birth_date_matches_id
    std::string result;        ///< pass | corrected | fail | skipped
};

struct ScanResult {
    std::string docType = "unknown";
    float docTypeConfidence = 0;
    std::string hint;
    bool hintContradicted = false;
    std::map<std::string, FieldResult> fields;
    std::vector<Check> checks;
    int rotatedDegrees = 0;    ///< applied to make the page upright
    double deskewDegrees = 0;
    std::string binarisation;  ///< otsu | sauvola
    int width = 0, height = 0, dpi = 0;
    int preprocessMs = 0, ocrMs = 0, extractMs = 0;
};

struct ReaderOptions {
    float reviewBelow = 0.80f;  ///< a field whose confidence is lower is needs_review
    long maxPixels = 80'000'000;
};

}  // namespace lgw::ocr
