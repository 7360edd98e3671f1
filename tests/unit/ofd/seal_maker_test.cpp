// The seals the simulator will put on its licences: made by ofd/seal_maker under a throwaway SM2
// PKI (root → seal maker, root → signer), they verify with ofd/verify — the same verifier that
// accepts ofdrw's files — with both chains trusted, and what a fault knob would break is caught.
#include <gtest/gtest.h>

#include "ofd/package.hpp"
#include "ofd/seal_maker.hpp"
#include "ofd/ses.hpp"
#include "ofd/verify.hpp"
#include "ofd/test_pki.hpp"

namespace lgw::ofd {
namespace {

constexpr std::int64_t kYear = 365LL * 24 * 3600;
constexpr std::int64_t k2026 = 1767225600;  // 2026-01-01T00:00:00Z

const TestPki& pki() {
    static const TestPki p = makeTestPki("seal maker test");
    return p;
}

OfdFiles licencePages() {
    const char* ns = "xmlns:ofd=\"http://www.ofdspec.org/2016\"";
    return {
        {"OFD.xml", std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:OFD ") + ns +
                        " Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t1</ofd:DocID></ofd:DocInfo>"
                        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"},
        {"Doc_0/Document.xml", std::string("<ofd:Document ") + ns +
                                   "><ofd:CommonData><ofd:MaxUnitID>3</ofd:MaxUnitID></ofd:CommonData><ofd:Pages>"
                                   "<ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages></ofd:Document>"},
        {"Doc_0/Pages/Page_0/Content.xml", std::string("<ofd:Page ") + ns +
                                               "><ofd:Content><ofd:Layer ID=\"2\"><ofd:TextObject ID=\"3\" Boundary=\"10 10 100 10\">"
                                               "<ofd:TextCode X=\"0\" Y=\"8\">营业执照 模拟测试有限公司</ofd:TextCode></ofd:TextObject>"
                                               "</ofd:Layer></ofd:Content></ofd:Page>"},
    };
}

SealSpec spec() {
    SealSpec s{pki().maker.identity(), pki().signer.identity()};
    s.sealName = "模拟政务数据平台电子证照专用章";
    s.sealValidFrom = k2026;
    s.sealValidTo = k2026 + 3 * kYear;
    s.signedAt = k2026 + 30 * 24 * 3600;
    return s;
}

VerifyOptions trustRoot() {
    VerifyOptions o;
    o.anchors = *TrustAnchors::fromPem(pki().root.certPem);
    o.sealMakerAnchors = *TrustAnchors::fromPem(pki().root.certPem);
    o.atS = k2026 + kYear;
    return o;
}

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& s : list) out += s + "\n";
    return out;
}

TEST(SealMaker, ASealedPackageVerifiesWithBothChainsTrustedToTheRoot) {
    OfdFiles files = licencePages();
    sealPackage(files, spec());
    const auto r = verifyOfdFile(zipPackage(files), trustRoot());
    ASSERT_TRUE(r.readable) << r.readError;
    ASSERT_EQ(r.signatures.size(), 1u);
    const auto& s = r.signatures[0];
    EXPECT_TRUE(r.ok()) << joined(s.problems) << joined(s.warnings) << joined(r.problems);
    EXPECT_EQ(s.chain, "trusted");
    EXPECT_EQ(s.sealChain, "trusted");
    EXPECT_EQ(s.signer, "Licence Gateway simulator Licence Signer");
    EXPECT_EQ(s.sealMaker, "Licence Gateway simulator Seal Maker");
    EXPECT_EQ(s.sealName, "模拟政务数据平台电子证照专用章");
    EXPECT_EQ(s.referencesChecked, 5u);  // OFD.xml, Document.xml, the page, Signatures.xml, Seal.esl
    EXPECT_TRUE(s.warnings.empty()) << joined(s.warnings);
    EXPECT_TRUE(r.uncoveredFiles.empty());
}

TEST(SealMaker, ItsSealIsTheSealInsideTheSignedValueAndParsesAsVersion4) {
    OfdFiles files = licencePages();
    sealPackage(files, spec());
    std::string error;
    auto ses = parseSesSignature(files.at("Doc_0/Signs/Sign_0/SignedValue.dat"), &error);
    ASSERT_TRUE(ses) << error;
    EXPECT_EQ(ses->format, SesFormat::kGbt38540V4);
    EXPECT_EQ(ses->version, 4);
    EXPECT_EQ(ses->seal.whole, files.at("Doc_0/Signs/Sign_0/Seal.esl"));
    EXPECT_EQ(ses->seal.certs.size(), 1u);
    EXPECT_EQ(ses->propertyInfo, "/Doc_0/Signs/Sign_0/Signature.xml");
}

TEST(SealMaker, ATamperedPageAnAddedFileAndAnotherRootAreCaught) {
    OfdFiles files = licencePages();
    sealPackage(files, spec());
    {
        OfdFiles t = files;
        t.at("Doc_0/Pages/Page_0/Content.xml").replace(t.at("Doc_0/Pages/Page_0/Content.xml").find("模拟"), 6, "伪造");
        const auto r = verifyOfdFile(zipPackage(t), trustRoot());
        EXPECT_EQ(r.signatures.at(0).referencesFailed, std::vector<std::string>{"/Doc_0/Pages/Page_0/Content.xml"});
    }
    {
        OfdFiles t = files;
        t["Doc_0/Pages/Page_1/Content.xml"] = "<ofd:Page/>";
        const auto r = verifyOfdFile(zipPackage(t), trustRoot());
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.uncoveredFiles, std::vector<std::string>{"/Doc_0/Pages/Page_1/Content.xml"});
    }
    {
        VerifyOptions o = trustRoot();
        o.anchors = *TrustAnchors::fromPem(makeTestPki("another seed").root.certPem);
        const auto r = verifyOfdFile(zipPackage(files), o);
        EXPECT_EQ(r.signatures.at(0).chain, "untrusted");
        EXPECT_FALSE(r.ok());
    }
}

