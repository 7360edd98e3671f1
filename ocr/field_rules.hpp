#pragma once
// Stage 6: each field's value as the API reports it, by the field's kind. Codes are read again
// restricted to their characters and their check character repaired (check_digit_repair.hpp);
// dates are read again restricted to date characters and normalised; free text is read again on
// its own and flagged when the reads disagree, then held to what the value may be (vocabulary.hpp).
// Whatever stays uncertain is needs_review, with the reason.
#include <string_view>
#include <vector>

#include "ocr/document_specs.hpp"
#include "ocr/layout.hpp"
#include "ocr/scan_result.hpp"

namespace lgw::ocr {

struct FieldContext {
    OcrEngine& engine;
    PageImage image;
    float reviewBelow;       ///< ReaderOptions::reviewBelow
    std::string_view today;  ///< YYYY-MM-DD for ID birth dates, "" = now
};

/// The field `spec` from its raw read; a code's checksum result is appended to `checks`.
FieldResult finishField(const FieldContext& ctx, const FieldSpec& spec, const RawField& f, std::vector<Check>& checks);

}  // namespace lgw::ocr
