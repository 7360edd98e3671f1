#pragma once
// What a field's value may be, as the printed documents and the registration rules fix it: dates,
// the 56 ethnic groups, the registered enterprise types, and what a Chinese address or issuing
// authority looks like. The field rules (field_rules.cpp) check reads against these.
#include <string>
#include <string_view>
#include <vector>

namespace lgw::ocr {

/// The 56 ethnic groups an ID card prints under 民族, in their printed (short) form.
const std::vector<std::string>& ethnicGroups();
/// The enterprise types a business licence prints under 类型, in their printed form.
const std::vector<std::string>& registeredTypes();

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

/// 经营范围 with its punctuation as the registration rules write it: 许可项目 and 一般项目 introduce
/// their items with ：, items are separated by ；. A colon or comma OCR reads for ；, or a ；/,/: it
/// reads for the ： after 项目, is put back; everything else as read.
std::string businessScopePunctuation(std::string_view scope);

/// An issuing authority with the fixed words of its grammar restored: `{place}市场监督管理局` (a
/// business licence's 登记机关), `{city}公安局{district}分局` (an ID card's 签发机关). Each fixed word
/// read with at most one character in three wrong is put back, junk after the last one dropped;
/// the place names are left as read. The same text when neither grammar fits.
std::string issuerGrammar(std::string_view issuer);

/// 用途 on a property certificate: a land-use class of GB/T 21010 (城镇住宅用地, 工业用地 …), then
/// after / what the building is used for. Returns the usage with a class read one character from
/// exactly one class put right, and sets `doubt` when the part before / is no class at all (用地/工业:
/// its start lost).
std::string landUseChecked(std::string_view usage, std::string& doubt);

/// "" unless `text` (an address, an issuing authority) begins with the word that ends a place's
/// name (市, 区, 县, 路 …): then what precedes it was lost, and this says so.
std::string placeStartDoubt(std::string_view text);
/// "" when `address` begins with a place's name and reads like a Chinese address at its street
/// number (the first digits before 号 follow a road, lane, village or compound word) and every
/// number in it is followed by a word an address counts with (号, 栋, 单元, 室 …); otherwise why
/// a person should look.
std::string addressDoubt(std::string_view address);

}  // namespace lgw::ocr
