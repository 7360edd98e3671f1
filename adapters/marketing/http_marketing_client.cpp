#include "adapters/marketing/http_marketing_client.hpp"

#include <stdexcept>

#include "security/crypto.hpp"

namespace lgw::adapters::marketing {

namespace {

// "https://host:port/path" -> ("https://host:port", "/path").
std::pair<std::string, std::string> splitUrl(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) throw std::invalid_argument("marketing.url: \"" + url + "\" is not http(s)://host[:port]/path");
    auto slash = url.find('/', scheme + 3);
    if (slash == std::string::npos) return {url, "/"};
    return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

std::string packageSignature(const std::string& secret, const std::string& body) {
    return security::toHex(security::hmacSha256(secret, body));
}

HttpMarketingClient::HttpMarketingClient(boost::asio::any_io_executor executor, const std::string& url,
                                         std::string secret, int timeoutMs)
    : secret_(std::move(secret)) {
    auto [base, path] = splitUrl(url);
    path_ = path;
    http::HttpClientOptions o;
    o.baseUrl = base;
    o.timeoutMs = timeoutMs;
    o.maxIdle = 8;
    client_ = std::make_unique<http::HttpClient>(std::move(executor), o);
}

boost::asio::awaitable<Delivery> HttpMarketingClient::deliver(std::string packageId, std::string body) {
    http::OutboundRequest req;
    req.method = "POST";
    req.path = path_;
    req.headers = {{"Idempotency-Key", packageId}, {"X-Signature", packageSignature(secret_, body)}};
    req.body = std::move(body);
    auto result = co_await client_->send(std::move(req));
    Delivery d;
    if (auto* err = std::get_if<http::NetError>(&result)) {
        d.outcome = DeliveryOutcome::kRetry;
        d.detail = std::string(http::toString(err->kind)) + ": " + err->detail;
        co_return d;
    }
    auto& resp = std::get<http::OutboundResponse>(result);
    d.status = resp.status;
    d.detail = "HTTP " + std::to_string(resp.status) + ": " + resp.body.substr(0, 200);
    if ((resp.status >= 200 && resp.status < 300) || resp.status == 409) d.outcome = DeliveryOutcome::kDelivered;
    else if (resp.status >= 400 && resp.status < 500 && resp.status != 408 && resp.status != 429) d.outcome = DeliveryOutcome::kRejected;
    else d.outcome = DeliveryOutcome::kRetry;
    co_return d;
}

}  // namespace lgw::adapters::marketing
