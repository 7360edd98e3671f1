#include "security/signature.hpp"

#include <gtest/gtest.h>

#include "security/consent_codes.hpp"
#include "security/crypto.hpp"
#include "security/envelope.hpp"
#include "security/licence_verifier.hpp"
#include "security/request_signing.hpp"

using namespace lgw::security;

TEST(Signature, Sm2Sm3RoundTripAndTamper) {
    auto key = PrivateKey::generate(SignatureAlg::kSm2Sm3);
    auto sig = key.sign(SignatureAlg::kSm2Sm3, "licence canonical string");
    auto pub = PublicKey::fromPem(key.publicKey().pem());
    ASSERT_TRUE(pub);
    EXPECT_TRUE(pub->verify(SignatureAlg::kSm2Sm3, "licence canonical string", sig));
    EXPECT_FALSE(pub->verify(SignatureAlg::kSm2Sm3, "licence canonical strinG", sig));
    sig[5] ^= 1;
    EXPECT_FALSE(pub->verify(SignatureAlg::kSm2Sm3, "licence canonical string", sig));
}

TEST(Signature, EcdsaP256AndAlgorithmKeyMismatch) {
    auto ec = PrivateKey::generate(SignatureAlg::kEcdsaP256Sha256);
    auto sig = ec.sign(SignatureAlg::kEcdsaP256Sha256, "m");
    EXPECT_TRUE(ec.publicKey().verify(SignatureAlg::kEcdsaP256Sha256, "m", sig));
    EXPECT_FALSE(ec.publicKey().verify(SignatureAlg::kSm2Sm3, "m", sig));  // a P-256 key is no SM2 key
    auto sm2 = PrivateKey::generate(SignatureAlg::kSm2Sm3);
    EXPECT_FALSE(sm2.publicKey().verify(SignatureAlg::kEcdsaP256Sha256, "m", sm2.sign(SignatureAlg::kSm2Sm3, "m")));
    EXPECT_THROW(sm2.sign(SignatureAlg::kEcdsaP256Sha256, "m"), std::runtime_error);
}

TEST(Signature, PemRoundTripAndGarbage) {
    auto key = PrivateKey::generate(SignatureAlg::kSm2Sm3);
    auto again = PrivateKey::fromPem(key.pem());
    ASSERT_TRUE(again);
    auto sig = again->sign(SignatureAlg::kSm2Sm3, "x");
    EXPECT_TRUE(key.publicKey().verify(SignatureAlg::kSm2Sm3, "x", sig));
    EXPECT_FALSE(PublicKey::fromPem("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n"));
    EXPECT_FALSE(PrivateKey::fromPem("garbage"));
    EXPECT_FALSE(signatureAlgFromName("RSA-SHA1"));
}

namespace {
// A licence signed whole (signature.covers = "jcs"). Below the decoder there is no JSON: signedText
// stands for the canonical form the decoder makes of every field (tests/unit/adapters checks that).
struct SignedLicence {
    PrivateKey key = PrivateKey::generate(SignatureAlg::kSm2Sm3);
    PlatformKeys keys{{"gov-2026", key.publicKey()}};
    ELicence l;
    SignedLicence() {
        l.identifier = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U";
        l.type = "business_licence";
        l.number = "N-1";
        l.holderCode = "91110102MA01C7Q59Y";
        l.validFrom = "2015-03-18";
        l.fileBytes = "png bytes";
        l.annotationPurpose = "业扩报装";
        l.annotationRequester = "91110000MA0000DL13";
        l.annotationExpiresAt = "2026-12-23T00:00:00Z";
        l.signatureAlg = "SM2-SM3";
        l.signatureKeyId = "gov-2026";
        l.signatureCovers = "jcs";
        resign();
    }
    void resign() {
        l.signedText = "jcs-stand-in|" + canonicalString(l) + "|" + l.annotationPurpose + "|" + l.annotationRequester;
        l.signatureValue = key.sign(SignatureAlg::kSm2Sm3, l.signedText);
    }
};
constexpr std::int64_t kNow = 1796083200000;          // 2026-12-01T00:00:00Z
constexpr std::int64_t kCopyExpires = 1798588800000;  // 2026-12-30T00:00:00Z
const LicenceExpectations kExpect{"91110102MA01C7Q59Y", "业扩报装", "91110000MA0000DL13", kCopyExpires, kNow};
}  // namespace

TEST(LicenceVerifier, CanonicalStringFollowsTheFirstVersion) {
    SignedLicence s;
    EXPECT_EQ(canonicalString(s.l), s.l.identifier + "|business_licence|N-1|91110102MA01C7Q59Y|2015-03-18||" +
                                        sha256Hex("png bytes") + "|2026-12-23T00:00:00Z");
}

TEST(LicenceVerifier, AcceptsAGoodLicence) {
    SignedLicence s;
    auto v = verifyLicence(s.l, s.keys, kExpect);
    EXPECT_TRUE(v.ok) << v.reason;
}

