#include "adapters/sms/impl/retrying_send.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

#include "adapters/http/backoff.hpp"

namespace lgw::adapters::sms {

namespace asio = boost::asio;

// Named coroutine, parameters by value (STYLE.md, g++ 12).
asio::awaitable<SmsResult> sendWithRetries(http::HttpClient& client, int retries, int backoffMs, Build build,
                                           Judge judge, std::string provider) {
    SmsError last{provider + ": not attempted"};
    for (int attempt = 0; attempt <= retries; ++attempt) {
        if (attempt > 0) {
            // Full jitter, as every retry of the gateway: several senders retrying at once spread out.
            const auto wait = http::fullJitterBackoffMs(attempt - 1, backoffMs, backoffMs << 6);
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(wait));
            co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        http::OutboundRequest req = build();  // signed anew: a new timestamp and nonce every time
        auto r = co_await client.send(std::move(req));
        if (auto* e = std::get_if<http::NetError>(&r)) {
            last = SmsError{provider + " unreachable: " + e->detail, SmsErrorKind::kUnavailable};
            continue;
        }
        Attempt a = judge(std::get<http::OutboundResponse>(r));
        if (a.sent) co_return SmsResult();
        last = a.error;
        if (!a.retry) break;
    }
    co_return last;
}

}  // namespace lgw::adapters::sms
