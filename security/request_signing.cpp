#include "security/request_signing.hpp"

#include "security/crypto.hpp"

namespace lgw::security {

std::string requestSignature(const std::string& secret, const std::string& method, const std::string& path,
                             const std::string& timestampMs, const std::string& nonce, const std::string& body) {
    std::string canonical = method + "\n" + path + "\n" + timestampMs + "\n" + nonce + "\n" + sha256Hex(body);
    return toHex(hmacSha256(secret, canonical));
}

std::vector<std::pair<std::string, std::string>> signRequest(const std::string& appId, const std::string& secret,
                                                             const std::string& method, const std::string& path,
                                                             const std::string& body, std::int64_t nowMs) {
    std::string ts = std::to_string(nowMs);
    std::string nonce = randomId128();
    return {{"X-App-Id", appId},
            {"X-Timestamp", ts},
            {"X-Nonce", nonce},
            {"X-Signature", requestSignature(secret, method, path, ts, nonce, body)}};
}

}  // namespace lgw::security