// Issue 18: the first version signed some fields only (holder, issuer, data, purpose unsigned).
TEST(LicenceVerifier, AFieldOnlySignatureIsRefused) {
    SignedLicence s;
    s.l.signatureCovers.clear();
    s.l.signatureValue = s.key.sign(SignatureAlg::kSm2Sm3, canonicalString(s.l));
    auto v = verifyLicence(s.l, s.keys, kExpect);
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.code, "licence_signature_invalid");
    EXPECT_NE(v.reason.find("some fields only"), std::string::npos) << v.reason;
}

TEST(LicenceVerifier, AnyChangeToWhatWasSignedBreaksIt) {
    SignedLicence s;
    s.l.signedText[s.l.signedText.size() / 2] ^= 1;
    EXPECT_EQ(verifyLicence(s.l, s.keys, kExpect).code, "licence_signature_invalid");
}

TEST(LicenceVerifier, UnknownKeyAndAlgorithm) {
    SignedLicence s;
    s.l.signatureKeyId = "gov-1999";
    EXPECT_EQ(verifyLicence(s.l, s.keys, kExpect).code, "licence_signature_invalid");
    SignedLicence t;
    t.l.signatureAlg = "RSA";
    EXPECT_NE(verifyLicence(t.l, t.keys, kExpect).reason.find("unsupported"), std::string::npos);
}

TEST(LicenceVerifier, IdentifierHolderAndPurpose) {
    SignedLicence a;
    a.l.identifier.back() = 'V';
    a.resign();
    auto va = verifyLicence(a.l, a.keys, kExpect);
    EXPECT_EQ(va.code, "licence_rejected");
    EXPECT_NE(va.reason.find("MOD 37,36"), std::string::npos);
    SignedLicence b;
    b.l.holderCode = "91350100M000100Y43";
    b.resign();
    EXPECT_NE(verifyLicence(b.l, b.keys, kExpect).reason.find("another holder"), std::string::npos);
    SignedLicence c;
    c.l.annotationPurpose = "其他用途";
    c.resign();
    EXPECT_NE(verifyLicence(c.l, c.keys, kExpect).reason.find("purpose"), std::string::npos);
}

// Issue 18: the signed annotation.expires_at was never checked.
TEST(LicenceVerifier, TheAnnotationMustSayWhatWasAsked) {
    SignedLicence other;
    other.l.annotationRequester = "91110000MA00OTHER0";
    other.resign();
    EXPECT_NE(verifyLicence(other.l, other.keys, kExpect).reason.find("requester"), std::string::npos);
    SignedLicence longer;
    longer.l.annotationExpiresAt = "2027-06-01T00:00:00Z";
    longer.resign();
    EXPECT_NE(verifyLicence(longer.l, longer.keys, kExpect).reason.find("later than"), std::string::npos);
    SignedLicence over;
    over.l.annotationExpiresAt = "2026-11-30T23:59:59+08:00";
    over.resign();
    auto v = verifyLicence(over.l, over.keys, kExpect);
    EXPECT_EQ(v.code, "licence_rejected");
    EXPECT_NE(v.reason.find("expired"), std::string::npos) << v.reason;
    SignedLicence garbled;
    garbled.l.annotationExpiresAt = "next year";
    garbled.resign();
    EXPECT_NE(verifyLicence(garbled.l, garbled.keys, kExpect).reason.find("RFC 3339"), std::string::npos);
}

TEST(ConsentCodes, SixDigitsAndHmacBoundToConsent) {
    for (int i = 0; i < 200; ++i) {
        auto c = generateSmsCode();
        ASSERT_TRUE(looksLikeSmsCode(c)) << c;
    }
    EXPECT_NE(generateSmsCode() + generateSmsCode() + generateSmsCode(), "000000000000000000");
    EXPECT_NE(smsCodeHmac("k", "consent-a", "123456"), smsCodeHmac("k", "consent-b", "123456"));
    EXPECT_NE(smsCodeHmac("k", "consent-a", "123456"), smsCodeHmac("k2", "consent-a", "123456"));
    EXPECT_FALSE(looksLikeSmsCode("12345"));
    EXPECT_FALSE(looksLikeSmsCode("12345a"));
}

TEST(ConsentCodes, DigitsAreSpreadEvenly) {
    int counts[10] = {0};
    for (int i = 0; i < 2000; ++i)
        for (char ch : generateSmsCode()) ++counts[ch - '0'];
    for (int n : counts) EXPECT_GT(n, 1000) << "12000 digits, 1200 expected per digit";
}

