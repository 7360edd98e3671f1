// Generates the simulator's synthetic holders (config/govsim/holders.json): 60 enterprises and 60
// persons with valid credit codes / ID numbers (GB 32100 / GB 11643 check characters computed here),
// a few credit codes that deliberately fail their check character yet "exist", licences of every
// type, some without end (长期) and some expiring within 30 days of the day the simulator loads the
// file (valid_to "+Nd"). Deterministic: the same seed gives the same file. Nothing here is a real
// person or company.
#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

#include "security/identity_codes.hpp"

namespace json = boost::json;
using lgw::security::creditCodeCheckChar;
using lgw::security::idNumberCheckChar;
using lgw::security::organisationCodeCheckChar;

namespace {

std::mt19937 rng(20261123);
int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
template <class T, std::size_t N>
const T& pickFrom(const T (&a)[N]) {
    return a[static_cast<std::size_t>(pick(0, N - 1))];
}

struct Region {
    const char* code;
    const char* city;
    const char* district;
    const char* issuer;
};
const Region kRegions[] = {
    {"110102", "北京市", "西城区", "北京市西城区市场监督管理局"}, {"110105", "北京市", "朝阳区", "北京市朝阳区市场监督管理局"},
    {"310115", "上海市", "浦东新区", "上海市浦东新区市场监督管理局"}, {"320102", "南京市", "玄武区", "南京市玄武区市场监督管理局"},
    {"330106", "杭州市", "西湖区", "杭州市西湖区市场监督管理局"}, {"440305", "深圳市", "南山区", "深圳市南山区市场监督管理局"},
    {"510104", "成都市", "锦江区", "成都市锦江区市场监督管理局"}, {"420106", "武汉市", "武昌区", "武汉市武昌区市场监督管理局"},
};
const char* kTradeNames[] = {"示例", "样本", "演示", "仿真", "测例", "模拟"};
const char* kWords[] = {"华能", "恒源", "瑞丰", "启明", "长青", "远航", "嘉禾", "宏图", "星辉", "清源", "润泽", "博远"};
const char* kIndustries[] = {"电力设备", "新能源科技", "精密制造", "食品加工", "物流", "建材", "数据服务", "冷链仓储"};
const char* kTypes[] = {"有限责任公司", "有限责任公司（自然人投资或控股）", "股份有限公司"};
const char* kSurnames[] = {"赵", "钱", "孙", "李", "周", "吴", "郑", "王", "冯", "陈", "褚", "卫"};
const char* kGiven[] = {"示安", "样华", "演明", "仿青", "测宁", "拟远", "示秋", "样辰", "演杰", "仿宇", "测芳", "拟琳"};
const char* kStreets[] = {"示例路", "样本街", "演示大道", "仿真路", "测例巷", "模拟大街"};
const char* kUsages[] = {"住宅", "工业", "商业", "办公"};
const char kCodeChars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

std::string date(int y, int m, int d) {
    char b[16];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
    return b;
}

std::string creditCode(const Region& r, bool breakCheck) {
    std::string org;
    for (int i = 0; i < 8; ++i) org += kCodeChars[pick(0, 9 + (i == 0 ? 10 : 0))];  // letters only at the start
    org += organisationCodeCheckChar(org);
    std::string first17 = std::string("91") + r.code + org;
    if (first17.size() != 17) throw std::logic_error("credit code length");
    char check = creditCodeCheckChar(first17);
    if (breakCheck) check = check == '0' ? '1' : '0';
    return first17 + check;
}

std::string idNumber(const Region& r, int y, int m, int d, bool male) {
    char seq[4];
    int s = pick(1, 99) * 10 + (male ? pick(0, 4) * 2 + 1 : pick(0, 4) * 2);
    std::snprintf(seq, sizeof seq, "%03d", s % 1000);
    char birth[16];
    std::snprintf(birth, sizeof birth, "%04d%02d%02d", y, m, d);
    std::string first17 = std::string(r.code) + birth + seq;
    return first17 + idNumberCheckChar(first17);
}

std::string phone(int i) {
    char b[16];
    std::snprintf(b, sizeof b, "1%d%d0000%04d", pick(3, 9), pick(0, 9), i);
    return b;
}

std::string address(const Region& r) {
    return std::string(r.city) + r.district + pickFrom(kStreets) + std::to_string(pick(1, 399)) + "号";
}

json::value validTo(int i, int issuedYear) {
    if (i % 7 == 0) return nullptr;                                    // 长期
    if (i % 9 == 1) return json::value("+" + std::to_string(pick(3, 28)) + "d");  // expires within 30 days
    return json::value(date(issuedYear + 20, pick(1, 12), pick(1, 28)));
}

json::object property(const Region& r, int i, const std::string& owner, const std::string& ownerCode) {
    int y = pick(2008, 2023);
    char number[64];
    std::snprintf(number, sizeof number, "%s(%d)%s不动产权第%07d号", r.city, y, r.district, pick(1, 9999999));
    return {{"type", "property_certificate"},
            {"number", number},
            {"issuer", std::string(r.city) + "不动产登记中心"},
            {"issued_on", date(y, pick(1, 12), pick(1, 28))},
            {"valid_from", date(y, 1, 1)},
            {"valid_to", i % 3 == 0 ? json::value(nullptr) : json::value(date(y + 50, 12, 31))},
            {"data",
             {{"owner", owner},
              {"owner_code", ownerCode},
              {"location", address(r)},
              {"unit_number", std::to_string(pick(1, 30)) + "栋" + std::to_string(pick(101, 2606)) + "室"},
              {"usage", pickFrom(kUsages)},
              {"area", std::to_string(pick(40, 3000)) + "." + std::to_string(pick(10, 99)) + "平方米"}}}};
}

}  // namespace

