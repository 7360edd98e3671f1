#pragma once
// Stage 7: checks across fields. The ID number carries the birth date and the sex: on an ID card's
// front they must agree with the fields read; where a read contradicts them the number's reading is
// offered (its check character passed) and a person confirms it, where it is no sex or date at all
// the number's reading is taken.
#include "ocr/document_specs.hpp"
#include "ocr/scan_result.hpp"

namespace lgw::ocr {

/// Every check below that `doc` (r.docType's spec) has, in order, then its derived fields.
void checkAcrossFields(const DocSpec& doc, ScanResult& r);

/// Appends birth_date_matches_id and sex_matches_id to `r.checks` (skipped when the ID number's
/// check character failed) and flags the fields that disagree. `r.docType` is id_card_front.
void crossCheckIdCard(ScanResult& r);

/// The derived fields of `doc` (registered_capital_yuan, building_area_m2) from the fields they
/// come from: the amount when it parses, with its source's status; else no value, needs_review.
void deriveAmounts(const DocSpec& doc, ScanResult& r);

/// GB/T 2260 across fields: the province a checked ID number, a checked credit code or a unit
/// number names. An address or location beginning one character from that province's name is
/// corrected to it; a certificate number not beginning with a province abbreviation takes the
/// unit number's (corrected), and one beginning with another province's — or with no province's
/// when no code names one — is flagged. Appends province_matches_code and certificate_province
/// checks.
void divisionChecks(ScanResult& r);

/// A business licence is registered where the company's domicile is: the place its issuer names
/// (`{place}市场监督管理局`) is found in its address. One character apart, the issuer takes the
/// address's reading when the address's own reads agreed (corrected), else it is offered for
/// review. Appends issuer_matches_address.
void issuerMatchesAddress(ScanResult& r);

/// A licence's term (营业期限) starts on its establishment date (成立日期): when the two reads agree,
/// both are confirmed however unsure the engine was; when they differ, established_on goes to a
/// person with the term's start named. Appends established_on_starts_term.
void licenceDates(ScanResult& r);

/// An ID card is valid 5, 10 or 20 years from its issue, to the day, or 长期 (GB/T 2261 and the
/// card's rules): a valid_to that is none of those is flagged, and the one of them its read is
/// nearest (two digits at most) offered; one that is confirms both dates. Appends validity_range.
void idValidityRange(ScanResult& r);

}  // namespace lgw::ocr
