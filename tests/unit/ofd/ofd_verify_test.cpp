// OFD signature verification on files sealed by ofdrw (an independent implementation, Apache 2.0:
// tests/data/ofd/NOTICE.md), and negative cases made from them: what a verifier must find there,
// and that every change an attacker could make is caught and named.
#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <cstdlib>

#include "ofd/der.hpp"
#include "ofd/report_json.hpp"
#include "ofd/ses.hpp"
#include "ofd/verify.hpp"
#include "tests/common/files.hpp"
#include "tests/common/ofd_zip.hpp"
#include "text/rfc3339.hpp"

namespace lgw::ofd {
namespace {

using testing::OfdEntries;
using testing::ofdEntries;
using testing::zipOf;

std::string dataFile(const std::string& name) {
    const char* src = std::getenv("LGW_SOURCE_DIR");
    return testing::readFile(std::string(src ? src : ".") + "/tests/data/ofd/" + name);
}

std::int64_t at(const char* rfc3339) { return *text::parseRfc3339Ms(rfc3339) / 1000; }

VerifyOptions trusting(const std::string& pemFile, const char* when) {
    VerifyOptions o;
    o.anchors = *TrustAnchors::fromPem(dataFile(pemFile));
    o.atS = at(when);
    return o;
}

bool anyContains(const std::vector<std::string>& list, const std::string& part) {
    for (const auto& s : list)
        if (s.find(part) != std::string::npos) return true;
    return false;
}

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& s : list) out += s + "\n";
    return out;
}

const std::string kSignedValue = "Doc_0/Signs/Sign_0/SignedValue.dat";
const std::string kSignatureXml = "Doc_0/Signs/Sign_0/Signature.xml";
const std::string kSeal = "Doc_0/Signs/Sign_0/Seal.esl";

TEST(OfdSamples, AllProtectedHoldsUnderItsSignerOnTheDateItWasValid) {
    const auto r = verifyOfdFile(dataFile("allprotected.ofd"), trusting("ofdrw_test_signer.pem", "2021-06-01T00:00:00Z"));
    ASSERT_TRUE(r.readable) << r.readError;
    ASSERT_EQ(r.signatures.size(), 1u);
    const auto& s = r.signatures[0];
    EXPECT_TRUE(r.ok()) << joined(s.problems) << joined(r.problems);
    EXPECT_EQ(s.id, "001");
    EXPECT_EQ(s.type, "Seal");
    EXPECT_EQ(s.format, "GB/T 38540 v4");
    EXPECT_EQ(s.signature, "valid");
    EXPECT_EQ(s.sealSignature, "valid");
    EXPECT_EQ(s.chain, "trusted");
    EXPECT_EQ(s.signer, "Test Certificate");
    EXPECT_EQ(s.sealName, "OFD R&W 测试用印章");
    EXPECT_EQ(s.referencesChecked, 6u);
    EXPECT_TRUE(s.referencesFailed.empty());
    ASSERT_TRUE(s.signedAt);
    EXPECT_EQ(utcText(*s.signedAt), "2020-10-23T11:45:37Z");
    EXPECT_TRUE(r.uncoveredFiles.empty()) << joined(r.uncoveredFiles);
    // The seal maker's certificate is another one, issued by the root: with only the signer trusted
    // its chain is a warning, not a failure (no --seal-maker-anchor).
    EXPECT_EQ(s.sealChain, "untrusted");
    EXPECT_TRUE(anyContains(s.warnings, "seal maker")) << joined(s.warnings);
}

TEST(OfdSamples, V4RideRightHoldsWithNineReferencesOverFivePages) {
    const auto r = verifyOfdFile(dataFile("V4RideRight.ofd"), trusting("ofdrw_test_signer.pem", "2021-06-01T00:00:00Z"));
    ASSERT_EQ(r.signatures.size(), 1u);
    const auto& s = r.signatures[0];
    EXPECT_TRUE(r.ok()) << joined(s.problems) << joined(r.problems);
    EXPECT_EQ(s.id, "s001");
    EXPECT_EQ(s.referencesChecked, 9u);
    EXPECT_EQ(utcText(*s.signedAt).substr(0, 10), "2021-05-19");
    EXPECT_EQ(s.signer, "Test Certificate");
}

