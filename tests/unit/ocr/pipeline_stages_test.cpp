// The pipeline's stages on a scripted read (tests/common/fake_ocr_engine.hpp): classification,
// extraction by layout, the field rules and the ID card's cross checks, with no Tesseract and no
// image — what each stage decides from what the engine read.
#include <gtest/gtest.h>

#include "ocr/classify.hpp"
#include "ocr/cross_checks.hpp"
#include "ocr/field_rules.hpp"
#include "ocr/layout.hpp"
#include "tests/common/fake_ocr_engine.hpp"

using namespace lgw::ocr;
using lgw::tests::FakeOcrEngine;

namespace {

// An ID card's front as Tesseract reads a clean scan: each label, then its value on the same row.
FakeOcrEngine idCardFront(const std::string& idNumber, const std::string& born, const std::string& sex = "男") {
    return FakeOcrEngine({{{"姓名", 60, 90, 54, 26}, {"张测试", 170, 88, 96, 34}},
                          {{"性别", 62, 160, 56, 27}, {sex, 172, 160, 30, 33}, {"民族", 300, 160, 56, 27}, {"汉", 380, 160, 30, 33}},
                          {{"出生", 62, 229, 56, 27}, {born, 172, 229, 240, 34}},
                          {{"住址", 62, 301, 56, 27}, {"北京市西城区演示路1号", 172, 301, 400, 33}},
                          {{"公民身份号码", 62, 530, 200, 32}, {idNumber, 303, 530, 392, 30}}});
}

ScanResult readWith(FakeOcrEngine& engine, const std::string& hint = "", int width = 1010, int height = 637) {
    ScanResult r;
    PageRead read = readPage(engine, nullptr, 300, 0, hint);
    r.docType = read.doc ? read.doc->type : "unknown";
    r.hintContradicted = read.hintContradicted;
    if (!read.doc) return r;
    const FieldContext ctx{engine, PageImage{nullptr, 300, width, height}, 0.80f, "2026-12-01"};
    auto raw = extractRawFields(engine, ctx.image, read);
    for (auto& spec : read.doc->fields)
        if (auto it = raw.find(spec.name); it != raw.end()) r.fields[spec.name] = finishField(ctx, spec, it->second, r.checks);
    checkAcrossFields(*read.doc, r);
    return r;
}

}  // namespace

TEST(PipelineStages, AnIdCardReadCleanlyIsEveryFieldOk) {
    auto engine = idCardFront("110105199001051234", "1990年1月5日");
    ScanResult r = readWith(engine);
    ASSERT_EQ(r.docType, "id_card_front");
    EXPECT_EQ(r.fields["name"].value, "张测试");
    EXPECT_EQ(r.fields["sex"].value, "男");
    EXPECT_EQ(r.fields["ethnicity"].value, "汉");
    EXPECT_EQ(r.fields["birth_date"].value, "1990-01-05");
    EXPECT_EQ(r.fields["address"].value, "北京市西城区演示路1号");
    EXPECT_EQ(r.fields["id_number"].value, "110105199001051234");
    for (auto& [name, f] : r.fields) EXPECT_EQ(f.status, FieldStatus::kOk) << name << ": " << f.note;
    ASSERT_EQ(r.checks.size(), 4u);  // the number's check, birth date, sex, and the address's province
    for (auto& c : r.checks) EXPECT_EQ(c.result, "pass") << c.name;
    EXPECT_GT(engine.lineReads, 0);  // codes, dates and free text were each read again
}

TEST(PipelineStages, AnIdNumberWhoseCheckFailsGoesToAPerson) {
    auto engine = idCardFront("110105199001051235", "1990年1月5日");
    ScanResult r = readWith(engine);
    EXPECT_EQ(r.fields["id_number"].status, FieldStatus::kNeedsReview);
    EXPECT_EQ(r.checks.front().result, "fail");
    // Nothing is cross-checked against a number that does not hold.
    EXPECT_EQ(r.checks[1].result, "skipped");
}

