#pragma once
// The protocol between the gateway and its OCR worker processes (lgw-ocr-worker). Over a Unix
// stream socket, frames of a 4-byte big-endian length and that many bytes:
//   worker -> gateway, once started:  {"ready":true}  or  {"fatal":"why the engine cannot start"}
//   gateway -> worker, per scan:      a job frame (JSON, encodeJob), then the image bytes as they came
//   worker -> gateway, per scan:      an outcome frame (JSON, encodeOutcome)
// The gateway treats a worker's answer as untrusted (the worker just decoded hostile bytes):
// decodeOutcome checks every member's type, range and length and refuses anything else.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "ocr/scan_reader.hpp"

namespace lgw::ocr {

/// What a worker needs besides the image to read one scan.
struct OcrJob {
    std::string contentType;  ///< as the request declared it ("" skips the comparison)
    std::string hint;         ///< "" or a document type
    std::string today;        ///< YYYY-MM-DD, for ID birth dates
    ReaderOptions options;
};

using ScanOutcome = std::variant<ScanResult, ScanError>;

inline constexpr std::size_t kMaxJobFrame = 64 * 1024;
inline constexpr std::size_t kMaxOutcomeFrame = 4 * 1024 * 1024;

std::string encodeJob(const OcrJob& job);
/// nullopt (with `why`) unless `json` is a job frame.
std::optional<OcrJob> decodeJob(std::string_view json, std::string& why);

/// `retire`: the worker exits after this answer (its memory ran out, say); the pool replaces it.
std::string encodeOutcome(const ScanOutcome& outcome, bool retire = false);
/// nullopt (with `why`) unless `json` is a well-formed outcome within the limits; `retire`, when
/// given, says whether the worker announced it exits.
std::optional<ScanOutcome> decodeOutcome(std::string_view json, std::string& why, bool* retire = nullptr);

/// The 4-byte big-endian length prefix of a frame of `n` bytes.
std::string framePrefix(std::uint32_t n);
/// The length a 4-byte prefix announces.
std::uint32_t frameLength(const unsigned char prefix[4]);

}  // namespace lgw::ocr
