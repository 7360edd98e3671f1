#include "ocr/vocabulary.hpp"

#include <algorithm>
#include <cstdio>
#include <regex>

#include "ocr/text_ops.hpp"

namespace lgw::ocr {

const std::vector<std::string>& ethnicGroups() {
    static const std::vector<std::string> g = {
        "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
        "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
        "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
        "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
        "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"};
    return g;
}
// The market-entity types of the registration rules.
const std::vector<std::string>& registeredTypes() {
    static const std::vector<std::string> t = {
        "有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)", "有限责任公司(法人独资)",
        "有限责任公司(非自然人投资或控股的法人独资)", "有限责任公司(自然人投资或控股的法人独资)",
        "有限责任公司(国有独资)", "有限责任公司(国有控股)", "有限责任公司(外商投资)",
        "有限责任公司(外商投资、非独资)", "有限责任公司(外国法人独资)", "有限责任公司(外国自然人独资)",
        "有限责任公司(港澳台投资、非独资)", "有限责任公司(港澳台法人独资)", "有限责任公司(台港澳与境内合资)",
        "有限责任公司(中外合资)", "有限责任公司分公司(自然人投资或控股)", "有限责任公司分公司(法人独资)",
        "其他有限责任公司", "股份有限公司(上市、自然人投资或控股)", "股份有限公司(非上市、自然人投资或控股)",
        "股份有限公司(上市、国有控股)", "股份有限公司(非上市、国有控股)", "股份有限公司(中外合资、未上市)",
        "股份有限公司(中外合资、上市)", "其他股份有限公司(上市)", "其他股份有限公司(非上市)",
        "股份有限公司分公司(非上市、自然人投资或控股)", "全民所有制", "集体所有制", "股份合作制",
        "个人独资企业", "普通合伙企业", "特殊普通合伙企业", "有限合伙企业", "个体工商户", "农民专业合作社",
        "外商投资企业分支机构", "非公司企业法人",
    };
    return t;
}

bool isEthnicGroup(std::string_view s) {
    const auto& g = ethnicGroups();
    return std::find(g.begin(), g.end(), s) != g.end();
}

std::string nearestEthnicGroup(std::string_view read) {
    const std::u32string r = toU32(read);
    if (r.size() < 2) return {};
    std::string found;
    for (auto& g : ethnicGroups()) {
        const std::u32string gu = toU32(g);
        if (gu.size() < 2 || editDistance(r, gu, 1) > 1) continue;
        if (!found.empty()) return {};
        found = g;
    }
    return found;
}

std::string registeredEnterpriseType(std::string_view text) {
    const std::u32string read = toU32(comparable(std::string(text)));
    if (read.empty()) return {};
    const int allowed = std::max(1, static_cast<int>(read.size()) / 6);
    int best = allowed + 1, runnerUp = allowed + 1;
    const std::string* pick = nullptr;
    for (auto& t : registeredTypes()) {
        int d = editDistance(read, toU32(t), allowed);
        if (d < best) {
            runnerUp = best;
            best = d;
            pick = &t;
        } else if (d < runnerUp) {
            runnerUp = d;
        }
    }
    return pick && best <= allowed && best < runnerUp ? *pick : std::string{};
}

std::string placeStartDoubt(std::string_view text) {
    const std::u32string v = toU32(text);
    if (v.empty() || std::u32string_view(U"省市区县镇乡路街号").find(v.front()) == std::u32string_view::npos) return {};
    return "begins with " + toU8(v.substr(0, 1)) + ": the place name before it is missing";
}

std::string businessScopePunctuation(std::string_view scope) {
    std::u32string s = toU32(scope);
    auto isColonLike = [](char32_t c) { return c == U':' || c == U'：' || c == U';' || c == U'；' || c == U',' || c == U'，'; };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool afterSection = i >= 4 && (s.compare(i - 4, 4, U"许可项目") == 0 || s.compare(i - 4, 4, U"一般项目") == 0);
        if (afterSection && isColonLike(s[i])) s[i] = U'：';
        else if (!afterSection && (s[i] == U':' || s[i] == U'：' || s[i] == U',' || s[i] == U'，')) s[i] = U'；';
        else if (s[i] == U';') s[i] = U'；';
    }
    return toU8(s);
}

