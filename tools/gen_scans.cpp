// Synthetic front-desk scans with ground truth, for OCR tests and benchmarks. Every holder is made
// up (random names from a fixed character list, fictitious roads, codes with valid check
// characters); the divisions are real GB/T 2260 codes and names, as every certificate prints one.
//
//   lgw-gen-scans --out DIR [--count N] [--seed S] [--types a,b] [--degrade none|mild|heavy|photo]
//                 [--split dev|heldout]
//
// Writes DIR/<n>-<type>.<png|jpg> and DIR/truth.json: [{file, type, font, fields{...}, degradations{...}}].
//
// Two splits that share nothing a change could be tuned on: `dev` (the default) and `heldout` draw
// their Chinese faces, number faces, divisions, road words, background patterns, watermark texts
// and photo backgrounds from disjoint pools (bench/ocr_bench.sh says when a held-out set is run;
// once its failures are studied its pools join `dev` and `heldout` gets new ones — makeSplit).
// Both draw the formats real certificates print: registered capital in financial numerals or digits
// (人民币壹仟万元整, 伍佰万元整, 500万元人民币), the three 面积 forms, compound surnames, ID addresses
// over three lines, 营业期限 长期, letter-spaced labels (名　　称) in the older single-column licence.
//
// Degradations: `mild` 150-300 DPI, skew up to 3°, noise, JPEG 65-90, the licence's seal; `heavy`
// also quarter and half turns, blur, uneven light, JPEG from 45; `photo` the sheet photographed on
// a desk or a grey cloth: a shadow, perspective up to 4 %, uneven light, a colour cast, guilloche
// background, tiled diagonal text at 10-25 % opacity, a company seal over an ID copy, blur,
// JPEG 35-85, 150-300 DPI.
#include <leptonica/allheaders.h>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "imaging/canvas.hpp"
#include "security/identity_codes.hpp"

namespace json = boost::json;
using lgw::imaging::Canvas;
using lgw::imaging::Font;
using lgw::imaging::Rgb;

namespace {

std::mt19937 rng;
int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
double uniformReal(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
bool chance(double p) { return uniformReal(0, 1) < p; }
template <class T>
const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(uniform(0, static_cast<int>(v.size()) - 1))]; }

// ---- what a split draws from --------------------------------------------------------------------

struct Division {
    std::string code, province, city, district, abbreviation;  // province empty for a municipality
    std::string full() const { return province + city + district; }
    std::string districtShort() const {  // 西城区 -> 西城, 浦东新区 -> 浦东 (as 公安局…分局 prints it)
        for (std::string suffix : {"新区", "区"})
            if (district.size() > suffix.size() && district.ends_with(suffix)) return district.substr(0, district.size() - suffix.size());
        return district;
    }
};

struct FaceFile {
    std::string path, family;  // family empty: the file's first face
};

enum class Guilloche { kRosettes, kWaves, kLissajous };
enum class Background { kWood, kCloth, kSlate };

struct Split {
    std::vector<FaceFile> chinese, numbers;
    std::vector<Division> divisions;
    std::vector<std::string> roadStems, roadWords, watermarks;
    Guilloche guilloche = Guilloche::kRosettes;
    Background background = Background::kWood;
    bool alsoSetOne = false;  // the development split also draws held-out set 1's waves and cloth
};

Split makeSplit(const std::string& name) {
    Split s;
    const std::string noto = "/usr/share/fonts/opentype/noto/";
    if (name == "heldout") {
        // Held-out set 2 (2026-12-03): faces, number faces, divisions, road words, watermark texts,
        // a guilloche and a background no change was made against. Set 1's pools (Noto Serif and
        // Bold, AR PL SungtiL and KaitiM, Droid; Noto Sans Mono, Liberation Mono; eight divisions)
        // were studied after their one run and joined the development split.
        s.chinese = {{noto + "NotoSansCJK-Light.ttc", "Noto Sans CJK SC"},
                     {noto + "NotoSansCJK-Medium.ttc", "Noto Sans CJK SC"},
                     {noto + "NotoSerifCJK-Light.ttc", "Noto Serif CJK SC"},
                     {noto + "NotoSerifCJK-SemiBold.ttc", "Noto Serif CJK SC"},
                     {noto + "NotoSansCJK-DemiLight.ttc", "Noto Sans CJK SC"}};
        s.numbers = {{"/usr/share/fonts/truetype/freefont/FreeMono.ttf", ""}, {"/usr/share/fonts/truetype/hack/Hack-Regular.ttf", ""}};
        s.divisions = {{"130102", "河北省", "石家庄市", "长安区", "冀"},   {"140105", "山西省", "太原市", "小店区", "晋"},
                       {"210102", "辽宁省", "沈阳市", "和平区", "辽"},     {"220102", "吉林省", "长春市", "南关区", "吉"},
                       {"230102", "黑龙江省", "哈尔滨市", "道里区", "黑"}, {"340102", "安徽省", "合肥市", "瑶海区", "皖"},
                       {"360102", "江西省", "南昌市", "东湖区", "赣"},     {"450102", "广西壮族自治区", "南宁市", "兴宁区", "桂"},
                       {"530102", "云南省", "昆明市", "五华区", "云"},     {"620102", "甘肃省", "兰州市", "城关区", "甘"}};
        s.roadStems = {"拟真", "样板", "设想", "虚拟", "演练", "模型"};
        s.roadWords = {"街", "路", "坊", "大道", "巷", "村"};
        s.watermarks = {"本复印件仅用于供电报装 他用无效", "仅供办理新装增容使用"};
        s.guilloche = Guilloche::kLissajous;
        s.background = Background::kSlate;
    } else {
        s.chinese = {{"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", ""},
                     {"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", ""},
                     {"/usr/share/fonts/truetype/arphic/uming.ttc", ""},
                     {noto + "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"},
                     {"/usr/share/fonts/truetype/arphic/ukai.ttc", ""},
                     // held-out set 1's, studied
                     {noto + "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"},
                     {noto + "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"},
                     {noto + "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"},
                     {"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", ""},
                     {"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf", ""},
                     {"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", ""}};
        s.numbers = {{"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", ""},
                     {"/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf", ""},
                     {"/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf", ""}};
        s.divisions = {{"110102", "", "北京市", "西城区", "京"},     {"110105", "", "北京市", "朝阳区", "京"},
                       {"310115", "", "上海市", "浦东新区", "沪"},   {"440106", "广东省", "广州市", "天河区", "粤"},
                       {"330106", "浙江省", "杭州市", "西湖区", "浙"}, {"510107", "四川省", "成都市", "武侯区", "川"},
                       {"420106", "湖北省", "武汉市", "武昌区", "鄂"},
                       {"120101", "", "天津市", "和平区", "津"},     {"320102", "江苏省", "南京市", "玄武区", "苏"},
                       {"370102", "山东省", "济南市", "历下区", "鲁"}, {"610113", "陕西省", "西安市", "雁塔区", "陕"},
                       {"500103", "", "重庆市", "渝中区", "渝"},     {"350203", "福建省", "厦门市", "思明区", "闽"},
                       {"430104", "湖南省", "长沙市", "岳麓区", "湘"}, {"410105", "河南省", "郑州市", "金水区", "豫"}};
        s.roadStems = {"演示", "样例", "合成", "模拟", "测试", "示意", "示范", "虚构", "样本", "仿真", "试验", "假设", "范例"};
        s.roadWords = {"大道", "路", "街", "胡同", "巷", "大街", "里", "弄", "村", "道"};
        s.watermarks = {"仅限办理业扩报装使用", "仅限办理供电业务使用 再次复印无效", "仅限办理用电业务使用 他用无效",
                        "复印件仅供办理业扩报装", "此复印件仅限办理用电申请使用"};
        s.guilloche = Guilloche::kRosettes;  // and set 1's waves: one or the other a page
        s.background = Background::kWood;    // and set 1's cloth
        s.alsoSetOne = true;
    }
    return s;
}

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱",
                                            "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "董"};