TEST(PipelineStages, ABirthDateAndSexThatContradictTheNumberAreOfferedFromItAndFlagged) {
    auto engine = idCardFront("110105199001051234", "1991年1月5日", "女");
    ScanResult r = readWith(engine);
    EXPECT_EQ(r.fields["birth_date"].value, "1990-01-05");
    EXPECT_EQ(r.fields["birth_date"].raw, "1991-01-05");
    EXPECT_EQ(r.fields["birth_date"].status, FieldStatus::kNeedsReview);
    EXPECT_EQ(r.fields["sex"].value, "男");
    EXPECT_EQ(r.fields["sex"].status, FieldStatus::kNeedsReview);
}

TEST(PipelineStages, AHintThePageContradictsIsSaid) {
    auto engine = idCardFront("110105199001051234", "1990年1月5日");
    ScanResult r = readWith(engine, "business_licence");
    EXPECT_EQ(r.docType, "id_card_front");
    EXPECT_TRUE(r.hintContradicted);
}

TEST(PipelineStages, APageOfNoKnownDocumentHasNoFields) {
    FakeOcrEngine engine({{{"会议", 60, 90, 54, 26}, {"纪要", 170, 88, 96, 34}}});
    ScanResult r = readWith(engine);
    EXPECT_EQ(r.docType, "unknown");
    EXPECT_TRUE(r.fields.empty());
}

namespace {

FakeOcrEngine propertyCertificate(const std::string& number, const std::string& location, const std::string& area) {
    return FakeOcrEngine({{{"不动产权证书", 560, 180, 576, 96}},
                          {{number, 200, 380, 900, 44}},
                          {{"权利人", 200, 580, 126, 42}, {"胡秀鑫", 520, 580, 120, 40}},
                          {{"坐落", 200, 710, 84, 42}, {location, 520, 710, 900, 40}},
                          {{"不动产单元号", 200, 840, 252, 42}, {"420106131967JC71952F89085166", 520, 840, 680, 40}},
                          {{"用途", 200, 970, 84, 42}, {"城镇住宅用地/住宅", 520, 970, 340, 40}},
                          {{"面积", 200, 1100, 84, 42}, {area, 520, 1100, 600, 40}}});
}

}  // namespace

TEST(PipelineStages, TheUnitNumbersProvinceRepairsTheCertificateNumberAndTheLocation) {
    auto engine = propertyCertificate("哪(2017)武昌区不动产权第8971308号", "涛北省武汉市武昌区样例街294号", "房屋建筑面积151.66平方米");
    ScanResult r = readWith(engine, "", 1748, 2480);
    ASSERT_EQ(r.docType, "property_certificate");
    // 哪 is no province's abbreviation; the unit number's region 42 is 湖北省, 鄂.
    EXPECT_EQ(r.fields["certificate_number"].value, "鄂(2017)武昌区不动产权第8971308号");
    EXPECT_EQ(r.fields["certificate_number"].raw, "哪(2017)武昌区不动产权第8971308号");
    EXPECT_EQ(r.fields["certificate_number"].status, FieldStatus::kCorrected);
    // One character from 湖北省 at the start: corrected; the rest as read.
    EXPECT_EQ(r.fields["location"].value, "湖北省武汉市武昌区样例街294号");
    EXPECT_EQ(r.fields["location"].status, FieldStatus::kCorrected) << r.fields["location"].note;
    // The 面积 inside the value is no second label: the cell is kept whole, the building's area derived.
    EXPECT_EQ(r.fields["area"].value, "房屋建筑面积151.66平方米");
    EXPECT_EQ(r.fields["building_area_m2"].value, "151.66");
    EXPECT_EQ(r.fields["building_area_m2"].status, FieldStatus::kOk);
}

TEST(PipelineStages, ACertificateNumberOfAnotherProvinceGoesToAPerson) {
    auto engine = propertyCertificate("京(2017)武昌区不动产权第8971308号", "湖北省武汉市武昌区样例街294号", "89.32m2");
    ScanResult r = readWith(engine, "", 1748, 2480);
    EXPECT_EQ(r.fields["certificate_number"].value, "京(2017)武昌区不动产权第8971308号");
    EXPECT_EQ(r.fields["certificate_number"].status, FieldStatus::kNeedsReview);
    EXPECT_NE(r.fields["certificate_number"].note.find("湖北省"), std::string::npos);
    EXPECT_EQ(r.fields["location"].status, FieldStatus::kOk);
    EXPECT_EQ(r.fields["area"].value, "89.32m²");
    EXPECT_EQ(r.fields["area"].status, FieldStatus::kCorrected) << r.fields["area"].note;
    EXPECT_EQ(r.fields["building_area_m2"].value, "89.32");
    EXPECT_EQ(r.fields["building_area_m2"].status, FieldStatus::kCorrected);
}

