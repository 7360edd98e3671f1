// The OCR pipeline with real Tesseract on the committed scans (tests/data/scans, made by
// tools/gen_scans.cpp, and their truth.json): a tier of its own, moved out of the unit tests (issue 16), which run without an
// engine (tests/unit/ocr/pipeline_stages_test.cpp drives the stages with a scripted OcrEngine).
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "ocr/scan_json.hpp"
#include "ocr/scan_reader.hpp"
#include "ocr/vocabulary.hpp"
#include "ocr/tesseract_engine.hpp"
#include "tests/common/files.hpp"

using namespace lgw::ocr;
namespace json = boost::json;

namespace {

using lgw::testing::readFile;
std::string dataDir() { return std::string(std::getenv("LGW_SOURCE_DIR")) + "/tests/data/scans/"; }

}  // namespace

class Extractors : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pool_ = new TesseractPool(1); }
    static void TearDownTestSuite() {
        delete pool_;
        pool_ = nullptr;
    }
    static json::object truthFor(const std::string& file) {
        auto all = json::parse(readFile(dataDir() + "truth.json")).as_array();
        for (auto& t : all)
            if (t.as_object().at("file").as_string() == file) return t.as_object();
        throw std::runtime_error("no truth for " + file);
    }
    static std::string fold(std::string s) {  // full-width punctuation as OCR returns it
        for (auto [from, to] : {std::pair{"；", ";"}, {"（", "("}, {"）", ")"}, {"：", ":"}})
            for (auto at = s.find(from); at != std::string::npos; at = s.find(from)) s.replace(at, std::string(from).size(), to);
        return s;
    }
    /// Reads the scan and compares with its truth; returns the share of exact fields.
    static double check(const std::string& file, const std::string& bytes, const std::string& codeField) {
        auto truth = truthFor(file);
        ScanReader reader(*pool_);
        auto result = reader.read(bytes, {}, {}, "2026-11-24");
        if (!std::holds_alternative<ScanResult>(result)) {
            ADD_FAILURE() << file << ": " << std::get<ScanError>(result).message;
            return 0;
        }
        auto& r = std::get<ScanResult>(result);
        EXPECT_EQ(r.docType, truth.at("type").as_string()) << file;
        int exact = 0, total = 0;
        for (auto& [name, want] : truth.at("fields").as_object()) {
            ++total;
            auto it = r.fields.find(std::string(name));
            bool same = it != r.fields.end() && fold(it->second.value) == fold(std::string(want.as_string()));
            exact += same;
            if (std::string(name) == codeField) {
                EXPECT_TRUE(same) << file << " " << name << ": " << (it == r.fields.end() ? "missing" : it->second.value);
                if (it != r.fields.end()) {
                    EXPECT_NE(it->second.status, FieldStatus::kNeedsReview) << it->second.note;
                }
            }
        }
        // The JSON of the API carries every field of the type, in order.
        auto j = scanJson(r, "");
        EXPECT_EQ(j.at("doc_type").as_string(), truth.at("type").as_string());
        EXPECT_EQ(j.at("fields").as_object().size(), truth.at("fields").as_object().size());
        return static_cast<double>(exact) / total;
    }
    static TesseractPool* pool_;
};
TesseractPool* Extractors::pool_ = nullptr;

TEST_F(Extractors, IdCardFront) {
    EXPECT_GE(check("0-id_card_front.png", readFile(dataDir() + "0-id_card_front.png"), "id_number"), 0.8);
    // Cross-field checks: the number's birth date and sex agree with the printed ones.
    ScanReader reader(*pool_);
    auto r = std::get<ScanResult>(reader.read(readFile(dataDir() + "0-id_card_front.png"), {}, {}, "2026-11-24"));
    int passed = 0;
    for (auto& c : r.checks) passed += (c.name == "birth_date_matches_id" || c.name == "sex_matches_id") && c.result == "pass";
    EXPECT_EQ(passed, 2);
}

TEST_F(Extractors, IdCardFrontPhotographedAndCompressed) {
    EXPECT_GE(check("4-id_card_front-mild.jpg", readFile(dataDir() + "4-id_card_front-mild.jpg"), "id_number"), 0.8);
}

TEST_F(Extractors, IdCardFrontTurnedAQuarter) {
    Pix* pix = pixRead((dataDir() + "0-id_card_front.png").c_str());
    Pix* turned = pixRotateOrth(pix, 1);
    l_uint8* data = nullptr;
    size_t size = 0;
    pixWriteMemPng(&data, &size, turned, 0);
    std::string bytes(reinterpret_cast<char*>(data), size);
    lept_free(data);
    pixDestroy(&turned);
    pixDestroy(&pix);
    EXPECT_GE(check("0-id_card_front.png", bytes, "id_number"), 0.8);
}

// Heavily degraded (152 DPI, blur, JPEG 48) and lying on its side: turned upright from a sample of
// lines; its 有效期限 label reads as noise, so the validity range is found by its shape.
TEST_F(Extractors, IdCardBackOnItsSideWithItsLabelMisread) {
    ScanReader reader(*pool_);
    auto r = std::get<ScanResult>(reader.read(readFile(dataDir() + "5-id_card_back-heavy.jpg"), {}, {}, "2026-11-24"));
    EXPECT_EQ(r.docType, "id_card_back");
    EXPECT_EQ(r.rotatedDegrees, 270);
    EXPECT_EQ(r.fields["valid_from"].value, "2016-09-24");
    EXPECT_EQ(r.fields["valid_to"].value, "2036-09-24");
}

