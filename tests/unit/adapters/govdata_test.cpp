#include <gtest/gtest.h>

#include "adapters/govdata/circuit_breaker.hpp"
#include "adapters/govdata/gov_data_platform.hpp"

using namespace lgw::adapters::govdata;
using namespace std::chrono_literals;

TEST(CircuitBreaker, OpensAfterThresholdAndHalfOpensAfterCooldown) {
    CircuitBreaker b(3, 1000ms);
    auto t = CircuitBreaker::Clock::time_point{} + 1h;
    EXPECT_TRUE(b.allow(t));
    b.onFailure(t);
    b.onFailure(t);
    EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
    b.onSuccess();  // success resets the count
    b.onFailure(t);
    b.onFailure(t);
    b.onFailure(t);
    EXPECT_EQ(b.state(), CircuitBreaker::State::kOpen);
    EXPECT_FALSE(b.allow(t + 999ms));
    EXPECT_TRUE(b.allow(t + 1000ms));   // the one trial
    EXPECT_EQ(b.state(), CircuitBreaker::State::kHalfOpen);
    EXPECT_FALSE(b.allow(t + 1001ms));  // only one at a time
    b.onFailure(t + 1100ms);            // trial failed: open again, cool-down restarts
    EXPECT_FALSE(b.allow(t + 2000ms));
    EXPECT_TRUE(b.allow(t + 2100ms));
    b.onSuccess();
    EXPECT_EQ(b.state(), CircuitBreaker::State::kClosed);
    EXPECT_TRUE(b.allow(t + 2101ms));
}

TEST(Decode, LicencesHappyAndNullValidTo) {
    std::string body = R"({"licences":[{"identifier":"1.2.X","type":"business_licence","number":"N","holder":"H",
      "holder_code":"C","issuer":"I","valid_from":"2015-03-18","valid_to":null,"data":{"address":"A","n":1},
      "file":{"content_type":"image/png","data_base64":"cG5n"},
      "annotation":{"purpose":"业扩报装","expires_at":"E"},
      "signature":{"alg":"SM2-SM3","key_id":"k","value_base64":"AAEC"}}]})";
    auto r = decodeLicences(body);
    ASSERT_TRUE(r);
    auto& l = r->at(0);
    EXPECT_FALSE(l.validTo);
    EXPECT_EQ(l.fileBytes, "png");
    EXPECT_EQ(l.signatureValue, std::string("\x00\x01\x02", 3));
    EXPECT_EQ(l.data.at("address"), "A");
    EXPECT_FALSE(l.data.count("n"));  // only strings are licence data
}

TEST(Decode, EveryDeviationNamesTheField) {
    auto err = [](const std::string& body) {
        auto r = decodeLicences(body);
        EXPECT_FALSE(r) << body;
        return r ? GovError{} : r.error();
    };
    EXPECT_EQ(err("not json").code, GovErrorCode::kUpstreamBadPayload);
    EXPECT_NE(err(R"({"licences":{}})").detail.find("licences"), std::string::npos);
    EXPECT_NE(err(R"({"licences":[{"type":"x"}]})").detail.find("licences[0].identifier"), std::string::npos);
    auto noFile = err(R"({"licences":[{"identifier":"i","type":"t","number":"n","holder":"h","holder_code":"c",
      "issuer":"i","valid_from":"v","valid_to":"w"}]})");
    EXPECT_NE(noFile.detail.find("licences[0].file"), std::string::npos) << noFile.detail;
    EXPECT_FALSE(decodeContact(R"({"phone":12})"));
    EXPECT_EQ(*decodeContact(R"({"phone":"13800001111"})"), "13800001111");
    // The error category names the stable code, as the problem and the audit trail do.
    auto bad = decodeContact(R"({"phone":12})");
    EXPECT_EQ(bad.error().error().message(), "upstream_bad_payload");
    EXPECT_EQ(bad.error().error().category().name(), std::string("lgw.govdata"));
}
