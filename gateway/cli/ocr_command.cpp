#include <boost/json/serialize.hpp>

#include <iostream>

#include "gateway/cli/commands.hpp"
#include "ocr/scan_json.hpp"
#include "ocr/scan_reader.hpp"
#include "ocr/tesseract_engine.hpp"

namespace lgw::gateway::cli {

// The same reader as POST /v1/scans, on one Tesseract worker; exit 0 when the page was read.
int ocrScan(const std::string& file, const std::string& hint) {
    auto page = readWholeFile(file);
    if (!page) {
        std::cerr << "ocr: cannot read " << file << "\n";
        return 1;
    }
    if (!hint.empty() && !ocr::isDocumentType(hint)) {
        std::cerr << "ocr: --hint must be business_licence, id_card_front, id_card_back or property_certificate\n";
        return 1;
    }
    if (!ocr::TesseractPool::ompThreadLimitSet())
        std::cerr << "ocr: warning: OMP_THREAD_LIMIT=1 is not set; Tesseract runs several times slower without it\n";
    try {
        ocr::TesseractPool pool(1);
        ocr::ScanReader reader(pool);
        auto result = reader.read(*page, {}, hint);
        if (auto* e = std::get_if<ocr::ScanError>(&result)) {
            std::cout << boost::json::serialize(boost::json::object{{"status", e->status}, {"code", e->code},
                                                                     {"detail", e->message}})
                      << "\n";
            std::cerr << "ocr: " << file << ": " << e->message << "\n";
            return 1;
        }
        std::cout << boost::json::serialize(ocr::scanJson(std::get<ocr::ScanResult>(result), "")) << "\n";
        return 0;
    } catch (const std::exception& ex) {
        std::cerr << "ocr: " << ex.what() << "\n";
        return 1;
    }
}

}  // namespace lgw::gateway::cli
