#pragma once
// Transport-neutral request and response types. Handlers see only these, so that they compile
// without Beast and can be unit-tested without sockets.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lgw::gateway {

namespace asio = boost::asio;

struct Principal {
    std::string id;    ///< API key id or certificate subject CN; never the key itself
    std::string role;  ///< frontdesk, marketing, auditor, admin
    std::string via;   ///< api_key | client_cert | session
    std::int64_t sessionExpiresAt = 0;  ///< via session: its absolute end, ms since the epoch
};

struct HttpRequest {
    std::string method;
    std::string target;   ///< as received, path and query
    std::string path;     ///< percent-decoded path
    std::vector<std::pair<std::string, std::string>> query;    ///< decoded, in order
    std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
    std::string body;
    std::string requestId;
    std::string clientCertCn;  ///< verified TLS client certificate's CN, if any
    std::map<std::string, std::string> pathParams;
    std::optional<Principal> principal;

    const std::string* header(std::string_view lowerName) const;
    std::optional<std::string> queryParam(std::string_view name) const;
    std::string mediaType() const;  ///< Content-Type without parameters, lower-cased
};

struct HttpResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string route;  ///< the matched route pattern, for logs and metrics; not sent
    /// Simulators only: answer nothing and reset the connection (TCP RST), as a failing peer does.
    bool resetConnection = false;
};

using Handler = std::function<asio::awaitable<HttpResponse>(HttpRequest)>;

}  // namespace lgw::gateway
