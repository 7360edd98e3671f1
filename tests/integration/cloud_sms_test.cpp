// The cloud SMS providers (issue 22) against local fakes of their APIs that check the signature
// themselves (tests/common/fake_cloud_sms.hpp): what goes out, how each provider's refusals map to
// the gateway's SMS errors, which are retried, that no secret or phone reaches an error, and the
// whole consent flow through the gateway with a provider configured.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "adapters/sms/cloud_sms_senders.hpp"
#include "tests/common/fake_cloud_sms.hpp"
#include "tests/common/files.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
namespace json = boost::json;
namespace sms = lgw::adapters::sms;

namespace {

const std::string kTencentId = "AKIDfakeTencentSecretId0123456789ab", kTencentKey = "fakeTencentSecretKey0123456789ab";
const std::string kAliyunId = "LTAIfakeAccessKeyId01234", kAliyunSecret = "fakeAliyunAccessKeySecret012345";
const std::string kPhone = "13800001111";

sms::CloudSmsOptions optionsFor(const std::string& url, const std::string& id, const std::string& secret) {
    sms::CloudSmsOptions o;
    o.http.baseUrl = url;
    o.http.timeoutMs = 2000;
    o.keyId = id;
    o.keySecret = secret;
    o.sdkAppId = "1400000001";
    o.signName = "合成电力";
    o.templates = {{"consent_code", "100001"}, {"licence_expiring", "100002"},
                   {"materials_due", "100003"}, {"package_suspended", "100004"}};
    o.retries = 2;
    o.backoffMs = 1;
    return o;
}

sms::SmsMessage codeMessage() { return {kPhone, "consent_code", {{"code", "246810"}, {"valid_minutes", "5"}}, "consent-1"}; }

template <class Sender>
sms::SmsResult sendOnce(sms::CloudSmsOptions o, sms::SmsMessage m) {
    boost::asio::io_context io;
    Sender sender(io.get_executor(), std::move(o));
    std::optional<sms::SmsResult> out;
    boost::asio::co_spawn(io, sender.send(std::move(m)), [&](std::exception_ptr e, sms::SmsResult r) {
        if (e) std::rethrow_exception(e);
        out = std::move(r);
    });
    io.run();
    return *out;
}

void setAnswer(FakeCloudSms& fake, const std::string& code) {
    std::lock_guard lock(fake.mutex);
    fake.answer = code;
}

// A refusal: its kind, how many requests it took, and an error that names no secret, phone or code.
struct Expect {
    std::string answer;
    int httpStatus;
    sms::SmsErrorKind kind;
    int requests;
};

template <class Sender, class Fake>
void expectRefusals(Fake& fake, const sms::CloudSmsOptions& o, const std::vector<Expect>& cases) {
    for (auto& c : cases) {
        setAnswer(fake, c.answer);
        fake.httpStatus = c.httpStatus;
        const int before = fake.requests.load();
        auto r = sendOnce<Sender>(o, codeMessage());
        ASSERT_FALSE(r) << c.answer << c.httpStatus;
        EXPECT_EQ(r.error().kind, c.kind) << c.answer << " " << c.httpStatus << ": " << r.error().detail;
        EXPECT_EQ(fake.requests.load() - before, c.requests) << c.answer << " " << c.httpStatus;
        for (const std::string& secret : {o.keySecret, kPhone, std::string("246810")})
            EXPECT_EQ(r.error().detail.find(secret), std::string::npos) << r.error().detail;
    }
    setAnswer(fake, "");
    fake.httpStatus = 0;
}

}  // namespace

TEST(CloudSms, TencentGetsASignedSendSmsWithTheParametersInTheirOrder) {
    FakeTencentSms fake(kTencentId, kTencentKey);
    auto r = sendOnce<sms::TencentSmsSender>(optionsFor(fake.url(), kTencentId, kTencentKey), codeMessage());
    ASSERT_TRUE(r) << r.error().detail;
    std::lock_guard lock(fake.mutex);
    ASSERT_EQ(fake.received.size(), 1u);
    auto& m = fake.received[0];
    EXPECT_EQ(m.at("PhoneNumberSet"), (json::array{"+86" + kPhone}));
    EXPECT_EQ(m.at("SmsSdkAppId").as_string(), "1400000001");
    EXPECT_EQ(m.at("SignName").as_string(), "合成电力");
    EXPECT_EQ(m.at("TemplateId").as_string(), "100001");
    EXPECT_EQ(m.at("TemplateParamSet"), (json::array{"246810", "5"})) << "code first, then minutes: {1} and {2}";
    EXPECT_EQ(fake.badSignatures.load(), 0);
}

