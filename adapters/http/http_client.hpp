#pragma once
// Outbound HTTP/1.1 over TCP or TLS for the adapters (government platform, SMS provider, marketing
// system): keep-alive connections reused from a pool, one deadline per call covering connect,
// write and read, and failures returned as values. Coroutines; never blocks a thread.
//
// Stale connections (the server closed one while it idled in the pool) never fail a call: one
// that answers nothing is retried once on a fresh connection, never on another pooled one, and
// every pooled connection idle at least as long is closed with it. The caller (and a circuit
// breaker counting its failures) only sees the fresh attempt's outcome.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lgw::adapters::http {

namespace asio = boost::asio;

using Headers = std::vector<std::pair<std::string, std::string>>;

struct OutboundRequest {
    std::string method = "POST";
    std::string path;  ///< origin-form, e.g. /api/v1/licences/query
    Headers headers;
    std::string body;
    std::string contentType = "application/json";
};

struct OutboundResponse {
    int status = 0;
    Headers headers;  ///< names lower-cased
    std::string body;
};

enum class NetErrorKind { kTimeout, kConnect, kIo, kTls, kTooLarge };

struct NetError {
    NetErrorKind kind;
    std::string detail;
};

using HttpResult = std::variant<OutboundResponse, NetError>;

struct HttpClientOptions {
    std::string baseUrl;         ///< http://host:port or https://host:port (no path)
    int timeoutMs = 3000;        ///< per call: connect + write + read
    std::size_t maxIdle = 64;    ///< idle keep-alive connections kept for reuse
    /// A pooled connection idle longer than this is closed instead of reused: below the keep-alive
    /// timeout of most servers (nginx 75 s, the government platform 120 s), so that the client
    /// rarely sends on a connection the server is closing.
    int maxIdleMs = 30000;
    std::uint64_t maxResponseBytes = 64 * 1024 * 1024;
    std::string caFile;          ///< https: verify the server against this CA (default: system store)
};

class HttpClient {
public:
    /// Throws std::invalid_argument when the base URL is not http(s)://host[:port].
    HttpClient(asio::any_io_executor executor, HttpClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Sends one request. Thread-safe; any number of calls may run at once.
    asio::awaitable<HttpResult> send(OutboundRequest request);

    const HttpClientOptions& options() const;
    std::size_t idleConnections() const;

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

const char* toString(NetErrorKind kind);

}  // namespace lgw::adapters::http
