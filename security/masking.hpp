#pragma once
// Personal data as the audit trail and the logs may show it: masked for reading
// (`1101**********5639`, `138****5678`, `张*`), or a keyed hash that a search can still match
// while the export holds no complete ID number. The full values live only in the encrypted
// document and its sealed fields.
#include <string>
#include <string_view>

namespace lgw::security {

/// 138****5678: the first three and last four digits; anything shorter than 7 characters is "****".
std::string maskPhone(std::string_view phone);

/// 1101**********5639 / 9111**********123X: the first and last four characters; shorter than 9: "****".
std::string maskIdentityCode(std::string_view code);

/// 张* / 李** : the first character (UTF-8 code point) and one star for each further one, at most 8.
std::string maskName(std::string_view name);

/// Any value of a field (a correction's old or new value): a code-like value (15 or more letters
/// and digits) as maskIdentityCode, an 11-digit number as maskPhone, anything else as maskName.
std::string maskValue(std::string_view value);

/// "h:" and 24 hex digits of HMAC-SHA256(key, the code upper-cased without spaces or hyphens):
/// the same code always gives the same reference under one key, and the reference gives no code.
std::string subjectReference(std::string_view key, std::string_view code);

}  // namespace lgw::security
