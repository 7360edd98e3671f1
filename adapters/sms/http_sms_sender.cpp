#include "adapters/sms/http_sms_sender.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>

#include "adapters/sms/impl/retrying_send.hpp"
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
    const HttpSmsOptions* o = &options_;
    Build build = [o, body] {
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
        http::OutboundRequest req;
        req.path = o->path;
        req.body = body;
        req.headers = security::signRequest(o->appId, o->appSecret, "POST", o->path, body, now);
        return req;
    };
    Judge judge = [](const http::OutboundResponse& r) {
        Attempt a;
        a.sent = r.status >= 200 && r.status < 300;
        // The provider refused this message (4xx but 429): retrying will not help.
        a.retry = r.status >= 500 || r.status == 429;
        a.error = SmsError{"SMS provider answered " + std::to_string(r.status),
                           r.status == 429 ? SmsErrorKind::kThrottled
                                           : (r.status >= 500 ? SmsErrorKind::kUnavailable : SmsErrorKind::kRejected)};
        return a;
    };
    auto sending = sendWithRetries(http_, options_.retries, options_.backoffMs, std::move(build), std::move(judge),
                                   "SMS provider");
    co_return co_await std::move(sending);
}

}  // namespace lgw::adapters::sms