TEST(OfdSamples, TodayTheSignerCertificateHasExpired) {
    for (const char* file : {"allprotected.ofd", "V4RideRight.ofd"}) {
        const auto r = verifyOfdFile(dataFile(file), trusting("ofdrw_test_signer.pem", "2026-12-01T00:00:00Z"));
        ASSERT_EQ(r.signatures.size(), 1u) << file;
        const auto& s = r.signatures[0];
        EXPECT_FALSE(r.ok()) << file;
        EXPECT_EQ(s.chain, "untrusted");
        EXPECT_TRUE(anyContains(s.problems, "certificate has expired")) << joined(s.problems);
        // What is cryptographic still holds: only the time makes it fail.
        EXPECT_EQ(s.signature, "valid");
        EXPECT_EQ(s.sealSignature, "valid");
        EXPECT_TRUE(s.referencesFailed.empty());
    }
}

TEST(OfdSamples, TheOfdrwRootMayNotSignCertificatesSoItIsNotTrusted) {
    const auto r = verifyOfdFile(dataFile("allprotected.ofd"), trusting("ofdrw_test_root.pem", "2021-06-01T00:00:00Z"));
    ASSERT_EQ(r.signatures.size(), 1u);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.signatures[0].chain, "untrusted");
    EXPECT_TRUE(anyContains(r.signatures[0].problems, "key usage does not include certificate signing"))
        << joined(r.signatures[0].problems);
    // The certificates' own SM2 signatures check out (under the default user id): the key usage is
    // what fails, not the cryptography.
    EXPECT_FALSE(anyContains(r.signatures[0].problems, "signature failure")) << joined(r.signatures[0].problems);
}

TEST(OfdSamples, WithoutAnAnchorNothingIsTrusted) {
    VerifyOptions o;
    o.atS = at("2021-06-01T00:00:00Z");
    const auto r = verifyOfdFile(dataFile("allprotected.ofd"), o);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(anyContains(r.signatures.at(0).problems, "no trust anchor"));
}

TEST(OfdSamples, AStrictSealMakerAnchorThatIsNotTheMakersFails) {
    auto o = trusting("ofdrw_test_signer.pem", "2021-06-01T00:00:00Z");
    o.sealMakerAnchors = *TrustAnchors::fromPem(dataFile("ofdrw_test_signer.pem"));
    const auto r = verifyOfdFile(dataFile("allprotected.ofd"), o);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(anyContains(r.signatures.at(0).problems, "the seal maker's certificate"));
}

TEST(OfdSamples, TheReportJsonHasTheFieldsOfTheContract) {
    const auto r = verifyOfdFile(dataFile("allprotected.ofd"), trusting("ofdrw_test_signer.pem", "2021-06-01T00:00:00Z"));
    const auto j = reportJson(r);
    EXPECT_TRUE(j.at("ok").as_bool());
    const auto& s = j.at("signatures").as_array().at(0).as_object();
    for (const char* key : {"id", "type", "format", "signer", "seal_name", "signed_at", "signature", "seal_signature", "chain",
                            "references", "problems"})
        EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_EQ(s.at("references").at("checked").to_number<std::int64_t>(), 6);
    EXPECT_TRUE(j.at("uncovered_files").as_array().empty());
}

// --- negative cases, each made from a sample -------------------------------------------------

struct Case {
    OfdEntries entries = ofdEntries(dataFile("allprotected.ofd"));
    OfdReport verify() const { return verifyOfdFile(zipOf(entries), trusting("ofdrw_test_signer.pem", "2021-06-01T00:00:00Z")); }
};

TEST(OfdTampering, TheUntouchedRezippedPackageStillHolds) {
    Case c;  // the ZIP layer is ours, the signed bytes are ofdrw's: rewriting the archive changes nothing
    EXPECT_TRUE(c.verify().ok());
}

