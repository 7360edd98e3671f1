#include "adapters/sms/http_sms_sender.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

#include "adapters/http/backoff.hpp"
#include "security/request_signing.hpp"

namespace lgw::adapters::sms {

namespace asio = boost::asio;

HttpSmsSender::HttpSmsSender(asio::any_io_executor executor, HttpSmsOptions options)
    : options_(std::move(options)), http_(std::move(executor), options_.http) {}

asio::awaitable<SmsResult> HttpSmsSender::send(SmsMessage m) {
    boost::json::object params;
    for (auto& [k, v] : m.params) params[k] = v;
    std::string body =
        boost::json::serialize(boost::json::object{{"phone", m.phone}, {"template", m.templateName}, {"params", params}});
    std::string last;
    for (int attempt = 0; attempt <= options_.retries; ++attempt) {
        if (attempt > 0) {
            // Full jitter, as every retry of the gateway: several senders retrying at once spread out.
            const auto wait = http::fullJitterBackoffMs(attempt - 1, options_.backoffMs, options_.backoffMs << 6);
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(wait));
            co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
        http::OutboundRequest req;
        req.path = options_.path;
        req.body = body;
        req.headers = security::signRequest(options_.appId, options_.appSecret, "POST", options_.path, body, now);
        auto r = co_await http_.send(std::move(req));
        if (auto* e = std::get_if<http::NetError>(&r)) {
            last = std::string("SMS provider unreachable: ") + e->detail;
            continue;
        }
        int s = std::get<http::OutboundResponse>(r).status;
        if (s >= 200 && s < 300) co_return SmsResult();
        last = "SMS provider answered " + std::to_string(s);
        if (s < 500 && s != 429) break;  // the provider refused this message: retrying will not help
    }
    co_return SmsError{last};
}

}  // namespace lgw::adapters::sms
