#pragma once
// Callers are identified by a Bearer API key (stored as a SHA-256 hash, compared in constant time)
// or by a verified TLS client certificate's subject CN mapped to a role.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "gateway/http/http_types.hpp"

namespace lgw::gateway {

enum class AuthFailure { kMissing, kMalformed, kUnknownKey };

struct AuthResult {
    std::optional<Principal> principal;
    AuthFailure failure = AuthFailure::kMissing;
};

class Authenticator {
public:
    /// Keys marked demo are kept only when `demo` is true.
    Authenticator(const config::AuthConfig& auth, bool demo);

    /// Thread-safe. Looks at Authorization first, then the client certificate CN.
    AuthResult authenticate(const HttpRequest& req) const;
    /// Thread-safe. The principal of a presented API key (the console's sign-in), or kUnknownKey.
    AuthResult authenticateKey(std::string_view key) const;

    /// Whether an API key with this id and role is configured now (a console session opened with a
    /// key that was since removed or given another role ends with it).
    bool hasKey(std::string_view id, std::string_view role) const {
        for (auto& k : keys_)
            if (k.id == id && k.role == role) return true;
        return false;
    }

    std::size_t keyCount() const { return keys_.size(); }
    std::size_t demoKeyCount() const { return demoKeys_; }

private:
    struct Key {
        std::string hash;  // raw 32 bytes
        std::string id;
        std::string role;
    };
    std::vector<Key> keys_;
    std::vector<config::ClientCertRule> certs_;
    std::size_t demoKeys_ = 0;
};

}  // namespace lgw::gateway