TEST(PipelineStages, AnAreaWithNoBuildingAreaLeavesTheDerivedFieldToAPerson) {
    auto engine = propertyCertificate("鄂(2017)武昌区不动产权第8971308号", "湖北省武汉市武昌区样例街294号", "共有宗地面积1523.45㎡");
    ScanResult r = readWith(engine, "", 1748, 2480);
    EXPECT_EQ(r.fields["area"].value, "共有宗地面积1523.45㎡");
    EXPECT_EQ(r.fields["building_area_m2"].value, "");
    EXPECT_EQ(r.fields["building_area_m2"].status, FieldStatus::kNeedsReview);
}

TEST(PipelineStages, ACertificateNumberOfNoProvinceGoesToAPersonWhenNoUnitNumberSaysWhich) {
    auto engine = FakeOcrEngine({{{"不动产权证书", 560, 180, 576, 96}},
                                 {{"骂(2019)武汉市不动产权第8128046号", 200, 380, 900, 44}},
                                 {{"权利人", 200, 580, 126, 42}, {"胡秀鑫", 520, 580, 120, 40}},
                                 {{"不动产单元号", 200, 840, 252, 42}, {"4201064859O4J6C59686F243", 520, 840, 680, 40}}});
    ScanResult r = readWith(engine, "", 1748, 2480);
    ASSERT_EQ(r.docType, "property_certificate");
    EXPECT_EQ(r.fields["certificate_number"].value, "骂(2019)武汉市不动产权第8128046号");
    EXPECT_EQ(r.fields["certificate_number"].status, FieldStatus::kNeedsReview);
}

namespace {

// A business licence as the older single-column layout reads: spaced two-character labels, a
// three-row business scope whose first row reads tall (a 。 or ； below the line) and whose last
// row starts a pixel left of the one above it.
FakeOcrEngine olderLicence(const std::string& nameLine, const std::string& scopeFirst) {
    return FakeOcrEngine({{{"营业执照", 1000, 150, 480, 120}},
                          {{"统一社会信用代码", 160, 380, 320, 40}, {"91110102MA01C7Q59Y", 520, 380, 620, 48}},
                          {{nameLine, 300, 520, 40, 40}, {"称", 380, 520, 40, 40}, {"北京模拟合成商贸有限公司", 640, 520, 500, 42}},
                          {{"法定代表人", 300, 712, 200, 40}, {"王安", 640, 712, 84, 42}},
                          {{"经营范围", 300, 856, 160, 40}, {scopeFirst, 640, 852, 640, 57}},
                          {{"食品销售。一般项目：技术服务", 641, 908, 640, 40}},
                          {{"、技术咨询；货物进出口。", 640, 960, 500, 40}}});
}

}  // namespace

TEST(PipelineStages, ASpacedLabelReadWithASpeckBetweenItsCharactersStillStartsItsValue) {
    auto engine = olderLicence("名上", "许可项目；食品生产；");
    ScanResult r = readWith(engine, "", 2480, 1754);
    ASSERT_EQ(r.docType, "business_licence");
    EXPECT_EQ(r.fields["name"].value, "北京模拟合成商贸有限公司");
}

TEST(PipelineStages, ALongValueContinuesOnTheNearestRowBelowNotTheLeftmost) {
    auto engine = olderLicence("名", "许可项目:食品生产:");
    ScanResult r = readWith(engine, "", 2480, 1754);
    // Every row in order; the colons OCR read put back as the registration rules write them.
    EXPECT_EQ(r.fields["business_scope"].value, "许可项目：食品生产；食品销售。一般项目：技术服务、技术咨询；货物进出口。");
    EXPECT_EQ(r.fields["business_scope"].raw, "许可项目:食品生产:食品销售。一般项目：技术服务、技术咨询；货物进出口。");
}

