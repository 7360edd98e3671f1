#pragma once
// The two Chinese cloud SMS providers of UPSTREAMS.md: Tencent Cloud SMS (API 3.0, SendSms
// 2021-01-11, TC3-HMAC-SHA256) and Alibaba Cloud SMS (dysmsapi SendSms 2017-05-25,
// ACS3-HMAC-SHA256). Their answers map to SmsErrorKind; only what may pass on its own (the network,
// 5xx, an internal error, the account-wide request rate) is retried, with full-jitter backoff.
// Neither the secret nor the phone number nor a parameter reaches an error or a log.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_client.hpp"
#include "adapters/sms/sms_sender.hpp"

namespace lgw::adapters::sms {

struct CloudSmsOptions {
    http::HttpClientOptions http;  ///< baseUrl: the endpoint, e.g. https://sms.tencentcloudapi.com
    std::string keyId;             ///< Tencent SecretId / Alibaba AccessKeyId
    std::string keySecret;         ///< Tencent SecretKey / Alibaba AccessKeySecret
    std::string region;            ///< Tencent X-TC-Region, e.g. ap-guangzhou
    std::string sdkAppId;          ///< Tencent SmsSdkAppId
    std::string signName;          ///< the approved sign name (签名)
    /// The gateway's template names (consent_code, licence_expiring, materials_due,
    /// package_suspended) to the provider's template id (Tencent) or code (Alibaba).
    std::map<std::string, std::string> templates;
    int retries = 2;
    int backoffMs = 200;
    std::function<std::int64_t()> nowMs;  ///< the injected clock; system time when empty
};

/// The parameters of each template in the order a positional template (Tencent's {1}, {2} …)
/// takes them; empty for an unknown template. UPSTREAMS.md documents the same order.
std::vector<std::string> templateParameterOrder(std::string_view templateName);

/// A provider's answer code in the gateway's words (exposed for the tests of the mapping).
struct ProviderVerdict {
    bool sent = false;
    bool retry = false;
    SmsErrorKind kind = SmsErrorKind::kUnavailable;
};
ProviderVerdict tencentVerdict(std::string_view code);
ProviderVerdict aliyunVerdict(std::string_view code);

class TencentSmsSender final : public SmsSender {
public:
    /// Throws std::invalid_argument when the endpoint is not an http(s) URL.
    TencentSmsSender(boost::asio::any_io_executor executor, CloudSmsOptions options);
    boost::asio::awaitable<SmsResult> send(SmsMessage message) override;

private:
    CloudSmsOptions options_;
    std::string host_;
    http::HttpClient http_;
};

class AliyunSmsSender final : public SmsSender {
public:
    AliyunSmsSender(boost::asio::any_io_executor executor, CloudSmsOptions options);
    boost::asio::awaitable<SmsResult> send(SmsMessage message) override;

private:
    CloudSmsOptions options_;
    std::string host_;
    http::HttpClient http_;
};

}  // namespace lgw::adapters::sms
