#pragma once
// Stage 7: checks across fields. The ID number carries the birth date and the sex: on an ID card's
// front they must agree with the fields read, and where they do not the number's reading is
// offered (its check character passed) and a person confirms it.
#include "ocr/scan_result.hpp"

namespace lgw::ocr {

/// Appends birth_date_matches_id and sex_matches_id to `r.checks` (skipped when the ID number's
/// check character failed) and flags the fields that disagree. `r.docType` is id_card_front.
void crossCheckIdCard(ScanResult& r);

}  // namespace lgw::ocr