TEST(PipelineStages, AOneCharacterNameGoesToAPerson) {
    auto engine = FakeOcrEngine({{{"姓名", 60, 90, 54, 26}, {"男", 170, 88, 30, 34}},
                                 {{"性别", 62, 160, 56, 27}, {"男", 172, 160, 30, 33}},
                                 {{"出生", 62, 229, 56, 27}, {"1990年1月5日", 172, 229, 240, 34}},
                                 {{"公民身份号码", 62, 530, 200, 32}, {"110105199001051234", 303, 530, 392, 30}}});
    ScanResult r = readWith(engine);
    EXPECT_EQ(r.fields["name"].status, FieldStatus::kNeedsReview);
    EXPECT_NE(r.fields["name"].note.find("two characters"), std::string::npos);
}

TEST(PipelineStages, WhatARuleConfirmsPassesHoweverUnsureTheEngineWasAndFreeTextDoesNot) {
    auto engine = FakeOcrEngine({{{"姓名", 60, 90, 54, 26}, {"张测试", 170, 88, 96, 34}},
                                 {{"性别", 62, 160, 56, 27}, {"男", 172, 160, 30, 33}, {"民族", 300, 160, 56, 27}, {"汉", 380, 160, 30, 33}},
                                 {{"出生", 62, 229, 56, 27}, {"1990年1月5日", 172, 229, 240, 34}},
                                 {{"住址", 62, 301, 56, 27}, {"北京市西城区演示路1号", 172, 301, 400, 33}},
                                 {{"公民身份号码", 62, 530, 200, 32}, {"110105199001051234", 303, 530, 392, 30}}},
                                60);
    ScanResult r = readWith(engine);
    // The check character, the 56 groups, the number's birth date and sex confirm these.
    for (const char* f : {"id_number", "ethnicity", "sex", "birth_date"}) EXPECT_EQ(r.fields[f].status, FieldStatus::kOk) << f;
    // Two agreeing reads at 60 % are not enough for a name or an address.
    EXPECT_EQ(r.fields["name"].status, FieldStatus::kNeedsReview);
    EXPECT_EQ(r.fields["name"].note, "low confidence");
    EXPECT_EQ(r.fields["address"].status, FieldStatus::kNeedsReview);
}

TEST(PipelineStages, AnIdCardsValidityIsFiveTenOrTwentyYearsToTheDay) {
    auto back = [](const std::string& range) {
        return FakeOcrEngine({{{"中华人民共和国", 330, 110, 336, 48}},
                              {{"居民身份证", 300, 190, 360, 72}},
                              {{"签发机关", 160, 440, 120, 30}, {"北京市公安局西城分局", 330, 438, 340, 34}},
                              {{"有效期限", 160, 520, 120, 30}, {range, 330, 518, 380, 34}}});
    };
    auto ok = back("2016.03.15-2036.03.15");
    ScanResult r = readWith(ok);
    EXPECT_EQ(r.fields["valid_to"].value, "2036-03-15");
    EXPECT_EQ(r.fields["valid_to"].status, FieldStatus::kOk);
    auto misread = back("2016.03.15-2036.08.15");  // 03 read as 08: twenty years to the day is 2036-03-15
    r = readWith(misread);
    EXPECT_EQ(r.fields["valid_to"].value, "2036-03-15");
    EXPECT_EQ(r.fields["valid_to"].raw, "2016.03.15-2036.08.15");
    EXPECT_EQ(r.fields["valid_to"].status, FieldStatus::kNeedsReview);
    auto lasting = back("2016.03.15-长期");
    r = readWith(lasting);
    EXPECT_EQ(r.fields["valid_to"].value, "长期");
    EXPECT_EQ(r.fields["valid_to"].status, FieldStatus::kOk);
}

