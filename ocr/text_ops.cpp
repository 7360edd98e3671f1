#include "ocr/text_ops.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

namespace lgw::ocr {

std::string trim(std::string s) {
    auto ws = [](unsigned char c) { return c == ' ' || c == '\t' || c == ':' || c == '\n'; };
    while (!s.empty() && ws(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
    while (!s.empty() && ws(static_cast<unsigned char>(s.back()))) s.pop_back();
    // Full-width colon after a label.
    if (s.rfind("：", 0) == 0) s = s.substr(3);
    return s;
}

std::string comparable(const std::string& s) {
    std::string out;
    for (char32_t ch : toU32(s)) {
        if (ch == U' ') continue;
        if (ch >= 0xFF01 && ch <= 0xFF5E) ch -= 0xFEE0;  // full-width ASCII forms
        out += toU8(std::u32string(1, ch));
    }
    return out;
}

std::string digitsOnly(const std::string& s) {
    std::string d;
    for (char c : s)
        if (c >= '0' && c <= '9') d += c;
    return d;
}

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

void appendTo(std::string& text, const std::string& word) {
    auto ascii = [](unsigned char c) { return c < 0x80; };
    if (!text.empty() && !word.empty() && ascii(static_cast<unsigned char>(text.back())) &&
        ascii(static_cast<unsigned char>(word.front())) && std::isalnum(static_cast<unsigned char>(word.front())) &&
        std::isalnum(static_cast<unsigned char>(text.back())))
        text += ' ';
    text += word;
}

Box unite(const Box& a, const Box& b) {
    if (a.w == 0) return b;
    if (b.w == 0) return a;
    int x = std::min(a.x, b.x), y = std::min(a.y, b.y);
    return {x, y, std::max(a.right(), b.right()) - x, std::max(a.bottom(), b.bottom()) - y};
}

std::string cleanValue(std::string t) {
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
}

bool sameRow(const Box& a, const Box& b) {
    int top = std::max(a.y, b.y), bottom = std::min(a.bottom(), b.bottom());
    return bottom - top >= std::min(a.h, b.h) / 2;
}

}  // namespace lgw::ocr
