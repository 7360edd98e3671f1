#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <charconv>

#include "adapters/govdata/circuit_breaker.hpp"
#include "adapters/govdata/gov_data_platform.hpp"
#include "adapters/govdata/jcs.hpp"

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

// RFC 8785's own examples (section 3.2.2 and 3.2.3), so the canonical form is the standard's, not
// only the one our simulator happens to write.
TEST(Jcs, TheRfcsSerialisationExample) {
    auto v = boost::json::parse(R"({
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    })");
    // Boost.JSON 1.81 reads 333333333.33333329 one unit in the last place off (it has no precise
    // mode before 1.83): the RFC's numbers are read with std::from_chars, which rounds correctly.
    boost::json::array numbers;
    for (std::string_view n : {"333333333.33333329", "1E30", "4.50", "2e-3", "0.000000000000000000000000001"}) {
        double d = 0;
        std::from_chars(n.data(), n.data() + n.size(), d);
        numbers.emplace_back(d);
    }
    v.as_object()["numbers"] = std::move(numbers);
    auto c = lgw::adapters::govdata::canonicalJson(v);
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, R"({"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],)"
                  R"("string":"€$\u000f\nA'B\"\\\\\"/"})");
}

TEST(Jcs, MembersSortByUtf16CodeUnits) {
    auto v = boost::json::parse(R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh",
      "1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"})");
    auto c = lgw::adapters::govdata::canonicalJson(v);
    ASSERT_TRUE(c);
    std::vector<std::string> order = {"Carriage Return", "One", "Control", "Latin Small", "Euro Sign", "Emoji", "Hebrew"};
    std::size_t at = 0;
    for (auto& name : order) {
        auto found = c->find(name, at);
        ASSERT_NE(found, std::string::npos) << name << " out of order in " << *c;
        at = found;
    }
}

TEST(Jcs, NumbersAsEcmaScriptWritesThem) {
    auto canon = [](const char* json) { return *lgw::adapters::govdata::canonicalJson(boost::json::parse(json)); };
    EXPECT_EQ(canon("[0, -0.0, 1, -1, 100, 1e21, 1e20, 0.1, 1e-6, 1e-7, 123456789012, 5e-324]"),
              "[0,0,1,-1,100,1e+21,100000000000000000000,0.1,0.000001,1e-7,123456789012,5e-324]");
    EXPECT_FALSE(lgw::adapters::govdata::canonicalJson(boost::json::parse("[18446744073709551615]")));
}

TEST(GovDecode, TheSignedTextIsTheLicenceWithoutItsSignature) {
    const std::string body = R"({"licences":[{"identifier":"I","type":"business_licence","number":"N","holder":"H",)"
                             R"("holder_code":"C","issuer":"S","valid_from":"2020-01-01","valid_to":null,"data":{"b":"2","a":"1"},)"
                             R"("file":{"content_type":"image/png","data_base64":"eA=="},)"
                             R"("annotation":{"purpose":"P","requester":"R","expires_at":"E"},)"
                             R"("signature":{"alg":"SM2-SM3","key_id":"k","value_base64":"eA==","covers":"jcs"}}]})";
    auto r = lgw::adapters::govdata::decodeLicences(body);
    ASSERT_TRUE(r);
    const auto& l = r->at(0);
    EXPECT_EQ(l.signatureCovers, "jcs");
    EXPECT_EQ(l.signedText, R"({"annotation":{"expires_at":"E","purpose":"P","requester":"R"},"data":{"a":"1","b":"2"},)"
                            R"("file":{"content_type":"image/png","data_base64":"eA=="},"holder":"H","holder_code":"C",)"
                            R"("identifier":"I","issuer":"S","number":"N","type":"business_licence","valid_from":"2020-01-01",)"
                            R"("valid_to":null})");
}
