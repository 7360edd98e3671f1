// The OCR pipeline's rules without an engine: the check-character repair, date normalisation,
// vocabularies and upload decoding. The extractors with real Tesseract are an integration test
// (tests/integration/ocr_extractors_test.cpp).
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "ocr/check_digit_repair.hpp"
#include "ocr/scan_json.hpp"
#include "ocr/vocabulary.hpp"
#include "security/identity_codes.hpp"
#include "tests/common/files.hpp"

using namespace lgw::ocr;
namespace json = boost::json;

namespace {

using lgw::testing::readFile;
std::string dataDir() { return std::string(std::getenv("LGW_SOURCE_DIR")) + "/tests/data/scans/"; }

// A synthetic valid ID number (the generator's rule): region 110102, a birth date, sequence, check.
std::string validId(const std::string& born, const std::string& seq) {
    std::string first17 = "110102" + born + seq;
    return first17 + lgw::security::idNumberCheckChar(first17);
}

}  // namespace

TEST(CheckDigitRepair, AValidReadIsOkAndKeptAsRead) {
    std::string id = validId("19900105", "123");
    auto r = repairCode(CodeKind::kIdNumber, id.substr(0, 6) + " " + id.substr(6), "2026-11-24");
    EXPECT_EQ(r.status, FieldStatus::kOk);
    EXPECT_EQ(r.value, id);
}

TEST(CheckDigitRepair, OneConfusionInAnIdNumberIsRepaired) {
    std::string id = validId("19880808", "215");
    std::string read = id;
    read[8] = 'B';  // 1988 read as 19B8
    auto r = repairCode(CodeKind::kIdNumber, read, "2026-11-24");
    EXPECT_EQ(r.status, FieldStatus::kCorrected) << r.reason;
    EXPECT_EQ(r.value, id);
    EXPECT_EQ(r.raw, read);
    EXPECT_NE(r.reason.find("B -> 8"), std::string::npos) << r.reason;
}

TEST(CheckDigitRepair, OneConfusionInACreditCodeIsRepaired) {
    // 91110102MA01C7Q59Y is valid; OCR reads the zero of "MA01" as the letter O, which the
    // alphabet excludes; of its group only one replacement passes the check.
    ASSERT_TRUE(lgw::security::validateCreditCode("91110102MA01C7Q59Y").valid);
    auto r = repairCode(CodeKind::kCreditCode, "91110102MAO1C7Q59Y");
    EXPECT_EQ(r.status, FieldStatus::kCorrected) << r.reason;
    EXPECT_EQ(r.value, "91110102MA01C7Q59Y");
}

TEST(CheckDigitRepair, AnAmbiguousReadIsLeftForAPerson) {
    // Search generated codes for a read whose misread letters (O and I, which a credit code never
    // carries) can be replaced in two ways that both pass: the rule must not pick one.
    const std::string alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    bool found = false;
    unsigned state = 12345;
    auto next = [&state] { return state = state * 1103515245u + 12345u, (state >> 8); };
    for (int n = 0; n < 20000 && !found; ++n) {
        std::string org;
        for (int i = 0; i < 8; ++i) org += alpha[next() % alpha.size()];
        org += lgw::security::organisationCodeCheckChar(org);
        std::string first17 = "91110102" + org;
        std::string code = first17 + lgw::security::creditCodeCheckChar(first17);
        std::string read = code;
        int misread = 0;
        for (std::size_t pos = 8; pos < 18; ++pos) {
            if (std::string("0DQ").find(code[pos]) != std::string::npos) read[pos] = 'O', ++misread;
            else if (std::string("1L").find(code[pos]) != std::string::npos) read[pos] = 'I', ++misread;
        }
        if (misread < 2) continue;
        auto r = repairCode(CodeKind::kCreditCode, read);
        if (r.candidates.size() < 2) continue;
        found = true;
        EXPECT_EQ(r.status, FieldStatus::kNeedsReview);
        EXPECT_EQ(r.value, r.raw) << "an ambiguous read keeps what was read";
        EXPECT_NE(r.reason.find("a person must decide"), std::string::npos) << r.reason;
        EXPECT_NE(std::find(r.candidates.begin(), r.candidates.end(), code), r.candidates.end());
    }
    EXPECT_TRUE(found) << "no ambiguous read among the generated codes";
}

