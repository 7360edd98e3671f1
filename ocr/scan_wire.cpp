#include "ocr/scan_wire.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace lgw::ocr {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxText = 4096;   // a field's value, raw read or note
constexpr std::size_t kMaxFields = 64;
constexpr std::size_t kMaxChecks = 64;
constexpr std::int64_t kMaxCoordinate = 1'000'000;

// Each reader returns false and says why; the first failure ends decoding.
struct Reader {
    std::string& why;

    const json::value* member(const json::object& o, std::string_view key, std::string_view where) {
        auto* v = o.if_contains(key);
        if (!v) why = std::string(where) + "." + std::string(key) + " is missing";
        return v;
    }
    bool text(const json::object& o, std::string_view key, std::string& out, std::string_view where,
              std::size_t max = kMaxText) {
        auto* v = member(o, key, where);
        if (!v) return false;
        if (!v->is_string() || v->as_string().size() > max) {
            why = std::string(where) + "." + std::string(key) + " must be a string of at most " + std::to_string(max) +
                  " bytes";
            return false;
        }
        out = std::string(v->as_string());
        return true;
    }
    bool integer(const json::object& o, std::string_view key, std::int64_t lo, std::int64_t hi, std::int64_t& out,
                 std::string_view where) {
        auto* v = member(o, key, where);
        if (!v) return false;
        if (!v->is_int64() || v->as_int64() < lo || v->as_int64() > hi) {
            why = std::string(where) + "." + std::string(key) + " must be an integer in " + std::to_string(lo) + ".." +
                  std::to_string(hi);
            return false;
        }
        out = v->as_int64();
        return true;
    }
    template <class T>
    bool integer(const json::object& o, std::string_view key, std::int64_t lo, std::int64_t hi, T& out,
                 std::string_view where) {
        std::int64_t v = 0;
        if (!integer(o, key, lo, hi, v, where)) return false;
        out = static_cast<T>(v);
        return true;
    }
    bool number(const json::object& o, std::string_view key, double lo, double hi, double& out, std::string_view where) {
        auto* v = member(o, key, where);
        if (!v) return false;
        double d = v->is_double() ? v->as_double() : v->is_int64() ? static_cast<double>(v->as_int64()) : NAN;
        if (!(d >= lo && d <= hi)) {
            why = std::string(where) + "." + std::string(key) + " must be a number in " + std::to_string(lo) + ".." +
                  std::to_string(hi);
            return false;
        }
        out = d;
        return true;
    }
    bool boolean(const json::object& o, std::string_view key, bool& out, std::string_view where) {
        auto* v = member(o, key, where);
        if (!v) return false;
        if (!v->is_bool()) {
            why = std::string(where) + "." + std::string(key) + " must be true or false";
            return false;
        }
        out = v->as_bool();
        return true;
    }
    const json::object* object(const json::object& o, std::string_view key, std::string_view where) {
        auto* v = member(o, key, where);
        if (!v) return nullptr;
        if (!v->is_object()) {
            why = std::string(where) + "." + std::string(key) + " must be an object";
            return nullptr;
        }
        return &v->as_object();
    }
    const json::array* array(const json::object& o, std::string_view key, std::size_t max, std::string_view where) {
        auto* v = member(o, key, where);
        if (!v) return nullptr;
        if (!v->is_array() || v->as_array().size() > max) {
            why = std::string(where) + "." + std::string(key) + " must be an array of at most " + std::to_string(max);
            return nullptr;
        }
        return &v->as_array();
    }
};

std::optional<FieldStatus> statusFrom(std::string_view s) {
    if (s == "ok") return FieldStatus::kOk;
    if (s == "corrected") return FieldStatus::kCorrected;
    if (s == "needs_review") return FieldStatus::kNeedsReview;
    return std::nullopt;
}