const std::vector<std::string> kCompoundSurnames = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙"};
const std::vector<std::string> kGiven = {"安", "宁", "思", "远", "明", "华", "建", "国", "文", "静", "丽", "伟", "芳", "强", "磊",
                                         "洋", "秀", "英", "晓", "婷", "俊", "杰", "玉", "兰", "志", "勇", "慧", "敏", "霞", "峰",
                                         "鑫", "宇", "浩", "娟", "燕", "琳", "淑", "桂", "春", "海"};
const std::vector<std::string> kEthnic = {"汉", "汉", "汉", "回", "满", "壮", "苗", "蒙古", "维吾尔", "土家", "朝鲜", "彝"};
const std::vector<std::string> kTrades = {"食品加工", "机械制造", "商贸", "电子科技", "建材", "物流", "新能源", "医疗器械"};
const std::vector<std::string> kCompanyTypes = {"有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)", "有限责任公司(法人独资)",
                                                "股份有限公司(非上市、自然人投资或控股)", "个人独资企业"};
const std::vector<std::string> kUsages = {"城镇住宅用地/住宅", "商服用地/商业", "工业用地/工业", "城镇住宅用地/成套住宅"};

std::string personName() {
    std::string surname = chance(0.12) ? pick(kCompoundSurnames) : pick(kSurnames);
    return surname + pick(kGiven) + (chance(0.6) ? pick(kGiven) : "");
}

std::string road(const Split& s) { return pick(s.roadStems) + pick(s.roadWords); }

std::string address(const Split& s, const Division& d) {
    std::string head = d.full() + road(s) + std::to_string(uniform(1, 399)) + "号";
    switch (uniform(0, 2)) {
        case 0: return head + std::to_string(uniform(1, 30)) + "栋" + std::to_string(uniform(101, 2408)) + "室";
        case 1: return head + std::to_string(uniform(1, 12)) + "号楼" + std::to_string(uniform(1, 6)) + "单元" +
                       std::to_string(uniform(101, 1808)) + "号";
        default: return head + "院内" + std::to_string(uniform(1, 9)) + "号楼";
    }
}

std::string idNumber(const Division& d, const std::string& born, bool male) {
    std::string first17 = d.code + born + std::to_string(uniform(10, 99)) + std::to_string(uniform(0, 4) * 2 + (male ? 1 : 0));
    return first17 + lgw::security::idNumberCheckChar(first17);
}

std::string creditCode(const Division& d) {
    static const std::string alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    std::string org;
    for (int i = 0; i < 8; ++i) org += alpha[static_cast<std::size_t>(uniform(0, chance(0.3) ? 30 : 9))];
    org += lgw::security::organisationCodeCheckChar(org);
    std::string first17 = "91" + d.code + org;
    return first17 + lgw::security::creditCodeCheckChar(first17);
}

std::string date(int y, int m, int d) {
    char b[48];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
    return b;
}
std::string cnDate(const std::string& iso) {  // 2016-01-05 -> 2016年01月05日
    return iso.substr(0, 4) + "年" + iso.substr(5, 2) + "月" + iso.substr(8, 2) + "日";
}
std::string dotDate(const std::string& iso) { return iso.substr(0, 4) + "." + iso.substr(5, 2) + "." + iso.substr(8, 2); }

