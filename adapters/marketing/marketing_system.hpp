#pragma once
// The marketing system (营销系统) as the push worker sees it: one delivery of one package, with the
// outcome classified the way API.md section 4 prescribes. Coroutine; never blocks a thread.
#include <boost/asio/awaitable.hpp>

#include <string>

namespace lgw::adapters::marketing {

enum class DeliveryOutcome {
    kDelivered,   ///< 2xx, or 409 (the receiver has this Idempotency-Key already)
    kRejected,    ///< another 4xx: retrying will not help; dead letter with the reason
    kRetry,       ///< 5xx, 429, connection failure, reset or timeout
};

struct Delivery {
    DeliveryOutcome outcome = DeliveryOutcome::kRetry;
    int status = 0;        ///< HTTP status, 0 on a network failure
    std::string detail;    ///< for last_error: status and the start of the body, or the network error
};

class MarketingSystem {
public:
    virtual ~MarketingSystem() = default;
    /// POSTs `body` with Idempotency-Key = packageId and X-Signature = hex HMAC-SHA256 of the body.
    virtual boost::asio::awaitable<Delivery> deliver(std::string packageId, std::string body) = 0;
};

}  // namespace lgw::adapters::marketing
