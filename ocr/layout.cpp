#include "ocr/layout.hpp"

#include <algorithm>
#include <optional>
#include <regex>
#include <set>

#include "ocr/impl/trace.hpp"
#include "ocr/text_ops.hpp"

namespace lgw::ocr {
namespace {

struct PageWord {
    std::string text;
    Box box;
    float confidence;
    bool label = false;
    // Tesseract reports image regions (a photo, a seal, the background pattern) as words of
    // spaces with boxes as large as the page: never part of a value.
    bool blank() const { return text.find_first_not_of(' ') == std::string::npos; }
};

struct LabelAt {
    const FieldSpec* field;
    Box box;
};

struct Layout {
    std::vector<PageWord> words;
    std::vector<LabelAt> labels;
};

// Every word of the page, and the labels among them. Lenient hits never displace exact ones (they
// rank last), so one lenient search per line also says which fields the page labels exactly.
Layout wordsAndLabels(const PageRead& read) {
    Layout out;
    std::vector<std::vector<Hit>> hitsOf;
    std::set<const FieldSpec*> labelledStrictly;
    std::map<const FieldSpec*, std::set<std::size_t>> linesOpenedBy;  // field -> the lines its label opens
    for (auto& chars : read.lines) {
        hitsOf.push_back(findLabels(chars.text, *read.doc, true));
        for (auto& h : hitsOf.back()) {
            if (!h.lenient) labelledStrictly.insert(h.field);
            if (!h.lenient && h.start == 0) linesOpenedBy[h.field].insert(hitsOf.size() - 1);
        }
    }
    for (std::size_t li = 0; li < read.lines.size(); ++li) {
        auto& chars = read.lines[li];
        std::size_t base = out.words.size();
        for (auto& w : read.page.lines[li].words) out.words.push_back({w.text, w.box, w.confidence});
        for (auto& h : hitsOf[li]) {
            if (h.lenient && labelledStrictly.count(h.field)) continue;
            // A field labelled at the start of a line elsewhere: the same words inside another
            // line are its value's (房屋建筑面积… on a line of its own, under 面积).
            if (auto opened = linesOpenedBy.find(h.field); h.start > 0 && opened != linesOpenedBy.end()) {
                const bool elsewhere = opened->second.size() > opened->second.count(li);
                bool again = false;
                for (auto& other : hitsOf[li]) again |= &other != &h && other.field == h.field;
                if (elsewhere && !again) continue;
            }
            Box b;
            for (std::size_t k = h.start; k < h.end; ++k) {
                out.words[base + chars.word[k]].label = true;
                b = unite(b, out.words[base + chars.word[k]].box);
            }
            out.labels.push_back({h.field, b});
        }
    }
    return out;
}

// Whether `b`'s row starts with a label, or the nearest text left of it is one; else where the gap
// left of it begins (the nearest text on its left, or a few characters' width).
bool labelledRow(const Layout& layout, const Box& b, int& left) {
    bool labelled = false;
    for (auto& l : layout.labels) labelled |= sameRow(l.box, b) && l.box.x <= b.x + b.h && l.box.right() >= b.x - 2 * b.h;
    left = std::max(0, b.x - 12 * b.h);
    const PageWord* nearest = nullptr;
    for (auto& w : layout.words)
        if (!w.blank() && sameRow(w.box, b) && w.box.right() < b.x - 4 && w.box.right() + 4 > left) {
            left = w.box.right() + 4;
            nearest = &w;
        }
    return labelled || (nearest && nearest->label);
}

// Labels the page read lost whole (Tesseract took a column of labels for something else and kept
// only the values beside it): a line whose row holds no label left of it is read again from the
// nearest text on its left (or a few characters' width) up to its start, and a label found there
// for a field still without one starts that field.
void recoverLostLabels(OcrEngine& engine, const PageImage& image, const PageRead& read, Layout& layout) {
    const DocSpec& doc = *read.doc;
    std::set<const FieldSpec*> found;
    for (auto& l : layout.labels) found.insert(l.field);
    for (auto& f : doc.fields)
        if (f.name == std::string_view("certificate_number")) found.insert(&f);  // a whole line, found apart
    // Titles are set larger than labels and values: not where a lost label hides.
    std::vector<int> heights;
    for (auto& l : read.page.lines)
        if (!l.words.empty()) heights.push_back(l.box.h);
    std::nth_element(heights.begin(), heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2), heights.end());
    const int typical = heights.empty() ? 0 : heights[heights.size() / 2];
    int rereads = 0;
    for (std::size_t li = 0; li < read.lines.size() && found.size() < doc.fields.size() && rereads < 6; ++li) {
        const TextLine& line = read.page.lines[li];
        if (line.words.empty() || read.lines[li].text.empty()) continue;
        const Box& b = line.box;
        if (b.h < 15 || b.w < 2 * b.h || b.h * 2 > typical * 3) continue;
        int left = 0;
        if (labelledRow(layout, b, left)) continue;
        if (b.x - 4 - left < 2 * b.h) continue;  // no room for a label
        Box region{left, std::max(0, b.y - b.h / 4), b.x - 4 - left, std::min(b.h * 3 / 2, image.height - std::max(0, b.y - b.h / 4))};
        ++rereads;
        LineRead again = engine.readLine(image.pix, image.dpi, region, "", image.thresholding);
        impl::trace("label reread @%d,%d %dx%d: %s (%.0f)\n", region.x, region.y, region.w, region.h, again.text.c_str(),
                    again.confidence);
        for (auto& h : findLabels(labelText(again.text), doc, true))
            if (!found.count(h.field)) {
                found.insert(h.field);
                layout.labels.push_back({h.field, region});
                break;
            }
    }
}

void traceLayout(const Layout& layout) {  // development aid: what the page was read as
    if (!impl::tracing()) return;
    for (auto& w : layout.words)
        impl::trace("word %s%s @%d,%d %dx%d conf %.0f\n", w.label ? "[label] " : "", w.text.c_str(), w.box.x, w.box.y,
                    w.box.w, w.box.h, w.confidence);
    for (auto& l : layout.labels)
        impl::trace("label %s @%d,%d %dx%d\n", l.field->name, l.box.x, l.box.y, l.box.w, l.box.h);
}

// The words on `row`'s level right of x, left of the next label there, without wide gaps. The row
// is followed word by word, each on the level of the one before it, so that a line rising or
// falling across the page (skew left after deskewing) is kept whole.
void beside(const std::vector<PageWord>& words, const Box& row, int x, std::vector<std::size_t>& picked) {
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
}

// The picked words as one value: their text, the box round them, their mean confidence.
RawField collected(const std::vector<PageWord>& words, const std::vector<std::size_t>& picked) {
    RawField f;
    float sum = 0;
    int n = 0;
    for (auto i : picked) {
        appendTo(f.text, words[i].text);
        f.box = unite(f.box, words[i].box);
        sum += words[i].confidence;
        ++n;
    }
    f.confidence = n ? sum / static_cast<float>(n) : 0;
    return f;
}

// Below the label (the 2019 licence prints the credit code under it).
RawField valueBelow(const std::vector<PageWord>& words, const Box& label, std::vector<std::size_t>& picked) {
    picked.clear();
    std::size_t first = words.size();
    for (std::size_t i = 0; i < words.size(); ++i)
        if (!words[i].label && !words[i].blank() && words[i].box.y >= label.bottom() - 2 &&
            words[i].box.y <= label.bottom() + 2 * label.h && words[i].box.right() >= label.x &&
            (first == words.size() || words[i].box.x < words[first].box.x))
            first = i;
    if (first < words.size()) beside(words, words[first].box, words[first].box.x, picked);
    return collected(words, picked);
}

// The next row of a long value: the nearest under it, starting near its left edge, no label on
// it, not yet taken. Empty when the value ends there.
std::vector<std::size_t> nextRow(const Layout& layout, const RawField& f, const std::set<std::size_t>& taken) {
    const auto& words = layout.words;
    std::size_t next = words.size();
    for (std::size_t i = 0; i < words.size(); ++i) {
        auto& w = words[i].box;
        if (words[i].blank() || taken.count(i)) continue;
        if (!(w.y > f.box.bottom() - f.box.h / 4 && w.y < f.box.bottom() + f.box.h * 3 / 2 && std::abs(w.x - f.box.x) < f.box.h))
            continue;
        // The nearest row down, and on it the leftmost word: a tall value's window reaches two rows
        // down, and the lower one starting a pixel further left must not skip the row between.
        if (next == words.size()) next = i;
        else if (sameRow(w, words[next].box) ? w.x < words[next].box.x : w.y < words[next].box.y) next = i;
    }
    if (next == words.size() || words[next].label) return {};
    for (auto& other : layout.labels)  // the next field's value, its label further left
        if (sameRow(other.box, words[next].box)) return {};
    std::vector<std::size_t> more;
    beside(words, words[next].box, words[next].box.x, more);
    std::erase_if(more, [&](std::size_t i) { return taken.count(i) > 0; });
    // A row holding a long code (a unit number, a credit code) is its own field, not the rest of an
    // address.
    std::string rowText;
    for (auto i : more) rowText += words[i].text;
    static const std::regex longCode(R"([0-9A-Z]{12,})");
    if (std::regex_search(rowText, longCode)) return {};
    return more;
}

// Continuation rows of a long value, at most four, each read into `f`.
void continueBelow(const Layout& layout, const std::vector<std::size_t>& picked, RawField& f) {
    f.rowBoxes.push_back(f.box);
    std::set<std::size_t> taken(picked.begin(), picked.end());  // a row is never read twice
    for (int row = 0; row < 4; ++row) {
        std::vector<std::size_t> more = nextRow(layout, f, taken);
        if (more.empty()) break;
        taken.insert(more.begin(), more.end());
        RawField tail = collected(layout.words, more);
        f.text += tail.text;
        f.box = unite(f.box, tail.box);
        f.rowBoxes.push_back(tail.box);
        ++f.rows;
        f.confidence = std::min(f.confidence, tail.confidence);
    }
}

// The value of the field `l` labels: beside it, else below it; continued when long. None when empty.
std::optional<RawField> valueOf(const Layout& layout, const LabelAt& l) {
    std::vector<std::size_t> picked;
    beside(layout.words, l.box, l.box.right(), picked);
    RawField f = collected(layout.words, picked);
    if (cleanValue(f.text).empty()) f = valueBelow(layout.words, l.box, picked);
    if (l.field->kind == Kind::kLongText && f.box.w > 0) continueBelow(layout, picked, f);
    f.text = cleanValue(f.text);
    if (f.text.empty()) return std::nullopt;
    return f;
}

void valuesByLabel(const Layout& layout, const std::string& docType, std::map<std::string, RawField>& raw) {
    for (auto& l : layout.labels) {
        if (raw.count(l.field->name)) continue;
        std::optional<RawField> f = valueOf(layout, l);
        if (!f) continue;
        raw[l.field->name] = *f;
        // id_card_back: one 有效期限 row carries both dates.
        if (std::string(l.field->name) == "valid_from") raw["valid_to"] = *f;
    }
    if (docType == "id_card_back") {
        if (raw.count("valid_to") && !raw.count("valid_from")) raw["valid_from"] = raw["valid_to"];
        if (raw.count("valid_from") && !raw.count("valid_to")) raw["valid_to"] = raw["valid_from"];
    }
}

std::optional<RawField> codeOnAnyLine(const PageText& page, Kind kind) {
    for (auto& l : page.lines)
        if (auto code = codeOfShape(l.text, kind); !code.empty()) return RawField{code, l.box, l.confidence, true};
    return std::nullopt;
}

// A line Tesseract found but could not read (a patterned background, a photo), read again on its own.
std::optional<RawField> codeInBlankLines(OcrEngine& engine, const PageImage& image, const PageText& page, Kind kind) {
    int rereads = 0;
    for (auto& l : page.lines) {
        bool blank = std::none_of(l.words.begin(), l.words.end(), [](const Word& w) {
            return std::any_of(w.text.begin(), w.text.end(), [](char c) { return c != ' '; });
        });
        const Box& b = l.box;
        bool lineShaped = b.w > 3 * b.h && b.h >= 20;  // not the page's border strokes
        if (!blank || !lineShaped || ++rereads > 4) continue;
        LineRead again = engine.readLine(image.pix, image.dpi, b, "", image.thresholding);
        impl::trace("reread @%d,%d %dx%d: %s (%.0f)\n", b.x, b.y, b.w, b.h, again.text.c_str(), again.confidence);
        if (auto code = codeOfShape(again.text, kind); !code.empty()) return RawField{code, b, again.confidence, true};
    }
    return std::nullopt;
}

// The ID card prints its number alone on the last row, right of its label: read that band.
std::optional<RawField> idNumberBand(OcrEngine& engine, const PageImage& image, Kind kind) {
    Box band{image.width / 4, image.height * 3 / 4, image.width - image.width / 4, image.height - image.height * 3 / 4};
    for (const char* wl : {"0123456789X", ""}) {
        LineRead again = engine.readLine(image.pix, image.dpi, band, wl, image.thresholding);
        impl::trace("band read: %s (%.0f)\n", again.text.c_str(), again.confidence);
        if (auto code = codeOfShape(again.text, kind); !code.empty()) return RawField{code, band, again.confidence, true};
    }
    return std::nullopt;
}

// A code whose label was not read: the code's own shape on any line, else a line Tesseract found
// but could not read, else (an ID number) the band it is printed in.
void codesByShape(OcrEngine& engine, const PageImage& image, const PageRead& read, std::map<std::string, RawField>& raw) {
    const std::string docType = read.doc->type;
    for (auto& spec : read.doc->fields) {
        if (raw.count(spec.name)) continue;
        if (std::string(spec.name) == "unit_number") {
            if (auto f = codeOnAnyLine(read.page, Kind::kText)) raw[spec.name] = *f;
            continue;
        }
        if (spec.kind != Kind::kIdNumber && spec.kind != Kind::kCreditCode) continue;
        std::optional<RawField> f = codeOnAnyLine(read.page, spec.kind);
        if (!f) f = codeInBlankLines(engine, image, read.page, spec.kind);
        if (!f && docType == "id_card_front") f = idNumberBand(engine, image, spec.kind);
        if (f) raw[spec.name] = *f;
    }
}

// The back of an ID card prints its period of validity as one range, a shape nothing else on it
// has: found on any line when its label was misread.
void validityRange(const PageText& page, std::map<std::string, RawField>& raw) {
    for (auto& l : page.lines) {
        std::string compact;
        for (auto& w : l.words) compact += w.text;
        static const std::regex range(R"((\d{4}[.\-]\d{2}[.\-]\d{2})\D{0,3}?(\d{4}[.\-]\d{2}[.\-]\d{2}|长期))");
        std::smatch m;
        if (!std::regex_search(compact, m, range)) continue;
        RawField f{m[1].str() + "-" + m[2].str(), l.box, l.confidence, true};
        raw["valid_from"] = f;
        raw["valid_to"] = f;
        return;
    }
}

// The property certificate's number is a whole line: 京(2019)西城区不动产权第0001234号. 第, the serial
// number, 号: the closing 号 is part of the format, so a misread of it (与) is restored, and said so.
void propertyCertificateNumber(const PageText& page, std::map<std::string, RawField>& raw) {
    for (auto& l : page.lines) {
        auto t = toU32(l.text);
        auto at = t.find(U"不动产权第");
        if (at == std::u32string::npos) continue;
        std::u32string compact;
        for (char32_t ch : t.substr(0, at + 5))
            if (ch != U' ') compact += ch;
        std::size_t end = at + 5;
        for (; end < t.size() && (t[end] == U' ' || (t[end] >= U'0' && t[end] <= U'9')); ++end)
            if (t[end] != U' ') compact += t[end];
        if (compact.size() == at + 5 || compact.back() < U'0' || compact.back() > U'9') continue;  // no serial number
        RawField f{cleanValue(toU8(compact)) + "号", l.box, l.confidence};
        if (end >= t.size() || t[end] != U'号') {
            f.restored = "the format's closing 号 restored";
            f.restoredFrom = toU8(compact) + toU8(t.substr(end, 1));
        }
        raw["certificate_number"] = f;
        return;
    }
}

}  // namespace

std::map<std::string, RawField> extractRawFields(OcrEngine& engine, const PageImage& image, const PageRead& read) {
    const std::string docType = read.doc->type;
    Layout layout = wordsAndLabels(read);
    recoverLostLabels(engine, image, read, layout);
    traceLayout(layout);
    std::map<std::string, RawField> raw;
    valuesByLabel(layout, docType, raw);
    codesByShape(engine, image, read, raw);
    if (docType == "id_card_back" && !raw.count("valid_from")) validityRange(read.page, raw);
    if (docType == "property_certificate") propertyCertificateNumber(read.page, raw);
    return raw;
}

}  // namespace lgw::ocr