TEST(CloudSms, TencentRefusalsMapToTheGatewaysErrorsAndOnlyPassingOnesAreRetried) {
    FakeTencentSms fake(kTencentId, kTencentKey);
    auto o = optionsFor(fake.url(), kTencentId, kTencentKey);
    expectRefusals<sms::TencentSmsSender>(
        fake, o,
        {{"LimitExceeded.PhoneNumberDailyLimit", 0, sms::SmsErrorKind::kThrottled, 1},
         {"RequestLimitExceeded", 0, sms::SmsErrorKind::kThrottled, 3},
         {"FailedOperation.InsufficientBalanceInSmsPackage", 0, sms::SmsErrorKind::kNoBalance, 1},
         {"FailedOperation.TemplateIncorrectOrUnapproved", 0, sms::SmsErrorKind::kRejected, 1},
         {"FailedOperation.SignatureIncorrectOrUnapproved", 0, sms::SmsErrorKind::kRejected, 1},
         {"InternalError.Timeout", 0, sms::SmsErrorKind::kUnavailable, 3},
         {"", 503, sms::SmsErrorKind::kUnavailable, 3}});
    // A wrong secret: the fake's own check refuses it, and it is not retried.
    auto wrong = optionsFor(fake.url(), kTencentId, kTencentKey + "x");
    expectRefusals<sms::TencentSmsSender>(fake, wrong, {{"", 0, sms::SmsErrorKind::kAuth, 1}});
    EXPECT_EQ(fake.badSignatures.load(), 1);
    std::lock_guard lock(fake.mutex);
    EXPECT_TRUE(fake.received.empty());
}

TEST(CloudSms, AliyunGetsASignedSendSmsWithNamedParameters) {
    FakeAliyunSms fake(kAliyunId, kAliyunSecret);
    auto r = sendOnce<sms::AliyunSmsSender>(optionsFor(fake.url(), kAliyunId, kAliyunSecret), codeMessage());
    ASSERT_TRUE(r) << r.error().detail;
    std::lock_guard lock(fake.mutex);
    ASSERT_EQ(fake.received.size(), 1u);
    auto& m = fake.received[0];
    EXPECT_EQ(m.at("PhoneNumbers").as_string(), "86" + kPhone);
    EXPECT_EQ(m.at("SignName").as_string(), "合成电力") << "UTF-8 in the query, encoded and signed as Alibaba does";
    EXPECT_EQ(m.at("TemplateCode").as_string(), "100001");
    EXPECT_EQ(json::parse(m.at("TemplateParam").as_string()), (json::object{{"code", "246810"}, {"valid_minutes", "5"}}));
    EXPECT_EQ(m.at("OutId").as_string(), "consent-1");
}

TEST(CloudSms, AliyunRefusalsMapToTheGatewaysErrorsAndOnlyPassingOnesAreRetried) {
    FakeAliyunSms fake(kAliyunId, kAliyunSecret);
    auto o = optionsFor(fake.url(), kAliyunId, kAliyunSecret);
    expectRefusals<sms::AliyunSmsSender>(fake, o,
                                         {{"isv.BUSINESS_LIMIT_CONTROL", 0, sms::SmsErrorKind::kThrottled, 1},
                                          {"Throttling.User", 0, sms::SmsErrorKind::kThrottled, 3},
                                          {"isv.AMOUNT_NOT_ENOUGH", 0, sms::SmsErrorKind::kNoBalance, 1},
                                          {"isv.SMS_TEMPLATE_ILLEGAL", 0, sms::SmsErrorKind::kRejected, 1},
                                          {"isv.SMS_SIGNATURE_ILLEGAL", 0, sms::SmsErrorKind::kRejected, 1},
                                          {"isp.SYSTEM_ERROR", 0, sms::SmsErrorKind::kUnavailable, 3},
                                          {"", 503, sms::SmsErrorKind::kUnavailable, 3}});
    auto wrong = optionsFor(fake.url(), kAliyunId, kAliyunSecret + "x");
    expectRefusals<sms::AliyunSmsSender>(fake, wrong, {{"", 0, sms::SmsErrorKind::kAuth, 1}});
    EXPECT_EQ(fake.badSignatures.load(), 1);
}

