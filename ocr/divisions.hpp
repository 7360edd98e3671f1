#pragma once
// The provinces of GB/T 2260 (the first two digits of every division code: of an ID number, of
// characters 3-8 of a credit code, of a property unit number) with their names as addresses begin
// and the abbreviations property certificate numbers begin with (京(2019)西城区不动产权第…号).
//
// Only the 31 provincial-level divisions of the mainland are here; the county-level table
// (about 2,800 names) is not yet shipped — see the README's "Front-desk OCR" for why.
#include <string>
#include <string_view>
#include <vector>

namespace lgw::ocr {

struct Province {
    std::string_view code;                        ///< two digits: "11"
    std::string_view name;                        ///< as an address begins: 北京市, 湖北省, 广西壮族自治区
    std::vector<std::string_view> abbreviations;  ///< the usual first: 京; 黔 and 贵 for 贵州
};

const std::vector<Province>& provinces();
/// The province whose code begins `divisionCode` (an ID number, a unit number); nullptr if none.
const Province* provinceOf(std::string_view divisionCode);
/// Whether `c` (one character) is any province's abbreviation.
bool isProvinceAbbreviation(std::string_view c);

}  // namespace lgw::ocr
