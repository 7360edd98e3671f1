#pragma once
// A front-desk scan to fields: decode (scan_image), prepare (grey, ~300 DPI, background
// normalisation, orientation, deskew, a binarisation chosen for this image), recognise (Tesseract
// pool), classify, then extract by layout: find each field's label (fuzzily: OCR misreads labels),
// take the text beside it, re-read codes, numbers and dates as one line with a character whitelist
// (the unrestricted read kept as fallback), repair check characters, normalise dates, and flag for
// a person whatever is uncertain. Blocking and CPU-heavy: call from the blocking pool.
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ocr/check_digit_repair.hpp"
#include "ocr/scan_image.hpp"
#include "ocr/tesseract_engine.hpp"

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

/// The document types and their fields, in API order.
const std::vector<std::pair<std::string, std::vector<std::string>>>& documentFields();
bool isDocumentType(std::string_view t);

/// "1990年1月5日", "1990.01.05", "1990-1-5" -> "1990-01-05"; "长期" stays; "" when not a date.
std::string normaliseDate(std::string_view text);

/// The registered enterprise type (类型 on a business licence) within about one misread character in
/// six of `text`, when exactly one is nearest; "" otherwise.
std::string registeredEnterpriseType(std::string_view text);

/// Whether `s` is one of the 56 ethnic groups as an ID card prints them (汉, 蒙古, 维吾尔 …).
bool isEthnicGroup(std::string_view s);
/// The one group of two or more characters `read` is one character from (蕊古: 蒙古); "" when none
/// or several are — a one-character name could be anything one character away.
std::string nearestEthnicGroup(std::string_view read);

/// "" unless `text` (an address, an issuing authority) begins with the word that ends a place's
/// name (市, 区, 县, 路 …): then what precedes it was lost, and this says so.
std::string placeStartDoubt(std::string_view text);
/// "" when `address` begins with a place's name and reads like a Chinese address at its street
/// number (the first digits before 号 follow a road, lane, village or compound word); otherwise why
/// a person should look.
std::string addressDoubt(std::string_view address);

class ScanReader {
public:
    ScanReader(TesseractPool& pool, ReaderOptions options = {});
    /// `hint` "" or a document type; `today` (YYYY-MM-DD) for ID birth dates, "" = now.
    std::variant<ScanResult, ScanError> read(std::string_view bytes, std::string_view contentType = {},
                                             const std::string& hint = {}, std::string_view today = {});

private:
    TesseractPool& pool_;
    ReaderOptions options_;
};

}  // namespace lgw::ocr