TEST(SealMaker, ASealUsedOutsideItsValidityFails) {
    OfdFiles files = licencePages();
    SealSpec s = spec();
    s.signedAt = s.sealValidTo + 3600;
    sealPackage(files, s);
    const auto r = verifyOfdFile(zipPackage(files), trustRoot());
    bool named = false;
    for (const auto& p : r.signatures.at(0).problems) named |= p.find("the seal was not valid when it was used") != std::string::npos;
    EXPECT_TRUE(named) << joined(r.signatures.at(0).problems);
}

TEST(SealMaker, ASealFromAnotherMakerKeyFailsTheSealSignature) {
    OfdFiles files = licencePages();
    SealSpec s = spec();
    s.maker.key = pki().signer.identity().key;  // signed by a key that is not the maker certificate's
    sealPackage(files, s);
    const auto r = verifyOfdFile(zipPackage(files), trustRoot());
    EXPECT_EQ(r.signatures.at(0).sealSignature, "invalid");
    EXPECT_EQ(r.signatures.at(0).signature, "valid");
}

TEST(TestPki, TheSameSeedGivesTheSameKeysSoAnOldRootTrustsANewRun) {
    const TestPki again = makeTestPki("seal maker test");
    EXPECT_EQ(again.root.key.publicKey().pem(), pki().root.key.publicKey().pem());
    EXPECT_EQ(again.signer.key.publicKey().pem(), pki().signer.key.publicKey().pem());
    EXPECT_NE(makeTestPki("another seed").root.key.publicKey().pem(), pki().root.key.publicKey().pem());
    // Sealed by the second run, checked against the first run's root certificate.
    OfdFiles files = licencePages();
    SealSpec s{again.maker.identity(), again.signer.identity()};
    s.sealName = "章";
    s.sealValidFrom = k2026;
    s.sealValidTo = k2026 + kYear;
    s.signedAt = k2026 + 3600;
    sealPackage(files, s);
    const auto r = verifyOfdFile(zipPackage(files), trustRoot());
    EXPECT_TRUE(r.ok()) << joined(r.signatures.at(0).problems);
}

}  // namespace
}  // namespace lgw::ofd

namespace lgw::ofd {
namespace {

// Older files carry GM/T 0031-2014 (v1) seals: another layout (the certificate and algorithm
// inside TBS_Sign, the time as text, UTCTime validity, the maker signing SEQUENCE{info, cert,
// alg}). No independent v1 sample is at hand, so this is our writer against our reader — the
// structure follows GM/T 0031 as ofdrw's ses.v1 classes read it.
TEST(SealMaker, AGmt0031Version1SealVerifiesAndItsFaultsAreCaught) {
    SealSpec s = spec();
    s.format = SealFormat::kGmt0031V1;
    OfdFiles files = licencePages();
    sealPackage(files, s);
    std::string error;
    auto ses = parseSesSignature(files.at("Doc_0/Signs/Sign_0/SignedValue.dat"), &error);
    ASSERT_TRUE(ses) << error;
    EXPECT_EQ(ses->format, SesFormat::kGmt0031V1);
    EXPECT_EQ(ses->signedAt, s.signedAt);
    EXPECT_EQ(ses->seal.validTo, s.sealValidTo);
    const auto r = verifyOfdFile(zipPackage(files), trustRoot());
    ASSERT_EQ(r.signatures.size(), 1u);
    EXPECT_EQ(r.signatures[0].format, "GM/T 0031 v1");
    EXPECT_TRUE(r.ok()) << joined(r.signatures[0].problems);
    EXPECT_EQ(r.signatures[0].sealSignature, "valid");

    OfdFiles broken = files;
    auto& v = broken.at("Doc_0/Signs/Sign_0/SignedValue.dat");
    v[v.size() - 2] = static_cast<char>(v[v.size() - 2] ^ 0x01);
    EXPECT_EQ(verifyOfdFile(zipPackage(broken), trustRoot()).signatures.at(0).signature, "invalid");
    SealSpec wrongMaker = s;
    wrongMaker.maker.key = pki().signer.identity().key;
    OfdFiles other = licencePages();
    sealPackage(other, wrongMaker);
    EXPECT_EQ(verifyOfdFile(zipPackage(other), trustRoot()).signatures.at(0).sealSignature, "invalid");
}

}  // namespace
}  // namespace lgw::ofd
