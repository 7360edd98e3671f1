#pragma once
// A blocking HTTP/1.1 client for integration tests: keeps its connection alive, speaks plain TCP
// or TLS, and can write raw bytes to misbehave on purpose.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lgw::testing {

struct ClientResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  ///< lower-case names
    std::string body;
    bool keepAlive = false;
    std::string header(const std::string& lowerName) const {
        auto it = headers.find(lowerName);
        return it == headers.end() ? std::string() : it->second;
    }
    std::string jsonString(const std::string& key) const;  ///< top-level string member, "" if absent
};

struct TlsOptions {
    std::string caFile;          ///< verify the server against this CA
    std::string certFile;        ///< client certificate (optional)
    std::string keyFile;
    int maxVersion = 0;          ///< e.g. TLS1_1_VERSION to try an old protocol; 0 = default
};

class HttpClient {
public:
    explicit HttpClient(std::uint16_t port, std::optional<TlsOptions> tls = std::nullopt);
    ~HttpClient();

    ClientResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                           const std::vector<std::pair<std::string, std::string>>& headers = {});
    void writeRaw(const std::string& bytes);
    /// Reads one response from the connection (after writeRaw).
    ClientResponse readResponse();
    /// True when the server closes the connection within `timeout`.
    bool closedWithin(std::chrono::milliseconds timeout);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// PUTs a synthetic application as the caller of `key`: what a consent, a scan or a package needs
/// first (API.md, "Who may act on what"). The answer: 201 created, 200 updated, 403 not_owner.
ClientResponse putApplication(HttpClient& c, const std::string& id, const std::string& key = "demo-frontdesk");

/// True when a gateway on `port` answers GET /healthz with 200 (false while it is not listening).
bool answersHealthz(std::uint16_t port);

}  // namespace lgw::testing