TEST(CheckDigitRepair, OneCharacterTooManyGivesTheCandidatesThatPassWithoutIt) {
    ASSERT_TRUE(lgw::security::validateCreditCode("91110102MA01C7Q59Y").valid);
    auto c = oneDropCandidates(CodeKind::kCreditCode, "91110102MA01C7Q559Y");  // a 5 read twice
    EXPECT_EQ(c.count("91110102MA01C7Q59Y"), 1u);
    EXPECT_TRUE(oneDropCandidates(CodeKind::kCreditCode, "91110102MA01C7Q59Y").empty());  // not too long
    // Every candidate passes its check, and there is nothing a 17-character read could give.
    std::string id = validId("19900105", "123");
    for (auto& cand : oneDropCandidates(CodeKind::kIdNumber, id.substr(0, 9) + "7" + id.substr(9), "2026-11-24")) {
        EXPECT_TRUE(lgw::security::validateIdNumber(cand, "2026-11-24").valid) << cand;
    }
    EXPECT_TRUE(oneDropCandidates(CodeKind::kIdNumber, id.substr(1), "2026-11-24").empty());
}

TEST(CheckDigitRepair, WrongLengthAndUnrepairableNeedReview) {
    EXPECT_EQ(repairCode(CodeKind::kIdNumber, "11010219900105").status, FieldStatus::kNeedsReview);
    auto r = repairCode(CodeKind::kIdNumber, "430512198908131367", "2026-11-24");  // the specimen: check fails
    EXPECT_EQ(r.status, FieldStatus::kNeedsReview);
    EXPECT_EQ(r.value, "430512198908131367");
}

TEST(DateNormalisation, PrintedFormsBecomeIsoDates) {
    EXPECT_EQ(normaliseDate("1990年1月5日"), "1990-01-05");
    EXPECT_EQ(normaliseDate("2013年05月06日"), "2013-05-06");
    EXPECT_EQ(normaliseDate("2016.01.05"), "2016-01-05");
    EXPECT_EQ(normaliseDate("2016-1-5"), "2016-01-05");
    EXPECT_EQ(normaliseDate("20160105"), "2016-01-05");
    EXPECT_EQ(normaliseDate("长期"), "长期");
    EXPECT_EQ(normaliseDate("2016年13月05日"), "");
    EXPECT_EQ(normaliseDate("名称"), "");
}

TEST(RegisteredEnterpriseType, AMisreadTypeComesNearestToOneRegisteredType) {
    EXPECT_EQ(registeredEnterpriseType("有限责任会司(目然人投资或控股)"), "有限责任公司(自然人投资或控股)");
    EXPECT_EQ(registeredEnterpriseType("有限责任公司（自然人投资或控股）"), "有限责任公司(自然人投资或控股)");  // full-width
    EXPECT_EQ(registeredEnterpriseType("个体工商户"), "个体工商户");
    // Nearer to none within one character in six, or as near to two: no guess.
    EXPECT_EQ(registeredEnterpriseType("有限责任公司"), "");
    EXPECT_EQ(registeredEnterpriseType("北京市西城区市场监督管理局"), "");
    EXPECT_EQ(registeredEnterpriseType(""), "");
}

TEST(EthnicGroups, TheFiftySixAndTheOneAReadIsNearest) {
    EXPECT_TRUE(isEthnicGroup("汉"));
    EXPECT_TRUE(isEthnicGroup("维吾尔"));
    EXPECT_FALSE(isEthnicGroup("汉族"));
    EXPECT_FALSE(isEthnicGroup("蕊古"));
    EXPECT_EQ(nearestEthnicGroup("蕊古"), "蒙古");
    EXPECT_EQ(nearestEthnicGroup("维吾乐"), "维吾尔");
    EXPECT_EQ(nearestEthnicGroup("2"), "");   // one character: no guess
    EXPECT_EQ(nearestEthnicGroup("土乡"), "");  // 土家 and 东乡 both one away
}

TEST(AddressDoubt, AHouseNumberMustFollowARoadLaneOrVillage) {
    for (const char* fine : {"北京市西城区测试巷172号20栋1492室", "上海市浦东新区模拟胡同20号", "广州市天河区演示大道195号6栋",
                             "某省某县某村3组15号", "北京市朝阳区某某小区3号楼", "北京市西城区", ""}) {
        EXPECT_EQ(addressDoubt(fine), "") << fine;
    }
    std::string doubt = addressDoubt("北京市西城区测试埠172号20栋1492室");  // 巷 misread
    EXPECT_NE(doubt.find("埠172号"), std::string::npos) << doubt;
    // A place's name lost at the start.
    EXPECT_NE(addressDoubt("市西城区测试巷172号"), "");
    EXPECT_NE(placeStartDoubt("市西城区市场监督管理局"), "");
    EXPECT_EQ(placeStartDoubt("北京市西城区市场监督管理局"), "");
    EXPECT_EQ(placeStartDoubt(""), "");
}