int main(int argc, char** argv) {
    std::string out = argc > 1 ? argv[1] : "config/govsim/holders.json";
    json::array holders;
    for (int i = 0; i < 60; ++i) {
        const Region& r = kRegions[static_cast<std::size_t>(i) % std::size(kRegions)];
        std::string name = std::string(r.city).substr(0, std::string(r.city).size() - 3) + pickFrom(kTradeNames) +
                           pickFrom(kWords) + pickFrom(kIndustries) + "有限公司";
        bool brokenCheck = i % 20 == 19;  // three early codes that fail the check character but exist
        std::string code = creditCode(r, brokenCheck);
        std::string rep = std::string(pickFrom(kSurnames)) + pickFrom(kGiven);
        int y = pick(2005, 2022);
        json::array licences;
        licences.push_back(json::object{
            {"type", "business_licence"},
            {"number", code},
            {"issuer", r.issuer},
            {"issued_on", date(y, pick(1, 12), pick(1, 28))},
            {"valid_from", date(y, 1, 1)},
            {"valid_to", validTo(i, y)},
            {"data",
             {{"legal_representative", rep},
              {"registered_capital", std::to_string(pick(1, 500) * 10) + "万元人民币"},
              {"address", address(r)},
              {"company_type", pickFrom(kTypes)},
              {"business_scope", std::string("输配电及控制设备制造；") + pickFrom(kIndustries) + "；技术服务。"},
              {"established_on", date(y, pick(1, 12), pick(1, 28))}}}});
        licences.push_back(property(r, i, name, code));
        if (i % 2 == 0)
            licences.push_back(json::object{{"type", "electrical_permit"},
                                            {"number", "建字第" + std::to_string(pick(100000, 999999)) + "号"},
                                            {"issuer", std::string(r.city) + "规划和自然资源委员会"},
                                            {"issued_on", date(2024, pick(1, 12), pick(1, 28))},
                                            {"valid_from", date(2024, 1, 1)},
                                            {"valid_to", date(2027, 12, 31)},
                                            {"data", {{"project", name + "厂区配电工程"}, {"location", address(r)}}}});
        holders.push_back(json::object{{"holder_code", code},
                                       {"holder_code_type", "USCC"},
                                       {"name", name},
                                       {"phone", phone(i)},
                                       {"licences", licences}});
    }
    for (int i = 0; i < 60; ++i) {
        const Region& r = kRegions[static_cast<std::size_t>(i) % std::size(kRegions)];
        bool male = i % 2 == 0;
        int by = pick(1940, 2004), bm = pick(1, 12), bd = pick(1, 28);
        std::string code = idNumber(r, by, bm, bd, male);
        std::string name = std::string(pickFrom(kSurnames)) + pickFrom(kGiven);
        int iy = pick(2012, 2024);
        json::value to = (by < 1980 && i % 4 == 0) ? json::value(nullptr)
                         : (i % 9 == 2)            ? json::value("+" + std::to_string(pick(3, 28)) + "d")
                                                   : json::value(date(iy + 20, bm, bd));
        json::array licences;
        licences.push_back(json::object{{"type", "id_card"},
                                        {"number", code},
                                        {"issuer", std::string(r.city) + "公安局" + r.district + "分局"},
                                        {"issued_on", date(iy, bm, bd)},
                                        {"valid_from", date(iy, bm, bd)},
                                        {"valid_to", to},
                                        {"data",
                                         {{"sex", male ? "男" : "女"},
                                          {"ethnicity", "汉"},
                                          {"birth_date", date(by, bm, bd)},
                                          {"address", address(r)}}}});
        licences.push_back(property(r, i + 100, name, code));
        holders.push_back(json::object{{"holder_code", code},
                                       {"holder_code_type", "ID"},
                                       {"name", name},
                                       {"phone", phone(100 + i)},
                                       {"licences", licences}});
    }
    json::object doc{{"note", "Synthetic holders for the government-platform simulator, generated by tools/gen_holders."
                              " Not real people or companies."},
                     {"holders", holders}};
    std::ofstream f(out);
    f << json::serialize(doc) << "\n";
    std::cerr << "wrote " << holders.size() << " holders to " << out << "\n";
}
