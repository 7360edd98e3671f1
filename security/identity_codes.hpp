#pragma once
// Identity codes: unified social credit codes (GB 32100-2015, with the embedded GB 11714 organisation
// code) and resident ID numbers (GB 11643-1999). Pure functions, thread-safe, no allocation beyond
// the verdict itself.
#include <optional>
#include <string>
#include <string_view>

namespace lgw::security {

enum class CodeKind { kCreditCode, kIdNumber };

/// The verdict on one code. `problem` is a stable machine word; `reason` says what to fix.
struct CodeVerdict {
    CodeKind kind = CodeKind::kCreditCode;
    std::string input;
    std::string normalized;     ///< upper-cased, spaces removed; a 15-digit ID converted to 18 digits
    bool valid = false;         ///< everything holds
    bool wellFormed = false;    ///< length, alphabet, date and region hold; only a check character may fail
    std::string problem;        ///< "" when valid; else e.g. wrong_length, forbidden_character, bad_check_character
    std::string reason;         ///< human sentence naming the problem and the fix
    std::optional<char> expectedCheck;  ///< the check character the other 17 characters call for
    std::string birthDate;      ///< ID only: YYYY-MM-DD
    std::string sex;            ///< ID only: "male" / "female"
    bool legacy15 = false;      ///< ID only: the input was a 15-digit first-generation number
};

/// Check characters; the argument must be the first 17 characters (already validated alphabet).
char creditCodeCheckChar(std::string_view first17);
char organisationCodeCheckChar(std::string_view first8);
char idNumberCheckChar(std::string_view first17);

/// ISO 7064 MOD 37,36 (hybrid) check character over 0-9A-Z, as used by e-licence identifiers.
std::optional<char> mod37_36CheckChar(std::string_view chars);

CodeVerdict validateCreditCode(std::string_view code);
CodeVerdict validateIdNumber(std::string_view code, std::string_view today /*YYYY-MM-DD*/ = {});
/// Decides by shape: a 15-digit code, or 17 digits + digit/X with a calendar date at 7..14, is an ID.
CodeVerdict validateIdentityCode(std::string_view code, std::string_view today = {});

const char* toString(CodeKind kind);

}  // namespace lgw::security
