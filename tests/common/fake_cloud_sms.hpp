#pragma once
// Local fakes of the two cloud SMS APIs (Tencent Cloud SendSms 2021-01-11, Alibaba Cloud dysmsapi
// SendSms 2017-05-25), each on 127.0.0.1:0. Each checks the request's signature itself, from the
// request as it arrived (its own canonicalisation, written from the providers' documentation, not
// the gateway's signer), answers as the provider does (errors included), records what it accepted,
// and fails on demand: `answer` is the provider's code to answer with ("" = success), `httpStatus`
// an HTTP status to answer instead.
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <ctime>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/http/embedded_server.hpp"
#include "security/crypto.hpp"

namespace lgw::testing {

namespace cloudsms_detail {

inline std::string between(const std::string& s, const std::string& from, const std::string& to) {
    auto a = s.find(from);
    if (a == std::string::npos) return {};
    a += from.size();
    auto b = s.find(to, a);
    return s.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

inline std::string headerOr(const gateway::HttpRequest& r, const std::string& name) {
    auto* v = r.header(name);
    return v ? *v : std::string();
}

// "name:value\n" of each header the Authorization lists (both providers' canonical headers).
inline std::string canonicalHeadersOf(const gateway::HttpRequest& r, const std::string& signedHeaders) {
    std::string out, rest = signedHeaders;
    while (!rest.empty()) {
        auto semi = rest.find(';');
        std::string name = rest.substr(0, semi);
        out += name + ":" + headerOr(r, name) + "\n";
        rest = semi == std::string::npos ? "" : rest.substr(semi + 1);
    }
    return out;
}

// RFC 3986 encoding as Alibaba's documentation gives it (spaces %20, '*' %2A, '~' kept).
inline std::string rfc3986(const std::string& s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

}  // namespace cloudsms_detail

class FakeCloudSms {
public:
    std::string url() const { return http_.baseUrl(); }
    std::atomic<int> httpStatus{0};
    std::mutex mutex;
    std::string answer;                  ///< guarded by mutex
    std::vector<boost::json::object> received;  ///< guarded by mutex: the accepted messages
    std::atomic<int> requests{0};        ///< every request, accepted or not
    std::atomic<int> badSignatures{0};

protected:
    explicit FakeCloudSms(std::string name) : http_(std::move(name)) {}
    void start(gateway::Handler handler) {
        http_.router().add({"POST", "/", {}, 0, {}, std::move(handler)});
        http_.bind(gateway::EmbeddedServer::listenerAt("127.0.0.1", 0, 1, 64));
        http_.start();
    }
    std::string currentAnswer() {
        std::lock_guard lock(mutex);
        return answer;
    }
    gateway::EmbeddedServer http_;
};

/// Tencent Cloud API 3.0: TC3-HMAC-SHA256 in Authorization, every answer HTTP 200 with
/// {"Response": {...}}; errors in Response.Error, per-number results in SendStatusSet.
class FakeTencentSms : public FakeCloudSms {
public:
    FakeTencentSms(std::string secretId, std::string secretKey)
        : FakeCloudSms("fake-tencent-sms"), id_(std::move(secretId)), key_(std::move(secretKey)) {
        start([this](gateway::HttpRequest r) { return handle(std::move(r)); });
    }

private:
    static gateway::HttpResponse respond(boost::json::object response) {
        response["RequestId"] = "fake-request-1";
        gateway::HttpResponse out;
        out.body = boost::json::serialize(boost::json::object{{"Response", response}});
        return out;
    }
    static gateway::HttpResponse error(const std::string& code) {
        return respond({{"Error", boost::json::object{{"Code", code}, {"Message", "fake: " + code}}}});
    }
    bool signatureHolds(const gateway::HttpRequest& r) const {
        using namespace cloudsms_detail;
        const std::string auth = headerOr(r, "authorization");
        if (auth.rfind("TC3-HMAC-SHA256 ", 0) != 0) return false;
        const std::string credential = between(auth, "Credential=", ",");
        const std::string signedHeaders = between(auth, "SignedHeaders=", ",");
        const std::string signature = between(auth, "Signature=", ",");
        const std::string timestamp = headerOr(r, "x-tc-timestamp");
        if (credential != id_ + "/" + dateOf(timestamp) + "/sms/tc3_request") return false;
        const std::string canonicalHeaders = canonicalHeadersOf(r, signedHeaders);
        if (signedHeaders.find("content-type") == std::string::npos || signedHeaders.find("host") == std::string::npos)
            return false;
        const std::string canonical = "POST\n/\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n" +
                                      security::sha256Hex(r.body);
        const std::string date = dateOf(timestamp);
        const std::string toSign = "TC3-HMAC-SHA256\n" + timestamp + "\n" + date + "/sms/tc3_request\n" +
                                   security::sha256Hex(canonical);
        auto k = security::hmacSha256(security::hmacSha256(security::hmacSha256("TC3" + key_, date), "sms"), "tc3_request");
        return security::toHex(security::hmacSha256(k, toSign)) == signature;
    }
    static std::string dateOf(const std::string& unixSeconds) {
        std::time_t t = 0;
        try {
            t = static_cast<std::time_t>(std::stoll(unixSeconds));
        } catch (...) {
            return "?";
        }
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        return buf;
    }
    boost::asio::awaitable<gateway::HttpResponse> handle(gateway::HttpRequest r) {
        ++requests;
        if (int s = httpStatus.load()) {
            gateway::HttpResponse out;
            out.status = s;
            co_return out;
        }
        if (cloudsms_detail::headerOr(r, "x-tc-action") != "SendSms" ||
            cloudsms_detail::headerOr(r, "x-tc-version") != "2021-01-11")
            co_return error("InvalidAction");
        if (!signatureHolds(r)) {
            ++badSignatures;
            co_return error("AuthFailure.SignatureFailure");
        }
        const std::string code = currentAnswer();
        if (code == "RequestLimitExceeded" || code.rfind("InternalError", 0) == 0 || code.rfind("AuthFailure", 0) == 0 ||
            code == "FailedOperation.InsufficientBalanceInSmsPackage")
            co_return error(code);
        auto body = boost::json::parse(r.body).as_object();
        if (code.empty()) {
            std::lock_guard lock(mutex);
            received.push_back(body);
        }
        boost::json::object status{{"SerialNo", "fake-serial"}, {"PhoneNumber", body.at("PhoneNumberSet").at(0)},
                                   {"Fee", code.empty() ? 1 : 0},  {"SessionContext", body.at("SessionContext")},
                                   {"Code", code.empty() ? "Ok" : code}, {"Message", code.empty() ? "send success" : "fake"},
                                   {"IsoCode", "CN"}};
        co_return respond({{"SendStatusSet", boost::json::array{status}}});
    }
    std::string id_, key_;
};

/// Alibaba Cloud V3 (ACS3-HMAC-SHA256), RPC style: parameters in the query; a refused signature is
/// HTTP 400 {"Code":"SignatureDoesNotMatch"}, a business refusal HTTP 200 with its Code.
class FakeAliyunSms : public FakeCloudSms {
public:
    FakeAliyunSms(std::string accessKeyId, std::string secret)
        : FakeCloudSms("fake-aliyun-sms"), id_(std::move(accessKeyId)), secret_(std::move(secret)) {
        start([this](gateway::HttpRequest r) { return handle(std::move(r)); });
    }

private:
    static gateway::HttpResponse answerWith(int status, const std::string& code) {
        gateway::HttpResponse out;
        out.status = status;
        boost::json::object o{{"Code", code}, {"Message", code == "OK" ? "OK" : "fake: " + code},
                              {"RequestId", "fake-request-1"}};
        if (code == "OK") o["BizId"] = "fake-biz-1";
        out.body = boost::json::serialize(o);
        return out;
    }
    bool signatureHolds(const gateway::HttpRequest& r) const {
        using namespace cloudsms_detail;
        const std::string auth = headerOr(r, "authorization");
        if (auth.rfind("ACS3-HMAC-SHA256 ", 0) != 0) return false;
        if (between(auth, "Credential=", ",") != id_) return false;
        const std::string signedHeaders = between(auth, "SignedHeaders=", ",");
        const std::string signature = between(auth, "Signature=", ",");
        if (headerOr(r, "x-acs-content-sha256") != security::sha256Hex(r.body)) return false;
        for (const char* must : {"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"})
            if (signedHeaders.find(must) == std::string::npos) return false;
        std::vector<std::pair<std::string, std::string>> q;
        for (auto& [k, v] : r.query) q.emplace_back(rfc3986(k), rfc3986(v));
        std::sort(q.begin(), q.end());
        std::string query;
        for (auto& [k, v] : q) query += (query.empty() ? "" : "&") + k + "=" + v;
        const std::string canonicalHeaders = canonicalHeadersOf(r, signedHeaders);
        const std::string canonical = r.method + "\n/\n" + query + "\n" + canonicalHeaders + "\n" + signedHeaders + "\n" +
                                      headerOr(r, "x-acs-content-sha256");
        const std::string toSign = "ACS3-HMAC-SHA256\n" + security::sha256Hex(canonical);
        return security::toHex(security::hmacSha256(secret_, toSign)) == signature;
    }
    boost::asio::awaitable<gateway::HttpResponse> handle(gateway::HttpRequest r) {
        ++requests;
        if (int s = httpStatus.load()) co_return answerWith(s, s >= 500 ? "ServiceUnavailable" : "InvalidParameter");
        if (cloudsms_detail::headerOr(r, "x-acs-action") != "SendSms" ||
            cloudsms_detail::headerOr(r, "x-acs-version") != "2017-05-25")
            co_return answerWith(400, "InvalidAction.NotFound");
        if (!signatureHolds(r)) {
            ++badSignatures;
            co_return answerWith(400, "SignatureDoesNotMatch");
        }
        const std::string code = currentAnswer();
        if (!code.empty()) co_return answerWith(code.rfind("Throttling", 0) == 0 ? 400 : 200, code);
        boost::json::object message;
        for (auto& [k, v] : r.query) message[k] = v;
        {
            std::lock_guard lock(mutex);
            received.push_back(message);
        }
        co_return answerWith(200, "OK");
    }
    std::string id_, secret_;
};

}  // namespace lgw::testing
