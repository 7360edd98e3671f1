#pragma once
// The JSON of API.md section 2 for a read scan: what POST /v1/scans answers and
// `licence-gateway ocr FILE --json` prints.
#include <boost/json/object.hpp>

#include "ocr/scan_reader.hpp"

namespace lgw::ocr {

/// `documentId` "" leaves document_id null (the CLI stores nothing).
boost::json::object scanJson(const ScanResult& r, const std::string& documentId);

}  // namespace lgw::ocr