TEST(OfdTampering, AnEditedPageFailsItsReference) {
    Case c;
    auto& page = c.entries.at("Doc_0/Pages/Page_0/Content.xml");
    page.insert(page.find("</ofd:Content>") == std::string::npos ? page.size() / 2 : page.find("</ofd:Content>"), " ");
    const auto r = c.verify();
    EXPECT_FALSE(r.ok());
    const auto& s = r.signatures.at(0);
    EXPECT_EQ(s.referencesFailed, std::vector<std::string>{"/Doc_0/Pages/Page_0/Content.xml"});
    EXPECT_TRUE(anyContains(s.problems, "reference /Doc_0/Pages/Page_0/Content.xml")) << joined(s.problems);
    EXPECT_EQ(s.signature, "valid");  // the seal itself is intact: the page is what changed
}

TEST(OfdTampering, AnEditedSignatureXmlBreaksTheSignedValue) {
    Case c;
    auto& xml = c.entries.at(kSignatureXml);
    const auto pos = xml.find("Boundary=\"50 50 40 40\"");
    ASSERT_NE(pos, std::string::npos);
    xml.replace(pos, 22, "Boundary=\"90 90 40 40\"");  // the stamp moved onto other text
    const auto s = c.verify().signatures.at(0);
    EXPECT_EQ(s.signature, "invalid");
    EXPECT_TRUE(anyContains(s.problems, "Signature.xml was changed after signing")) << joined(s.problems);
}

TEST(OfdTampering, ASwappedSealFileIsNotTheSealInsideTheSignature) {
    Case c;
    auto& esl = c.entries.at(kSeal);
    // Another seal: the same structure with another name (so its maker signature no longer holds).
    const auto pos = esl.find("OFD R&W");
    ASSERT_NE(pos, std::string::npos);
    esl.replace(pos, 7, "XYZ R&W");
    const auto s = c.verify().signatures.at(0);
    EXPECT_TRUE(anyContains(s.problems, "is not the seal inside the signed value")) << joined(s.problems);
    EXPECT_EQ(s.referencesFailed, std::vector<std::string>{"/" + kSeal});
}

TEST(OfdTampering, AFlippedBitOfTheSignatureValueFails) {
    Case c;
    auto& v = c.entries.at(kSignedValue);
    v[v.size() - 5] = static_cast<char>(v[v.size() - 5] ^ 0x01);
    const auto s = c.verify().signatures.at(0);
    EXPECT_EQ(s.signature, "invalid");
    EXPECT_TRUE(anyContains(s.problems, "the signed value")) << joined(s.problems);
}

TEST(OfdTampering, AnEditedSealInsideTheSignedValueFailsBothSignatures) {
    Case c;
    auto& v = c.entries.at(kSignedValue);
    const auto pos = v.find("OFD R&W");
    ASSERT_NE(pos, std::string::npos);
    v.replace(pos, 7, "XYZ R&W");
    const auto s = c.verify().signatures.at(0);
    EXPECT_EQ(s.signature, "invalid");
    EXPECT_EQ(s.sealSignature, "invalid");
}

TEST(OfdTampering, AnAddedFileIsNamedAsUncovered) {
    Case c;
    c.entries["Doc_0/Res/extra.xml"] = "<x/>";
    const auto r = c.verify();
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.uncoveredFiles, std::vector<std::string>{"/Doc_0/Res/extra.xml"});
    EXPECT_TRUE(r.signatures.at(0).ok());  // the signature holds; the document does not
}

TEST(OfdTampering, ARemovedPageIsAMissingReference) {
    Case c;
    c.entries.erase("Doc_0/PublicRes.xml");
    const auto s = c.verify().signatures.at(0);
    EXPECT_EQ(s.referencesFailed, std::vector<std::string>{"/Doc_0/PublicRes.xml"});
    EXPECT_TRUE(anyContains(s.problems, "not in the package"));
}

