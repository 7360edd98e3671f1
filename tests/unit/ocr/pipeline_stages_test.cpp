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

ScanResult readWith(FakeOcrEngine& engine, const std::string& hint = "") {
    ScanResult r;
    PageRead read = readPage(engine, nullptr, 300, 0, hint);
    r.docType = read.doc ? read.doc->type : "unknown";
    r.hintContradicted = read.hintContradicted;
    if (!read.doc) return r;
    const FieldContext ctx{engine, PageImage{nullptr, 300, 1010, 637}, 0.80f, "2026-12-01"};
    auto raw = extractRawFields(engine, ctx.image, read);
    for (auto& spec : read.doc->fields)
        if (auto it = raw.find(spec.name); it != raw.end()) r.fields[spec.name] = finishField(ctx, spec, it->second, r.checks);
    if (r.docType == "id_card_front") crossCheckIdCard(r);
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
    ASSERT_EQ(r.checks.size(), 3u);
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
