#pragma once
// What each document carries: its type, the words printed on it alone (titles), and each field's
// labels and kind; and the shapes of the codes a page carries. The classifier scores pages against
// these, the layout stage finds values by their labels, the field rules check them by kind.
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lgw::ocr {

enum class Kind { kText, kLongText, kDate, kValidTo, kCreditCode, kIdNumber, kSex, kNumberText };

struct FieldSpec {
    const char* name;
    std::vector<std::u32string> labels;  ///< any of them starts the field
    Kind kind;
};

/// A field computed from another's value rather than read: the capital in yuan, the building's
/// area in square metres (ocr/amounts.hpp).
struct DerivedField {
    const char* name;
    const char* from;
};

struct DocSpec {
    const char* type;
    std::vector<std::u32string> titles;  ///< words printed on this document only
    std::vector<FieldSpec> fields;
    std::vector<DerivedField> derived = {};
};

/// business_licence, id_card_front, id_card_back, property_certificate: fields in API order.
const std::vector<DocSpec>& specs();

/// The document types and their fields, in API order (a derived field after the one it comes from).
const std::vector<std::pair<std::string, std::vector<std::string>>>& documentFields();
bool isDocumentType(std::string_view t);

// The shapes of the codes a page carries, on text without spaces: ID number (GB 11643), credit
// code (GB 32100), unit number (GB/T 37346: region, zone, land kind, parcel, F/L/Q/W, unit).
const std::regex& idShape();
const std::regex& creditShape();
const std::regex& unitShape();

/// The first code of `kind`'s shape in `text` (letters and digits only, upper-cased): an ID number
/// for kIdNumber, a credit code for kCreditCode, a unit number for anything else; "" when none.
std::string codeOfShape(const std::string& text, Kind kind);

}  // namespace lgw::ocr
