#pragma once
// The retry loop every SMS sender over HTTP shares: each attempt's request built (and signed) anew,
// full-jitter backoff between attempts, network errors retried, the answer judged by the sender.
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

#include "adapters/http/http_client.hpp"
#include "adapters/sms/sms_sender.hpp"

namespace lgw::adapters::sms {

/// One attempt's outcome: sent, or an error and whether another attempt may help.
struct Attempt {
    bool sent = false;
    bool retry = false;
    SmsError error;
};

using Build = std::function<http::OutboundRequest()>;
using Judge = std::function<Attempt(const http::OutboundResponse&)>;

/// Up to 1 + `retries` attempts; "`provider` unreachable: …" (kUnavailable) when the network fails.
boost::asio::awaitable<SmsResult> sendWithRetries(http::HttpClient& client, int retries, int backoffMs, Build build,
                                                  Judge judge, std::string provider);

}  // namespace lgw::adapters::sms
