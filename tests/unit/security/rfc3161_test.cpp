// RFC 3161 on OpenSSL's TS API (security/rfc3161) against a TSA that is not ours: `openssl ts
// -reply` answers our queries, and `openssl ts -verify` checks the tokens we keep.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <unistd.h>

#include "security/rfc3161.hpp"
#include "tests/common/openssl_tsa.hpp"

namespace lgw::security {
namespace {

using testing::OpensslTsaPki;

class Rfc3161 : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        pki_ = new OpensslTsaPki(std::filesystem::temp_directory_path() / ("lgw-rfc3161-" + std::to_string(getpid())));
    }
    static void TearDownTestSuite() {
        std::filesystem::remove_all(pki_->dir());
        delete pki_;
        pki_ = nullptr;
    }
    static TsaTrust trust(const std::string& pem) {
        std::string error;
        auto t = TsaTrust::fromPem(pem, &error);
        EXPECT_TRUE(t) << error;
        return std::move(*t);
    }
    static std::int64_t nowMs() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    static OpensslTsaPki* pki_;
};
OpensslTsaPki* Rfc3161::pki_ = nullptr;

const std::string kMessage = "licence-gateway-audit-checkpoint|100|ab12|1764670000000";

TEST_F(Rfc3161, OpensslTsRepliesToOurQueryAndVerifiesTheTokenWeKeep) {
    const auto query = makeTimestampQuery(kMessage);
    const auto check = acceptTimestampResponse(pki_->reply(query.der), query, trust(pki_->caPem()));
    ASSERT_TRUE(check.ok) << check.reason;
    EXPECT_NEAR(static_cast<double>(check.genTimeMs), static_cast<double>(nowMs()), 120000.0);
    ASSERT_FALSE(check.token.empty());
    // Kept and checked again later, by us and by OpenSSL's own command line.
    const auto again = verifyTimestampToken(check.token, kMessage, trust(pki_->caPem()));
    EXPECT_TRUE(again.ok) << again.reason;
    EXPECT_EQ(again.genTimeMs, check.genTimeMs);
    EXPECT_TRUE(pki_->opensslVerifies(check.token, kMessage));
    EXPECT_FALSE(pki_->opensslVerifies(check.token, kMessage + "0"));
}

TEST_F(Rfc3161, ATokenProvesOnlyItsOwnMessage) {
    const auto query = makeTimestampQuery(kMessage);
    const auto check = acceptTimestampResponse(pki_->reply(query.der), query, trust(pki_->caPem()));
    ASSERT_TRUE(check.ok) << check.reason;
    const auto other = verifyTimestampToken(check.token, "licence-gateway-audit-checkpoint|100|ab12|1764670000001",
                                            trust(pki_->caPem()));
    EXPECT_FALSE(other.ok);
    EXPECT_NE(other.reason.find("imprint"), std::string::npos) << other.reason;
}

TEST_F(Rfc3161, AnAnswerToAnotherQueryOfTheSameMessageIsRefused) {
    const auto mine = makeTimestampQuery(kMessage), replayed = makeTimestampQuery(kMessage);
    EXPECT_NE(mine.der, replayed.der);  // each has its own nonce
    const auto check = acceptTimestampResponse(pki_->reply(replayed.der), mine, trust(pki_->caPem()));
    EXPECT_FALSE(check.ok);
    EXPECT_NE(check.reason.find("nonce"), std::string::npos) << check.reason;
}

TEST_F(Rfc3161, ATsaOutsideTheTrustedCaIsRefusedAndItsOwnCaWouldAcceptIt) {
    const auto query = makeTimestampQuery(kMessage);
    const std::string rogue = pki_->reply(query.der, true);
    const auto refused = acceptTimestampResponse(rogue, query, trust(pki_->caPem()));
    EXPECT_FALSE(refused.ok);
    EXPECT_NE(refused.reason.find("does not verify"), std::string::npos) << refused.reason;
    // The same answer under the rogue CA verifies: what failed above was the trust, not the file.
    EXPECT_TRUE(acceptTimestampResponse(rogue, query, trust(pki_->rogueCaPem())).ok);
}

TEST_F(Rfc3161, ARejectionIsNotAToken) {
    // SHA-1 is not among the digests the TSA accepts: it answers PKIStatus rejection.
    const auto dir = pki_->dir();
    std::ofstream(dir / "sha1.txt") << kMessage;
    ASSERT_EQ(std::system(("openssl ts -query -sha1 -cert -data '" + (dir / "sha1.txt").string() + "' -out '" +
                           (dir / "sha1.tsq").string() + "' > /dev/null 2>&1")
                              .c_str()),
              0);
    const std::string sha1Query = testing::readFile(dir / "sha1.tsq");
    const auto check = acceptTimestampResponse(pki_->reply(sha1Query), TimestampQuery{sha1Query}, trust(pki_->caPem()));
    EXPECT_FALSE(check.ok);
    EXPECT_NE(check.reason.find("did not grant"), std::string::npos) << check.reason;
}

TEST_F(Rfc3161, BrokenBytesAreRefusedWithoutThrowing) {
    const auto query = makeTimestampQuery(kMessage);
    EXPECT_FALSE(acceptTimestampResponse("", query, trust(pki_->caPem())).ok);
    EXPECT_FALSE(acceptTimestampResponse("<html>502</html>", query, trust(pki_->caPem())).ok);
    const auto check = acceptTimestampResponse(pki_->reply(query.der), query, trust(pki_->caPem()));
    ASSERT_TRUE(check.ok) << check.reason;
    EXPECT_FALSE(verifyTimestampToken("", kMessage, trust(pki_->caPem())).ok);
    EXPECT_FALSE(verifyTimestampToken(check.token + "x", kMessage, trust(pki_->caPem())).ok);
    // A flipped byte in the signature at the end of the token: it parses and no longer verifies.
    std::string flipped = check.token;
    flipped[flipped.size() - 5] = static_cast<char>(flipped[flipped.size() - 5] ^ 0x01);
    EXPECT_FALSE(verifyTimestampToken(flipped, kMessage, trust(pki_->caPem())).ok);
}

TEST_F(Rfc3161, TheTrustedCaMustBeCertificates) {
    std::string error;
    EXPECT_FALSE(TsaTrust::fromPem("", &error));
    EXPECT_NE(error.find("no PEM certificate"), std::string::npos) << error;
    EXPECT_FALSE(TsaTrust::fromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", &error));
    EXPECT_NE(error.find("does not parse"), std::string::npos) << error;
    auto two = TsaTrust::fromPem(pki_->caPem() + pki_->rogueCaPem(), &error);
    ASSERT_TRUE(two) << error;
    EXPECT_EQ(two->size(), 2u);
}

}  // namespace
}  // namespace lgw::security
