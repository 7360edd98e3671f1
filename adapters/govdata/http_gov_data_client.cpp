#include "adapters/govdata/http_gov_data_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

#include "adapters/http/backoff.hpp"
#include "security/request_signing.hpp"

namespace lgw::adapters::govdata {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

HttpGovDataClient::HttpGovDataClient(asio::any_io_executor executor, GovClientOptions options)
    : options_(std::move(options)),
      http_(std::move(executor), options_.http),
      breaker_(options_.breakerFailures, std::chrono::milliseconds(options_.breakerCooldownMs)) {}

HttpGovDataClient::~HttpGovDataClient() = default;

CircuitBreaker::State HttpGovDataClient::breakerState() const { return breaker_.state(); }

asio::awaitable<GovResult<std::string>> HttpGovDataClient::call(const char* op, std::string path, std::string body) {
    GovError last{GovErrorCode::kUpstreamUnavailable, "not attempted"};
    for (int attempt = 0; attempt <= options_.retries; ++attempt) {
        if (attempt > 0) {
            asio::steady_timer timer(co_await asio::this_coro::executor);
            timer.expires_after(std::chrono::milliseconds(http::fullJitterBackoffMs(attempt - 1, options_.backoffBaseMs,
                                                                    options_.backoffCapMs)));
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        if (!breaker_.allow(breakerNow())) {
            if (options_.observe) options_.observe(op, "circuit_open", 0);
            co_return GovError{GovErrorCode::kUpstreamUnavailable,
                               "the government platform failed repeatedly; calls are paused (circuit open)"};
        }
        http::OutboundRequest req;
        req.path = path;
        req.body = body;
        req.headers = security::signRequest(options_.appId, options_.appSecret, "POST", path, body, nowMs());
        auto started = std::chrono::steady_clock::now();
        auto result = co_await http_.send(std::move(req));
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        bool retryable = false;
        if (auto* e = std::get_if<http::NetError>(&result)) {
            breaker_.onFailure(breakerNow());
            bool timeout = e->kind == http::NetErrorKind::kTimeout;
            if (options_.observe) options_.observe(op, timeout ? "timeout" : "network_error", secs);
            last = GovError{timeout ? GovErrorCode::kUpstreamTimeout : GovErrorCode::kUpstreamUnavailable,
                            std::string("government platform: ") + e->detail};
            retryable = true;
        } else {
            auto& res = std::get<http::OutboundResponse>(result);
            int s = res.status;
            if (s >= 500 || s == 429) {
                breaker_.onFailure(breakerNow());
                if (options_.observe) options_.observe(op, s == 429 ? "429" : "5xx", secs);
                last = GovError{GovErrorCode::kUpstreamUnavailable,
                                "government platform answered " + std::to_string(s)};
                retryable = true;
            } else {
                breaker_.onSuccess();  // the platform is up, whatever it thinks of this request
                if (options_.observe) options_.observe(op, s < 300 ? "ok" : std::to_string(s / 100 * 100).c_str(), secs);
                if (s >= 200 && s < 300) co_return std::move(res.body);
                if (s == 404) co_return GovError{GovErrorCode::kSubjectUnknown, "the platform does not know the holder"};
                if (s == 401 || s == 403)
                    co_return GovError{GovErrorCode::kUpstreamRefused,
                                       "the platform refused the request (" + std::to_string(s) +
                                           "): check govdata.app_id, the app secret and the clock"};
                co_return GovError{GovErrorCode::kUpstreamBadPayload,
                                   "government platform answered " + std::to_string(s)};
            }
        }
        if (!retryable) break;
    }
    co_return last;
}

asio::awaitable<GovResult<std::string>> HttpGovDataClient::contactPhone(std::string holderCodeType,
                                                                        std::string holderCode) {
    std::string body = json::serialize(json::object{{"holder_code_type", holderCodeType}, {"holder_code", holderCode}});
    auto r = co_await call("contact", "/api/v1/subjects/contact", std::move(body));
    if (!r) co_return r.error();
    co_return decodeContact(*r);
}

asio::awaitable<GovResult<std::vector<security::ELicence>>> HttpGovDataClient::queryLicences(LicenceQuery q) {
    json::array types;
    for (auto& t : q.licenceTypes) types.emplace_back(t);
    json::object body{{"holder_code", q.holderCode},
                      {"licence_types", std::move(types)},
                      {"purpose", q.purpose},
                      {"requester", {{"org_code", q.requesterOrgCode}, {"operator", q.operatorId}}},
                      {"authorization",
                       {{"consent_id", q.consentId},
                        {"verified_at", q.verifiedAt},
                        {"consent_text_sha256", q.consentTextSha256}}},
                      {"copy_expires_at", q.copyExpiresAt}};
    auto r = co_await call("query", "/api/v1/licences/query", json::serialize(body));
    if (!r) co_return r.error();
    co_return decodeLicences(*r);
}

}  // namespace lgw::adapters::govdata
