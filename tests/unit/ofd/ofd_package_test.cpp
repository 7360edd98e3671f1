// The OFD package reader's bounds: hostile ZIPs (names that leave the package, too many entries,
// an entry that inflates past its limit) are refused with a reason, and OFD locations resolve
// inside the package only.
#include <gtest/gtest.h>

#include "ofd/package.hpp"
#include "tests/common/ofd_zip.hpp"

namespace lgw::ofd {
namespace {

using testing::OfdEntries;
using testing::zipOf;

std::string readError(const std::string& zip, const PackageLimits& limits = {}) {
    std::string error;
    auto pkg = OfdPackage::read(zip, &error, limits);
    return pkg ? "" : error;
}

TEST(OfdPackage, ReadsEveryFileWhole) {
    const OfdEntries entries{{"OFD.xml", "<ofd:OFD/>"}, {"Doc_0/Document.xml", std::string(100000, 'a')}};
    std::string error;
    auto pkg = OfdPackage::read(zipOf(entries), &error);
    ASSERT_TRUE(pkg) << error;
    EXPECT_EQ(pkg->files().size(), 2u);
    EXPECT_EQ(*pkg->file("Doc_0/Document.xml"), std::string(100000, 'a'));
    EXPECT_EQ(pkg->file("/Doc_0/Document.xml"), nullptr);  // paths are kept without the leading '/'
}

TEST(OfdPackage, RefusesNamesThatLeaveThePackage) {
    for (const char* name : {"../evil.xml", "Doc_0/../../evil.xml", "/etc/passwd", "Doc_0\\x.xml", "C:/x.xml"}) {
        const OfdEntries entries{{"OFD.xml", "<ofd:OFD/>"}, {name, "x"}};
        EXPECT_NE(readError(zipOf(entries)).find("entry name"), std::string::npos) << name;
    }
}

TEST(OfdPackage, RefusesTooManyEntries) {
    OfdEntries entries;
    for (int i = 0; i < 20; ++i) entries["f" + std::to_string(i)] = "x";
    PackageLimits limits;
    limits.maxEntries = 10;
    EXPECT_NE(readError(zipOf(entries), limits).find("20 entries"), std::string::npos);
}

TEST(OfdPackage, CountsInflatedBytesNotTheArchivesClaims) {
    // 8 MB of zeros deflates to a few KB: the limit is on what comes out.
    const OfdEntries entries{{"OFD.xml", std::string(8u << 20, '\0')}};
    const std::string zip = zipOf(entries);
    EXPECT_LT(zip.size(), 100000u);
    PackageLimits limits;
    limits.maxEntryBytes = 1u << 20;
    EXPECT_NE(readError(zip, limits).find("inflates to more than"), std::string::npos);
    limits.maxEntryBytes = 32u << 20;
    limits.maxTotalBytes = 4u << 20;
    EXPECT_NE(readError(zip, limits).find("inflates to more than"), std::string::npos);
}

TEST(OfdPackage, RefusesWhatIsNoZip) {
    EXPECT_NE(readError("").find("empty"), std::string::npos);
    EXPECT_NE(readError("<ofd:OFD/>").find("not an OFD package"), std::string::npos);
    const std::string zip = zipOf({{"OFD.xml", std::string(5000, 'x')}}, false);
    EXPECT_FALSE(readError(zip.substr(0, zip.size() - 10)).empty());
    std::string flipped = zip;
    flipped[60] = static_cast<char>(flipped[60] ^ 0xff);  // inside the stored data: the CRC no longer holds
    EXPECT_FALSE(readError(flipped).empty());
}

TEST(OfdPackage, ResolvesLocationsInsideThePackageOnly) {
    EXPECT_EQ(OfdPackage::resolve("OFD.xml", "/Doc_0/Document.xml"), "Doc_0/Document.xml");
    EXPECT_EQ(OfdPackage::resolve("OFD.xml", "Doc_0/Document.xml"), "Doc_0/Document.xml");
    EXPECT_EQ(OfdPackage::resolve("Doc_0/Signs/Signatures.xml", "Sign_0/Signature.xml"), "Doc_0/Signs/Sign_0/Signature.xml");
    EXPECT_EQ(OfdPackage::resolve("Doc_0/Signs/Sign_0/Signature.xml", "../../Pages/Page_0/Content.xml"),
              "Doc_0/Pages/Page_0/Content.xml");
    EXPECT_EQ(OfdPackage::resolve("Doc_0/Signs/Sign_0/Signature.xml", "./SignedValue.dat"), "Doc_0/Signs/Sign_0/SignedValue.dat");
    EXPECT_EQ(OfdPackage::resolve("Doc_0/a.xml", "../../x"), std::nullopt);
    EXPECT_EQ(OfdPackage::resolve("OFD.xml", ""), std::nullopt);
    EXPECT_EQ(OfdPackage::resolve("OFD.xml", "/"), std::nullopt);
    EXPECT_EQ(OfdPackage::resolve("OFD.xml", "a\\b"), std::nullopt);
}

}  // namespace
}  // namespace lgw::ofd
