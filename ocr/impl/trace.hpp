#pragma once
// The pipeline's development trace: with LGW_OCR_DEBUG in the environment, every stage says what it
// read and decided (lines, words and boxes, the orientation and binarisation choices, each re-read)
// through one spdlog logger writing bare lines to stderr. Off, a call costs one branch. Stdout is
// never touched: `licence-gateway ocr` prints its JSON there, and a worker's frames go elsewhere.
namespace lgw::ocr::impl {

bool tracing();
void trace(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace lgw::ocr::impl
