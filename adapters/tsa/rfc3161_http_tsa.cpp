#include "adapters/tsa/rfc3161_http_tsa.hpp"

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

http::HttpClientOptions clientOptions(const Rfc3161HttpOptions& o) {
    auto parts = splitTsaUrl(o.url);
    if (!parts) throw std::invalid_argument("the TSA URL must be http(s)://host[:port][/path], got \"" + o.url + "\"");
    http::HttpClientOptions h;
    h.baseUrl = parts->first;
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

std::optional<std::pair<std::string, std::string>> splitTsaUrl(const std::string& url) {
    const bool https = url.rfind("https://", 0) == 0, http = url.rfind("http://", 0) == 0;
    if (!https && !http) return std::nullopt;
    const std::size_t hostStart = https ? 8 : 7;
    const std::size_t slash = url.find('/', hostStart);
    std::string base = url.substr(0, slash), path = slash == std::string::npos ? "/" : url.substr(slash);
    if (base.size() <= hostStart || url.find_first_of(" \t\r\n#") != std::string::npos) return std::nullopt;
    return std::make_pair(std::move(base), std::move(path));
}

Rfc3161HttpTsa::Rfc3161HttpTsa(boost::asio::any_io_executor executor, Rfc3161HttpOptions options)
    : path_(splitTsaUrl(options.url) ? splitTsaUrl(options.url)->second : "/"),
      trust_(trustOf(options.caPem)),
      http_(std::move(executor), clientOptions(options)) {}

boost::asio::awaitable<TsaResult> Rfc3161HttpTsa::stamp(std::string message) {
    const security::TimestampQuery query = security::makeTimestampQuery(message);
    http::OutboundRequest req;
    req.method = "POST";
    req.path = path_;
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