TEST(ScanDecoding, EveryBadUploadIsAClearError) {
    auto err = [](std::string_view bytes, std::string_view type = {}) {
        auto r = decodeScan(bytes, type);
        return std::holds_alternative<ScanError>(r) ? std::get<ScanError>(r) : ScanError{0, "", ""};
    };
    EXPECT_EQ(err("").status, 422);
    EXPECT_EQ(err("GIF89a....").status, 415);
    EXPECT_EQ(err("%PDF-1.7").code, "unsupported_media_type");
    EXPECT_EQ(err(std::string("\x89PNG\r\n\x1A\n", 8) + "garbage").status, 422);
    std::string png = readFile(dataDir() + "1-id_card_back.png");
    EXPECT_EQ(err(png.substr(0, png.size() / 3)).status, 422) << "a cut-off PNG";
    auto mismatch = err(png, "image/jpeg");
    EXPECT_EQ(mismatch.status, 415);
    EXPECT_NE(mismatch.message.find("image/png"), std::string::npos) << mismatch.message;
    auto ok = decodeScan(png, "image/png");
    ASSERT_TRUE(std::holds_alternative<DecodedScan>(ok));
    EXPECT_EQ(std::get<DecodedScan>(ok).format, "png");
    auto tooBig = decodeScan(png, "image/png", 1000);
    ASSERT_TRUE(std::holds_alternative<ScanError>(tooBig));
    EXPECT_NE(std::get<ScanError>(tooBig).message.find("megapixels"), std::string::npos);
}

TEST(Vocabulary, AnIssuersFixedWordsAreRestoredAndItsPlaceNamesLeftAsRead) {
    EXPECT_EQ(issuerGrammar("上海南浦东新区市场必督管理局"), "上海南浦东新区市场监督管理局");
    EXPECT_EQ(issuerGrammar("成都市武侯区视场监督管理局"), "成都市武侯区市场监督管理局");
    EXPECT_EQ(issuerGrammar("上海击作安局浦东分局"), "上海击公安局浦东分局");
    EXPECT_EQ(issuerGrammar("上海市公安局浦东分局2/"), "上海市公安局浦东分局");
    EXPECT_EQ(issuerGrammar("北京市西城区市场监督管理局"), "北京市西城区市场监督管理局");
    EXPECT_EQ(issuerGrammar("是了本"), "是了本");  // no grammar fits: as read
}

TEST(Vocabulary, ABusinessScopesPunctuationIsAsTheRulesWriteIt) {
    EXPECT_EQ(businessScopePunctuation("许可项目;食品生产:食品销售。一般项目,技术服务"), "许可项目：食品生产；食品销售。一般项目：技术服务");
    EXPECT_EQ(businessScopePunctuation("技术开发；销售产品；"), "技术开发；销售产品；");
}

TEST(Vocabulary, EveryNumberInAnAddressCountsSomething) {
    for (const char* fine : {"北京市西城区演示路38号20栋1658室", "上海市浦东新区合成路279号院内6号楼", "天津市和平区样本里3-2-101",
                             "浙江省杭州市西湖区合成路131号10号楼5单元1776号", "广东省广州市天河区示意巷12号B座3层"})
        EXPECT_EQ(addressDoubt(fine), "") << fine;
    EXPECT_NE(addressDoubt("北京市朝阳区样例路38号20林1658室"), "");  // 栋 read as 林
    EXPECT_NE(addressDoubt("湖北省武汉市武昌区示意巷3号院内9"), "");   // 号楼 lost at the end
}

TEST(Vocabulary, ALandUseIsAClassOfGbT21010) {
    std::string doubt;
    EXPECT_EQ(landUseChecked("城镇住宅用地/住宅", doubt), "城镇住宅用地/住宅");
    EXPECT_EQ(doubt, "");
    EXPECT_EQ(landUseChecked("城镇住宅用她/住宅", doubt), "城镇住宅用地/住宅");  // one character misread
    EXPECT_EQ(doubt, "");
    EXPECT_EQ(landUseChecked("用地/工业", doubt), "用地/工业");  // its start lost
    EXPECT_NE(doubt, "");
}
