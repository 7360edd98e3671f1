#include "adapters/tsa/rfc3161_http_tsa.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <stdexcept>

namespace lgw::adapters::tsa {

namespace {

security::TsaTrust trustOf(const std::string& pem) {
    std::string error;
    auto trust = security::TsaTrust::fromPem(pem, &error);
    if (!trust) throw std::invalid_argument("the TSA CA: " + error);
    return std::move(*trust);
}

http::HttpClientOptions clientOptions(const Rfc3161HttpOptions& o, const std::string& baseUrl) {
    http::HttpClientOptions h;
    h.baseUrl = baseUrl;
    h.timeoutMs = o.timeoutMs;
    h.maxIdle = 2;
    h.maxResponseBytes = 1024 * 1024;  // a token with its certificates is a few KiB
    h.caFile = o.tlsCaFile;
    return h;
}

std::string headerOf(const http::OutboundResponse& r, const std::string& name) {
    for (auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

}  // namespace

Rfc3161HttpTsa::Endpoint Rfc3161HttpTsa::endpointOf(const std::string& url) {
    auto u = boost::urls::parse_absolute_uri(url);  // an absolute URI has no fragment
    if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->host().empty())
        throw std::invalid_argument("the TSA URL must be http(s)://host[:port][/path], got \"" + url + "\"");
    Endpoint e{std::string(u->scheme()) + "://" + std::string(u->encoded_authority()), std::string(u->encoded_path())};
    if (e.target.empty()) e.target = "/";
    if (u->has_query()) e.target += "?" + std::string(u->encoded_query());
    return e;
}

Rfc3161HttpTsa::Rfc3161HttpTsa(boost::asio::any_io_executor executor, Rfc3161HttpOptions options)
    : endpoint_(endpointOf(options.url)),
      trust_(trustOf(options.caPem)),
      http_(std::move(executor), clientOptions(options, endpoint_.base)) {}

boost::asio::awaitable<TsaResult> Rfc3161HttpTsa::stamp(std::string message) {
    const security::TimestampQuery query = security::makeTimestampQuery(message);
    http::OutboundRequest req;
    req.method = "POST";
    req.path = endpoint_.target;
    req.contentType = "application/timestamp-query";
    req.headers.emplace_back("Accept", "application/timestamp-reply");
    req.body = query.der;
    auto sending = http_.send(std::move(req));
    http::HttpResult result = co_await std::move(sending);
    if (auto* net = std::get_if<http::NetError>(&result))
        co_return TsaError{std::string("the TSA did not answer (") + http::toString(net->kind) + "): " + net->detail};
    auto& resp = std::get<http::OutboundResponse>(result);
    if (resp.status != 200)
        co_return TsaError{"the TSA answered HTTP " + std::to_string(resp.status) + " to a time-stamp query"};
    std::string type = headerOf(resp, "content-type");
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    if (type.rfind("application/timestamp-reply", 0) != 0)
        co_return TsaError{"the TSA answered with Content-Type \"" + type + "\", not application/timestamp-reply"};
    security::TimestampCheck check = security::acceptTimestampResponse(resp.body, query, trust_);
    if (!check.ok) co_return TsaError{check.reason};
    co_return Timestamp{std::move(check.token), check.genTimeMs};
}

}  // namespace lgw::adapters::tsa
