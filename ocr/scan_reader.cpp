#include "ocr/scan_reader.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cstdlib>

#include "ocr/classify.hpp"
#include "ocr/cross_checks.hpp"
#include "ocr/field_rules.hpp"
#include "ocr/impl/elapsed.hpp"
#include "ocr/impl/trace.hpp"
#include "ocr/layout.hpp"
#include "ocr/orientation.hpp"
#include "ocr/prepare.hpp"

namespace lgw::ocr {
namespace {

using Clock = impl::SteadyClock;
using impl::msSince;

PixPtr turned(Pix* upright, int quads) { return PixPtr(quads ? pixRotateOrth(upright, quads) : pixClone(upright)); }

// A page that reads as no document, or without most of its labels, may have lost its faint
// strokes to the binarisation chosen: read it once with the other one and keep the better read.
void tryOtherThresholding(OcrEngine& engine, Pix* page, int dpi, const std::string& hint, int& method, PageRead& got) {
    if (got.clear()) return;
    const int chosen = method;
    method = chosen == 2 ? 0 : 2;
    PageRead other = readPage(engine, page, dpi, method, hint);
    impl::trace("binarisation %s: %s score %.2f (was %.2f)\n", thresholdingName(method), other.doc ? other.doc->type : "unknown",
                other.score, got.score);
    if (other.doc && (!got.doc || other.weight() > got.weight())) got = std::move(other);
    else method = chosen;
}

// When the page read the chosen way is no known document, or the sample left the way in doubt and
// the page does not read clearly (most of its labels), try the other ways and keep the one that
// reads best. A page read the wrong way up still matches a label or a digit run now and then;
// Tesseract is much surer of the right way up, so its mean confidence weighs in.
void tryOtherTurns(OcrEngine& engine, Pix* upright, int dpi, const std::string& hint, int method, Turn turn, PixPtr& page,
                   PageRead& got, int& rotatedDegrees) {
    if (got.doc && (turn.sure || got.clear())) return;
    for (int quads : {(turn.quads + 2) % 4, (turn.quads + 1) % 4, (turn.quads + 3) % 4}) {
        if (got.clear()) break;
        PixPtr candidate = turned(upright, quads);
        PageRead other = readPage(engine, candidate.get(), dpi, method, hint);
        impl::trace("orientation +%d: %s score %.2f mean confidence %.0f (current %.2f/%.0f)\n", quads * 90,
                    other.doc ? other.doc->type : "unknown", other.score, other.page.meanConfidence, got.score,
                    got.page.meanConfidence);
        if (other.doc && (!got.doc || other.weight() > got.weight())) {
            got = std::move(other);
            page = std::move(candidate);
            rotatedDegrees = quads * 90;
        }
    }
}

}  // namespace

ScanReader::ScanReader(OcrEngine& engine, ReaderOptions options) : engine_(engine), options_(options) {}

std::variant<ScanResult, ScanError> ScanReader::read(std::string_view bytes, std::string_view contentType,
                                                     const std::string& hint, std::string_view today) {
    auto t0 = Clock::now();
    auto decoded = decodeScan(bytes, contentType, options_.maxPixels, kMaxPreparedSide);
    if (auto* e = std::get_if<ScanError>(&decoded)) return *e;
    auto prepared = preparePage(std::get<DecodedScan>(decoded), options_.maxPixels);
    if (auto* e = std::get_if<ScanError>(&prepared)) return *e;
    PreparedPage& prep = std::get<PreparedPage>(prepared);
    ScanResult r;
    r.hint = hint;
    r.dpi = prep.dpi;
    r.deskewDegrees = prep.deskewDegrees;
    r.preprocessMs = msSince(t0);

    auto t1 = Clock::now();
    int method = prep.thresholding;
    const Turn turn = chooseTurn(engine_, prep.pix.get(), r.dpi, method);
    PixPtr page = turned(prep.pix.get(), turn.quads);  // prep.pix stays as it arrived
    r.rotatedDegrees = turn.quads * 90;
    if (const char* dump = std::getenv("LGW_OCR_DUMP")) pixWrite(dump, page.get(), IFF_PNG);  // development aid
    PageRead got = readPage(engine_, page.get(), r.dpi, method, hint);
    tryOtherThresholding(engine_, page.get(), r.dpi, hint, method, got);
    r.binarisation = thresholdingName(method);
    tryOtherTurns(engine_, prep.pix.get(), r.dpi, hint, method, turn, page, got, r.rotatedDegrees);
    r.width = pixGetWidth(page.get());
    r.height = pixGetHeight(page.get());
    r.ocrMs = msSince(t1);

    auto t2 = Clock::now();
    r.hintContradicted = got.hintContradicted;
    r.docType = got.doc ? got.doc->type : "unknown";
    r.docTypeConfidence = static_cast<float>(std::min(1.0, got.score / 1.5));
    if (got.doc) {
        const FieldContext ctx{engine_, PageImage{page.get(), r.dpi, r.width, r.height, method}, options_.reviewBelow, today};
        const auto raw = extractRawFields(engine_, ctx.image, got);
        for (auto& spec : got.doc->fields) {
            auto it = raw.find(spec.name);
            if (it == raw.end()) {
                FieldResult missing;
                missing.note = "not found on the page";
                r.fields[spec.name] = missing;
            } else {
                r.fields[spec.name] = finishField(ctx, spec, it->second, r.checks);
            }
        }
        checkAcrossFields(*got.doc, r);
    }
    r.extractMs = msSince(t2);
    return r;
}

}  // namespace lgw::ocr
