#include "ocr/scan_json.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace lgw::ocr {
namespace json = boost::json;

namespace {
double round2(double v) { return std::round(v * 100.0) / 100.0; }
}  // namespace

json::object scanJson(const ScanResult& r, const std::string& documentId) {
    json::object fields;
    // In the document type's own field order.
    for (auto& [type, names] : documentFields()) {
        if (type != r.docType) continue;
        for (auto& n : names) {
            auto it = r.fields.find(n);
            if (it == r.fields.end()) continue;
            auto& f = it->second;
            json::object o{{"value", f.value.empty() ? json::value(nullptr) : json::value(f.value)},
                           {"confidence", round2(f.confidence)},
                           {"status", toString(f.status)},
                           {"box", json::array{f.box.x, f.box.y, f.box.w, f.box.h}}};
            if (!f.raw.empty() && f.raw != f.value) o["raw"] = f.raw;
            if (!f.note.empty()) o["note"] = f.note;
            fields[n] = std::move(o);
        }
    }
    json::array checks;
    for (auto& c : r.checks) checks.push_back(json::object{{"check", c.name}, {"result", c.result}});
    json::object out{{"document_id", documentId.empty() ? json::value(nullptr) : json::value(documentId)},
                     {"doc_type", r.docType},
                     {"doc_type_confidence", round2(r.docTypeConfidence)},
                     {"fields", std::move(fields)},
                     {"checks", std::move(checks)},
                     {"cross_check", nullptr},
                     {"page", json::object{{"width", r.width}, {"height", r.height}, {"dpi", r.dpi},
                                           {"rotated_degrees", r.rotatedDegrees}, {"deskew_degrees", round2(r.deskewDegrees)},
                                           {"binarisation", r.binarisation}}},
                     {"timing_ms", json::object{{"preprocess", r.preprocessMs}, {"ocr", r.ocrMs}, {"extract", r.extractMs}}}};
    if (!r.hint.empty()) out["hint"] = json::object{{"type", r.hint}, {"contradicted", r.hintContradicted}};
    return out;
}

}  // namespace lgw::ocr
