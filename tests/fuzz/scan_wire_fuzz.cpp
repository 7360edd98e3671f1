// What an OCR worker answers is untrusted (it has just decoded a hostile image): decoding must end
// in an outcome within the limits or a refusal with a reason, and what it accepts must encode and
// decode to the same outcome again.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ocr/scan_wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    std::string why;
    auto outcome = lgw::ocr::decodeOutcome(text, why);
    if (!outcome) {
        if (why.empty()) std::abort();
        return 0;
    }
    auto again = lgw::ocr::decodeOutcome(lgw::ocr::encodeOutcome(*outcome), why);
    if (!again || again->index() != outcome->index()) std::abort();
    if (auto* r = std::get_if<lgw::ocr::ScanResult>(&*again)) {
        auto& first = std::get<lgw::ocr::ScanResult>(*outcome);
        if (r->fields.size() != first.fields.size() || r->docType != first.docType) std::abort();
    }
    std::string whyJob;
    (void)lgw::ocr::decodeJob(text, whyJob);
    return 0;
}
