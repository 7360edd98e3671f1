#pragma once
#include <memory>

#include "adapters/http/http_client.hpp"
#include "adapters/marketing/marketing_system.hpp"

namespace lgw::adapters::marketing {

/// The marketing system over HTTP(S): `url` is the full endpoint (scheme, host, port, path).
class HttpMarketingClient final : public MarketingSystem {
public:
    /// Throws std::invalid_argument naming the URL when it is not http(s)://host[:port]/path.
    HttpMarketingClient(boost::asio::any_io_executor executor, const std::string& url, std::string secret, int timeoutMs);
    boost::asio::awaitable<Delivery> deliver(std::string packageId, std::string body) override;

private:
    std::unique_ptr<http::HttpClient> client_;
    std::string path_;
    std::string secret_;
};

/// hex HMAC-SHA256 of the body: what X-Signature carries.
std::string packageSignature(const std::string& secret, const std::string& body);

}  // namespace lgw::adapters::marketing
