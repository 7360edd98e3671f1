#include "ocr/amounts.hpp"

#include <regex>
#include <set>
#include <vector>

#include "ocr/text_ops.hpp"

namespace lgw::ocr {
namespace {

constexpr std::u32string_view kDigits = U"零壹贰叁肆伍陆柒捌玖";

// A number in financial numerals below 1 0000 0000 0000 (仟亿): groups of 仟佰拾 and a digit, joined
// by 亿 and 万, 零 where a place is skipped. nullopt when the text is not one.
std::optional<long long> financialValue(std::u32string_view s) {
    if (s.empty()) return std::nullopt;
    long long yi = 0, wan = 0, section = 0, digit = -1;  // the parts above 亿, between 亿 and 万, below 万
    for (char32_t c : s) {
        if (auto d = kDigits.find(c); d != std::u32string_view::npos) {
            if (digit > 0) return std::nullopt;  // two digits in a row (贰叁) is no number
            digit = static_cast<long long>(d);
            continue;
        }
        const long long unit = c == U'拾' ? 10 : c == U'佰' ? 100 : c == U'仟' ? 1000 : c == U'万' ? 10000 : c == U'亿' ? 100000000 : 0;
        if (unit == 0) return std::nullopt;
        if (unit < 10000) {
            if (digit == 0) return std::nullopt;  // 零佰
            section += (digit < 0 ? (unit == 10 && section == 0 ? 1 : -1) : digit) * unit;
            if (section < 0) return std::nullopt;  // 佰 with no digit before it
        } else {
            if (digit > 0) section += digit;
            if (unit == 10000) {
                if (section == 0 || wan != 0) return std::nullopt;  // 万 with nothing before it, or twice
                wan = section * 10000;
            } else {
                if (section + wan == 0 || yi != 0) return std::nullopt;
                yi = (wan + section) * 100000000;
                wan = 0;
            }
            section = 0;
        }
        digit = -1;
    }
    if (digit > 0) section += digit;
    return yi + wan + section;  // s is not empty, and every character was a numeral
}

}  // namespace

std::optional<std::string> capitalYuan(std::string_view printed) {
    std::u32string s = toU32(comparable(std::string(printed)));
    auto strip = [&](std::u32string_view word, bool front) {
        if (s.size() < word.size()) return false;
        if (front ? s.compare(0, word.size(), word) == 0 : s.compare(s.size() - word.size(), word.size(), word) == 0) {
            s = front ? s.substr(word.size()) : s.substr(0, s.size() - word.size());
            return true;
        }
        return false;
    };
    strip(U"人民币", true);
    const bool after = strip(U"人民币", false);
    strip(U"整", false);
    if (!after) strip(U"人民币", false);
    if (!strip(U"元", false)) return std::nullopt;
    bool wan = strip(U"万", false);
    if (s.empty()) return std::nullopt;
    if (wan && s.find(U'亿') != std::u32string::npos) {  // 壹亿贰仟万元: the 万 belongs to the number
        s += U'万';
        wan = false;
    }
    const std::string u8 = toU8(s);
    static const std::regex digits(R"((\d{1,9})(?:\.(\d{1,6}))?)");
    std::smatch m;
    long long yuan = 0;
    if (std::regex_match(u8, m, digits)) {
        const std::string frac = m[2].str();
        const long long scale = wan ? 10000 : 1;
        yuan = std::stoll(m[1].str()) * scale;
        if (!frac.empty()) {
            long long f = std::stoll(frac), div = 1;
            for (std::size_t i = 0; i < frac.size(); ++i) div *= 10;
            if ((f * scale) % div != 0) return std::nullopt;  // below one yuan
            yuan += f * scale / div;
        }
    } else if (auto v = financialValue(s)) {
        yuan = *v * (wan ? 10000 : 1);
    } else {
        return std::nullopt;
    }
    if (yuan <= 0) return std::nullopt;
    return std::to_string(yuan);
}

const std::string& capitalCharacters() {
    static const std::string chars = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元整人民币0123456789.";
    return chars;
}

std::string capitalOneAway(std::string_view read, std::string_view other) {
    const std::u32string r = toU32(comparable(std::string(read)));
    const std::string target = comparable(std::string(other));
    if (capitalYuan(read) || !capitalYuan(target) || r.empty()) return {};
    const std::u32string alphabet = toU32(capitalCharacters());
    std::set<std::string> found;
    auto tryOne = [&](const std::u32string& c) {
        if (const std::string s = toU8(c); capitalYuan(s)) found.insert(s);
    };
    for (std::size_t i = 0; i <= r.size(); ++i) {
        for (char32_t a : alphabet) {
            if (i < r.size()) tryOne(r.substr(0, i) + a + r.substr(i + 1));  // substituted
            tryOne(r.substr(0, i) + a + r.substr(i));                        // added
        }
        if (i < r.size()) tryOne(r.substr(0, i) + r.substr(i + 1));  // dropped
    }
    return found.count(target) && !target.empty() ? target : std::string{};
}

std::string capitalLookAlikes(std::string_view read) {
    if (capitalYuan(read)) return {};
    // Longest first: 人参 is one 叁 read as two characters.
    static const std::vector<std::pair<std::u32string_view, std::u32string_view>> kLookAlikes = {
        {U"人参", U"叁"}, {U"参", U"叁"}, {U"叄", U"叁"}, {U"会", U"叁"}, {U"仔", U"仟"}, {U"什", U"仟"}, {U"件", U"仟"},
        {U"任", U"仟"},  {U"汗", U"仟"}, {U"伯", U"佰"}, {U"个", U"佰"}, {U"恰", U"拾"}, {U"壶", U"壹"}, {U"武", U"贰"},
        {U"弍", U"贰"},  {U"染", U"柒"}, {U"玫", U"玖"}, {U"方", U"万"}, {U"无", U"元"}, {U"兀", U"元"}};
    std::u32string s = toU32(comparable(std::string(read)));
    bool changed = false;
    for (std::size_t i = 0; i < s.size();) {
        bool hit = false;
        for (auto& [from, to] : kLookAlikes)
            if (s.compare(i, from.size(), from) == 0) {
                s.replace(i, from.size(), to);
                i += to.size();
                hit = changed = true;
                break;
            }
        if (!hit) ++i;
    }
    const std::string out = toU8(s);
    return changed && capitalYuan(out) ? out : std::string{};
}

std::optional<std::string> buildingAreaM2(std::string_view printed) {
    const std::string s = comparable(std::string(printed));
    static const std::regex building(R"(建筑面积[:：]?(\d{1,7}(?:\.\d{1,4})?)(?:平方米|㎡|m²|m2|M2))");
    static const std::regex alone(R"((\d{1,7}(?:\.\d{1,4})?)(?:平方米|㎡|m²|m2|M2))");
    std::smatch m;
    if (std::regex_search(s, m, building)) return m[1].str();
    if (std::regex_match(s, m, alone)) return m[1].str();
    return std::nullopt;
}

std::string areaUnitRestored(std::string_view read) {
    std::string s(read);
    for (std::string_view unit : {"m2", "M2"})
        if (s.size() > unit.size() && s.ends_with(unit) && s[s.size() - unit.size() - 1] >= '0' && s[s.size() - unit.size() - 1] <= '9')
            return s.substr(0, s.size() - unit.size()) + "m²";
    return s;
}

}  // namespace lgw::ocr
