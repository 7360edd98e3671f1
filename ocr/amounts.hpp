#pragma once
// The grammars of the two amounts certificates print. Registered capital (注册资本): an amount in
// financial numerals (壹贰叁肆伍陆柒捌玖, 拾佰仟, 万, 亿, 零) or in digits, in 万元 or 元, with
// 人民币 before or after and 整 at the end — 人民币壹仟万元整, 伍佰万元整, 500万元人民币, 300万元. The
// property area (面积): the building's area as 房屋建筑面积89.32平方米, 89.32m², or after the shared
// land area (共有宗地面积1523.45㎡/房屋建筑面积89.32㎡). The field rules (field_rules.cpp) read a
// value again within these characters and snap a misread only when the grammar leaves one answer.
#include <optional>
#include <string>
#include <string_view>

namespace lgw::ocr {

/// The amount in yuan (an integer string) when `printed` is a registered capital in renminbi in
/// one of the printed forms; nothing otherwise (another currency, a misread numeral).
std::optional<std::string> capitalYuan(std::string_view printed);
/// Every character a registered capital in renminbi is printed with (a re-read's whitelist).
const std::string& capitalCharacters();
/// The one string a single character away from `read` (one substituted, dropped or added from
/// capitalCharacters()) that parses as a capital and is `other` — a second read restricted to the
/// grammar's characters; "" when `read` parses already, or no or several such strings do.
std::string capitalOneAway(std::string_view read, std::string_view other);

/// `read` with the characters OCR is known to read for financial numerals (参 and 人参 for 叁,
/// 仔 什 件 任 for 仟, 伯 个 for 佰 …: the numeral's radicals with another stroke) put back, when the
/// result parses as a capital and `read` does not; "" otherwise. Only ever offered for review: a
/// look-alike is evidence, not proof.
std::string capitalLookAlikes(std::string_view read);

/// The building's area in square metres (a decimal string, 89.32) when `printed` holds one in a
/// printed form; nothing otherwise.
std::optional<std::string> buildingAreaM2(std::string_view printed);
/// `read` with the unit OCR reads as m2 or M2 at the end of an area written as m² again; the
/// same text when it has no such unit.
std::string areaUnitRestored(std::string_view read);

}  // namespace lgw::ocr