TEST(CloudSms, AMessageWithoutAConfiguredTemplateIsRefusedBeforeAnythingIsSent) {
    FakeTencentSms fake(kTencentId, kTencentKey);
    auto o = optionsFor(fake.url(), kTencentId, kTencentKey);
    o.templates.erase("materials_due");
    auto r = sendOnce<sms::TencentSmsSender>(o, {kPhone, "materials_due", {{"application_id", "A"}}, "r"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, sms::SmsErrorKind::kRejected);
    EXPECT_NE(r.error().detail.find("materials_due"), std::string::npos);
    EXPECT_EQ(fake.requests.load(), 0);
}

// The gateway with kind = "tencent_cloud": the customer's code goes through the provider and reads back.
TEST(CloudSms, AConsentCodeGoesOutThroughTencentAndVerifies) {
    FakeTencentSms fake(kTencentId, kTencentKey);
    auto keys = freshTempDir("cloudsms");
    auto write = [&](const char* name, const std::string& v) {
        auto p = keys / name;
        std::ofstream(p) << v << "\n";
        std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        return p.string();
    };
    const std::string idFile = write("tencent.id", kTencentId), keyFile = write("tencent.key", kTencentKey);
    const std::string url = fake.url();
    SimGateway s([&](config::Config& c) {
        c.sms.kind = "tencent_cloud";
        c.sms.endpoint = url;  // http:// only because this is demo mode (the config refuses it otherwise)
        c.sms.secretIdFile = idFile;
        c.sms.secretKeyFile = keyFile;
        c.sms.sdkAppId = "1400000001";
        c.sms.signName = "合成电力";
        c.sms.templates = {{"consent_code", "100001"}, {"licence_expiring", "100002"},
                           {"materials_due", "100003"}, {"package_suspended", "100004"}};
    });
    HttpClient c(s.gw->port);
    const std::vector<std::pair<std::string, std::string>> desk{{"Authorization", "Bearer demo-frontdesk"},
                                                                {"Content-Type", "application/json"}};
    ASSERT_EQ(c.request("PUT", "/v1/applications/CLOUD-SMS-1",
                        R"({"customer_category":"high_voltage","customer_name":"合成示例","phone":"13800001111"})", desk)
                  .status,
              201);
    auto consent = c.request("POST", "/v1/consents",
                             R"({"application_id":"CLOUD-SMS-1","subject":{"type":"enterprise","code":"91110102E80346803Q"},)"
                             R"("licence_types":["business_licence"],"purpose":"power_connection"})",
                             desk);
    ASSERT_EQ(consent.status, 201) << consent.body;
    std::string code;
    {
        std::lock_guard lock(fake.mutex);
        ASSERT_EQ(fake.received.size(), 1u);
        code = std::string(fake.received[0].at("TemplateParamSet").at(0).as_string());
        EXPECT_EQ(fake.received[0].at("SessionContext").as_string(), consent.jsonString("consent_id"));
    }
    ASSERT_EQ(code.size(), 6u);
    auto verified = c.request("POST", "/v1/consents/" + consent.jsonString("consent_id") + "/verify",
                              R"({"code":")" + code + "\"}", desk);
    EXPECT_EQ(verified.status, 200) << verified.body;
    // The provider out of balance: the customer gets no code, the desk a 502 that says so.
    setAnswer(fake, "FailedOperation.InsufficientBalanceInSmsPackage");
    auto failed = c.request("POST", "/v1/consents",
                            R"({"application_id":"CLOUD-SMS-1","subject":{"type":"enterprise","code":"91110102E80346803Q"},)"
                            R"("licence_types":["business_licence"],"purpose":"power_connection"})",
                            desk);
    EXPECT_EQ(failed.status, 502) << failed.body;
    EXPECT_EQ(failed.jsonString("code"), "sms_failed");
    EXPECT_NE(failed.jsonString("detail").find("no_balance"), std::string::npos) << failed.body;
    std::filesystem::remove_all(keys);
}