TEST(RequestSigning, MatchesTheUpstreamsFormula) {
    auto sig = requestSignature("secret", "POST", "/api/v1/subjects/contact", "1700000000000", "n1", "{}");
    std::string canonical = "POST\n/api/v1/subjects/contact\n1700000000000\nn1\n" + sha256Hex("{}");
    EXPECT_EQ(sig, toHex(hmacSha256("secret", canonical)));
    auto h = signRequest("app", "secret", "POST", "/p", "b", 1);
    ASSERT_EQ(h.size(), 4u);
    EXPECT_EQ(h[0].second, "app");
    EXPECT_EQ(h[3].second, requestSignature("secret", "POST", "/p", "1", h[2].second, "b"));
}

// Both suites: AES-256-GCM and the national-cryptography SM4-CTR + HMAC-SM3.
class Envelope : public ::testing::TestWithParam<CipherSuite> {};

TEST_P(Envelope, SealOpenAndEveryTamperFails) {
    Keyring ring;
    ring.keys[1] = randomBytes(32);
    auto s = seal(ring, "doc-1", "the document", GetParam());
    EXPECT_EQ(s.keyVersion, 1u);
    EXPECT_EQ(s.ciphertext.substr(0, 4), GetParam() == CipherSuite::kAes256Gcm ? "LGW1" : "LGW2");
    EXPECT_EQ(s.ciphertext.find("the document"), std::string::npos);
    EXPECT_EQ(*open(ring, "doc-1", 1, s.wrappedKey, s.ciphertext), "the document");
    EXPECT_FALSE(open(ring, "doc-2", 1, s.wrappedKey, s.ciphertext));  // bound to the document id
    for (std::size_t i : {std::size_t{4}, std::size_t{20}, s.ciphertext.size() - 1}) {  // iv/nonce, body, tag/mac
        auto ct = s.ciphertext;
        ct[i] ^= 1;
        EXPECT_FALSE(open(ring, "doc-1", 1, s.wrappedKey, ct)) << "byte " << i;
    }
    EXPECT_FALSE(open(ring, "doc-1", 1, s.wrappedKey, s.ciphertext.substr(0, s.ciphertext.size() - 1)));  // cut short
    auto wk = s.wrappedKey;
    wk[20] ^= 1;
    EXPECT_FALSE(open(ring, "doc-1", 1, wk, s.ciphertext));
    EXPECT_FALSE(open(ring, "doc-1", 2, s.wrappedKey, s.ciphertext));  // unknown KEK version
    // Two seals of the same document never share a key or a ciphertext.
    auto again = seal(ring, "doc-1", "the document", GetParam());
    EXPECT_NE(again.ciphertext, s.ciphertext);
    EXPECT_NE(again.wrappedKey, s.wrappedKey);
}

TEST_P(Envelope, RewrapMovesToTheNewestKekWithoutTouchingTheDocument) {
    Keyring ring;
    ring.keys[1] = randomBytes(32);
    auto s = seal(ring, "d", std::string(100000, 'z'), GetParam());
    ring.keys[2] = randomBytes(32);
    auto rewrapped = rewrap(ring, "d", 1, s.wrappedKey);
    ASSERT_TRUE(rewrapped);
    EXPECT_EQ(rewrapped->size(), s.wrappedKey.size());  // the data key keeps its suite
    EXPECT_EQ(open(ring, "d", 2, *rewrapped, s.ciphertext)->size(), 100000u);
    ring.keys.erase(1);  // retired: the old wrapping no longer opens
    EXPECT_FALSE(open(ring, "d", 1, s.wrappedKey, s.ciphertext));
}

INSTANTIATE_TEST_SUITE_P(Suites, Envelope, ::testing::Values(CipherSuite::kAes256Gcm, CipherSuite::kSm4CtrHmacSm3),
                         [](const auto& p) { return p.param == CipherSuite::kAes256Gcm ? "Aes256Gcm" : "Sm4CtrHmacSm3"; });

TEST(NationalCrypto, Sm3KnownAnswerAndSuiteNames) {
    // GB/T 32905-2016, example 1.
    EXPECT_EQ(sm3Hex("abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    EXPECT_EQ(hmacSm3("k", "m").size(), 32u);
    EXPECT_EQ(cipherSuiteFromName("sm4-ctr-hmac-sm3"), CipherSuite::kSm4CtrHmacSm3);
    EXPECT_EQ(cipherSuiteFromName("aes-256-gcm"), CipherSuite::kAes256Gcm);
    EXPECT_FALSE(cipherSuiteFromName("sm4-gcm"));
    // A deployment that switched suites still opens its older documents.
    Keyring ring;
    ring.keys[1] = randomBytes(32);
    auto gcm = seal(ring, "x", "old", CipherSuite::kAes256Gcm);
    auto sm = seal(ring, "y", "new", CipherSuite::kSm4CtrHmacSm3);
    EXPECT_EQ(*open(ring, "x", 1, gcm.wrappedKey, gcm.ciphertext), "old");
    EXPECT_EQ(*open(ring, "y", 1, sm.wrappedKey, sm.ciphertext), "new");
    EXPECT_FALSE(open(ring, "y", 1, gcm.wrappedKey, sm.ciphertext));  // keys do not cross documents
}