namespace {

// The window of `s` from `from` on (length len-1 .. len+1) nearest `word`, within `limit` edits:
// {start, end}, or {npos, npos}.
std::pair<std::size_t, std::size_t> nearestWindow(const std::u32string& s, std::size_t from, std::u32string_view word, int limit,
                                                  bool atEnd) {
    std::pair<std::size_t, std::size_t> best{std::u32string::npos, std::u32string::npos};
    int bestD = limit + 1;
    for (std::size_t len = word.size() - 1; len <= word.size() + 1; ++len)
        for (std::size_t i = from; i + len <= s.size(); ++i) {
            if (atEnd && i + len + 3 < s.size()) continue;  // at the end, bar a little junk after it
            const int d = editDistance(std::u32string_view(s).substr(i, len), word, limit);
            // Nearest; then the window as long as the word (视场监督管理局, not 场监督管理局 with
            // one dropped); then the later one.
            const auto off = [&](std::size_t l) { return l > word.size() ? l - word.size() : word.size() - l; };
            const bool better = d < bestD || (d == bestD && best.first != std::u32string::npos &&
                                              (off(len) < off(best.second - best.first) ||
                                               (off(len) == off(best.second - best.first) && i + len > best.second)));
            if (better) {
                bestD = d;
                best = {i, i + len};
            }
        }
    return best;
}

}  // namespace

std::string issuerGrammar(std::string_view issuer) {
    std::u32string s = toU32(comparable(std::string(issuer)));
    if (s.size() < 6) return std::string(issuer);
    if (auto [a, b] = nearestWindow(s, 2, U"市场监督管理局", 2, true); a != std::u32string::npos)
        return toU8(s.substr(0, a) + U"市场监督管理局");
    auto [pa, pb] = nearestWindow(s, 2, U"公安局", 1, false);
    if (pa == std::u32string::npos) return std::string(issuer);
    auto [fa, fb] = nearestWindow(s, pb + 1, U"分局", 1, true);
    if (fa == std::u32string::npos || fa <= pb) return std::string(issuer);
    return toU8(s.substr(0, pa) + U"公安局" + s.substr(pb, fa - pb) + U"分局");
}

namespace {

// Every number in an address counts something: a house (号), a building (栋, 幢, 号楼), a unit
// (单元), a floor (层), a room (室) … or is one part of 3-2-101. A number followed by anything
// else (20林1658室 for 20栋), or ending the address unless after a dash (院内9 for 院内9号楼),
// lost or misread its word.
std::string numberDoubt(const std::u32string& a) {
    static const std::u32string_view kAfterNumber = U"号栋幢楼单室层座组弄巷门户排区期院-—之甲乙丙丁附";
    for (std::size_t i = 0; i < a.size();) {
        if (a[i] < U'0' || a[i] > U'9') {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < a.size() && a[j] >= U'0' && a[j] <= U'9') ++j;
        const bool afterDash = i > 0 && (a[i - 1] == U'-' || a[i - 1] == U'—');
        if (j == a.size()) {
            if (!afterDash) return "ends with the number " + toU8(a.substr(i)) + ", no 号, 栋 or 室 after it";
        } else if (kAfterNumber.find(a[j]) == std::u32string_view::npos && !(a[j] >= U'A' && a[j] <= U'Z')) {
            return "the number " + toU8(a.substr(i, j - i)) + " is followed by " + toU8(a.substr(j, 1)) + ", no word an address counts with";
        }
        i = j;
    }
    return {};
}

}  // namespace

