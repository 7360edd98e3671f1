#include "ocr/scan_reader.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <regex>
#include <set>

namespace lgw::ocr {
namespace {

using Clock = std::chrono::steady_clock;
int msSince(Clock::time_point t) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

// ---- UTF-8 <-> code points (labels are matched character by character) ---------------------------
std::u32string toU32(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < n && i + static_cast<std::size_t>(k) < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        out += cp;
        i += static_cast<std::size_t>(n);
    }
    return out;
}

std::string toU8(std::u32string_view s) {
    std::string out;
    for (char32_t c : s) {
        if (c < 0x80) out += static_cast<char>(c);
        else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::string trim(std::string s) {
    auto ws = [](unsigned char c) { return c == ' ' || c == '\t' || c == ':' || c == '\n'; };
    while (!s.empty() && ws(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
    while (!s.empty() && ws(static_cast<unsigned char>(s.back()))) s.pop_back();
    // Full-width colon after a label.
    if (s.rfind("：", 0) == 0) s = s.substr(3);
    return s;
}

// ---- what each document carries -------------------------------------------------------------------
enum class Kind { kText, kLongText, kDate, kValidTo, kCreditCode, kIdNumber, kSex, kNumberText };

struct FieldSpec {
    const char* name;
    std::vector<std::u32string> labels;  ///< any of them starts the field
    Kind kind;
};

struct DocSpec {
    const char* type;
    std::vector<std::u32string> titles;  ///< words printed on this document only
    std::vector<FieldSpec> fields;
};

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
          {"issuer", {U"登记机关"}, Kind::kText}}},
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
          {"area", {U"面积"}, Kind::kNumberText}}},
    };
    return s;
}

// Substitutions allowed when matching a label of n characters: OCR misreads one character in four
// (成立日其 for 成立日期), never the whole label.
int allowance(std::size_t n) { return n >= 4 ? 1 : 0; }

// Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`.
int editDistance(std::u32string_view a, std::u32string_view b, int limit) {
    if (static_cast<int>(a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        int rowMin = cur[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
            rowMin = std::min(rowMin, cur[j]);
        }
        if (rowMin > limit) return limit + 1;
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

struct Hit {
    std::size_t start = 0, end = 0;  ///< in the line's code points (spaces removed)
    const FieldSpec* field = nullptr;
    int distance = 0;
    bool lenient = false;  ///< a two-character label with one character misread (extraction only)
};

// A line's characters without spaces, each with the word it came from.
struct Chars {
    std::u32string text;
    std::vector<std::size_t> word;
};

void appendTo(std::string& text, const std::string& word) {
    auto ascii = [](unsigned char c) { return c < 0x80; };
    if (!text.empty() && !word.empty() && ascii(static_cast<unsigned char>(text.back())) &&
        ascii(static_cast<unsigned char>(word.front())) && std::isalnum(static_cast<unsigned char>(word.front())) &&
        std::isalnum(static_cast<unsigned char>(text.back())))
        text += ' ';
    text += word;
}

// OCR puts strokes of the background, or of a spaced label, between a label's characters (出-生,
// 住:址); no label holds punctuation, so matching ignores it.
bool ignorable(char32_t ch) {
    static const std::u32string kPunct = U" -:：·.,，、“”\"'‘’|_~—;；";
    return kPunct.find(ch) != std::u32string::npos;
}

Chars charsOf(const TextLine& line) {
    Chars c;
    for (std::size_t w = 0; w < line.words.size(); ++w)
        for (char32_t ch : toU32(line.words[w].text))
            if (!ignorable(ch)) {
                c.text += ch;
                c.word.push_back(w);
            }
    return c;
}

// Text read outside the page read (a sample line, a gap re-read), as labels are matched on.
std::u32string labelText(std::string_view read) {
    std::u32string out;
    for (char32_t ch : toU32(read))
        if (!ignorable(ch)) out += ch;
    return out;
}

// `lenient`: a two-character label opening the line may have one of its characters misread (住让 for
// 住址, 玲落 for 坐落: the labels sit in the left column, so a line's start is where they are). Only
// for extraction, and only for a field whose label the page shows nowhere else; classification
// counts exact labels.
std::vector<Hit> findLabels(const std::u32string& text, const DocSpec& doc, bool lenient = false) {
    std::vector<Hit> hits;
    if (lenient && text.size() >= 2)
        for (auto& f : doc.fields)
            for (auto& label : f.labels)
                if (label.size() == 2 && (text[0] == label[0]) != (text[1] == label[1])) hits.push_back({0, 2, &f, 1, true});
    for (auto& f : doc.fields)
        for (auto& label : f.labels) {
            const std::size_t n = label.size();
            const int allowed = allowance(n);
            // Windows of the label's length, one shorter (a character OCR dropped: 注册资 for
            // 注册资本) and one longer (one it added), at edit distance within the allowance.
            for (std::size_t len = n - static_cast<std::size_t>(allowed); len <= n + static_cast<std::size_t>(allowed); ++len) {
                if (len == 0 || text.size() < len) continue;
                for (std::size_t i = 0; i + len <= text.size(); ++i) {
                    int d = editDistance(std::u32string_view(text).substr(i, len), label, allowed);
                    if (d <= allowed) hits.push_back({i, i + len, &f, d});
                }
            }
        }
    // Longest and closest first; then drop hits overlapping a better one (性别 inside 性别男 is fine;
    // 名称 inside 登记机关名称 is not a second label).
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
        if (a.distance != b.distance) return a.distance < b.distance;
        if (a.end - a.start != b.end - b.start) return a.end - a.start > b.end - b.start;
        return a.start < b.start;
    });
    std::vector<Hit> kept;
    for (auto& h : hits) {
        bool overlaps = false;
        for (auto& k : kept) overlaps |= h.start < k.end && k.start < h.end;
        if (!overlaps) kept.push_back(h);
    }
    // Two fields on one row (性别 男 民族 汉): a two-character label whose second character is
    // misread may also follow a label within three characters, i.e. after a short value.
    if (lenient) {
        std::vector<Hit> more;
        for (auto& f : doc.fields)
            for (auto& label : f.labels) {
                if (label.size() != 2) continue;
                for (std::size_t i = 1; i + 2 < text.size(); ++i) {
                    if (text[i] != label[0] || text[i + 1] == label[1]) continue;
                    bool afterShortValue = false, overlaps = false;
                    for (auto& k : kept) {
                        afterShortValue |= k.end <= i && i - k.end <= 3 && k.end > k.start;
                        overlaps |= i < k.end && k.start < i + 2;
                    }
                    if (afterShortValue && !overlaps) more.push_back({i, i + 2, &f, 1, true});
                }
            }
        kept.insert(kept.end(), more.begin(), more.end());
    }
    std::sort(kept.begin(), kept.end(), [](const Hit& a, const Hit& b) { return a.start < b.start; });
    return kept;
}

Box unite(const Box& a, const Box& b) {
    if (a.w == 0) return b;
    if (b.w == 0) return a;
    int x = std::min(a.x, b.x), y = std::min(a.y, b.y);
    return {x, y, std::max(a.right(), b.right()) - x, std::max(a.bottom(), b.bottom()) - y};
}

struct RawField {
    std::string text;
    Box box;
    float confidence = 0;  // 0..100
    bool wholeLine = false;  // the box is a whole line (label included), not the value alone
    int rows = 1;            // printed rows the value spans
    std::vector<Box> rowBoxes;  // one box per row of a value that continues below
    std::string restored;       // a fixed part of the format put back: why (the value is then `corrected`)
    std::string restoredFrom;   // and the read it was put back into
};

// The shapes of the codes a page carries, on text without spaces: ID number (GB 11643), credit
// code (GB 32100), unit number (GB/T 37346: region, zone, land kind, parcel, F/L/Q/W, unit).
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

// Two reads of one value compare equal when they differ only in spaces or punctuation width.
std::string comparable(const std::string& s) {
    std::string out;
    for (char32_t ch : toU32(s)) {
        if (ch == U' ') continue;
        if (ch >= 0xFF01 && ch <= 0xFF5E) ch -= 0xFEE0;  // full-width ASCII forms
        out += toU8(std::u32string(1, ch));
    }
    return out;
}

// ---- normalisation --------------------------------------------------------------------------------
std::string digitsOnly(const std::string& s) {
    std::string d;
    for (char c : s)
        if (c >= '0' && c <= '9') d += c;
    return d;
}

// Grey levels for recognition, with red ink (the issuing authority's seal stamped over 登记机关 and
// the date) lifted out: a clearly red pixel takes its red channel's value, which is light, so the
// seal fades while black text under it (dark in every channel) stays. Everything else is plain
// luminance, so blue labels and photo backgrounds are untouched.
PixPtr toGreyWithoutSeals(Pix* src) {
    PixPtr colour(pixGetDepth(src) == 32 ? pixClone(src) : pixcmapGetCount(pixGetColormap(src)) > 0
                                                          ? pixRemoveColormap(src, REMOVE_CMAP_TO_FULL_COLOR)
                                                          : nullptr);
    if (!colour || pixGetDepth(colour.get()) != 32) return PixPtr(pixConvertTo8(src, 0));
    const int w = pixGetWidth(colour.get()), h = pixGetHeight(colour.get());
    PixPtr grey(pixCreate(w, h, 8));
    if (!grey) return grey;
    pixCopyResolution(grey.get(), colour.get());
    const int wplSrc = pixGetWpl(colour.get()), wplDst = pixGetWpl(grey.get());
    l_uint32* srcData = pixGetData(colour.get());
    l_uint32* dstData = pixGetData(grey.get());
    for (int y = 0; y < h; ++y) {
        l_uint32* srow = srcData + y * wplSrc;
        l_uint32* drow = dstData + y * wplDst;
        for (int x = 0; x < w; ++x) {
            l_int32 r, g, b;
            extractRGBValues(srow[x], &r, &g, &b);
            int v = (r * 77 + g * 128 + b * 51) >> 8;  // Leptonica's luminance weights (0.3, 0.5, 0.2)
            if (r > g + 50 && r > b + 50) v = r;
            SET_DATA_BYTE(drow, x, v);
        }
    }
    return grey;
}

// The 56 ethnic groups an ID card prints under 民族, in their printed (short) form.
const std::vector<std::string>& ethnicGroups() {
    static const std::vector<std::string> g = {
        "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
        "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
        "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
        "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
        "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"};
    return g;
}
// The enterprise types a business licence prints under 类型 (the market-entity types of the
// registration rules), in their printed form.
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

}  // namespace

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