// Sex and birth date misread or lost on a heavy photo: the ID number (its check character holds)
// supplies them, kept for a person to confirm, the read as raw.
TEST_F(Extractors, IdCardFrontFieldsTheNumberCarriesAreOfferedFromIt) {
    ScanReader reader(*pool_);
    auto r = std::get<ScanResult>(reader.read(readFile(dataDir() + "6-id_card_front-heavy.jpg"), {}, {}, "2026-11-24"));
    ASSERT_EQ(r.docType, "id_card_front");
    EXPECT_EQ(r.fields["id_number"].value, "110102200006285503");
    EXPECT_EQ(r.fields["sex"].value, "女");
    EXPECT_EQ(r.fields["birth_date"].value, "2000-06-28");
    // A read that contradicts the number goes to a person; one that is no sex or date at all is
    // taken from the number (corrected, the read kept).
    for (const char* f : {"sex", "birth_date"}) {
        auto& field = r.fields[f];
        if (field.note.find("the ID number says") == std::string::npos) continue;
        const bool contradicts = std::string(f) == "sex" ? field.raw == "男" || field.raw == "女"
                                                         : !field.raw.empty() && normaliseDate(field.raw) == field.raw;
        EXPECT_EQ(field.status, contradicts ? FieldStatus::kNeedsReview : FieldStatus::kCorrected) << f << ": " << field.raw;
    }
    int failed = 0;
    for (auto& c : r.checks) failed += (c.name == "birth_date_matches_id" || c.name == "sex_matches_id") && c.result == "fail";
    EXPECT_GE(failed, 1);  // what was read did not match: the checks say so
}

// The certificate number's closing 号 read as 与: the fixed part of the format is restored,
// `corrected`, with the read kept.
TEST_F(Extractors, PropertyCertificateNumberFormatRestored) {
    ScanReader reader(*pool_);
    auto r = std::get<ScanResult>(reader.read(readFile(dataDir() + "7-property_certificate-mild.jpg"), {}, {}, "2026-11-24"));
    ASSERT_EQ(r.docType, "property_certificate");
    auto& n = r.fields["certificate_number"];
    EXPECT_EQ(n.value, "京(2021)西城区不动产权第8823249号");
    EXPECT_EQ(n.status, FieldStatus::kCorrected) << n.note;
    EXPECT_NE(n.raw, n.value);
}

TEST_F(Extractors, IdCardBack) { EXPECT_GE(check("1-id_card_back.png", readFile(dataDir() + "1-id_card_back.png"), "valid_to"), 0.99); }

TEST_F(Extractors, BusinessLicenceTwoColumns) {
    EXPECT_GE(check("2-business_licence.png", readFile(dataDir() + "2-business_licence.png"), "credit_code"), 0.8);
}

TEST_F(Extractors, PropertyCertificate) {
    EXPECT_GE(check("3-property_certificate.png", readFile(dataDir() + "3-property_certificate.png"), "unit_number"), 0.8);
}

// A public specimen photo (tests/data/samples/SOURCES.md: chineseocr, MIT), 580x364, upside down,
// on a patterned background: turned upright and read as an ID card front. Its number fails the
// GB 11643 check, so whatever the read, it must come out flagged, never ok or "repaired".
TEST_F(Extractors, PublicSpecimenPhotoUpsideDown) {
    const std::string file = std::string(std::getenv("LGW_SOURCE_DIR")) + "/tests/data/samples/id_card_front_specimen_rot180.jpeg";
    ScanReader reader(*pool_);
    auto result = reader.read(readFile(file), "image/jpeg", {}, "2026-11-24");
    ASSERT_TRUE(std::holds_alternative<ScanResult>(result)) << std::get<ScanError>(result).message;
    auto& r = std::get<ScanResult>(result);
    EXPECT_EQ(r.docType, "id_card_front");
    EXPECT_EQ(r.rotatedDegrees, 180);
    EXPECT_EQ(r.fields["name"].value, "代用名");
    EXPECT_EQ(r.fields["id_number"].status, FieldStatus::kNeedsReview) << r.fields["id_number"].value;
    // Right or flagged: a field passed as ok holds the printed value.
    const std::map<std::string, std::string> printed = {{"name", "代用名"},
                                                        {"sex", "男"},
                                                        {"ethnicity", "汉"},
                                                        {"birth_date", "2013-05-06"},
                                                        {"address", "湖南省长沙市开福区巡道街幸福小区居民组"}};
    for (auto& [field, value] : printed) {
        auto& f = r.fields[field];
        if (f.status != FieldStatus::kNeedsReview) {
            EXPECT_EQ(f.value, value) << field << " passed as ok";
        }
    }
}

TEST_F(Extractors, AHintThePageContradictsIsReported) {
    ScanReader reader(*pool_);
    auto r = std::get<ScanResult>(reader.read(readFile(dataDir() + "1-id_card_back.png"), {}, "business_licence"));
    EXPECT_EQ(r.docType, "id_card_back");
    EXPECT_TRUE(r.hintContradicted);
}

TEST_F(Extractors, ABlankPageIsUnknownNotAGuess) {
    Pix* blank = pixCreate(1200, 800, 8);
    pixSetAllArbitrary(blank, 240);
    l_uint8* data = nullptr;
    size_t size = 0;
    pixWriteMemPng(&data, &size, blank, 0);
    std::string bytes(reinterpret_cast<char*>(data), size);
    lept_free(data);
    pixDestroy(&blank);
    ScanReader reader(*pool_);
    auto r = std::get<ScanResult>(reader.read(bytes));
    EXPECT_EQ(r.docType, "unknown");
    EXPECT_TRUE(r.fields.empty());
}