bool decodeField(Reader& rd, const json::object& o, FieldResult& f, const std::string& where) {
    double confidence = 0;
    std::string status;
    if (!rd.text(o, "value", f.value, where) || !rd.text(o, "raw", f.raw, where) ||
        !rd.number(o, "confidence", 0, 1, confidence, where) || !rd.text(o, "status", status, where, 32) ||
        !rd.text(o, "note", f.note, where))
        return false;
    f.confidence = static_cast<float>(confidence);
    auto st = statusFrom(status);
    if (!st) {
        rd.why = where + ".status must be ok, corrected or needs_review";
        return false;
    }
    f.status = *st;
    auto* box = rd.array(o, "box", 4, where);
    if (!box) return false;
    if (box->size() != 4) {
        rd.why = where + ".box must hold x, y, w, h";
        return false;
    }
    int* parts[] = {&f.box.x, &f.box.y, &f.box.w, &f.box.h};
    for (std::size_t i = 0; i < 4; ++i) {
        auto& v = (*box)[i];
        if (!v.is_int64() || v.as_int64() < -kMaxCoordinate || v.as_int64() > kMaxCoordinate) {
            rd.why = where + ".box holds a coordinate out of range";
            return false;
        }
        *parts[i] = static_cast<int>(v.as_int64());
    }
    return true;
}

std::optional<ScanResult> decodeResult(Reader& rd, const json::object& o) {
    ScanResult r;
    double docConfidence = 0, deskew = 0;
    if (!rd.text(o, "doc_type", r.docType, "result", 64) ||
        !rd.number(o, "doc_type_confidence", 0, 1, docConfidence, "result") ||
        !rd.text(o, "hint", r.hint, "result", 64) || !rd.boolean(o, "hint_contradicted", r.hintContradicted, "result") ||
        !rd.integer(o, "rotated_degrees", 0, 270, r.rotatedDegrees, "result") ||
        !rd.number(o, "deskew_degrees", -90, 90, deskew, "result") ||
        !rd.text(o, "binarisation", r.binarisation, "result", 32) ||
        !rd.integer(o, "width", 0, kMaxCoordinate, r.width, "result") ||
        !rd.integer(o, "height", 0, kMaxCoordinate, r.height, "result") ||
        !rd.integer(o, "dpi", 0, 10000, r.dpi, "result") ||
        !rd.integer(o, "preprocess_ms", 0, 86'400'000, r.preprocessMs, "result") ||
        !rd.integer(o, "ocr_ms", 0, 86'400'000, r.ocrMs, "result") ||
        !rd.integer(o, "extract_ms", 0, 86'400'000, r.extractMs, "result"))
        return std::nullopt;
    if (r.docType != "unknown" && !isDocumentType(r.docType)) {
        rd.why = "result.doc_type is not a document type";
        return std::nullopt;
    }
    if (!r.hint.empty() && !isDocumentType(r.hint)) {
        rd.why = "result.hint is not a document type";
        return std::nullopt;
    }
    r.docTypeConfidence = static_cast<float>(docConfidence);
    r.deskewDegrees = deskew;
    auto* fields = rd.object(o, "fields", "result");
    if (!fields) return std::nullopt;
    if (fields->size() > kMaxFields) {
        rd.why = "result.fields has more than " + std::to_string(kMaxFields) + " members";
        return std::nullopt;
    }
    for (auto& [name, v] : *fields) {
        std::string where = "result.fields." + std::string(name);
        if (name.size() > 64 || !v.is_object()) {
            rd.why = where + " must be an object under a short name";
            return std::nullopt;
        }
        FieldResult f;
        if (!decodeField(rd, v.as_object(), f, where)) return std::nullopt;
        r.fields.emplace(std::string(name), std::move(f));
    }
    auto* checks = rd.array(o, "checks", kMaxChecks, "result");
    if (!checks) return std::nullopt;
    for (auto& v : *checks) {
        if (!v.is_object()) {
            rd.why = "result.checks holds a non-object";
            return std::nullopt;
        }
        Check c;
        if (!rd.text(v.as_object(), "name", c.name, "result.checks", 128) ||
            !rd.text(v.as_object(), "result", c.result, "result.checks", 32))
            return std::nullopt;
        r.checks.push_back(std::move(c));
    }
    return r;
}

json::object encodeResult(const ScanResult& r) {
    json::object fields;
    for (auto& [name, f] : r.fields)
        fields[name] = json::object{{"value", f.value},
                                    {"raw", f.raw},
                                    {"confidence", std::clamp(static_cast<double>(f.confidence), 0.0, 1.0)},
                                    {"status", toString(f.status)},
                                    {"box", json::array{f.box.x, f.box.y, f.box.w, f.box.h}},
                                    {"note", f.note}};
    json::array checks;
    for (auto& c : r.checks) checks.push_back(json::object{{"name", c.name}, {"result", c.result}});
    return json::object{{"doc_type", r.docType},
                        {"doc_type_confidence", std::clamp(static_cast<double>(r.docTypeConfidence), 0.0, 1.0)},
                        {"hint", r.hint},
                        {"hint_contradicted", r.hintContradicted},
                        {"fields", std::move(fields)},
                        {"checks", std::move(checks)},
                        {"rotated_degrees", r.rotatedDegrees},
                        {"deskew_degrees", r.deskewDegrees},
                        {"binarisation", r.binarisation},
                        {"width", r.width},
                        {"height", r.height},
                        {"dpi", r.dpi},
                        {"preprocess_ms", r.preprocessMs},
                        {"ocr_ms", r.ocrMs},
                        {"extract_ms", r.extractMs}};
}

