#pragma once
// Request signing of UPSTREAMS.md, used by the gateway's clients and checked by the simulator:
// X-Signature = hex HMAC-SHA256(secret, METHOD \n PATH \n TIMESTAMP \n NONCE \n hex(SHA-256(body))).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lgw::security {

std::string requestSignature(const std::string& secret, const std::string& method, const std::string& path,
                             const std::string& timestampMs, const std::string& nonce, const std::string& body);

/// The four headers for one request, with a fresh 128-bit nonce.
std::vector<std::pair<std::string, std::string>> signRequest(const std::string& appId, const std::string& secret,
                                                             const std::string& method, const std::string& path,
                                                             const std::string& body, std::int64_t nowMs);

}  // namespace lgw::security
