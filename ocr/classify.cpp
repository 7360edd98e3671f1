#include "ocr/classify.hpp"

#include <regex>
#include <set>

#include "ocr/impl/trace.hpp"

namespace lgw::ocr {
namespace {

// chi_sim reads a card lying on its side as vertical text, labels and all; horizontal documents
// never have most of their lines standing up.
bool mostLinesStand(const PageText& page) {
    int standing = 0, counted = 0;
    for (auto& l : page.lines)
        if (l.words.size() >= 2) {
            ++counted;
            standing += l.box.h > l.box.w;
        }
    return counted > 0 && standing * 2 > counted;
}

void traceLines(const PageText& page) {
    if (!impl::tracing()) return;
    for (auto& l : page.lines) {
        std::string text;
        for (auto& w : l.words) text += w.text + "|";
        impl::trace("line @%d,%d %dx%d: %s\n", l.box.x, l.box.y, l.box.w, l.box.h, text.c_str());
    }
}

// The share of `d`'s fields whose label the page shows, half a point for each title, and evidence
// from a code of the document's own shape on one line — not alone (digits of several lines run
// together into anything), so only where a label was found too.
double scoreAs(const DocSpec& d, const std::vector<Chars>& lines, const std::u32string& all) {
    std::set<const FieldSpec*> seen;  // each line searched once, not once per field
    for (auto& l : lines)
        for (auto& h : findLabels(l.text, d)) seen.insert(h.field);
    double score = static_cast<double>(seen.size()) / static_cast<double>(d.fields.size());
    for (auto& t : d.titles)
        if (all.find(t) != std::u32string::npos) score += 0.5;
    if (!seen.empty()) {
        bool id = false, credit = false;
        for (auto& l : lines) {
            std::string ascii;
            for (char32_t ch : l.text)
                if (ch < 0x80) ascii += static_cast<char>(ch);
            id = id || std::regex_search(ascii, idShape());
            credit = credit || std::regex_search(ascii, creditShape());
        }
        if (std::string(d.type) == "id_card_front" && id) score += 0.5;
        if (std::string(d.type) == "business_licence" && credit) score += 0.25;
    }
    return score;
}

}  // namespace

PageRead readPage(OcrEngine& engine, Pix* page, int dpi, int thresholding, const std::string& hint) {
    PageRead a;
    a.page = engine.recognise(page, dpi, thresholding);
    a.vertical = mostLinesStand(a.page);
    std::u32string all;
    for (auto& l : a.page.lines) {
        a.lines.push_back(charsOf(l));
        all += a.lines.back().text;
    }
    traceLines(a.page);
    const DocSpec* best = nullptr;
    const DocSpec* hinted = nullptr;
    double bestScore = 0, hintScore = 0;
    for (auto& d : specs()) {
        const double score = scoreAs(d, a.lines, all);
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
}

}  // namespace lgw::ocr