TEST(PipelineStages, ALicencesTermStartsOnItsEstablishmentDate) {
    auto licence = [](const std::string& established, const std::string& term) {
        return FakeOcrEngine({{{"营业执照", 1000, 150, 480, 120}},
                              {{"统一社会信用代码", 160, 380, 320, 40}, {"91110102MA01C7Q59Y", 520, 380, 620, 48}},
                              {{"名称", 160, 600, 80, 40}, {"北京模拟合成商贸有限公司", 460, 600, 500, 42}},
                              {{"成立日期", 1340, 710, 160, 40}, {established, 1600, 710, 300, 42}},
                              {{"营业期限", 1340, 820, 160, 40}, {term, 1600, 820, 520, 42}}},
                             60);
    };
    auto same = licence("2007年01月09日", "2007年01月09日至长期");
    ScanResult r = readWith(same, "", 2480, 1754);
    EXPECT_EQ(r.fields["established_on"].value, "2007-01-09");
    EXPECT_EQ(r.fields["established_on"].status, FieldStatus::kOk);  // two reads agree, and the term starts on it
    EXPECT_EQ(r.fields["valid_to"].value, "长期");
    bool passed = false;
    for (auto& c : r.checks) passed |= c.name == "established_on_starts_term" && c.result == "pass";
    EXPECT_TRUE(passed);
    auto differ = licence("2007年01月09日", "2007年07月09日至长期");
    r = readWith(differ, "", 2480, 1754);
    bool failed = false;
    for (auto& c : r.checks) failed |= c.name == "established_on_starts_term" && c.result == "fail";
    EXPECT_TRUE(failed);
    EXPECT_EQ(r.fields["established_on"].status, FieldStatus::kNeedsReview);
    EXPECT_NE(r.fields["established_on"].note.find("2007-07-09"), std::string::npos);
}

TEST(PipelineStages, AnAreaWhoseUnitIsLostGoesToAPerson) {
    auto engine = propertyCertificate("鄂(2017)武昌区不动产权第8971308号", "湖北省武汉市武昌区样例街294号", "共有宗地面积9723.33m/房屋建筑面积242.56m");
    ScanResult r = readWith(engine, "", 1748, 2480);
    EXPECT_EQ(r.fields["area"].status, FieldStatus::kNeedsReview);
    EXPECT_NE(r.fields["area"].note.find("9723.33"), std::string::npos);
}

TEST(PipelineStages, TwoReadsThatAgreeNeedNoThirdRead) {
    auto engine = idCardFront("110105199001051234", "1990年1月5日");
    readWith(engine);
    EXPECT_EQ(engine.otherThresholdingReads, 0);
}

TEST(PipelineStages, AThirdReadBinarisedTheOtherWaySettlesForThePageReadWhenItAgrees) {
    auto engine = idCardFront("110105199001051234", "1990年1月5日");
    engine.regionMisreads["张测试"] = "张测武";
    ScanResult r = readWith(engine);
    EXPECT_EQ(engine.otherThresholdingReads, 1);
    EXPECT_EQ(r.fields["name"].value, "张测试");
    EXPECT_EQ(r.fields["name"].status, FieldStatus::kOk);
}

TEST(PipelineStages, TwoRegionReadsAgainstThePageReadStillGoToAPerson) {
    auto engine = idCardFront("110105199001051234", "1990年1月5日");
    engine.regionMisreads["北京市西城区演示路1号"] = "北京市西城区演示路7号";
    engine.regionMisreadsEitherWay = true;
    ScanResult r = readWith(engine);
    EXPECT_EQ(r.fields["address"].status, FieldStatus::kNeedsReview);
}

TEST(PipelineStages, OfTwoDifferingReadsOfAnEthnicGroupTheOneThatIsAGroupStands) {
    auto engine = FakeOcrEngine({{{"姓名", 60, 90, 54, 26}, {"张测试", 170, 88, 96, 34}},
                                 {{"性别", 62, 160, 56, 27}, {"男", 172, 160, 30, 33}, {"民族", 300, 160, 56, 27}, {"蒙古", 380, 160, 60, 33}},
                                 {{"公民身份号码", 62, 530, 200, 32}, {"110105199001051234", 303, 530, 392, 30}}});
    engine.regionMisreads["蒙古"] = "蒙吉";
    engine.regionMisreadsEitherWay = true;
    ScanResult r = readWith(engine);
    EXPECT_EQ(r.fields["ethnicity"].value, "蒙古");
    EXPECT_EQ(r.fields["ethnicity"].status, FieldStatus::kOk);
}

