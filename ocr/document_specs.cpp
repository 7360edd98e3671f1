#include "ocr/document_specs.hpp"

#include <cctype>

namespace lgw::ocr {

const std::vector<DocSpec>& specs() {
    static const std::vector<DocSpec> s = {
        {"business_licence",
         {U"营业执照", U"统一社会信用代码"},
         {{"credit_code", {U"统一社会信用代码"}, Kind::kCreditCode},
          {"name", {U"名称"}, Kind::kText},
          {"company_type", {U"类型"}, Kind::kText},
          {"legal_representative", {U"法定代表人", U"负责人", U"经营者"}, Kind::kText},
          {"registered_capital", {U"注册资本"}, Kind::kNumberText},
          {"established_on", {U"成立日期"}, Kind::kDate},
          {"valid_to", {U"营业期限"}, Kind::kValidTo},
          {"address", {U"住所", U"经营场所"}, Kind::kLongText},
          {"business_scope", {U"经营范围"}, Kind::kLongText},
          {"issuer", {U"登记机关"}, Kind::kText}},
         {{"registered_capital_yuan", "registered_capital"}}},
        {"id_card_front",
         {U"公民身份号码"},
         {{"name", {U"姓名"}, Kind::kText},
          {"sex", {U"性别"}, Kind::kSex},
          {"ethnicity", {U"民族"}, Kind::kText},
          {"birth_date", {U"出生"}, Kind::kDate},
          {"address", {U"住址"}, Kind::kLongText},
          {"id_number", {U"公民身份号码"}, Kind::kIdNumber}}},
        {"id_card_back",
         {U"居民身份证", U"签发机关", U"有效期限"},
         {{"issuer", {U"签发机关"}, Kind::kText},
          {"valid_from", {U"有效期限"}, Kind::kDate},
          {"valid_to", {U"有效期限"}, Kind::kValidTo}}},
        {"property_certificate",
         {U"不动产权", U"不动产单元号"},
         {{"certificate_number", {U"证书号"}, Kind::kText},  // usually a whole line, found apart
          {"owner", {U"权利人"}, Kind::kText},
          {"location", {U"坐落"}, Kind::kLongText},
          {"unit_number", {U"不动产单元号"}, Kind::kText},
          {"usage", {U"用途"}, Kind::kText},
          {"area", {U"面积"}, Kind::kNumberText}},
         {{"building_area_m2", "area"}}},
    };
    return s;
}

const std::regex& idShape() {
    static const std::regex re(R"(\d{17}[\dXx])");
    return re;
}
const std::regex& creditShape() {
    static const std::regex re(R"([0-9A-Z]{2}\d{6}[0-9A-Z]{10})");
    return re;
}
const std::regex& unitShape() {
    static const std::regex re(R"(\d{12}[A-Z]{2}\d{5}[FLQW]\d{8})");
    return re;
}

std::string codeOfShape(const std::string& text, Kind kind) {
    std::string compact;
    for (char c : text)
        if (std::isalnum(static_cast<unsigned char>(c))) compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::smatch m;  // compact is upper case: the ID shape's lower-case x never matters here
    if (std::regex_search(compact, m, kind == Kind::kIdNumber ? idShape() : kind == Kind::kCreditCode ? creditShape() : unitShape()))
        return m.str();
    return {};
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& documentFields() {
    static const auto fields = [] {
        std::vector<std::pair<std::string, std::vector<std::string>>> out;
        for (auto& d : specs()) {
            std::vector<std::string> names;
            for (auto& f : d.fields) {
                names.push_back(f.name);
                for (auto& x : d.derived)
                    if (std::string_view(x.from) == f.name) names.push_back(x.name);
            }
            out.emplace_back(d.type, names);
        }
        return out;
    }();
    return fields;
}

bool isDocumentType(std::string_view t) {
    if (t == "unknown") return true;
    for (auto& d : specs())
        if (t == d.type) return true;
    return false;
}

}  // namespace lgw::ocr
