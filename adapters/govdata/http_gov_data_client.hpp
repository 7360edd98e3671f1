#pragma once
// GovDataPlatform over HTTP(S) per UPSTREAMS.md: signed requests, a deadline per call, bounded
// retries with exponential backoff and full jitter on network errors, 5xx and 429 (both calls are
// reads, hence idempotent), and a circuit breaker.
#include <functional>
#include <memory>

#include "adapters/govdata/circuit_breaker.hpp"
#include "adapters/govdata/gov_data_platform.hpp"
#include "adapters/http/http_client.hpp"

namespace lgw::adapters::govdata {

struct GovClientOptions {
    http::HttpClientOptions http;
    std::string appId;
    std::string appSecret;
    int retries = 2;             ///< further attempts after the first
    int backoffBaseMs = 100;
    int backoffCapMs = 2000;
    int breakerFailures = 5;
    int breakerCooldownMs = 10000;
    /// Called once per upstream attempt: operation, outcome (ok, timeout, unavailable, 5xx, ...), seconds.
    std::function<void(const char*, const char*, double)> observe;
    /// The circuit breaker's time (its cooldown); unset: std::chrono::steady_clock. The gateway
    /// passes its one clock's steady time, so that in tests a cooldown passes without a sleep.
    std::function<CircuitBreaker::Clock::time_point()> steadyNow;
};

class HttpGovDataClient final : public GovDataPlatform {
public:
    HttpGovDataClient(boost::asio::any_io_executor executor, GovClientOptions options);
    ~HttpGovDataClient() override;

    boost::asio::awaitable<GovResult<std::string>> contactPhone(std::string holderCodeType,
                                                                std::string holderCode) override;
    boost::asio::awaitable<GovResult<std::vector<security::ELicence>>> queryLicences(LicenceQuery query) override;

    CircuitBreaker::State breakerState() const;

private:
    boost::asio::awaitable<GovResult<std::string>> call(const char* op, std::string path, std::string body);

    GovClientOptions options_;
    http::HttpClient http_;
    CircuitBreaker breaker_;
    CircuitBreaker::Clock::time_point breakerNow() const {
        return options_.steadyNow ? options_.steadyNow() : CircuitBreaker::Clock::now();
    }
};

}  // namespace lgw::adapters::govdata
