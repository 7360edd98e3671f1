#include "adapters/sms/cloud_sms_senders.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <ctime>
#include <stdexcept>

#include "adapters/sms/cloud_signing.hpp"
#include "adapters/sms/impl/retrying_send.hpp"
#include "security/crypto.hpp"

namespace lgw::adapters::sms {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string hostOf(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    if (!u || u->host().empty()) throw std::invalid_argument("\"" + url + "\" is not an http(s)://host[:port] URL");
    return u->host();
}

std::int64_t nowMsOf(const CloudSmsOptions& o) {
    if (o.nowMs) return o.nowMs();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Mainland numbers on record are 11 digits; both providers take E.164 (+86…). Alibaba takes them without +.
std::string e164(const std::string& phone) { return phone.rfind('+', 0) == 0 ? phone : "+86" + phone; }


Attempt fromVerdict(ProviderVerdict v, const std::string& provider, const std::string& code, const std::string& requestId) {
    Attempt a;
    a.sent = v.sent;
    a.retry = v.retry;
    a.error = SmsError{provider + " refused the message: " + toString(v.kind) + " (" + code + ", request " +
                           (requestId.empty() ? "-" : requestId) + ")",
                       v.kind};
    return a;
}

const json::object* objectAt(const json::value& v, std::string_view key) {
    auto* o = v.if_object();
    if (!o) return nullptr;
    auto it = o->find(key);
    return it == o->end() ? nullptr : it->value().if_object();
}

std::string stringAt(const json::object* o, std::string_view key) {
    if (!o) return {};
    auto it = o->find(key);
    if (it == o->end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

Attempt httpFailure(const std::string& provider, int status) {
    Attempt a;
    a.retry = status >= 500 || status == 429;
    a.error = SmsError{provider + " answered HTTP " + std::to_string(status),
                       status == 429 ? SmsErrorKind::kThrottled
                                     : (status >= 500 ? SmsErrorKind::kUnavailable : SmsErrorKind::kRejected)};
    return a;
}

std::string isoUtc(std::int64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

std::vector<std::string> templateParameterOrder(std::string_view name) {
    if (name == "consent_code") return {"code", "valid_minutes"};
    if (name == "licence_expiring") return {"licence", "number", "valid_to", "days"};
    if (name == "materials_due" || name == "package_suspended") return {"application_id", "material", "due"};
    return {};
}

ProviderVerdict tencentVerdict(std::string_view code) {
    if (code == "Ok") return {true, false, SmsErrorKind::kUnavailable};
    if (code == "RequestLimitExceeded") return {false, true, SmsErrorKind::kThrottled};  // the account's rate: passes
    if (startsWith(code, "LimitExceeded")) return {false, false, SmsErrorKind::kThrottled};  // per phone: it will not
    if (startsWith(code, "FailedOperation.InsufficientBalance")) return {false, false, SmsErrorKind::kNoBalance};
    if (startsWith(code, "AuthFailure")) return {false, false, SmsErrorKind::kAuth};
    if (startsWith(code, "InternalError")) return {false, true, SmsErrorKind::kUnavailable};
    return {false, false, SmsErrorKind::kRejected};  // FailedOperation.*, InvalidParameter*, UnsupportedOperation …
}

ProviderVerdict aliyunVerdict(std::string_view code) {
    if (code == "OK") return {true, false, SmsErrorKind::kUnavailable};
    if (code == "Throttling" || code == "Throttling.User" || code == "Throttling.Api")
        return {false, true, SmsErrorKind::kThrottled};
    if (code == "isv.BUSINESS_LIMIT_CONTROL" || code == "isv.DAY_LIMIT_CONTROL")
        return {false, false, SmsErrorKind::kThrottled};
    if (code == "isv.AMOUNT_NOT_ENOUGH" || code == "isv.OUT_OF_SERVICE") return {false, false, SmsErrorKind::kNoBalance};
    if (code == "SignatureDoesNotMatch" || code == "IncompleteSignature" || startsWith(code, "InvalidAccessKeyId") ||
        code == "InvalidTimeStamp.Expired" || code == "SignatureNonceUsed" || code == "Forbidden.RAM")
        return {false, false, SmsErrorKind::kAuth};
    if (startsWith(code, "isp.") || code == "ServiceUnavailable" || code == "InternalError")
        return {false, true, SmsErrorKind::kUnavailable};
    return {false, false, SmsErrorKind::kRejected};  // isv.SMS_TEMPLATE_ILLEGAL, isv.SMS_SIGNATURE_ILLEGAL, …
}

// ---- Tencent Cloud ------------------------------------------------------------------------------

TencentSmsSender::TencentSmsSender(asio::any_io_executor executor, CloudSmsOptions options)
    : options_(std::move(options)), host_(hostOf(options_.http.baseUrl)), http_(std::move(executor), options_.http) {}

asio::awaitable<SmsResult> TencentSmsSender::send(SmsMessage m) {
    const std::string provider = "Tencent Cloud SMS";
    auto tmpl = options_.templates.find(m.templateName);
    if (tmpl == options_.templates.end())
        co_return SmsError{provider + ": no template id configured for " + m.templateName, SmsErrorKind::kRejected};
    json::array params;
    for (auto& name : templateParameterOrder(m.templateName)) {
        auto it = m.params.find(name);
        params.emplace_back(it == m.params.end() ? std::string() : it->second);
    }
    const std::string body = json::serialize(json::object{{"PhoneNumberSet", json::array{e164(m.phone)}},
                                                          {"SmsSdkAppId", options_.sdkAppId},
                                                          {"SignName", options_.signName},
                                                          {"TemplateId", tmpl->second},
                                                          {"TemplateParamSet", params},
                                                          {"SessionContext", m.reference}});
    const CloudSmsOptions* o = &options_;
    const std::string host = host_;
    Build build = [o, host, body] {
        Tc3Input in;
        in.secretId = o->keyId;
        in.secretKey = o->keySecret;
        in.service = "sms";
        in.host = host;
        in.contentType = "application/json; charset=utf-8";
        in.payload = body;
        in.timestamp = nowMsOf(*o) / 1000;
        auto sig = signTc3(in);
        http::OutboundRequest req;
        req.path = "/";
        req.body = body;
        req.contentType = in.contentType;
        req.headers = {{"Authorization", sig.authorization},
                       {"X-TC-Action", "SendSms"},
                       {"X-TC-Version", "2021-01-11"},
                       {"X-TC-Timestamp", std::to_string(in.timestamp)},
                       {"X-TC-Region", o->region}};
        return req;
    };
    Judge judge = [provider](const http::OutboundResponse& r) {
        if (r.status != 200) return httpFailure(provider, r.status);
        boost::system::error_code ec;
        auto v = json::parse(r.body, ec);
        const json::object* resp = ec ? nullptr : objectAt(v, "Response");
        if (!resp) return fromVerdict({false, true, SmsErrorKind::kUnavailable}, provider, "unreadable answer", "");
        const std::string requestId = stringAt(resp, "RequestId");
        if (auto* e = resp->if_contains("Error"); e && e->is_object()) {
            const std::string code = stringAt(&e->get_object(), "Code");
            return fromVerdict(tencentVerdict(code), provider, code, requestId);
        }
        auto* set = resp->if_contains("SendStatusSet");
        if (!set || !set->is_array() || set->get_array().empty() || !set->get_array()[0].is_object())
            return fromVerdict({false, false, SmsErrorKind::kUnavailable}, provider, "no send status", requestId);
        const std::string code = stringAt(&set->get_array()[0].get_object(), "Code");
        return fromVerdict(tencentVerdict(code), provider, code, requestId);
    };
    auto sending = sendWithRetries(http_, options_.retries, options_.backoffMs, std::move(build), std::move(judge), provider);
    co_return co_await std::move(sending);
}

// ---- Alibaba Cloud ------------------------------------------------------------------------------

AliyunSmsSender::AliyunSmsSender(asio::any_io_executor executor, CloudSmsOptions options)
    : options_(std::move(options)), host_(hostOf(options_.http.baseUrl)), http_(std::move(executor), options_.http) {}

asio::awaitable<SmsResult> AliyunSmsSender::send(SmsMessage m) {
    const std::string provider = "Alibaba Cloud SMS";
    auto tmpl = options_.templates.find(m.templateName);
    if (tmpl == options_.templates.end())
        co_return SmsError{provider + ": no template code configured for " + m.templateName, SmsErrorKind::kRejected};
    json::object params;
    for (auto& name : templateParameterOrder(m.templateName)) {
        auto it = m.params.find(name);
        params[name] = it == m.params.end() ? std::string() : it->second;
    }
    std::string phone = e164(m.phone).substr(1);  // dysmsapi: 86138…, no plus sign
    HeaderList query{{"PhoneNumbers", phone},
                     {"SignName", options_.signName},
                     {"TemplateCode", tmpl->second},
                     {"TemplateParam", json::serialize(params)},
                     {"OutId", m.reference}};
    const CloudSmsOptions* o = &options_;
    const std::string host = host_;
    Build build = [o, host, query] {
        Acs3Input in;
        in.method = "POST";
        in.path = "/";
        in.query = query;
        in.accessKeyId = o->keyId;
        in.accessKeySecret = o->keySecret;
        in.headers = {{"host", host},
                      {"x-acs-action", "SendSms"},
                      {"x-acs-version", "2017-05-25"},
                      {"x-acs-date", isoUtc(nowMsOf(*o))},
                      {"x-acs-signature-nonce", security::randomId128()},
                      {"x-acs-content-sha256", acs3ContentSha256("")}};
        auto sig = signAcs3(in);
        http::OutboundRequest req;
        req.path = "/?" + sig.canonicalQuery;
        req.contentType = "application/x-www-form-urlencoded";
        for (auto& [k, v] : in.headers)
            if (k != "host") req.headers.emplace_back(k, v);
        req.headers.emplace_back("Authorization", sig.authorization);
        return req;
    };
    Judge judge = [provider](const http::OutboundResponse& r) {
        boost::system::error_code ec;
        auto v = json::parse(r.body, ec);
        const json::object* answer = ec ? nullptr : v.if_object();
        const std::string code = stringAt(answer, "Code"), requestId = stringAt(answer, "RequestId");
        // Errors come as 4xx/5xx with a Code, business refusals as 200 with one: the Code decides.
        if (code.empty()) return r.status == 200 ? fromVerdict({false, true, SmsErrorKind::kUnavailable}, provider,
                                                               "unreadable answer", "")
                                                 : httpFailure(provider, r.status);
        auto verdict = aliyunVerdict(code);
        if (r.status >= 500) verdict.retry = true;
        return fromVerdict(verdict, provider, code, requestId);
    };
    auto sending = sendWithRetries(http_, options_.retries, options_.backoffMs, std::move(build), std::move(judge), provider);
    co_return co_await std::move(sending);
}

}  // namespace lgw::adapters::sms