// 1 <= n <= 9999 in financial numerals as capital is printed: 1010 -> 壹仟零壹拾, 10 -> 壹拾.
std::string financial(int n) {
    static const char* digit[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
    static const char* unit[] = {"仟", "佰", "拾", ""};
    const int d[4] = {n / 1000, n / 100 % 10, n / 10 % 10, n % 10};
    std::string out;
    bool zero = false, started = false;
    for (int i = 0; i < 4; ++i) {
        if (d[i] == 0) {
            zero = started;
            continue;
        }
        if (zero) out += "零";
        out += std::string(digit[d[i]]) + unit[i];
        zero = false;
        started = true;
    }
    return out;
}

struct Capital {
    std::string printed, yuan;
};
Capital capital() {
    static const std::vector<int> round = {10, 30, 50, 100, 200, 300, 500, 800, 1000, 1200, 2000, 3000, 5000, 8000};
    int wan = chance(0.5) ? pick(round) : uniform(1, 999) * (chance(0.5) ? 10 : 1);
    std::string yuan = std::to_string(static_cast<long long>(wan) * 10000);
    switch (uniform(0, 4)) {
        case 0: return {"人民币" + financial(wan) + "万元整", yuan};
        case 1: return {financial(wan) + "万元整", yuan};
        case 2: return {std::to_string(wan) + "万元人民币", yuan};
        case 3: return {financial(wan) + "万元", yuan};
        default: return {std::to_string(wan) + "万元", yuan};
    }
}

struct Area {
    std::string printed, building;
};
Area area() {
    std::string building = std::to_string(uniform(30, 260)) + "." + std::to_string(uniform(10, 99));
    switch (uniform(0, 3)) {
        case 0: return {"共有宗地面积" + std::to_string(uniform(800, 25000)) + "." + std::to_string(uniform(10, 99)) + "㎡/房屋建筑面积" +
                            building + "㎡",
                        building};
        case 1: return {"房屋建筑面积" + building + "平方米", building};
        case 2: return {building + "m²", building};
        default: return {building + "平方米", building};
    }
}

// Cuts UTF-8 text into lines at most `per` Chinese characters wide, a digit or a Latin letter
// counting half (a cut inside a character draws nothing).
std::vector<std::string> wrap(const std::string& s, int per) {
    std::vector<std::string> lines;
    std::string line;
    int halves = 0;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len = 1;
        while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
        const int w = len == 1 ? 1 : 2;
        if (halves + w > 2 * per) {
            lines.push_back(line);
            line.clear();
            halves = 0;
        }
        line += s.substr(i, len);
        halves += w;
        i += len;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

std::string spaced(const std::string& label) {  // 名称 -> 名　　称 (the older licences space two-character labels)
    auto chars = wrap(label, 1);
    return chars.size() == 2 ? chars[0] + "　　" + chars[1] : label;
}

const Rgb kInk{20, 20, 25}, kLabel{60, 70, 110}, kPaper{246, 245, 238}, kSealRed{200, 30, 30};

struct Faces {
    Font& text;
    Font& digits;  // the number face codes and dates are printed in (may be the text face)
};

struct Doc {
    std::string type;
    json::object fields;
    Canvas canvas{1, 1, kPaper};
    bool idCopy = false;  // an ID card photocopied on paper: a company's seal may sit over it
};

void seal(Canvas& c, Font& f, int cx, int cy, int r, const std::string& text, std::uint8_t alpha = 150) {
    for (int t = 0; t < 6; ++t)
        for (int a = 0; a < 720; ++a) {
            double rad = a * M_PI / 360.0;
            c.fillRect(cx + static_cast<int>((r - t) * std::cos(rad)), cy + static_cast<int>((r - t) * std::sin(rad)), 2, 2, kSealRed,
                       alpha);
        }
    c.drawText(f, cx - r / 4, cy + r / 6, "★", r / 2, kSealRed, alpha);
    // The seal's text along its upper arc, one character at a time.
    auto chars = wrap(text, 1);
    const int size = r / 4;
    const double span = std::min(1.5 * M_PI, 1.1 * size * static_cast<double>(chars.size()) / (r - size - 10));
    for (std::size_t i = 0; i < chars.size(); ++i) {
        double a = 1.5 * M_PI - span / 2 + span * (static_cast<double>(i) + 0.5) / static_cast<double>(chars.size());
        int x = cx + static_cast<int>((r - size - 10) * std::cos(a)) - size / 2, y = cy + static_cast<int>((r - size - 10) * std::sin(a)) + size / 2;
        c.drawText(f, x, y, chars[i], size, kSealRed, alpha, -(a * 180 / M_PI + 90));
    }
}

Doc idFront(const Split& s, Faces f) {
    Doc d{"id_card_front", {}, Canvas(1011, 638, {240, 242, 236})};
    const Division& div = pick(s.divisions);
    bool male = uniform(0, 1);
    std::string born = date(uniform(1940, 2004), uniform(1, 12), uniform(1, 28));
    std::string bornDigits = born.substr(0, 4) + born.substr(5, 2) + born.substr(8, 2);
    std::string name = personName(), eth = pick(kEthnic), addr = address(s, div), id = idNumber(div, bornDigits, male);
    auto& c = d.canvas;
    int jx = uniform(-12, 12), jy = uniform(-8, 8);
    c.fillRect(740, 90, 220, 280, {215, 218, 222});
    c.drawText(f.text, 60 + jx, 120 + jy, "姓名", 30, kLabel);
    c.drawText(f.text, 170 + jx, 120 + jy, name, 38, kInk);
    c.drawText(f.text, 60 + jx, 190 + jy, "性别", 30, kLabel);
    c.drawText(f.text, 170 + jx, 190 + jy, male ? "男" : "女", 36, kInk);
    c.drawText(f.text, 300 + jx, 190 + jy, "民族", 30, kLabel);
    c.drawText(f.text, 400 + jx, 190 + jy, eth, 36, kInk);
    c.drawText(f.text, 60 + jx, 260 + jy, "出生", 30, kLabel);
    c.drawText(f.text, 170 + jx, 260 + jy, born.substr(0, 4) + "年" + std::to_string(std::stoi(born.substr(5, 2))) + "月" +
                                std::to_string(std::stoi(born.substr(8, 2))) + "日", 36, kInk);
    c.drawText(f.text, 60 + jx, 330 + jy, "住址", 30, kLabel);
    // The card wraps its address every 11 characters, over up to three lines.
    auto lines = wrap(addr, 11);
    for (std::size_t i = 0; i < lines.size() && i < 3; ++i) c.drawText(f.text, 170 + jx, 330 + jy + static_cast<int>(i) * 46, lines[i], 34, kInk);
    c.drawText(f.text, 60 + jx, 560 + jy, "公民身份号码", 30, kLabel);
    c.drawText(f.digits, 300 + jx, 560 + jy, id, 40, kInk);
    d.fields = {{"name", name}, {"sex", male ? "男" : "女"}, {"ethnicity", eth}, {"birth_date", born}, {"address", addr}, {"id_number", id}};
    return d;
}

Doc idBack(const Split& s, Faces f) {
    Doc d{"id_card_back", {}, Canvas(1011, 638, {240, 242, 236})};
    const Division& div = pick(s.divisions);
    int y = uniform(2006, 2022), m = uniform(1, 12), day = uniform(1, 28);
    const int years = pick(std::vector<int>{10, 20, 20, 0});  // 0: 长期
    std::string from = date(y, m, day), to = years ? date(y + years, m, day) : "长期";
    std::string issuer = div.city + "公安局" + div.districtShort() + "分局";
    auto& c = d.canvas;
    int jx = uniform(-12, 12), jy = uniform(-8, 8);
    c.drawText(f.text, 330 + jx, 150 + jy, "中华人民共和国", 48, kInk);
    c.drawText(f.text, 300 + jx, 260 + jy, "居民身份证", 72, kInk);
    c.drawText(f.text, 160 + jx, 470 + jy, "签发机关", 30, kLabel);
    c.drawText(f.text, 330 + jx, 470 + jy, issuer, 34, kInk);
    c.drawText(f.text, 160 + jx, 550 + jy, "有效期限", 30, kLabel);
    c.drawText(f.digits, 330 + jx, 550 + jy, dotDate(from) + "-" + (years ? dotDate(to) : ""), 34, kInk);
    if (!years) c.drawText(f.text, 330 + jx + c.textWidth(f.digits, dotDate(from) + "-", 34), 550 + jy, "长期", 34, kInk);
    d.fields = {{"issuer", issuer}, {"valid_from", from}, {"valid_to", to}};
    return d;
}

Doc businessLicence(const Split& s, Faces f, bool withSeal) {
    Doc d{"business_licence", {}, Canvas(2480, 1754, kPaper)};
    auto& c = d.canvas;
    const Division& div = pick(s.divisions);
    std::string code = creditCode(div);
    std::string name = div.city.substr(0, div.city.size() - 3) + personName().substr(0, 3) + "合成" + pick(kTrades) + "有限公司";
    std::string type = pick(kCompanyTypes), rep = personName(), addr = address(s, div);
    std::string est = date(uniform(1995, 2022), uniform(1, 12), uniform(1, 28));
    Capital cap = capital();
    bool lasting = chance(0.5);
    std::string validTo = lasting ? "长期" : date(std::stoi(est.substr(0, 4)) + pick(std::vector<int>{20, 30, 50}),
                                                 std::stoi(est.substr(5, 2)), std::stoi(est.substr(8, 2)));
    std::string scope = "许可项目：" + pick(kTrades) + "技术开发；销售" + pick(kTrades) + "产品。一般项目：技术服务、技术咨询；货物进出口。";
    if (chance(0.5)) scope = pick(kTrades) + "技术开发；销售" + pick(kTrades) + "产品；";
    std::string issuer = div.city + div.district + "市场监督管理局";
    c.strokeRect(60, 60, 2360, 1634, 8, {180, 150, 90});
    c.drawText(f.text, 1000, 260, "营业执照", 120, kInk);
    c.drawText(f.text, 160, 420, "统一社会信用代码", 40, kLabel);
    c.drawText(f.digits, 520, 420, code, 48, kInk);
    const bool twoColumns = chance(0.6);  // the 2019 licence; else the older one, a column of spaced labels
    auto row = [&](int x, int vx, int y, const std::string& label, const std::string& value, int per) {
        c.drawText(f.text, x, y, twoColumns ? label : spaced(label), 40, kLabel);
        auto lines = wrap(value, per);
        for (std::size_t i = 0; i < lines.size(); ++i) c.drawText(f.text, vx, y + static_cast<int>(i) * 54, lines[i], 42, kInk);
        return static_cast<int>(lines.size());
    };
    std::string valid = cnDate(est) + "至" + (lasting ? "长期" : cnDate(validTo));
    if (twoColumns) {
        int lx = 160, vx = 460, rx = 1340, rvx = 1600, y = 600, dy = 110;
        row(lx, vx, y, "名称", name, 40);
        row(lx, vx, y + dy, "类型", type, 40);
        row(lx, vx, y + 2 * dy, "法定代表人", rep, 40);
        row(lx, vx, y + 3 * dy, "经营范围", scope, 16);
        row(rx, rvx, y, "注册资本", cap.printed, 40);
        row(rx, rvx, y + dy, "成立日期", cnDate(est), 40);
        row(rx, rvx, y + 2 * dy, "营业期限", valid, 40);
        row(rx, rvx, y + 3 * dy, "住所", addr, 16);
    } else {
        int lx = 300, vx = 640, y = 560, dy = 96;
        row(lx, vx, y, "名称", name, 30);
        row(lx, vx, y + dy, "类型", type, 30);
        row(lx, vx, y + 2 * dy, "住所", addr, 30);
        row(lx, vx, y + 3 * dy, "法定代表人", rep, 30);
        row(lx, vx, y + 4 * dy, "注册资本", cap.printed, 30);
        row(lx, vx, y + 5 * dy, "成立日期", cnDate(est), 30);
        row(lx, vx, y + 6 * dy, "营业期限", valid, 30);
        row(lx, vx, y + 7 * dy, "经营范围", scope, 30);
    }
    c.drawText(f.text, 1500, 1560, "登记机关", 40, kLabel);
    c.drawText(f.text, 1720, 1560, issuer, 40, kInk);
    if (withSeal) seal(c, f.text, 1950, 1530, 150, issuer);
    d.fields = {{"credit_code", code}, {"name", name}, {"company_type", type}, {"legal_representative", rep},
                {"registered_capital", cap.printed}, {"registered_capital_yuan", cap.yuan}, {"established_on", est},
                {"valid_to", validTo}, {"address", addr}, {"business_scope", scope}, {"issuer", issuer}};
    return d;
}

Doc property(const Split& s, Faces f) {
    Doc d{"property_certificate", {}, Canvas(1748, 2480, kPaper)};
    auto& c = d.canvas;
    const Division& div = pick(s.divisions);
    char serial[16];
    std::snprintf(serial, sizeof serial, "%07d", uniform(1, 9999999));
    std::string no = div.abbreviation + "(" + std::to_string(uniform(2015, 2025)) + ")" + (chance(0.5) ? div.district : div.city) +
                     "不动产权第" + serial + "号";
    std::string owner = personName(), loc = address(s, div);
    std::string unit = div.code + std::to_string(uniform(100000, 999999)) + pick(std::vector<std::string>{"GB", "JC", "GA"}) +
                       std::to_string(uniform(10000, 99999)) + "F" + std::to_string(uniform(10000000, 99999999));
    Area a = area();
    std::string usage = pick(kUsages);
    c.drawText(f.text, 560, 260, "不动产权证书", 96, kInk);
    c.drawText(f.text, 200, 420, no, 44, kInk);
    int y = 620, dy = 130;
    auto row = [&](int yy, const char* label, const std::string& value, Font& face) {
        c.drawText(f.text, 200, yy, label, 42, kLabel);
        auto lines = wrap(value, 26);
        for (std::size_t i = 0; i < lines.size(); ++i) c.drawText(face, 520, yy + static_cast<int>(i) * 52, lines[i], 40, kInk);
    };
    row(y, "权利人", owner, f.text);
    row(y + dy, "坐落", loc, f.text);
    row(y + 2 * dy, "不动产单元号", unit, f.digits);
    row(y + 3 * dy, "用途", usage, f.text);
    row(y + 4 * dy, "面积", a.printed, f.text);
    d.fields = {{"certificate_number", no}, {"owner", owner}, {"location", loc}, {"unit_number", unit}, {"usage", usage},
                {"area", a.printed}, {"building_area_m2", a.building}};
    return d;
}

// ---- what the paper and the camera add ----------------------------------------------------------

void guilloche(Canvas& c, const Split& s) {
    const Rgb tint = pick(std::vector<Rgb>{{120, 170, 140}, {200, 140, 160}, {130, 150, 200}, {190, 170, 110}});
    const std::uint8_t alpha = static_cast<std::uint8_t>(uniform(40, 90));
    const int w = c.width(), h = c.height();
    // Each pixel of a line inked once: the curves pass over themselves thousands of times, and
    // blending at every pass would make a light pattern solid.
    std::vector<bool> inked(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    auto dot = [&](int x, int y, int dw, int dh) {
        for (int yy = y; yy < y + dh; ++yy)
            for (int xx = x; xx < x + dw; ++xx) {
                if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                const std::size_t at = static_cast<std::size_t>(yy) * static_cast<std::size_t>(w) + static_cast<std::size_t>(xx);
                if (inked[at]) continue;
                inked[at] = true;
                c.fillRect(xx, yy, 1, 1, tint, alpha);
            }
    };
    Guilloche style = s.guilloche;
    if (s.alsoSetOne && chance(0.5)) style = Guilloche::kWaves;
    if (style == Guilloche::kLissajous) {
        // Lissajous figures across the page, each traced once round.
        for (int k = 0; k < 3; ++k) {
            const double cx = uniformReal(0.3, 0.7) * w, cy = uniformReal(0.3, 0.7) * h, ax = uniformReal(0.25, 0.45) * w,
                         ay = uniformReal(0.25, 0.45) * h, fa = uniform(3, 7), fb = uniform(2, 6), phase = uniformReal(0, M_PI);
            for (int i = 0; i < 120000; ++i) {
                const double t = i * 2 * M_PI / 120000.0;
                dot(static_cast<int>(cx + ax * std::sin(fa * t + phase)), static_cast<int>(cy + ay * std::sin(fb * t)), 2, 2);
            }
        }
    } else if (style == Guilloche::kRosettes) {
        for (int k = 0; k < 4; ++k) {  // epitrochoids: the rosettes of banknotes and certificates
            double cx = uniformReal(0.15, 0.85) * w, cy = uniformReal(0.15, 0.85) * h, R = uniformReal(0.15, 0.3) * std::min(w, h);
            double r = R / uniform(5, 11), dd = r * uniformReal(0.6, 1.4);
            for (int i = 0; i < 60000; ++i) {
                double t = i * 2 * M_PI * 7 / 60000.0;
                dot(static_cast<int>(cx + (R - r) * std::cos(t) + dd * std::cos((R - r) / r * t)),
                    static_cast<int>(cy + (R - r) * std::sin(t) - dd * std::sin((R - r) / r * t)), 2, 2);
            }
        }
    } else {
        const double period = uniformReal(0.04, 0.09) * w, amp = uniformReal(6, 20);
        for (int band = 0; band < h; band += uniform(14, 26))
            for (int x = 0; x < w; ++x) {
                double y1 = band + amp * std::sin(x * 2 * M_PI / period), y2 = band + amp * std::sin(x * 2 * M_PI / period + M_PI);
                dot(x, static_cast<int>(y1), 1, 2);
                dot(x, static_cast<int>(y2), 1, 2);
            }
    }
}

void tiledText(Canvas& c, Font& f, const Split& s) {
    const std::string text = pick(s.watermarks);
    const int size = std::max(28, c.width() / uniform(22, 34));
    const double angle = s.guilloche == Guilloche::kRosettes ? uniformReal(20, 40) * (s.alsoSetOne && chance(0.5) ? -1 : 1)
                         : s.guilloche == Guilloche::kWaves ? -uniformReal(20, 40)
                                                             : uniformReal(40, 55);
    const std::uint8_t alpha = static_cast<std::uint8_t>(uniform(26, 64));  // 10-25 % opacity
    const Rgb colour = chance(0.5) ? Rgb{90, 90, 90} : Rgb{200, 60, 60};
    const auto run = lgw::imaging::renderText(f, text, size, angle);
    const int step = run.advance * 3 / 4 + size;
    for (int y = -c.height() / 2; y < c.height() * 3 / 2; y += size * 5)
        for (int x = -c.width() / 2; x < c.width() * 3 / 2; x += step) c.drawRun(run, x + (y / (size * 5)) % 2 * step / 2, y, colour, alpha);
}

struct Degradation {
    int dpi = 300;
    int rotate = 0;  // 0, 90, 180, 270 clockwise
    double skew = 0;
    double blur = 0;
    int noise = 0;
    bool unevenLight = false;
    int jpegQuality = 0;  // 0: PNG
    // photo
    bool photo = false, guilloche = false, tiledText = false, sealOverCopy = false;
    double perspective = 0;  // the largest corner displacement, a share of the side
    std::array<double, 3> cast{1, 1, 1};
};

Degradation degradation(const std::string& level) {
    Degradation g;
    if (level == "none") return g;
    g.dpi = uniform(150, 300);
    g.skew = uniform(-30, 30) / 10.0;
    g.noise = uniform(0, level == "mild" ? 8 : 18);
    if (level == "photo") {
        g.photo = true;
        g.skew = uniform(-20, 20) / 10.0;
        g.perspective = uniformReal(0.005, 0.04);
        g.unevenLight = true;
        g.blur = chance(0.4) ? 1 : 0;
        g.guilloche = chance(0.5);
        g.tiledText = chance(0.5);
        g.sealOverCopy = chance(0.5);
        g.jpegQuality = uniform(35, 85);
        const double warm = uniformReal(-0.08, 0.08);
        g.cast = {1 + warm, 1.0, 1 - warm * 1.5};
        return g;
    }
    g.jpegQuality = uniform(0, 2) ? uniform(level == "heavy" ? 45 : 65, 90) : 0;
    if (level == "heavy") {
        g.rotate = pick(std::vector<int>{0, 0, 90, 180, 270});
        g.blur = uniform(0, 10) / 10.0;
        g.unevenLight = uniform(0, 1);
    }
    return g;
}

// The homography taking the four points `from` to `to` (8 unknowns, h33 = 1), by elimination.
std::array<double, 9> homography(const std::array<double, 8>& from, const std::array<double, 8>& to) {
    double a[8][9] = {};
    for (int i = 0; i < 4; ++i) {
        double x = from[2 * i], y = from[2 * i + 1], u = to[2 * i], v = to[2 * i + 1];
        double r1[9] = {x, y, 1, 0, 0, 0, -u * x, -u * y, u}, r2[9] = {0, 0, 0, x, y, 1, -v * x, -v * y, v};
        std::copy(r1, r1 + 9, a[2 * i]);
        std::copy(r2, r2 + 9, a[2 * i + 1]);
    }
    for (int col = 0; col < 8; ++col) {
        int best = col;
        for (int r = col + 1; r < 8; ++r)
            if (std::abs(a[r][col]) > std::abs(a[best][col])) best = r;
        std::swap(a[col], a[best]);
        for (int r = 0; r < 8; ++r) {
            if (r == col) continue;
            double k = a[r][col] / a[col][col];
            for (int j = col; j < 9; ++j) a[r][j] -= k * a[col][j];
        }
    }
    std::array<double, 9> h{};
    for (int i = 0; i < 8; ++i) h[static_cast<std::size_t>(i)] = a[i][8] / a[i][i];
    h[8] = 1;
    return h;
}

// The sheet lying on a desk or a cloth, photographed a little off square: the output pixel's place
// on the sheet through the inverse perspective, the background (and the sheet's shadow) elsewhere.
Canvas photograph(const Canvas& sheet, const Split& s, const Degradation& g) {
    const int w = sheet.width(), h = sheet.height();
    const int mx = w * uniform(5, 12) / 100, my = h * uniform(5, 12) / 100;
    const int W = w + 2 * mx, H = h + 2 * my;
    std::array<double, 8> corners = {0, 0, double(w), 0, double(w), double(h), 0, double(h)};
    std::array<double, 8> placed{};
    const double turn = g.skew * M_PI / 180, cs = std::cos(turn), sn = std::sin(turn);
    for (int i = 0; i < 4; ++i) {
        double x = corners[2 * i] - w / 2.0, y = corners[2 * i + 1] - h / 2.0;
        double dx = uniformReal(-g.perspective, g.perspective) * w, dy = uniformReal(-g.perspective, g.perspective) * h;
        placed[2 * i] = W / 2.0 + x * cs - y * sn + dx;
        placed[2 * i + 1] = H / 2.0 + x * sn + y * cs + dy;
    }
    const auto inv = homography(placed, corners);  // output -> sheet
    const int sdx = uniform(-1, 1) * std::max(6, w / 80), sdy = std::max(6, h / 60);  // where the shadow falls
    Canvas out(W, H, {0, 0, 0});
    auto& o = out.pixels();
    const auto& in = sheet.pixels();
    std::vector<double> grain(static_cast<std::size_t>(W));
    for (auto& v : grain) v = uniformReal(-1, 1);
    Background ground = s.background;
    if (s.alsoSetOne && chance(0.5)) ground = Background::kCloth;
    const bool wood = ground == Background::kWood;
    const Rgb base = wood ? Rgb{150, 110, 75} : ground == Background::kCloth ? Rgb{128, 134, 142} : Rgb{58, 62, 68};
    auto inside = [&](double x, double y) { return x >= 0 && y >= 0 && x < w - 1 && y < h - 1; };
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            auto* p = &o[(static_cast<std::size_t>(y) * W + x) * 3];
            double d = inv[6] * x + inv[7] * y + inv[8];
            double u = (inv[0] * x + inv[1] * y + inv[2]) / d, v = (inv[3] * x + inv[4] * y + inv[5]) / d;
            if (inside(u, v)) {
                int iu = static_cast<int>(u), iv = static_cast<int>(v);
                double fu = u - iu, fv = v - iv;
                for (int k = 0; k < 3; ++k) {
                    auto at = [&](int xx, int yy) { return in[(static_cast<std::size_t>(yy) * w + xx) * 3 + k]; };
                    p[k] = static_cast<std::uint8_t>((at(iu, iv) * (1 - fu) + at(iu + 1, iv) * fu) * (1 - fv) +
                                                     (at(iu, iv + 1) * (1 - fu) + at(iu + 1, iv + 1) * fu) * fv);
                }
                continue;
            }
            // Background: a wood grain (streaks along x) or a cloth's fine noise; darker in the shadow.
            double tex = wood ? 14 * std::sin(y * 0.05 + 3 * grain[static_cast<std::size_t>(x) % grain.size()] * 0.2) + 6 * grain[static_cast<std::size_t>(x)]
                                    : 10 * grain[static_cast<std::size_t>((x * 7 + y * 13) % W)];
            double ds = inv[6] * (x - sdx) + inv[7] * (y - sdy) + inv[8];
            double su = (inv[0] * (x - sdx) + inv[1] * (y - sdy) + inv[2]) / ds, sv = (inv[3] * (x - sdx) + inv[4] * (y - sdy) + inv[5]) / ds;
            double shade = inside(su, sv) ? 0.55 : 1.0;
            p[0] = static_cast<std::uint8_t>(std::clamp((base.r + tex) * shade, 0.0, 255.0));
            p[1] = static_cast<std::uint8_t>(std::clamp((base.g + tex) * shade, 0.0, 255.0));
            p[2] = static_cast<std::uint8_t>(std::clamp((base.b + tex) * shade, 0.0, 255.0));
        }
    return out;
}

std::string render(Canvas& c, const Degradation& g, const Split& s) {
    Canvas out = g.photo ? photograph(c, s, g) : c;
    if (g.unevenLight) {
        // A light falling off across the frame in some direction, and a vignette in a photo.
        const double angle = g.photo ? uniformReal(0, 2 * M_PI) : 0, ca = std::cos(angle), sa = std::sin(angle);
        const double low = g.photo ? uniformReal(0.6, 0.85) : 0.65;
        for (int y = 0; y < out.height(); ++y)
            for (int x = 0; x < out.width(); ++x) {
                double nx = static_cast<double>(x) / out.width(), ny = static_cast<double>(y) / out.height();
                double along = g.photo ? 0.5 + 0.5 * ((nx - 0.5) * ca + (ny - 0.5) * sa) * 1.4 : nx;
                double k = low + (1 - low) * std::clamp(along, 0.0, 1.0);
                if (g.photo) k *= 1 - 0.25 * ((nx - 0.5) * (nx - 0.5) + (ny - 0.5) * (ny - 0.5));
                auto* p = &out.pixels()[static_cast<std::size_t>(y * out.width() + x) * 3];
                for (int i = 0; i < 3; ++i) p[i] = static_cast<std::uint8_t>(std::clamp(p[i] * k * g.cast[static_cast<std::size_t>(i)], 0.0, 255.0));
            }
    }
    if (g.noise)
        for (auto& v : out.pixels()) v = static_cast<std::uint8_t>(std::clamp(v + uniform(-g.noise, g.noise), 0, 255));
    double scale = g.dpi / 300.0;
    if (scale < 0.99) out = out.scaled(static_cast<int>(out.width() * scale), static_cast<int>(out.height() * scale));
    Pix* pix = Canvas::toPix(out);
    if (g.blur > 0.05) {
        Pix* b = pixBlockconv(pix, 1, 1);
        pixDestroy(&pix);
        pix = b;
    }
    if (!g.photo && std::abs(g.skew) > 0.01) {
        Pix* r = pixRotate(pix, static_cast<float>(g.skew * M_PI / 180.0), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
        pixDestroy(&pix);
        pix = r;
    }
    if (g.rotate) {
        Pix* r = pixRotateOrth(pix, g.rotate / 90);
        pixDestroy(&pix);
        pix = r;
    }
    pixSetResolution(pix, g.dpi, g.dpi);
    l_uint8* data = nullptr;
    size_t size = 0;
    if (g.jpegQuality) pixWriteMemJpeg(&data, &size, pix, g.jpegQuality, 0);
    else pixWriteMemPng(&data, &size, pix, 0);
    std::string bytes(reinterpret_cast<char*>(data), size);
    lept_free(data);
    pixDestroy(&pix);
    return bytes;
}

std::string faceName(const FaceFile& f) {
    return f.family.empty() ? std::filesystem::path(f.path).stem().string() : std::filesystem::path(f.path).stem().string() + ":" + f.family;
}

}  // namespace

int main(int argc, char** argv) {
    std::string out, level = "mild", types = "id_card_front,id_card_back,business_licence,property_certificate", splitName = "dev";
    int count = 8;
    unsigned seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--out") out = v;
        else if (a == "--count") count = std::stoi(v);
        else if (a == "--seed") seed = static_cast<unsigned>(std::stoul(v));
        else if (a == "--degrade") level = v;
        else if (a == "--types") types = v;
        else if (a == "--split") splitName = v;
    }
    if (out.empty() || (splitName != "dev" && splitName != "heldout") ||
        (level != "none" && level != "mild" && level != "heavy" && level != "photo")) {
        std::fprintf(stderr,
                     "usage: lgw-gen-scans --out DIR [--count N] [--seed S] [--types a,b] [--degrade none|mild|heavy|photo] "
                     "[--split dev|heldout]\n");
        return 2;
    }
    setMsgSeverity(L_SEVERITY_NONE);
    rng.seed(seed);
    const Split split = makeSplit(splitName);
    std::vector<std::string> kinds;
    std::stringstream ss(types);
    for (std::string t; std::getline(ss, t, ',');) kinds.push_back(t);
    // The split's faces from Debian's font packages (scripts/bootstrap.sh installs them); a face
    // that is missing is skipped, and the run says so.
    auto load = [](const std::vector<FaceFile>& files) {
        std::vector<std::pair<std::string, std::unique_ptr<Font>>> fonts;
        for (auto& f : files) {
            if (!std::filesystem::exists(f.path)) {
                std::fprintf(stderr, "lgw-gen-scans: %s is not installed; skipped\n", f.path.c_str());
                continue;
            }
            fonts.emplace_back(faceName(f), f.family.empty() ? std::make_unique<Font>(f.path) : std::make_unique<Font>(f.path, f.family));
        }
        return fonts;
    };
    auto chinese = load(split.chinese), numbers = load(split.numbers);
    if (chinese.empty()) chinese.emplace_back("default", std::make_unique<Font>(lgw::imaging::findCjkFont()));
    std::filesystem::create_directories(out);
    json::array truth;
    for (int i = 0; i < count; ++i) {
        const std::string& t = kinds[static_cast<std::size_t>(i) % kinds.size()];
        // By position, so that each type meets each face whatever the random draws.
        auto& [fontName, fontPtr] = chinese[static_cast<std::size_t>(i / static_cast<int>(kinds.size())) % chinese.size()];
        // Codes and dates in a monospaced number face half the time, as many certificates print them.
        const bool ownDigits = !numbers.empty() && chance(0.5);
        const auto* digitFace = ownDigits ? &pick(numbers) : nullptr;
        Faces faces{*fontPtr, digitFace ? *digitFace->second : *fontPtr};
        Degradation g = degradation(level);
        Doc d = t == "id_card_front" ? idFront(split, faces)
                : t == "id_card_back" ? idBack(split, faces)
                : t == "business_licence" ? businessLicence(split, faces, level != "none")
                                          : property(split, faces);
        if (g.guilloche) guilloche(d.canvas, split);
        if (g.tiledText) tiledText(d.canvas, faces.text, split);
        if (g.sealOverCopy && (t == "id_card_front" || t == "id_card_back"))
            seal(d.canvas, faces.text, uniform(300, 700), uniform(220, 420), uniform(110, 150),
                 pick(split.divisions).city + "合成" + pick(kTrades) + "有限公司", static_cast<std::uint8_t>(uniform(110, 170)));
        std::string file = std::to_string(i) + "-" + t + (g.jpegQuality ? ".jpg" : ".png");
        std::ofstream(std::filesystem::path(out) / file, std::ios::binary) << render(d.canvas, g, split);
        truth.push_back(json::object{
            {"file", file},
            {"type", t},
            {"font", fontName},
            {"digits_font", digitFace ? digitFace->first : fontName},
            {"fields", d.fields},
            {"degradations", json::object{{"split", splitName}, {"dpi", g.dpi}, {"rotate", g.rotate}, {"skew", g.skew}, {"blur", g.blur},
                                          {"noise", g.noise}, {"uneven_light", g.unevenLight}, {"jpeg_quality", g.jpegQuality},
                                          {"photo", g.photo}, {"perspective", g.perspective}, {"guilloche", g.guilloche},
                                          {"tiled_text", g.tiledText}, {"seal_over_copy", g.sealOverCopy}}}});
    }
    std::ofstream(std::filesystem::path(out) / "truth.json") << json::serialize(truth) << "\n";
    std::printf("%d scans and truth.json in %s\n", count, out.c_str());
    return 0;
}