TEST(PipelineStages, ALicenceIssuerReadAsNothingIsOfferedFromTheAddress) {
    auto engine = FakeOcrEngine({{{"营业执照", 1000, 150, 480, 120}},
                                 {{"统一社会信用代码", 160, 380, 320, 40}, {"91110102MA01C7Q59Y", 520, 380, 620, 48}},
                                 {{"名称", 160, 600, 80, 40}, {"杭州模拟合成商贸有限公司", 460, 600, 500, 42}},
                                 {{"住所", 1340, 710, 80, 40}, {"浙江省杭州市西湖区合成巷17号", 1600, 710, 560, 42}},
                                 {{"登记机关", 1500, 1560, 160, 40}, {"是了本", 1720, 1560, 120, 40}}});
    ScanResult r = readWith(engine, "", 2480, 1754);
    EXPECT_EQ(r.fields["issuer"].value, "杭州市西湖区市场监督管理局");
    EXPECT_EQ(r.fields["issuer"].raw, "是了本");
    EXPECT_EQ(r.fields["issuer"].status, FieldStatus::kNeedsReview);
}

TEST(PipelineStages, ASexOrBirthDateThatIsNoneAtAllIsTakenFromTheNumber) {
    auto engine = idCardFront("110105199001051234", "199O年l月S日", "妇");
    ScanResult r = readWith(engine);
    EXPECT_EQ(r.fields["sex"].value, "男");
    EXPECT_EQ(r.fields["sex"].raw, "妇");
    EXPECT_EQ(r.fields["sex"].status, FieldStatus::kCorrected);
    EXPECT_EQ(r.fields["birth_date"].value, "1990-01-05");
    EXPECT_EQ(r.fields["birth_date"].status, FieldStatus::kCorrected);
}

TEST(PipelineStages, NumbersOfZerosAloneAndAreasWithoutTheirUnitGoToAPersonWithTheUnitOffered) {
    auto engine = propertyCertificate("豫(2016)金水区不动产权第9694815号", "河南省郑州市金水区范例道0 0 0号院内0号楼", "202.19m");
    ScanResult r = readWith(engine, "", 1748, 2480);
    EXPECT_EQ(r.fields["location"].status, FieldStatus::kNeedsReview);
    EXPECT_NE(r.fields["location"].note.find("zeros"), std::string::npos);
    EXPECT_EQ(r.fields["area"].value, "202.19m²");
    EXPECT_EQ(r.fields["area"].raw, "202.19m");
    EXPECT_EQ(r.fields["area"].status, FieldStatus::kNeedsReview);
}

TEST(PipelineStages, ALabelInsideAValueOnALineOfItsOwnIsNoSecondLabel) {
    auto engine = FakeOcrEngine({{{"不动产权证书", 560, 180, 576, 96}},
                                 {{"鄂(2017)武昌区不动产权第8971308号", 200, 380, 900, 44}},
                                 {{"权利人", 200, 580, 126, 42}, {"胡秀鑫", 520, 580, 120, 40}},
                                 {{"不动产单元号", 200, 840, 252, 42}, {"420106131967JC71952F89085166", 520, 840, 680, 40}},
                                 {{"面积", 200, 1100, 84, 42}},
                                 {{"房屋建筑面积234.89平方米", 520, 1100, 600, 40}}});
    ScanResult r = readWith(engine, "", 1748, 2480);
    EXPECT_EQ(r.fields["area"].value, "房屋建筑面积234.89平方米");
    EXPECT_EQ(r.fields["building_area_m2"].value, "234.89");
}

TEST(PipelineStages, AnIssuerWhosePlaceNamesNoCityGoesToAPerson) {
    auto engine = FakeOcrEngine({{{"营业执照", 1000, 150, 480, 120}},
                                 {{"统一社会信用代码", 160, 380, 320, 40}, {"91110102MA01C7Q59Y", 520, 380, 620, 48}},
                                 {{"名称", 160, 600, 80, 40}, {"济南模拟合成商贸有限公司", 460, 600, 500, 42}},
                                 {{"登记机关", 1500, 1560, 160, 40}, {"济南韦历下区市场监督管理局", 1720, 1560, 540, 40}}});
    ScanResult r = readWith(engine, "", 2480, 1754);
    EXPECT_EQ(r.fields["issuer"].status, FieldStatus::kNeedsReview);
    EXPECT_NE(r.fields["issuer"].note.find("names no city"), std::string::npos);
}
