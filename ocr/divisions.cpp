#include "ocr/divisions.hpp"

namespace lgw::ocr {

const std::vector<Province>& provinces() {
    static const std::vector<Province> p = {
        {"11", "北京市", {"京"}},        {"12", "天津市", {"津"}},          {"13", "河北省", {"冀"}},
        {"14", "山西省", {"晋"}},        {"15", "内蒙古自治区", {"蒙"}},    {"21", "辽宁省", {"辽"}},
        {"22", "吉林省", {"吉"}},        {"23", "黑龙江省", {"黑"}},        {"31", "上海市", {"沪"}},
        {"32", "江苏省", {"苏"}},        {"33", "浙江省", {"浙"}},          {"34", "安徽省", {"皖"}},
        {"35", "福建省", {"闽"}},        {"36", "江西省", {"赣"}},          {"37", "山东省", {"鲁"}},
        {"41", "河南省", {"豫"}},        {"42", "湖北省", {"鄂"}},          {"43", "湖南省", {"湘"}},
        {"44", "广东省", {"粤"}},        {"45", "广西壮族自治区", {"桂"}},  {"46", "海南省", {"琼"}},
        {"50", "重庆市", {"渝"}},        {"51", "四川省", {"川", "蜀"}},    {"52", "贵州省", {"黔", "贵"}},
        {"53", "云南省", {"云", "滇"}},  {"54", "西藏自治区", {"藏"}},      {"61", "陕西省", {"陕", "秦"}},
        {"62", "甘肃省", {"甘", "陇"}},  {"63", "青海省", {"青"}},          {"64", "宁夏回族自治区", {"宁"}},
        {"65", "新疆维吾尔自治区", {"新"}},
    };
    return p;
}

const Province* provinceOf(std::string_view divisionCode) {
    if (divisionCode.size() < 2) return nullptr;
    for (auto& p : provinces())
        if (divisionCode.substr(0, 2) == p.code) return &p;
    return nullptr;
}

bool isProvinceAbbreviation(std::string_view c) {
    for (auto& p : provinces())
        for (auto a : p.abbreviations)
            if (a == c) return true;
    return false;
}

}  // namespace lgw::ocr