std::string addressDoubt(std::string_view address) {
    if (std::string doubt = placeStartDoubt(address); !doubt.empty()) return doubt;
    // The street number: the first run of digits followed by 号.
    const std::u32string a = toU32(comparable(std::string(address)));
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

const std::vector<std::pair<std::string, std::vector<std::string>>>& documentFields() {
    static const auto fields = [] {
        std::vector<std::pair<std::string, std::vector<std::string>>> out;
        for (auto& d : specs()) {
            std::vector<std::string> names;
            for (auto& f : d.fields) names.push_back(f.name);
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

ScanReader::ScanReader(TesseractPool& pool, ReaderOptions options) : pool_(pool), options_(options) {}

std::variant<ScanResult, ScanError> ScanReader::read(std::string_view bytes, std::string_view contentType,
                                                     const std::string& hint, std::string_view today) {
    auto t0 = Clock::now();
    auto decoded = decodeScan(bytes, contentType, options_.maxPixels, kMaxPreparedSide);
    if (auto* e = std::get_if<ScanError>(&decoded)) return *e;
    auto& scan = std::get<DecodedScan>(decoded);
    ScanResult r;
    r.hint = hint;

    // ---- prepare ------------------------------------------------------------------------------------
    PixPtr grey = toGreyWithoutSeals(scan.pix.get());
    if (!grey) return ScanError{422, "unreadable_image", "the image cannot be converted to grey levels"};
    const int w0 = pixGetWidth(grey.get()), h0 = pixGetHeight(grey.get());
    // About 300 DPI: from the file's resolution when it states a plausible one, else from the size
    // (a document camera's frame of a card or a page is 1,000 to 3,500 pixels across).
    double factor = 1.0;
    if (scan.dpi >= 100 && scan.dpi <= 1200) factor = 300.0 / scan.dpi;
    else {
        int longSide = std::max(w0, h0);
        if (longSide < 1400) factor = 1400.0 / longSide;
        else if (longSide > 3600) factor = 3600.0 / longSide;
    }
    factor = std::clamp(factor, 0.4, 4.0);
    // The prepared page must stay inside what the engine takes: Tesseract asserts (and aborts the
    // process) once a side passes 32767 pixels, and the pixel cap holds after scaling too, not only
    // for the file as sent.
    factor = std::min(factor, static_cast<double>(kMaxPreparedSide) / std::max(w0, h0));
    factor = std::min(factor, std::sqrt(static_cast<double>(options_.maxPixels) / (static_cast<double>(w0) * h0)));
    PixPtr scaled(std::abs(factor - 1.0) > 0.05 ? pixScale(grey.get(), static_cast<float>(factor), static_cast<float>(factor))
                                                : pixClone(grey.get()));
    r.dpi = 300;
    if (factor > 1.3) {
        // Upscaled low-resolution scans blur thin strokes (a Song face, light label ink) into grey
        // that binarisation drops: sharpen them back.
        if (Pix* sharp = pixUnsharpMaskingGray(scaled.get(), 2, 0.5f)) scaled.reset(sharp);
    }
    PixPtr norm(pixBackgroundNormSimple(scaled.get(), nullptr, nullptr));
    if (!norm) norm.reset(pixClone(scaled.get()));
    // Leptonica normalises the background to 200, not white: on a dark, low-contrast photo the grey
    // text on grey was then lost to the recogniser. When the darkest ink (the darkest 0.1 % of the
    // page: text covers little of a sparse certificate) lies less than 90 levels below the paper,
    // stretch it to black and the paper to white. Pages of ordinary contrast (ink below 75 on every
    // generated page) are left alone: stretched, they read worse.
    if (NUMA* hist = pixGetGrayHistogram(norm.get(), 2)) {
        l_float32 ink = 0, paper = 200;
        numaHistogramGetValFromRank(hist, 0.001f, &ink);
        numaHistogramGetValFromRank(hist, 0.5f, &paper);
        numaDestroy(&hist);
        if (paper - ink >= 20 && paper - ink < 90)
            if (Pix* stretched = pixGammaTRC(nullptr, norm.get(), 1.0f, static_cast<int>(ink), static_cast<int>(paper))) {
                norm.reset(stretched);
                if (std::getenv("LGW_OCR_DEBUG")) std::fprintf(stderr, "contrast stretched: ink %.0f, paper %.0f\n", ink, paper);
            }
    }

    // Skew measured on a binary copy and corrected by rotating here: pixDeskew's own confidence
    // cut-off silently skips sparse certificate pages.
    {
        PixPtr bin(pixConvertTo1(norm.get(), 160));
        l_float32 angle = 0, conf = 0;
        if (bin && pixFindSkew(bin.get(), &angle, &conf) == 0 && conf >= 1.0f && std::abs(angle) >= 0.15f) {
            Pix* rotated = pixRotate(norm.get(), static_cast<float>(angle * M_PI / 180.0), L_ROTATE_AREA_MAP,
                                     L_BRING_IN_WHITE, 0, 0);
            if (rotated) {
                norm.reset(rotated);
                r.deskewDegrees = angle;
            }
        }
    }

    // Binarisation per image: where local Otsu thresholds still spread widely after background
    // normalisation (a photo with shadows), Sauvola; on an evenly lit scan, plain Otsu.
    int method = 0;
    {
        Pix* thresholds = nullptr;
        int tw = std::max(16, pixGetWidth(norm.get()) / 4), th = std::max(16, pixGetHeight(norm.get()) / 4);
        if (pixOtsuAdaptiveThreshold(norm.get(), tw, th, 0, 0, 0.1f, &thresholds, nullptr) == 0 && thresholds) {
            l_int32 lo = 0, hi = 0;
            pixGetExtremeValue(thresholds, 1, L_SELECT_MIN, nullptr, nullptr, nullptr, &lo);
            pixGetExtremeValue(thresholds, 1, L_SELECT_MAX, nullptr, nullptr, nullptr, &hi);
            if (hi - lo > 60) method = 2;
            pixDestroy(&thresholds);
        }
    }
    r.binarisation = method == 2 ? "sauvola" : "otsu";
    r.width = pixGetWidth(norm.get());
    r.height = pixGetHeight(norm.get());
    r.preprocessMs = msSince(t0);

    // ---- recognise and classify --------------------------------------------------------------------
    struct Attempt {
        PageText page;
        std::vector<Chars> lines;
        const DocSpec* doc = nullptr;
        double score = 0;
        bool hintContradicted = false;
        bool vertical = false;  ///< most lines taller than wide: the page lies on its side
        bool clear() const { return doc && score >= 1.0 && !vertical; }
    };
    auto attempt = [&](Pix* pix) {
        Attempt a;
        a.page = pool_.recognise(pix, r.dpi, method);
        // chi_sim reads a card lying on its side as vertical text, labels and all; horizontal
        // documents never have most of their lines standing up.
        int standing = 0, counted = 0;
        for (auto& l : a.page.lines)
            if (l.words.size() >= 2) {
                ++counted;
                standing += l.box.h > l.box.w;
            }
        a.vertical = counted > 0 && standing * 2 > counted;
        std::u32string all;
        for (auto& l : a.page.lines) {
            a.lines.push_back(charsOf(l));
            all += a.lines.back().text;
        }
        if (std::getenv("LGW_OCR_DEBUG"))
            for (auto& l : a.page.lines) {
                std::string text;
                for (auto& w : l.words) text += w.text + "|";
                std::fprintf(stderr, "line @%d,%d %dx%d: %s\n", l.box.x, l.box.y, l.box.w, l.box.h, text.c_str());
            }
        const DocSpec* best = nullptr;
        const DocSpec* hinted = nullptr;
        double bestScore = 0, hintScore = 0;
        for (auto& d : specs()) {
            std::set<const FieldSpec*> seen;  // each line searched once, not once per field
            for (auto& l : a.lines)
                for (auto& h : findLabels(l.text, d)) seen.insert(h.field);
            double score = static_cast<double>(seen.size()) / static_cast<double>(d.fields.size());
            for (auto& t : d.titles)
                if (all.find(t) != std::u32string::npos) score += 0.5;
            // A code of the document's own shape on one line is evidence even when its label is
            // misread; not alone (digits of several lines run together into anything).
            if (!seen.empty()) {
                bool id = false, credit = false;
                for (auto& l : a.lines) {
                    std::string ascii;
                    for (char32_t ch : l.text)
                        if (ch < 0x80) ascii += static_cast<char>(ch);
                    id = id || std::regex_search(ascii, idShape());
                    credit = credit || std::regex_search(ascii, creditShape());
                }
                if (std::string(d.type) == "id_card_front" && id) score += 0.5;
                if (std::string(d.type) == "business_licence" && credit) score += 0.25;
            }
            if (score > bestScore) {
                bestScore = score;
                best = &d;
            }
            if (hint == d.type) {
                hinted = &d;
                hintScore = score;
            }
        }
        a.doc = best && bestScore >= 0.5 ? best : nullptr;
        a.score = bestScore;
        if (hinted && hintScore >= 0.5 && (!a.doc || hintScore + 0.25 >= bestScore)) {
            a.doc = hinted;
            a.score = hintScore;
        }
        a.hintContradicted = !hint.empty() && hint != "unknown" && (!a.doc || a.doc->type != hint);
        return a;
    };
    auto t1 = Clock::now();
    // Which way up, decided before the one full read: Tesseract's layout analysis (no recognition)
    // finds the text lines, whose shape tells a page lying on its side from one standing; a few of
    // them are then read each of the two remaining ways, and the way that reads with more confidence
    // and more labels wins. Reading the whole page up to four times cost more than the read itself.
    bool sureOfTurn = false;  // the sample read clearly one way: no full reads the other ways
    const int firstQuads = [&] {
        // Layout on a copy at most 800 pixels across: lines are found as well, in a fraction of
        // the time.
        const int longSide = std::max(r.width, r.height);
        const float shrink = longSide > 800 ? 800.0f / static_cast<float>(longSide) : 1.0f;
        PixPtr small(shrink < 1.0f ? pixScale(norm.get(), shrink, shrink) : pixClone(norm.get()));
        std::vector<Box> boxes =
            small ? pool_.layout(small.get(), static_cast<int>(static_cast<float>(r.dpi) * shrink), method) : std::vector<Box>{};
        for (auto& b : boxes)
            b = {static_cast<int>(static_cast<float>(b.x) / shrink), static_cast<int>(static_cast<float>(b.y) / shrink),
                 static_cast<int>(static_cast<float>(b.w) / shrink), static_cast<int>(static_cast<float>(b.h) / shrink)};
        int standing = 0, lying = 0;
        for (auto& b : boxes) {
            int lo = std::min(b.w, b.h), hi = std::max(b.w, b.h);
            if (lo < 15 || hi < 3 * lo) continue;  // single characters, border strokes
            (b.h > b.w ? standing : lying) += 1;
        }
        const bool side = standing > lying;
        // A few short lines (a title, a label and its value): enough to tell, little to read.
        std::vector<Box> sample;
        for (auto& b : boxes) {
            int lo = std::min(b.w, b.h), hi = std::max(b.w, b.h);
            if (lo >= 15 && hi >= 3 * lo && hi <= 10 * lo && (b.h > b.w) == side) sample.push_back(b);
        }
        std::sort(sample.begin(), sample.end(), [](const Box& a, const Box& b) { return std::min(a.w, a.h) > std::min(b.w, b.h); });
        if (sample.size() > 3) sample.resize(3);
        const int pair[2] = {side ? 1 : 0, side ? 3 : 2};
        if (std::getenv("LGW_OCR_DEBUG"))
            std::fprintf(stderr, "layout: %zu lines, %s, %zu sampled, %d ms\n", boxes.size(), side ? "lying" : "standing",
                         sample.size(), msSince(t1));
        if (sample.empty()) return pair[0];
        // The sample read `quads` quarter turns clockwise: mean confidence plus 40 for each label of
        // any document, per line read. With `early`, stops at the first line that reads surely.
        auto readAt = [&](int quads, bool early) {
            double confidence = 0, score = 0;
            std::string seen;
            int n = 0;
            for (auto& b : sample) {
                BOX* box = boxCreate(b.x, b.y, b.w, b.h);
                PixPtr crop(pixClipRectangle(norm.get(), box, nullptr));
                boxDestroy(&box);
                if (!crop) continue;
                PixPtr turned(quads ? pixRotateOrth(crop.get(), quads) : pixClone(crop.get()));
                PixPtr framed(pixAddBorder(turned.get(), 8, 255));
                LineRead lr = pool_.readLine(framed.get(), r.dpi, Box{0, 0, pixGetWidth(framed.get()), pixGetHeight(framed.get())}, "");
                confidence += lr.confidence;
                seen += lr.text;
                ++n;
                const std::u32string text = labelText(seen);
                std::size_t labelsSeen = 0;
                for (auto& d : specs()) labelsSeen += findLabels(text, d).size();
                score = (confidence + 40.0 * static_cast<double>(labelsSeen)) / n;
                if (early && score >= 80) break;
            }
            if (std::getenv("LGW_OCR_DEBUG"))
                std::fprintf(stderr, "orientation +%d: %d lines read, score %.1f at %d ms: %s\n", quads * 90, n, score,
                             msSince(t1), seen.c_str());
            return score;
        };
        const double first = readAt(pair[0], true);
        if (first >= 80) {  // read with confidence and labels: no need to look the other way
            sureOfTurn = true;
            return pair[0];
        }
        const double second = readAt(pair[1], false);
        sureOfTurn = std::abs(second - first) >= 25;  // wrong ways scored 4 to 21, right ways 40 to 105
        return second > first ? pair[1] : pair[0];
    }();
    PixPtr upright(pixClone(norm.get()));  // as it arrived; `norm` becomes the page turned upright
    auto turnTo = [&](int quads) {
        PixPtr turned(quads ? pixRotateOrth(upright.get(), quads) : pixClone(upright.get()));
        return turned;
    };
    norm = turnTo(firstQuads);
    r.rotatedDegrees = firstQuads * 90;
    if (const char* dump = std::getenv("LGW_OCR_DUMP")) pixWrite(dump, norm.get(), IFF_PNG);  // development aid
    Attempt got = attempt(norm.get());
    // A page that reads as no document, or without most of its labels, may have lost its faint
    // strokes to the binarisation chosen: read it once with the other one and keep the better read.
    auto weight = [](const Attempt& a) { return a.score + a.page.meanConfidence / 100.0 - (a.vertical ? 1.0 : 0.0); };
    if (!got.clear()) {
        const int chosen = method;
        method = chosen == 2 ? 0 : 2;
        Attempt other = attempt(norm.get());
        if (std::getenv("LGW_OCR_DEBUG"))
            std::fprintf(stderr, "binarisation %s: %s score %.2f (was %.2f)\n", method == 2 ? "sauvola" : "otsu",
                         other.doc ? other.doc->type : "unknown", other.score, got.score);
        if (other.doc && (!got.doc || weight(other) > weight(got))) got = std::move(other);
        else method = chosen;
        r.binarisation = method == 2 ? "sauvola" : "otsu";
    }
    // When the page read the chosen way is no known document, or the sample left the way in doubt
    // and the page does not read clearly (most of its labels), try the other ways and keep the one
    // that reads best.
    if (!got.doc || (!sureOfTurn && !got.clear())) {
        std::vector<int> order;
        for (int q : {(firstQuads + 2) % 4, (firstQuads + 1) % 4, (firstQuads + 3) % 4}) order.push_back(q);
        for (int quads : order) {
            if (got.clear()) break;
            PixPtr turned = turnTo(quads);
            Attempt other = attempt(turned.get());
            // A page read the wrong way up still matches a label or a digit run now and then;
            // Tesseract is much surer of the right way up, so its mean confidence weighs in.
            if (std::getenv("LGW_OCR_DEBUG"))
                std::fprintf(stderr, "orientation +%d: %s score %.2f mean confidence %.0f (current %.2f/%.0f)\n",
                             quads * 90, other.doc ? other.doc->type : "unknown", other.score,
                             other.page.meanConfidence, got.score, got.page.meanConfidence);
            if (other.doc && (!got.doc || weight(other) > weight(got))) {
                got = std::move(other);
                norm = std::move(turned);
                r.rotatedDegrees = quads * 90;
            }
        }
    }
    r.width = pixGetWidth(norm.get());
    r.height = pixGetHeight(norm.get());
    r.ocrMs = msSince(t1);
    auto t2 = Clock::now();
    PageText& page = got.page;
    std::vector<Chars>& lines = got.lines;
    const DocSpec* doc = got.doc;
    r.hintContradicted = got.hintContradicted;
    r.docType = doc ? doc->type : "unknown";
    r.docTypeConfidence = static_cast<float>(std::min(1.0, got.score / 1.5));
    if (!doc) {
        r.extractMs = msSince(t2);
        return r;
    }

    // ---- extract ------------------------------------------------------------------------------------
    // By layout: every word of the page with its box; the words that make up labels; for each
    // field, the words beside its label on the same row (up to the next label or a wide gap), or
    // else the row below it; long values continue on the rows under them.
    struct PageWord {
        std::string text;
        Box box;
        float confidence;
        bool label = false;
        // Tesseract reports image regions (a photo, a seal, the background pattern) as words of
        // spaces with boxes as large as the page: never part of a value.
        bool blank() const { return text.find_first_not_of(' ') == std::string::npos; }
    };
    std::vector<PageWord> words;
    struct LabelAt {
        const FieldSpec* field;
        Box box;
    };
    std::vector<LabelAt> labels;
    // Lenient hits never displace exact ones (they rank last), so one lenient search per line
    // also says which fields the page labels exactly.
    std::vector<std::vector<Hit>> hitsOf;
    std::set<const FieldSpec*> labelledStrictly;
    for (auto& chars : lines) {
        hitsOf.push_back(findLabels(chars.text, *doc, true));
        for (auto& h : hitsOf.back())
            if (!h.lenient) labelledStrictly.insert(h.field);
    }
    for (std::size_t li = 0; li < lines.size(); ++li) {
        auto& chars = lines[li];
        std::size_t base = words.size();
        for (auto& w : page.lines[li].words) words.push_back({w.text, w.box, w.confidence});
        for (auto& h : hitsOf[li]) {
            if (h.lenient && labelledStrictly.count(h.field)) continue;
            Box b;
            for (std::size_t k = h.start; k < h.end; ++k) {
                words[base + chars.word[k]].label = true;
                b = unite(b, words[base + chars.word[k]].box);
            }
            labels.push_back({h.field, b});
        }
    }
    auto sameRow = [](const Box& a, const Box& b) {
        int top = std::max(a.y, b.y), bottom = std::min(a.bottom(), b.bottom());
        return bottom - top >= std::min(a.h, b.h) / 2;
    };
    // Labels the page read lost whole (Tesseract took a column of labels for something else and
    // kept only the values beside it): a line whose row holds no label left of it is read again
    // from the nearest text on its left (or a few characters' width) up to its start, and a label
    // found there for a field still without one starts that field.
    {
        std::set<const FieldSpec*> found;
        for (auto& l : labels) found.insert(l.field);
        for (auto& f : doc->fields)
            if (f.name == std::string_view("certificate_number")) found.insert(&f);  // a whole line, found apart
        // Titles are set larger than labels and values: not where a lost label hides.
        std::vector<int> heights;
        for (auto& l : page.lines)
            if (!l.words.empty()) heights.push_back(l.box.h);
        std::nth_element(heights.begin(), heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2), heights.end());
        const int typical = heights.empty() ? 0 : heights[heights.size() / 2];
        int rereads = 0;
        for (std::size_t li = 0; li < lines.size() && found.size() < doc->fields.size() && rereads < 6; ++li) {
            const TextLine& line = page.lines[li];
            if (line.words.empty() || lines[li].text.empty()) continue;
            const Box& b = line.box;
            if (b.h < 15 || b.w < 2 * b.h || b.h * 2 > typical * 3) continue;
            bool labelled = false;  // the line starts with a label, or the nearest text left of it is one
            for (auto& l : labels) labelled |= sameRow(l.box, b) && l.box.x <= b.x + b.h && l.box.right() >= b.x - 2 * b.h;
            int left = std::max(0, b.x - 12 * b.h);
            const PageWord* nearest = nullptr;
            for (auto& w : words)
                if (!w.blank() && sameRow(w.box, b) && w.box.right() < b.x - 4 && w.box.right() + 4 > left) {
                    left = w.box.right() + 4;
                    nearest = &w;
                }
            if (labelled || (nearest && nearest->label)) continue;
            if (b.x - 4 - left < 2 * b.h) continue;  // no room for a label
            Box region{left, std::max(0, b.y - b.h / 4), b.x - 4 - left, std::min(b.h * 3 / 2, r.height - std::max(0, b.y - b.h / 4))};
            ++rereads;
            LineRead again = pool_.readLine(norm.get(), r.dpi, region, "");
            if (std::getenv("LGW_OCR_DEBUG"))
                std::fprintf(stderr, "label reread @%d,%d %dx%d: %s (%.0f)\n", region.x, region.y, region.w, region.h,
                             again.text.c_str(), again.confidence);
            for (auto& h : findLabels(labelText(again.text), *doc, true))
                if (!found.count(h.field)) {
                    found.insert(h.field);
                    labels.push_back({h.field, region});
                    break;
                }
        }
    }
    if (std::getenv("LGW_OCR_DEBUG")) {  // development aid: what the page was read as
        for (auto& w : words)
            std::fprintf(stderr, "word %s%s @%d,%d %dx%d conf %.0f\n", w.label ? "[label] " : "", w.text.c_str(), w.box.x,
                         w.box.y, w.box.w, w.box.h, w.confidence);
        for (auto& l : labels) std::fprintf(stderr, "label %s @%d,%d %dx%d\n", l.field->name, l.box.x, l.box.y, l.box.w, l.box.h);
    }
    auto clean = [](std::string t) {
        // OCR reads the gap after a label as quotes or a colon, and a speck before a value as a full
        // stop or comma; values never start with any of them, nor end with quotes or colons.
        static const char* const kEdge[] = {"“", "”", "‘", "’", "\"", "'", "：", ":", "|", "_"};
        static const char* const kLeadOnly[] = {"。", "，", "、", ".", ","};
        for (bool again = true; again;) {
            again = false;
            t = trim(t);
            for (const char* j : kEdge)
                if (t.rfind(j, 0) == 0) t = t.substr(std::strlen(j)), again = true;
            for (const char* j : kLeadOnly)
                if (t.rfind(j, 0) == 0) t = t.substr(std::strlen(j)), again = true;
            for (const char* j : kEdge)
                if (t.size() >= std::strlen(j) && t.compare(t.size() - std::strlen(j), std::strlen(j), j) == 0)
                    t.resize(t.size() - std::strlen(j)), again = true;
        }
        return t;
    };
    // The words on `row`'s level right of x, left of the next label there, without wide gaps. The
    // row is followed word by word, each on the level of the one before it, so that a line rising
    // or falling across the page (skew left after deskewing) is kept whole.
    auto beside = [&](const Box& row, int x, std::vector<std::size_t>& picked) {
        std::vector<std::size_t> cand;
        for (std::size_t i = 0; i < words.size(); ++i) {
            const Box& b = words[i].box;
            if (!words[i].blank() && b.x >= x - 2 && b.bottom() > row.y - row.h && b.y < row.bottom() + row.h) cand.push_back(i);
        }
        std::sort(cand.begin(), cand.end(), [&](auto a, auto b) { return words[a].box.x < words[b].box.x; });
        int prevRight = x, gapLimit = std::max(row.h * 5, 60);
        Box level = row;
        for (auto i : cand) {
            if (!sameRow(words[i].box, level)) continue;
            if (words[i].label) break;
            if (words[i].box.x - prevRight > gapLimit && !picked.empty()) break;
            picked.push_back(i);
            prevRight = words[i].box.right();
            level = words[i].box;
        }
    };
    std::map<std::string, RawField> raw;
    auto collect = [&](const std::vector<std::size_t>& picked, RawField& f) {
        float sum = 0;
        int n = 0;
        for (auto i : picked) {
            appendTo(f.text, words[i].text);
            f.box = unite(f.box, words[i].box);
            sum += words[i].confidence;
            ++n;
        }
        f.confidence = n ? sum / static_cast<float>(n) : 0;
    };
    for (auto& l : labels) {
        if (raw.count(l.field->name)) continue;
        std::vector<std::size_t> picked;
        beside(l.box, l.box.right(), picked);
        RawField f;
        collect(picked, f);
        if (clean(f.text).empty()) {
            // Below the label (the 2019 licence prints the credit code under it).
            picked.clear();
            std::size_t first = words.size();
            for (std::size_t i = 0; i < words.size(); ++i)
                if (!words[i].label && !words[i].blank() && words[i].box.y >= l.box.bottom() - 2 && words[i].box.y <= l.box.bottom() + 2 * l.box.h &&
                    words[i].box.right() >= l.box.x && (first == words.size() || words[i].box.x < words[first].box.x))
                    first = i;
            if (first < words.size()) beside(words[first].box, words[first].box.x, picked);
            f = RawField{};
            collect(picked, f);
        }
        if (l.field->kind == Kind::kLongText && f.box.w > 0) {
            f.rowBoxes.push_back(f.box);
            std::set<std::size_t> taken(picked.begin(), picked.end());  // a row is never read twice
            // Continuation rows: under the value, starting near its left edge, no label on them.
            for (int row = 0; row < 4; ++row) {
                std::size_t next = words.size();
                for (std::size_t i = 0; i < words.size(); ++i) {
                    auto& w = words[i].box;
                    if (words[i].blank() || taken.count(i)) continue;
                    if (w.y > f.box.bottom() - f.box.h / 4 && w.y < f.box.bottom() + f.box.h * 3 / 2 &&
                        std::abs(w.x - f.box.x) < f.box.h && (next == words.size() || w.x < words[next].box.x))
                        next = i;
                }
                if (next == words.size() || words[next].label) break;
                bool labelledRow = false;  // the next field's value, its label further left
                for (auto& other : labels) labelledRow |= sameRow(other.box, words[next].box);
                if (labelledRow) break;
                std::vector<std::size_t> more;
                beside(words[next].box, words[next].box.x, more);
                std::erase_if(more, [&](std::size_t i) { return taken.count(i) > 0; });
                if (more.empty()) break;
                {
                    // A row holding a long code (a unit number, a credit code) is its own field, not
                    // the rest of an address.
                    std::string rowText;
                    for (auto i : more) rowText += words[i].text;
                    static const std::regex longCode(R"([0-9A-Z]{12,})");
                    if (std::regex_search(rowText, longCode)) break;
                }
                taken.insert(more.begin(), more.end());
                RawField tail;
                collect(more, tail);
                f.text += tail.text;
                f.box = unite(f.box, tail.box);
                f.rowBoxes.push_back(tail.box);
                ++f.rows;
                f.confidence = std::min(f.confidence, tail.confidence);
            }
        }
        f.text = clean(f.text);
        if (f.text.empty()) continue;
        raw[l.field->name] = f;
        // id_card_back: one 有效期限 row carries both dates.
        if (std::string(l.field->name) == "valid_from") raw["valid_to"] = f;
    }
    if (r.docType == "id_card_back") {
        if (raw.count("valid_to") && !raw.count("valid_from")) raw["valid_from"] = raw["valid_to"];
        if (raw.count("valid_from") && !raw.count("valid_to")) raw["valid_to"] = raw["valid_from"];
    }
    // A code whose label was not read: the code's own shape on any line, else a line Tesseract
    // found but could not read (a patterned background, a photo) read again on its own.
    auto codeIn = [](const std::string& text, Kind kind) -> std::string {
        std::string compact;
        for (char c : text)
            if (std::isalnum(static_cast<unsigned char>(c))) compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        std::smatch m;  // compact is upper case: the ID shape's lower-case x never matters here
        if (std::regex_search(compact, m, kind == Kind::kIdNumber ? idShape() : kind == Kind::kCreditCode ? creditShape() : unitShape()))
            return m.str();
        return {};
    };
    for (auto& spec : doc->fields) {
        if (std::string(spec.name) == "unit_number" && !raw.count(spec.name)) {
            for (auto& l : page.lines)
                if (auto code = codeIn(l.text, Kind::kText); !code.empty()) {
                    raw[spec.name] = RawField{code, l.box, l.confidence, true};
                    break;
                }
            continue;
        }
        if ((spec.kind != Kind::kIdNumber && spec.kind != Kind::kCreditCode) || raw.count(spec.name)) continue;
        for (auto& l : page.lines)
            if (auto code = codeIn(l.text, spec.kind); !code.empty()) {
                raw[spec.name] = RawField{code, l.box, l.confidence, true};
                break;
            }
        if (raw.count(spec.name)) continue;
        int rereads = 0;
        for (auto& l : page.lines) {
            bool blank = std::none_of(l.words.begin(), l.words.end(), [](const Word& w) {
                return std::any_of(w.text.begin(), w.text.end(), [](char c) { return c != ' '; });
            });
            const Box& b = l.box;
            bool lineShaped = b.w > 3 * b.h && b.h >= 20;  // not the page's border strokes
            if (!blank || !lineShaped || ++rereads > 4) continue;
            LineRead again = pool_.readLine(norm.get(), r.dpi, b, "");
            if (std::getenv("LGW_OCR_DEBUG"))
                std::fprintf(stderr, "reread @%d,%d %dx%d: %s (%.0f)\n", b.x, b.y, b.w, b.h, again.text.c_str(), again.confidence);
            if (auto code = codeIn(again.text, spec.kind); !code.empty()) {
                raw[spec.name] = RawField{code, b, again.confidence, true};
                break;
            }
        }
        // The ID card prints its number alone on the last row, right of its label: read that band.
        if (!raw.count(spec.name) && r.docType == "id_card_front") {
            Box band{r.width / 4, r.height * 3 / 4, r.width - r.width / 4, r.height - r.height * 3 / 4};
            for (const char* wl : {"0123456789X", ""}) {
                LineRead again = pool_.readLine(norm.get(), r.dpi, band, wl);
                if (std::getenv("LGW_OCR_DEBUG")) std::fprintf(stderr, "band read: %s (%.0f)\n", again.text.c_str(), again.confidence);
                if (auto code = codeIn(again.text, spec.kind); !code.empty()) {
                    raw[spec.name] = RawField{code, band, again.confidence, true};
                    break;
                }
            }
        }
    }

    // The back of an ID card prints its period of validity as one range, a shape nothing else on it
    // has: found on any line when its label was misread.
    if (r.docType == "id_card_back" && !raw.count("valid_from"))
        for (auto& l : page.lines) {
            std::string compact;
            for (auto& w : l.words) compact += w.text;
            static const std::regex range(R"((\d{4}[.\-]\d{2}[.\-]\d{2})\D{0,3}?(\d{4}[.\-]\d{2}[.\-]\d{2}|长期))");
            std::smatch m;
            if (!std::regex_search(compact, m, range)) continue;
            RawField f{m[1].str() + "-" + m[2].str(), l.box, l.confidence, true};
            raw["valid_from"] = f;
            raw["valid_to"] = f;
            break;
        }

    // The property certificate's number is a whole line: 京(2019)西城区不动产权第0001234号.
    if (r.docType == "property_certificate")
        for (auto& l : page.lines) {
            auto t = toU32(l.text);
            auto at = t.find(U"不动产权第");
            if (at == std::u32string::npos) continue;
            // 第, the serial number, 号: the closing 号 is part of the format, so a misread of it
            // (与) is restored, and said so.
            std::u32string compact;
            for (char32_t ch : t.substr(0, at + 5))
                if (ch != U' ') compact += ch;
            std::size_t end = at + 5;
            for (; end < t.size() && (t[end] == U' ' || (t[end] >= U'0' && t[end] <= U'9')); ++end)
                if (t[end] != U' ') compact += t[end];
            if (compact.size() == at + 5 || compact.back() < U'0' || compact.back() > U'9') continue;  // no serial number
            RawField f{clean(toU8(compact)) + "号", l.box, l.confidence};
            if (end >= t.size() || t[end] != U'号') {
                f.restored = "the format's closing 号 restored";
                f.restoredFrom = toU8(compact) + toU8(t.substr(end, 1));
            }
            raw["certificate_number"] = f;
            break;
        }

    auto padded = [&](const Box& b) {
        Box region{std::max(0, b.x - 6), std::max(0, b.y - 6), b.w + 12, b.h + 12};
        region.w = std::min(region.w, r.width - region.x);
        region.h = std::min(region.h, r.height - region.y);
        return region;
    };
    auto finish = [&](const std::string& name, FieldResult fr) {
        if (fr.status == FieldStatus::kOk && fr.confidence < options_.reviewBelow) {
            fr.status = FieldStatus::kNeedsReview;
            fr.note = "low confidence";
        }
        r.fields[name] = std::move(fr);
    };

    for (auto& spec : doc->fields) {
        const std::string field = spec.name;
        auto it = raw.find(field);
        if (it == raw.end()) {
            FieldResult missing;
            missing.note = "not found on the page";
            r.fields[spec.name] = missing;
            continue;
        }
        const RawField& f = it->second;
        FieldResult fr;
        fr.box = f.box;
        fr.confidence = f.confidence / 100.0f;
        fr.value = f.text;
        fr.status = FieldStatus::kOk;
        if (!f.restored.empty()) {
            fr.status = FieldStatus::kCorrected;
            fr.raw = f.restoredFrom;
            fr.note = f.restored;
        }
        switch (spec.kind) {
            case Kind::kCreditCode:
            case Kind::kIdNumber: {
                const CodeKind ck = spec.kind == Kind::kCreditCode ? CodeKind::kCreditCode : CodeKind::kIdNumber;
                const std::string whitelist =
                    ck == CodeKind::kIdNumber ? "0123456789X" : "0123456789ABCDEFGHJKLMNPQRTUWXY";
                Box region = padded(f.box);
                // A whole line holds its label too: restricted to code characters, that reads as noise.
                LineRead strict = f.wholeLine ? LineRead{} : pool_.readLine(norm.get(), r.dpi, region, whitelist);
                CodeRepair fromStrict = repairCode(ck, strict.text, today);
                CodeRepair fromFree = repairCode(ck, f.text, today);
                const CodeRepair* pick = f.wholeLine ? &fromFree : &fromStrict;
                if (fromStrict.status != FieldStatus::kOk && fromFree.status == FieldStatus::kOk) pick = &fromFree;
                else if (fromStrict.status == FieldStatus::kNeedsReview && fromFree.status == FieldStatus::kCorrected)
                    pick = &fromFree;
                // Both reads one character too long: when dropping one character passes the check
                // in exactly one way common to both, that is the code.
                CodeRepair dropped;
                if (pick->status == FieldStatus::kNeedsReview && !f.wholeLine) {
                    auto a = oneDropCandidates(ck, strict.text, today), b = oneDropCandidates(ck, f.text, today);
                    std::vector<std::string> both;
                    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
                    if (both.size() == 1) {
                        dropped.value = both.front();
                        dropped.raw = fromFree.raw;
                        dropped.status = FieldStatus::kCorrected;
                        dropped.reason = "both reads hold one character too many; dropping it passes the check the same way in both";
                        pick = &dropped;
                    }
                }
                fr.value = pick->value;
                fr.status = pick->status;
                fr.note = pick->reason;
                if (pick->status == FieldStatus::kCorrected) fr.raw = pick->raw;
                if (pick == &fromStrict) fr.confidence = std::max(fr.confidence, strict.confidence / 100.0f);
                if (pick->status == FieldStatus::kCorrected) fr.confidence = std::max(fr.confidence, options_.reviewBelow);
                r.checks.push_back({ck == CodeKind::kIdNumber ? "id_number_checksum" : "credit_code_checksum",
                                    pick->status == FieldStatus::kOk          ? "pass"
                                    : pick->status == FieldStatus::kCorrected ? "corrected"
                                                                              : "fail"});
                break;
            }
            case Kind::kDate:
            case Kind::kValidTo: {
                // Read again as one line of date characters; keep the unrestricted read if that fails.
                std::string text = f.text;
                // (Not a whole line found by its shape: its label would read as noise.)
                LineRead strict = f.wholeLine ? LineRead{} : pool_.readLine(norm.get(), r.dpi, padded(f.box), "0123456789.-年月日至长期");
                auto strictDates = strict.text;
                if (!normaliseDate(strictDates).empty() && strict.confidence / 100.0f > fr.confidence) {
                    text = strictDates;
                    fr.confidence = strict.confidence / 100.0f;
                }
                // "2016.01.01-2036.01.01": from before the dash, to after it.
                auto dash = text.find_first_of("-~至");
                if (field == "valid_from" && dash != std::string::npos) text = text.substr(0, dash);
                if (spec.kind == Kind::kValidTo) {
                    auto cut = text.find_last_of("-~");
                    if (text.find("长期") == std::string::npos && cut != std::string::npos && cut > 4)
                        text = text.substr(cut + 1);
                    else if (auto zhi = text.find("至"); zhi != std::string::npos)
                        text = text.substr(zhi + 3);
                }
                std::string d = normaliseDate(text);
                if (d.empty()) {
                    fr.status = FieldStatus::kNeedsReview;
                    fr.note = "not a date";
                } else if (d != f.text) {
                    fr.raw = f.text;
                }
                fr.value = d.empty() ? f.text : d;
                break;
            }
            case Kind::kSex:
                if (f.text.find("男") != std::string::npos) fr.value = "男";
                else if (f.text.find("女") != std::string::npos) fr.value = "女";
                else {
                    fr.status = FieldStatus::kNeedsReview;
                    fr.note = "neither 男 nor 女";
                }
                break;
            default: {
                // Free text has no check character: read a one-row value again on its own (single-line
                // segmentation, the region alone) and flag it when the two reads disagree, so that a
                // confident misread (140 for 14栋) goes to a person instead of passing as ok.
                if (field == "unit_number") {
                    // 不动产单元号 (GB/T 37346): 6 digits of region, 6 of cadastral zone, 2 letters of
                    // land kind, 5 digits of parcel, F/L/Q/W and 8 digits of the unit. A read of that
                    // shape stands; otherwise a read restricted to letters and digits may supply it.
                    if (!std::regex_match(comparable(f.text), unitShape())) {
                        LineRead again = pool_.readLine(norm.get(), r.dpi, padded(f.box), "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ");
                        std::string second = comparable(clean(again.text));
                        if (std::regex_match(second, unitShape())) {
                            fr.raw = f.text;
                            fr.value = second;
                            fr.status = FieldStatus::kCorrected;
                            fr.note = "format of GB/T 37346 restored by a letters-and-digits read";
                        } else {
                            fr.status = FieldStatus::kNeedsReview;
                            fr.note = "not the 28-character unit number of GB/T 37346";
                        }
                    }
                } else if (!f.wholeLine && f.restored.empty() && fr.status == FieldStatus::kOk) {
                    // Of two differing reads the one Tesseract is surer of is offered (the region
                    // read alone is right more often than the page read, and less often sure).
                    std::string second;
                    float secondConfidence = 0;
                    std::vector<Box> rows = f.rows == 1 ? std::vector<Box>{f.box} : f.rowBoxes;
                    // A character or two the page read dropped at the value's end (blurred, faint)
                    // is still on the page: the last row is read a little further right.
                    if (!rows.empty()) rows.back().w = std::min(rows.back().w + rows.back().h * 3 / 2, r.width - rows.back().x);
                    for (auto& row : rows) {
                        LineRead again = pool_.readLine(norm.get(), r.dpi, padded(row), "");
                        second += again.text;
                        secondConfidence += again.confidence / 100.0f / static_cast<float>(rows.size());
                    }
                    second = clean(second);
                    if (comparable(second) != comparable(f.text)) {
                        fr.status = FieldStatus::kNeedsReview;
                        if (!second.empty() && secondConfidence > fr.confidence) {
                            fr.note = "a second read differs: " + fr.value;
                            fr.value = second;
                            fr.confidence = secondConfidence;
                        } else {
                            fr.note = "a second read differs: " + second;
                        }
                    }
                    // 民族 is one of the 56 ethnic groups: a read that is none of them is read again
                    // with their characters only, and a group read that way is offered.
                    if (field == "ethnicity" && !isEthnicGroup(fr.value)) {
                        static const std::string kChars = [] {
                            std::set<char32_t> cs;
                            for (auto& g : ethnicGroups())
                                for (char32_t c : toU32(g)) cs.insert(c);
                            return toU8(std::u32string(cs.begin(), cs.end()));
                        }();
                        const std::string again = comparable(clean(pool_.readLine(norm.get(), r.dpi, padded(f.box), kChars).text));
                        if (isEthnicGroup(again)) {
                            fr.raw = fr.value;
                            fr.value = again;
                            fr.status = FieldStatus::kCorrected;
                            fr.note = "none of the 56 ethnic groups as read; read again with their characters only";
                            fr.confidence = std::max(fr.confidence, options_.reviewBelow);
                        } else if (const std::string near = nearestEthnicGroup(fr.value); !near.empty()) {
                            fr.raw = fr.value;
                            fr.value = near;
                            fr.status = FieldStatus::kCorrected;
                            fr.note = "none of the 56 ethnic groups as read; one character from " + near;
                            fr.confidence = std::max(fr.confidence, options_.reviewBelow);
                        } else {
                            fr.status = FieldStatus::kNeedsReview;
                            fr.note = "none of the 56 ethnic groups";
                        }
                    }
                    // 类型 is one of the registered enterprise types: when both reads come nearest
                    // to the same one, that is the value (corrected unless both read it exactly).
                    if (field == "company_type") {
                        const std::string a = registeredEnterpriseType(f.text), b = registeredEnterpriseType(second);
                        if (!a.empty() && (a == b || b.empty())) {
                            if (comparable(f.text) != comparable(a) || comparable(second) != comparable(a)) {
                                fr.raw = f.text;
                                fr.value = a;
                                fr.status = b.empty() ? FieldStatus::kNeedsReview : FieldStatus::kCorrected;
                                fr.note = b.empty() ? "the nearest registered enterprise type to one of two reads"
                                                    : "the nearest registered enterprise type to both reads";
                                if (!b.empty()) fr.confidence = std::max(fr.confidence, options_.reviewBelow);
                            }
                        } else if (a.empty() && !b.empty()) {
                            fr.raw = f.text;
                            fr.value = b;
                            fr.status = FieldStatus::kNeedsReview;
                            fr.note = "the nearest registered enterprise type to one of two reads";
                        }
                    }
                }
                break;
            }
        }
        // Misreads both reads share: an address whose house number follows no road, lane or village
        // (测试埠 for 测试巷), and an address or issuing authority that begins with the word ending a
        // place's name (市西城区…: 北京 lost at the start).
        if ((field == "address" || field == "location" || field == "issuer") && fr.status != FieldStatus::kNeedsReview) {
            const std::string doubt = field == "issuer" ? placeStartDoubt(fr.value) : addressDoubt(fr.value);
            if (!doubt.empty()) {
                fr.status = FieldStatus::kNeedsReview;
                fr.note = doubt;
            }
        }
        finish(spec.name, std::move(fr));
    }

    // Cross-field checks on an ID card: the number carries the birth date and the sex.
    if (r.docType == "id_card_front") {
        auto& id = r.fields["id_number"];
        // A number whose check character holds (as read or repaired) carries them, even when its
        // read was too unsure to pass unreviewed.
        const bool checked = std::any_of(r.checks.begin(), r.checks.end(), [](const Check& c) {
            return c.name == "id_number_checksum" && c.result != "fail";
        });
        if (checked && id.value.size() == 18) {
            std::string born = id.value.substr(6, 4) + "-" + id.value.substr(10, 2) + "-" + id.value.substr(12, 2);
            auto& bd = r.fields["birth_date"];
            bool birthOk = bd.value == born;
            r.checks.push_back({"birth_date_matches_id", birthOk ? "pass" : "fail"});
            // On a mismatch the ID number's value is offered (its check character passed, so it is
            // the likelier one), the read kept as raw, and a person still confirms it.
            auto offer = [](FieldResult& f, const std::string& fromId) {
                f.note = (f.value.empty() ? std::string("not read") : "read as " + f.value) + "; the ID number says " + fromId;
                if (!f.value.empty()) f.raw = f.value;
                f.value = fromId;
                f.status = FieldStatus::kNeedsReview;
            };
            if (!birthOk) offer(bd, born);
            std::string sex = (id.value[16] - '0') % 2 ? "男" : "女";
            auto& sx = r.fields["sex"];
            bool sexOk = sx.value == sex;
            r.checks.push_back({"sex_matches_id", sexOk ? "pass" : "fail"});
            if (!sexOk) offer(sx, sex);
        } else {
            r.checks.push_back({"birth_date_matches_id", "skipped"});
            r.checks.push_back({"sex_matches_id", "skipped"});
        }
    }
    r.extractMs = msSince(t2);
    return r;
}

}  // namespace lgw::ocr