std::optional<json::object> parseObject(std::string_view text, std::size_t max, std::string& why) {
    if (text.size() > max) {
        why = "the frame has " + std::to_string(text.size()) + " bytes, more than " + std::to_string(max);
        return std::nullopt;
    }
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) {
        why = "the frame is not a JSON object";
        return std::nullopt;
    }
    return std::move(v.as_object());
}

}  // namespace

std::string encodeJob(const OcrJob& job) {
    return json::serialize(json::object{{"content_type", job.contentType},
                                        {"hint", job.hint},
                                        {"today", job.today},
                                        {"review_below", job.options.reviewBelow},
                                        {"max_pixels", job.options.maxPixels}});
}

std::optional<OcrJob> decodeJob(std::string_view text, std::string& why) {
    auto o = parseObject(text, kMaxJobFrame, why);
    if (!o) return std::nullopt;
    Reader rd{why};
    OcrJob job;
    double reviewBelow = 0;
    if (!rd.text(*o, "content_type", job.contentType, "job", 256) || !rd.text(*o, "hint", job.hint, "job", 64) ||
        !rd.text(*o, "today", job.today, "job", 10) || !rd.number(*o, "review_below", 0, 1, reviewBelow, "job") ||
        !rd.integer(*o, "max_pixels", 1, 1'000'000'000, job.options.maxPixels, "job"))
        return std::nullopt;
    job.options.reviewBelow = static_cast<float>(reviewBelow);
    return job;
}

std::string encodeOutcome(const ScanOutcome& outcome, bool retire) {
    json::object o;
    if (auto* e = std::get_if<ScanError>(&outcome))
        o["error"] = json::object{{"status", e->status}, {"code", e->code}, {"message", e->message}};
    else
        o["result"] = encodeResult(std::get<ScanResult>(outcome));
    if (retire) o["retire"] = true;
    return json::serialize(o);
}

std::optional<ScanOutcome> decodeOutcome(std::string_view text, std::string& why, bool* retire) {
    auto o = parseObject(text, kMaxOutcomeFrame, why);
    if (!o) return std::nullopt;
    if (retire) {
        auto* r = o->if_contains("retire");
        *retire = r && r->is_bool() && r->as_bool();
    }
    Reader rd{why};
    if (auto* e = o->if_contains("error")) {
        if (!e->is_object()) {
            why = "error must be an object";
            return std::nullopt;
        }
        ScanError err;
        if (!rd.integer(e->as_object(), "status", 400, 599, err.status, "error") ||
            !rd.text(e->as_object(), "code", err.code, "error", 64) ||
            !rd.text(e->as_object(), "message", err.message, "error"))
            return std::nullopt;
        // A worker names only what is wrong with the page, nothing about the caller or the gateway.
        if (!((err.status == 415 && err.code == "unsupported_media_type") ||
              (err.status == 422 && err.code == "unreadable_image"))) {
            why = "error is neither 415 unsupported_media_type nor 422 unreadable_image";
            return std::nullopt;
        }
        return ScanOutcome{std::move(err)};
    }
    auto* r = rd.object(*o, "result", "outcome");
    if (!r) return std::nullopt;
    auto result = decodeResult(rd, *r);
    if (!result) return std::nullopt;
    return ScanOutcome{std::move(*result)};
}

std::string framePrefix(std::uint32_t n) {
    std::string p(4, '\0');
    for (int i = 0; i < 4; ++i) p[static_cast<std::size_t>(i)] = static_cast<char>((n >> (24 - 8 * i)) & 0xff);
    return p;
}

std::uint32_t frameLength(const unsigned char prefix[4]) {
    return (std::uint32_t{prefix[0]} << 24) | (std::uint32_t{prefix[1]} << 16) | (std::uint32_t{prefix[2]} << 8) |
           std::uint32_t{prefix[3]};
}

}  // namespace lgw::ocr
