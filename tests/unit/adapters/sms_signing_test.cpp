// The two cloud SMS providers' request signatures against the examples the providers publish
// (issue 22; the inputs and expected signatures are theirs, quoted in the issue): Tencent Cloud
// API 3.0's TC3-HMAC-SHA256 ("签名方法 v3", the DescribeInstances example) and Alibaba Cloud's
// ACS3-HMAC-SHA256 (the V3 signature example, RunInstances). A signer that passes only its own
// round trip could still be wrong for the provider; these can only pass if it agrees with them.
#include <gtest/gtest.h>

#include "adapters/sms/cloud_signing.hpp"

using namespace lgw::adapters::sms;

namespace {

Tc3Input tencentExample() {
    Tc3Input in;
    in.secretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******";
    in.secretKey = "Gu5t9xGARNpq86cd98joQYCN3*******";
    in.service = "cvm";
    in.host = "cvm.tencentcloudapi.com";
    in.contentType = "application/json; charset=utf-8";
    in.payload = R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";
    in.timestamp = 1551113065;
    return in;
}

}  // namespace

TEST(Tc3Signing, MatchesTencentsPublishedExample) {
    auto s = signTc3(tencentExample());
    EXPECT_EQ(s.credentialScope, "2019-02-25/cvm/tc3_request");
    EXPECT_EQ(s.signedHeaders, "content-type;host");
    EXPECT_EQ(s.canonicalRequest,
              "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
              "content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    EXPECT_EQ(s.signature, "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
    EXPECT_EQ(s.authorization,
              "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
              "SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
}

TEST(Tc3Signing, MatchesTencentsExampleWithTheActionSigned) {
    auto in = tencentExample();
    in.extraSigned = {{"x-tc-action", "describeinstances"}};
    auto s = signTc3(in);
    EXPECT_EQ(s.signedHeaders, "content-type;host;x-tc-action");
    EXPECT_EQ(s.signature, "be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3");
}

TEST(Tc3Signing, EveryInputChangesTheSignature) {
    const auto base = signTc3(tencentExample()).signature;
    auto payload = tencentExample();
    payload.payload += " ";
    auto key = tencentExample();
    key.secretKey[0] = 'g';
    auto time = tencentExample();
    time.timestamp += 86400;  // another day: another scope and another derived key
    auto host = tencentExample();
    host.host = "sms.tencentcloudapi.com";
    for (auto* changed : {&payload, &key, &time, &host}) EXPECT_NE(signTc3(*changed).signature, base);
}

TEST(Acs3Signing, MatchesAlibabasPublishedExample) {
    Acs3Input in;
    in.method = "POST";
    in.path = "/";
    in.query = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"}, {"RegionId", "cn-shanghai"}};
    in.accessKeyId = "YourAccessKeyId";
    in.accessKeySecret = "YourAccessKeySecret";
    in.headers = {{"host", "ecs.cn-shanghai.aliyuncs.com"},
                  {"x-acs-action", "RunInstances"},
                  {"x-acs-version", "2014-05-26"},
                  {"x-acs-date", "2023-10-26T10:22:32Z"},
                  {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
                  {"x-acs-content-sha256", acs3ContentSha256("")}};
    auto s = signAcs3(in);
    EXPECT_EQ(s.contentSha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(s.canonicalQuery, "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai");
    EXPECT_EQ(s.signedHeaders, "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version");
    EXPECT_EQ(s.signature, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
    EXPECT_EQ(s.authorization,
              "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;"
              "x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
}

TEST(Acs3Signing, QueryValuesAreEncodedAsAlibabaEncodesThem) {
    // RFC 3986: unreserved kept, the rest %XX in upper case; a space is %20, never '+'; UTF-8 bytes.
    EXPECT_EQ(acsPercentEncode("a b+c*d~e"), "a%20b%2Bc%2Ad~e");
    EXPECT_EQ(acsPercentEncode("电力"), "%E7%94%B5%E5%8A%9B");
    EXPECT_EQ(acsPercentEncode(R"({"code":"1"})"), "%7B%22code%22%3A%221%22%7D");
    Acs3Input in;
    in.query = {{"b", "2"}, {"a", "x y"}};
    EXPECT_EQ(signAcs3(in).canonicalQuery, "a=x%20y&b=2") << "sorted by the encoded name";
}
