#pragma once
// An SMS provider over HTTP(S) per UPSTREAMS.md: POST {url} {"phone","template","params"}, signed
// like the platform requests, with a deadline per call and bounded retries on network errors and 5xx.
#include "adapters/http/http_client.hpp"
#include "adapters/sms/sms_sender.hpp"

namespace lgw::adapters::sms {

struct HttpSmsOptions {
    http::HttpClientOptions http;
    std::string path = "/sms/send";
    std::string appId;
    std::string appSecret;
    int retries = 2;
    int backoffMs = 200;
};

class HttpSmsSender final : public SmsSender {
public:
    HttpSmsSender(boost::asio::any_io_executor executor, HttpSmsOptions options);
    boost::asio::awaitable<SmsResult> send(SmsMessage message) override;

private:
    HttpSmsOptions options_;
    http::HttpClient http_;
};

}  // namespace lgw::adapters::sms
