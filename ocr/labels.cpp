#include "ocr/labels.hpp"

#include <algorithm>

#include "ocr/text_ops.hpp"

namespace lgw::ocr {
namespace {

// Substitutions allowed when matching a label of n characters: OCR misreads one character in four
// (成立日其 for 成立日期), never the whole label.
int allowance(std::size_t n) { return n >= 4 ? 1 : 0; }

// OCR puts strokes of the background, or of a spaced label, between a label's characters (出-生,
// 住:址); no label holds punctuation, so matching ignores it.
bool ignorable(char32_t ch) {
    static const std::u32string kPunct = U" -:：·.,，、“”\"'‘’|_~—;；";
    return kPunct.find(ch) != std::u32string::npos;
}

}  // namespace

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

std::u32string labelText(std::string_view read) {
    std::u32string out;
    for (char32_t ch : toU32(read))
        if (!ignorable(ch)) out += ch;
    return out;
}

std::vector<Hit> findLabels(const std::u32string& text, const DocSpec& doc, bool lenient) {
    std::vector<Hit> hits;
    if (lenient && text.size() >= 2)
        for (auto& f : doc.fields)
            for (auto& label : f.labels) {
                if (label.size() != 2) continue;
                if ((text[0] == label[0]) != (text[1] == label[1])) hits.push_back({0, 2, &f, 1, true});
                // The older licences space their two-character labels (名　　称): OCR reads a speck
                // between them as a character (名上称).
                if (text.size() >= 3 && text[0] == label[0] && text[2] == label[1] && text[1] != label[1])
                    hits.push_back({0, 3, &f, 1, true});
            }
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
    // A label is printed once on its row: the same field's label again after it is in the value
    // (面积 房屋建筑面积89.32平方米, 共有宗地面积…).
    std::sort(kept.begin(), kept.end(), [](const Hit& a, const Hit& b) { return a.start < b.start; });
    for (std::size_t i = 1; i < kept.size();)
        if (std::any_of(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(i), [&](const Hit& k) { return k.field == kept[i].field; }))
            kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(i));
        else
            ++i;
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


}  // namespace lgw::ocr
