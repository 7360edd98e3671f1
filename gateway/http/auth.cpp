#include "gateway/http/auth.hpp"

#include "security/crypto.hpp"

namespace lgw::gateway {

Authenticator::Authenticator(const config::AuthConfig& auth, bool demo) : certs_(auth.clientCerts) {
    for (auto& k : auth.apiKeys) {
        if (k.demo && !demo) continue;
        if (k.demo) ++demoKeys_;
        keys_.push_back({*security::fromHex(k.sha256), k.id, k.role});
    }
}

AuthResult Authenticator::authenticate(const HttpRequest& req) const {
    AuthResult r;
    if (auto* h = req.header("authorization")) {
        std::string_view v(*h);
        constexpr std::string_view kScheme = "bearer ";
        bool schemeOk = v.size() > kScheme.size();
        for (std::size_t i = 0; schemeOk && i < kScheme.size(); ++i)
            schemeOk = std::tolower(static_cast<unsigned char>(v[i])) == kScheme[i];
        if (!schemeOk) {
            r.failure = AuthFailure::kMalformed;
            return r;
        }
        v.remove_prefix(kScheme.size());
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
        if (v.empty()) {
            r.failure = AuthFailure::kMalformed;
            return r;
        }
        return authenticateKey(v);
    }
    if (!req.clientCertCn.empty()) {
        for (auto& c : certs_)
            if (c.subjectCn == req.clientCertCn) {
                r.principal = Principal{c.subjectCn, c.role, "client_cert"};
                return r;
            }
        r.failure = AuthFailure::kUnknownKey;
    }
    return r;
}

AuthResult Authenticator::authenticateKey(std::string_view key) const {
    AuthResult r;
    if (key.empty()) {
        r.failure = AuthFailure::kMissing;
        return r;
    }
    // Hash first, then compare against every key without an early exit, so that timing says
    // nothing about which key (or which prefix of a hash) came close.
    std::string presented = security::sha256(key);
    const Key* found = nullptr;
    for (auto& k : keys_)
        if (security::constantTimeEquals(k.hash, presented)) found = &k;
    if (!found) {
        r.failure = AuthFailure::kUnknownKey;
        return r;
    }
    r.principal = Principal{found->id, found->role, "api_key"};
    return r;
}

}  // namespace lgw::gateway