TEST(OfdTampering, ACutPackageIsUnreadable) {
    const std::string file = dataFile("allprotected.ofd");
    for (std::size_t keep : {std::size_t{0}, std::size_t{100}, file.size() / 2, file.size() - 1}) {
        const auto r = verifyOfdFile(std::string_view(file).substr(0, keep), trusting("ofdrw_test_signer.pem", "2021-06-01T00:00:00Z"));
        EXPECT_FALSE(r.readable) << keep;
        EXPECT_FALSE(r.ok());
        EXPECT_FALSE(r.readError.empty());
    }
}

TEST(OfdTampering, NoSignatureListIsNoValidDocument) {
    Case c;
    auto& ofd = c.entries.at("OFD.xml");
    const auto b = ofd.find("<ofd:Signatures>");
    const auto e = ofd.find("</ofd:Signatures>");
    ASSERT_NE(b, std::string::npos);
    ofd.erase(b, e + 17 - b);
    const auto r = c.verify();
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.signatures.empty());
    EXPECT_TRUE(anyContains(r.problems, "no signature"));
}

TEST(OfdTampering, ASignatureLocationOutsideThePackageIsRefused) {
    Case c;
    auto& list = c.entries.at("Doc_0/Signs/Signatures.xml");
    const auto pos = list.find("BaseLoc=\"");
    ASSERT_NE(pos, std::string::npos);
    list.replace(pos, 9, "BaseLoc=\"../../../../etc/passwd#");
    const auto r = c.verify();
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(anyContains(r.signatures.at(0).problems, "outside the package")) << joined(r.signatures.at(0).problems);
}

TEST(OfdTampering, APkcs7SignedValueIsUnsupportedNeverValid) {
    Case c;
    // A ContentInfo{signedData OID, [0] {}} in place of the seal: GB/T 35275 shape.
    c.entries.at(kSignedValue) = std::string("\x30\x0f\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x02\x30\x00", 17);
    const auto r = c.verify();
    const auto& s = r.signatures.at(0);
    EXPECT_EQ(s.format, "GB/T 35275");
    EXPECT_EQ(s.signature, "unsupported");
    EXPECT_FALSE(r.ok());
}

TEST(OfdTampering, GarbageInPlaceOfTheSignedValueIsInvalid) {
    Case c;
    c.entries.at(kSignedValue) = "not DER at all";
    const auto s = c.verify().signatures.at(0);
    EXPECT_EQ(s.signature, "invalid");
    EXPECT_FALSE(s.ok());
}

// --- forms other writers use ------------------------------------------------------------------

// SignedValue.dat rebuilt from the sample's own items with the signature as 64-byte r||s.
std::string withRawSignature(const std::string& signedValue) {
    DerReader outer(signedValue);
    auto top = outer.next();
    DerReader s(top->content);
    auto tbs = s.next();
    auto cert = s.next();
    auto alg = s.next();
    auto sig = s.next();
    const auto der = std::string(*derBitStringBytes(*sig));
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* e = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    unsigned char rs[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(e), rs, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(e), rs + 32, 32);
    ECDSA_SIG_free(e);
    std::string bits = std::string("\x03\x41\x00", 3) + std::string(reinterpret_cast<char*>(rs), 64);
    return derSequenceOf(std::string(tbs->whole) + std::string(cert->whole) + std::string(alg->whole) + bits);
}

TEST(OfdForms, ARawRsSignatureVerifiesLikeDer) {
    Case c;
    c.entries.at(kSignedValue) = withRawSignature(c.entries.at(kSignedValue));
    const auto r = c.verify();
    EXPECT_TRUE(r.ok()) << joined(r.signatures.at(0).problems);
    // …and a flipped bit of it does not.
    auto& v = c.entries.at(kSignedValue);
    v[v.size() - 1] = static_cast<char>(v[v.size() - 1] ^ 0x80);
    EXPECT_EQ(c.verify().signatures.at(0).signature, "invalid");
}

}  // namespace
}  // namespace lgw::ofd
