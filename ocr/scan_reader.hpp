#pragma once
// A front-desk scan to fields, as a pipeline of stages, one file each:
//   decode (scan_image)  -> prepare (prepare: grey without seals, ~300 DPI, background, deskew,
//   binarisation) -> orientation (which way up) -> classify (one full read; which document) ->
//   layout (each value beside or under its label; codes by shape) -> field rules (re-reads with
//   character whitelists, check-character repair, dates, vocabularies) -> cross checks (the ID
//   number against birth date and sex).
// Whatever is uncertain is flagged for a person. The OCR engine is an interface (ocr_engine.hpp);
// TesseractPool is the product's. Blocking and CPU-heavy: the gateway runs it in worker processes
// (ocr_process_pool.hpp), never in its own.
#include <string>
#include <string_view>
#include <variant>

#include "ocr/document_specs.hpp"
#include "ocr/ocr_engine.hpp"
#include "ocr/scan_image.hpp"
#include "ocr/scan_result.hpp"
#include "ocr/vocabulary.hpp"

namespace lgw::ocr {

class ScanReader {
public:
    explicit ScanReader(OcrEngine& engine, ReaderOptions options = {});
    /// `hint` "" or a document type; `today` (YYYY-MM-DD) for ID birth dates, "" = now.
    std::variant<ScanResult, ScanError> read(std::string_view bytes, std::string_view contentType = {},
                                             const std::string& hint = {}, std::string_view today = {});

private:
    OcrEngine& engine_;
    ReaderOptions options_;
};

}  // namespace lgw::ocr
