// Synthetic front-desk scans with ground truth, for OCR tests and benchmarks. Every holder is made
// up (random names from a fixed syllable list, codes with valid check characters); nothing real.
//
//   lgw-gen-scans --out DIR [--count N] [--seed S] [--types a,b] [--degrade none|mild|heavy]
//
// Writes DIR/<n>-<type>.<png|jpg> and DIR/truth.json: [{file, type, fields{...}, degradations{...}}].
// Degradations: resolution 150-300 DPI, rotation by 90/180/270, skew up to 3 degrees, a red seal
// over text, blur, noise, uneven light, JPEG artefacts.
#include <leptonica/allheaders.h>

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
template <class T>
const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(uniform(0, static_cast<int>(v.size()) - 1))]; }

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林"};
const std::vector<std::string> kGiven = {"安", "宁", "思", "远", "明", "华", "建", "国", "文", "静", "丽", "伟", "芳", "强", "磊", "洋", "秀", "英"};
const std::vector<std::string> kEthnic = {"汉", "回", "满", "壮", "苗", "蒙古"};
const std::vector<std::string> kDistricts = {"北京市西城区", "北京市朝阳区", "上海市浦东新区", "天津市和平区", "广州市天河区"};
const std::vector<std::string> kRoads = {"演示大道", "样例路", "合成街", "模拟胡同", "测试巷"};
const std::vector<std::string> kTrades = {"食品加工", "机械制造", "商贸", "电子科技", "建材", "物流"};

std::string personName() { return pick(kSurnames) + pick(kGiven) + (uniform(0, 1) ? pick(kGiven) : ""); }
std::string address() {
    return pick(kDistricts) + pick(kRoads) + std::to_string(uniform(1, 399)) + "号" + std::to_string(uniform(1, 30)) +
           "栋" + std::to_string(uniform(101, 2408)) + "室";
}

std::string idNumber(const std::string& born, bool male) {
    std::string first17 = "110102" + born + std::to_string(uniform(10, 99)) + std::to_string(uniform(0, 4) * 2 + (male ? 1 : 0));
    return first17 + lgw::security::idNumberCheckChar(first17);
}

