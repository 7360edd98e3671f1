#pragma once
// Repair of OCR reads of codes that carry a check character (GB 32100 credit codes, GB 11643 ID
// numbers): when a read fails its check, the usual OCR confusions are tried (0/O/D/Q, 1/I/L, 2/Z,
// 5/S, 8/B, 6/G) and a repair is accepted only when exactly one candidate passes. A code has one
// right answer; two candidates that both pass mean the read cannot decide, and a person must look.
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lgw::ocr {

enum class FieldStatus { kOk, kCorrected, kNeedsReview };
const char* toString(FieldStatus s);

struct CodeRepair {
    std::string value;       ///< the code to use: the read itself, or the one passing candidate
    std::string raw;         ///< what OCR read, normalised (upper case, no spaces)
    FieldStatus status = FieldStatus::kNeedsReview;
    std::string reason;      ///< why needs_review, or which characters a correction changed
    std::vector<std::string> candidates;  ///< every candidate that passed (more than one: ambiguous)
};

enum class CodeKind { kCreditCode, kIdNumber };

/// `today` (YYYY-MM-DD) bounds ID birth dates; empty: the current date.
CodeRepair repairCode(CodeKind kind, std::string_view read, std::string_view today = {});

/// A read one character too long (OCR split a character in two, or read a speck): the distinct
/// codes that pass their check once one character is dropped. Alone this decides nothing (one drop
/// in eleven passes an ID check by chance); two reads of the code agreeing on one candidate do.
std::set<std::string> oneDropCandidates(CodeKind kind, std::string_view read, std::string_view today = {});

}  // namespace lgw::ocr