std::string landUseChecked(std::string_view usage, std::string& doubt) {
    // GB/T 21010-2017's classes as certificates print them, with the older names still printed.
    static const std::vector<std::u32string> kClasses = {
        U"城镇住宅用地", U"农村宅基地",   U"宅基地",       U"住宅用地",     U"商服用地",     U"商业服务业设施用地",
        U"零售商业用地", U"批发市场用地", U"餐饮用地",     U"旅馆用地",     U"商务金融用地", U"娱乐用地",
        U"其他商服用地", U"工业用地",     U"采矿用地",     U"仓储用地",     U"物流仓储用地", U"工矿仓储用地",
        U"机关团体用地", U"新闻出版用地", U"教育用地",     U"科研用地",     U"医疗卫生用地", U"社会福利用地",
        U"文化设施用地", U"体育用地",     U"公用设施用地", U"公园与绿地",   U"交通运输用地", U"城镇村道路用地",
        U"交通服务场站用地", U"国有建设用地", U"集体建设用地", U"其他"};
    const std::u32string u = toU32(comparable(std::string(usage)));
    const auto slash = u.find(U'/');
    const std::u32string land = u.substr(0, slash), rest = slash == std::u32string::npos ? U"" : u.substr(slash);
    if (std::find(kClasses.begin(), kClasses.end(), land) != kClasses.end()) return std::string(usage);
    std::vector<const std::u32string*> near;
    for (auto& c : kClasses)
        if (c.size() >= 3 && editDistance(land, c, 1) <= 1) near.push_back(&c);
    if (near.size() == 1 && near.front()->size() == land.size()) return toU8(*near.front() + rest);  // one character misread
    doubt = "the land use " + toU8(land) + " is no class of GB/T 21010";
    return std::string(usage);
}

std::string addressDoubt(std::string_view address) {
    if (std::string doubt = placeStartDoubt(address); !doubt.empty()) return doubt;
    // The street number: the first run of digits followed by 号.
    const std::u32string a = toU32(comparable(std::string(address)));
    if (std::string doubt = numberDoubt(a); !doubt.empty()) return doubt;
    std::size_t hao = std::u32string::npos;
    for (std::size_t i = 1; i < a.size(); ++i)
        if (a[i] == U'号' && a[i - 1] >= U'0' && a[i - 1] <= U'9') {
            hao = i;
            break;
        }
    if (hao == std::u32string::npos) return {};
    std::size_t start = hao;
    while (start > 0 && a[start - 1] >= U'0' && a[start - 1] <= U'9') --start;
    const std::u32string before = a.substr(0, start);
    // What a house number follows in a Chinese address: a road, lane or alley, a village or group,
    // a compound or building complex.
    static const std::u32string kSuffixes[] = {U"路", U"街", U"道", U"巷", U"弄", U"里", U"胡同", U"村", U"组", U"院",
                                               U"坊", U"桥", U"场", U"园", U"苑", U"庄", U"湾", U"屯", U"镇", U"乡",
                                               U"段", U"线", U"口", U"营", U"城", U"环", U"岭", U"坡", U"沟", U"寨",
                                               U"堡", U"港", U"区", U"厦", U"楼", U"座", U"期", U"社"};
    for (auto& s : kSuffixes)
        if (before.size() >= s.size() && before.compare(before.size() - s.size(), s.size(), s) == 0) return {};
    if (before.empty()) return {};
    return "no road, lane or village before the house number (read: " + toU8(before.substr(before.size() - 1)) +
           toU8(a.substr(start, hao + 1 - start)) + ")";
}

std::string normaliseDate(std::string_view text) {
    std::string t(text);
    if (t.find("长期") != std::string::npos) return "长期";
    static const std::regex re(R"((\d{4})\D{1,3}?(\d{1,2})\D{1,3}?(\d{1,2}))");
    std::smatch m;
    if (!std::regex_search(t, m, re)) {
        std::string d = digitsOnly(t);
        if (d.size() != 8) return {};
        t = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
        if (!std::regex_search(t, m, re)) return {};
    }
    int y = std::stoi(m[1]), mo = std::stoi(m[2]), da = std::stoi(m[3]);
    if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || da < 1 || da > 31) return {};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, da);
    return buf;
}

}  // namespace lgw::ocr
