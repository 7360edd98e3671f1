#pragma once
// RFC 3161 over HTTP (RFC 3161 section 3.4): POST the DER TimeStampReq as
// application/timestamp-query, read a DER TimeStampResp as application/timestamp-reply, and keep
// the token only when it verifies against the configured CA (security/rfc3161).
#include "adapters/http/http_client.hpp"
#include "adapters/tsa/time_stamp_authority.hpp"
#include "security/rfc3161.hpp"

namespace lgw::adapters::tsa {

struct Rfc3161HttpOptions {
    std::string url;       ///< http(s)://host[:port]/path
    std::string caPem;     ///< the TSA's CA certificate(s)
    int timeoutMs = 10000;
    std::string tlsCaFile;  ///< https: the server's CA (default: the system store)
};

class Rfc3161HttpTsa final : public TimeStampAuthority {
public:
    /// Throws std::invalid_argument when the URL is not http(s)://host[:port][/path] or the CA PEM
    /// holds no certificate.
    Rfc3161HttpTsa(boost::asio::any_io_executor executor, Rfc3161HttpOptions options);
    boost::asio::awaitable<TsaResult> stamp(std::string message) override;

private:
    /// The TSA's URL as the client's base (scheme://host[:port]) and the request target ("/" when
    /// it names no path).
    struct Endpoint {
        std::string base, target;
    };
    static Endpoint endpointOf(const std::string& url);

    Endpoint endpoint_;
    security::TsaTrust trust_;
    http::HttpClient http_;
};

}  // namespace lgw::adapters::tsa