std::string creditCode() {
    static const std::string alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    std::string org;
    for (int i = 0; i < 8; ++i) org += alpha[static_cast<std::size_t>(uniform(0, 9))];
    org += lgw::security::organisationCodeCheckChar(org);
    std::string first17 = "91110102" + org;
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

const Rgb kInk{20, 20, 25}, kLabel{60, 70, 110}, kPaper{246, 245, 238};

struct Doc {
    std::string type;
    json::object fields;
    Canvas canvas{1, 1, kPaper};
};

void seal(Canvas& c, Font& f, int cx, int cy, int r) {
    for (int t = 0; t < 6; ++t)
        for (int a = 0; a < 720; ++a) {
            double rad = a * M_PI / 360.0;
            c.fillRect(cx + static_cast<int>((r - t) * std::cos(rad)), cy + static_cast<int>((r - t) * std::sin(rad)), 2, 2,
                       {200, 30, 30}, 150);
        }
    c.drawText(f, cx - r / 3, cy + r / 6, "★", r / 2, {200, 30, 30}, 150);
    c.drawText(f, cx - r + 20, cy - r / 3, "登记专用章", r / 4, {200, 30, 30}, 150);
}

Doc idFront(Font& f) {
    Doc d{"id_card_front", {}, Canvas(1011, 638, {240, 242, 236})};
    bool male = uniform(0, 1);
    std::string born = date(uniform(1940, 2004), uniform(1, 12), uniform(1, 28));
    std::string bornDigits = born.substr(0, 4) + born.substr(5, 2) + born.substr(8, 2);
    std::string name = personName(), eth = pick(kEthnic), addr = address(), id = idNumber(bornDigits, male);
    auto& c = d.canvas;
    c.fillRect(740, 90, 220, 280, {215, 218, 222});
    c.drawText(f, 60, 120, "姓名", 30, kLabel);
    c.drawText(f, 170, 120, name, 38, kInk);
    c.drawText(f, 60, 190, "性别", 30, kLabel);
    c.drawText(f, 170, 190, male ? "男" : "女", 36, kInk);
    c.drawText(f, 300, 190, "民族", 30, kLabel);
    c.drawText(f, 400, 190, eth, 36, kInk);
    c.drawText(f, 60, 260, "出生", 30, kLabel);
    c.drawText(f, 170, 260, born.substr(0, 4) + "年" + std::to_string(std::stoi(born.substr(5, 2))) + "月" +
                                std::to_string(std::stoi(born.substr(8, 2))) + "日", 36, kInk);
    c.drawText(f, 60, 330, "住址", 30, kLabel);
    // Wrap the address after 14 characters, as the card does (characters, not bytes: the digits are
    // one byte in UTF-8, the hanzi three, and a cut inside a character draws nothing readable).
    std::size_t cut = 0;
    for (int chars = 0; cut < addr.size(); ++cut)
        if ((static_cast<unsigned char>(addr[cut]) & 0xC0) != 0x80 && chars++ == 14) break;
    std::string first = addr.substr(0, cut), rest = addr.substr(cut);
    c.drawText(f, 170, 330, first, 34, kInk);
    if (!rest.empty()) c.drawText(f, 170, 378, rest, 34, kInk);
    c.drawText(f, 60, 560, "公民身份号码", 30, kLabel);
    c.drawText(f, 300, 560, id, 40, kInk);
    d.fields = {{"name", name}, {"sex", male ? "男" : "女"}, {"ethnicity", eth}, {"birth_date", born},
                {"address", addr}, {"id_number", id}};
    return d;
}

Doc idBack(Font& f) {
    Doc d{"id_card_back", {}, Canvas(1011, 638, {240, 242, 236})};
    int y = uniform(2010, 2020), m = uniform(1, 12), day = uniform(1, 28);
    std::string from = date(y, m, day), to = date(y + 20, m, day);
    std::string issuer = pick(kDistricts).substr(0, 9) + "公安局" + pick(kDistricts).substr(9) + "分局";
    auto& c = d.canvas;
    c.drawText(f, 330, 150, "中华人民共和国", 48, kInk);
    c.drawText(f, 300, 260, "居民身份证", 72, kInk);
    c.drawText(f, 160, 470, "签发机关", 30, kLabel);
    c.drawText(f, 330, 470, issuer, 34, kInk);
    c.drawText(f, 160, 550, "有效期限", 30, kLabel);
    c.drawText(f, 330, 550, dotDate(from) + "-" + dotDate(to), 34, kInk);
    d.fields = {{"issuer", issuer}, {"valid_from", from}, {"valid_to", to}};
    return d;
}

Doc businessLicence(Font& f, bool withSeal) {
    Doc d{"business_licence", {}, Canvas(2480, 1754, kPaper)};
    auto& c = d.canvas;
    std::string code = creditCode(), name = "北京" + personName().substr(0, 3) + "合成" + pick(kTrades) + "有限公司";
    std::string rep = personName(), addr = address();
    std::string est = date(uniform(1995, 2022), uniform(1, 12), uniform(1, 28));
    std::string capital = std::to_string(uniform(1, 999) * 10) + "万元";
    bool lasting = uniform(0, 1);
    std::string validTo = lasting ? "长期" : date(std::stoi(est.substr(0, 4)) + 30, std::stoi(est.substr(5, 2)), std::stoi(est.substr(8, 2)));
    c.strokeRect(60, 60, 2360, 1634, 8, {180, 150, 90});
    c.drawText(f, 1000, 260, "营业执照", 120, kInk);
    c.drawText(f, 160, 420, "统一社会信用代码", 40, kLabel);
    c.drawText(f, 520, 420, code, 48, kInk);
    int lx = 160, vx = 460, rx = 1340, rvx = 1600, y = 600, dy = 110;
    auto row = [&](int x, int vxx, int yy, const char* label, const std::string& value) {
        c.drawText(f, x, yy, label, 40, kLabel);
        c.drawText(f, vxx, yy, value, 42, kInk);
    };
    row(lx, vx, y, "名称", name);
    row(lx, vx, y + dy, "类型", "有限责任公司(自然人投资或控股)");
    row(lx, vx, y + 2 * dy, "法定代表人", rep);
    std::string scope = pick(kTrades) + "技术开发；销售" + pick(kTrades) + "产品；";
    row(lx, vx, y + 3 * dy, "经营范围", scope);
    row(rx, rvx, y, "注册资本", capital);
    row(rx, rvx, y + dy, "成立日期", cnDate(est));
    row(rx, rvx, y + 2 * dy, "营业期限", cnDate(est) + "至" + (lasting ? "长期" : cnDate(validTo)));
    row(rx, rvx, y + 3 * dy, "住所", addr);
    c.drawText(f, 1500, 1500, "登记机关", 40, kLabel);
    std::string issuer = "北京市西城区市场监督管理局";
    c.drawText(f, 1720, 1500, issuer, 40, kInk);
    if (withSeal) seal(c, f, 1950, 1470, 150);
    d.fields = {{"credit_code", code}, {"name", name}, {"company_type", "有限责任公司(自然人投资或控股)"},
                {"legal_representative", rep}, {"registered_capital", capital}, {"established_on", est},
                {"valid_to", validTo}, {"address", addr}, {"business_scope", scope}, {"issuer", issuer}};
    return d;
}

Doc property(Font& f) {
    Doc d{"property_certificate", {}, Canvas(1748, 2480, kPaper)};
    auto& c = d.canvas;
    std::string no = "京(" + std::to_string(uniform(2015, 2025)) + ")西城区不动产权第" + std::to_string(uniform(1000000, 9999999)) + "号";
    std::string owner = personName(), loc = address();
    std::string unit = "110102" + std::to_string(uniform(100000, 999999)) + "GB" + std::to_string(uniform(10000, 99999)) +
                       "F" + std::to_string(uniform(10000000, 99999999));
    std::string area = std::to_string(uniform(40, 250)) + "." + std::to_string(uniform(10, 99)) + "平方米";
    c.drawText(f, 560, 260, "不动产权证书", 96, kInk);
    c.drawText(f, 200, 420, no, 44, kInk);
    int y = 620, dy = 130;
    auto row = [&](int yy, const char* label, const std::string& value) {
        c.drawText(f, 200, yy, label, 42, kLabel);
        c.drawText(f, 560, yy, value, 42, kInk);
    };
    row(y, "权利人", owner);
    row(y + dy, "坐落", loc);
    row(y + 2 * dy, "不动产单元号", unit);
    row(y + 3 * dy, "用途", "城镇住宅用地/住宅");
    row(y + 4 * dy, "面积", area);
    d.fields = {{"certificate_number", no}, {"owner", owner}, {"location", loc}, {"unit_number", unit},
                {"usage", "城镇住宅用地/住宅"}, {"area", area}};
    return d;
}

struct Degradation {
    int dpi = 300;
    int rotate = 0;  // 0, 90, 180, 270 clockwise
    double skew = 0;
    double blur = 0;
    int noise = 0;
    bool unevenLight = false;
    int jpegQuality = 0;  // 0: PNG
};

Degradation degradation(const std::string& level) {
    Degradation g;
    if (level == "none") return g;
    g.dpi = uniform(150, 300);
    g.skew = uniform(-30, 30) / 10.0;
    g.noise = uniform(0, level == "heavy" ? 18 : 8);
    g.jpegQuality = uniform(0, 2) ? uniform(level == "heavy" ? 45 : 65, 90) : 0;
    if (level == "heavy") {
        g.rotate = pick(std::vector<int>{0, 0, 90, 180, 270});
        g.blur = uniform(0, 10) / 10.0;
        g.unevenLight = uniform(0, 1);
    }
    return g;
}

std::string render(Canvas& c, const Degradation& g) {
    Canvas out = c;
    if (g.unevenLight)
        for (int y = 0; y < out.height(); ++y)
            for (int x = 0; x < out.width(); ++x) {
                double k = 0.65 + 0.35 * (static_cast<double>(x) / out.width());
                auto* p = &out.pixels()[static_cast<std::size_t>(y * out.width() + x) * 3];
                for (int i = 0; i < 3; ++i) p[i] = static_cast<std::uint8_t>(p[i] * k);
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
    if (std::abs(g.skew) > 0.01) {
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

}  // namespace

int main(int argc, char** argv) {
    std::string out, level = "mild", types = "id_card_front,id_card_back,business_licence,property_certificate";
    int count = 8;
    unsigned seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--out") out = v;
        else if (a == "--count") count = std::stoi(v);
        else if (a == "--seed") seed = static_cast<unsigned>(std::stoul(v));
        else if (a == "--degrade") level = v;
        else if (a == "--types") types = v;
    }
    if (out.empty()) {
        std::fprintf(stderr, "usage: lgw-gen-scans --out DIR [--count N] [--seed S] [--types a,b] [--degrade none|mild|heavy]\n");
        return 2;
    }
    setMsgSeverity(L_SEVERITY_NONE);
    rng.seed(seed);
    std::vector<std::string> kinds;
    std::stringstream ss(types);
    for (std::string t; std::getline(ss, t, ',');) kinds.push_back(t);
    // Several Chinese faces from Debian packages (bootstrap installs them): a sans (WenQuanYi Micro
    // Hei, Zen Hei) and the Ming/Song style certificates are printed in (AR PL UMing).
    std::vector<std::pair<std::string, std::unique_ptr<Font>>> fonts;
    for (const char* p : {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                          "/usr/share/fonts/truetype/arphic/uming.ttc"})
        if (std::filesystem::exists(p))
            fonts.emplace_back(std::filesystem::path(p).stem().string(), std::make_unique<Font>(p));
    if (fonts.empty()) fonts.emplace_back("default", std::make_unique<Font>(lgw::imaging::findCjkFont()));
    std::filesystem::create_directories(out);
    json::array truth;
    for (int i = 0; i < count; ++i) {
        const std::string& t = kinds[static_cast<std::size_t>(i) % kinds.size()];
        // By position, so that each type meets each face whatever the random draws.
        auto& [fontName, fontPtr] = fonts[static_cast<std::size_t>(i / static_cast<int>(kinds.size())) % fonts.size()];
        Font& font = *fontPtr;
        Doc d = t == "id_card_front" ? idFront(font)
                : t == "id_card_back" ? idBack(font)
                : t == "business_licence" ? businessLicence(font, level != "none")
                                          : property(font);
        Degradation g = degradation(level);
        std::string file = std::to_string(i) + "-" + t + (g.jpegQuality ? ".jpg" : ".png");
        std::ofstream(std::filesystem::path(out) / file, std::ios::binary) << render(d.canvas, g);
        truth.push_back(json::object{{"file", file}, {"type", t}, {"font", fontName}, {"fields", d.fields},
                                     {"degradations", json::object{{"dpi", g.dpi}, {"rotate", g.rotate}, {"skew", g.skew},
                                                                   {"blur", g.blur}, {"noise", g.noise},
                                                                   {"uneven_light", g.unevenLight},
                                                                   {"jpeg_quality", g.jpegQuality}}}});
    }
    std::ofstream(std::filesystem::path(out) / "truth.json") << json::serialize(truth) << "\n";
    std::printf("%d scans and truth.json in %s\n", count, out.c_str());
    return 0;
}
