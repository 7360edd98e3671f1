// OcrProcessPool: scans read in worker processes that may die on a page without taking the caller
// with them. The scripted fake worker (tests/common/fake_ocr_worker.cpp) plays every way a worker
// can fail; the real lgw-ocr-worker reads a generated scan as the in-process reader does. And the
// protocol's decoding, which must refuse whatever a subverted worker could send.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "ocr/impl/worker_limits.hpp"
#include "tests/common/blank_page.hpp"
#include "ocr/ocr_process_pool.hpp"
#include "ocr/scan_reader.hpp"
#include "ocr/tesseract_engine.hpp"
#include "ocr/scan_wire.hpp"

namespace lgw::ocr {
namespace {

OcrProcessOptions fakeOptions() {
    OcrProcessOptions o;
    o.workerBinary = LGW_FAKE_OCR_WORKER;
    o.workers = 1;
    o.scanTimeoutMs = 3000;
    o.startTimeoutMs = 3000;
    o.queueTimeoutMs = 5000;
    o.memoryLimitMb = 512;
    o.cpuSecondsPerScan = 1;
    return o;
}

const ScanError* errorOf(const ScanOutcome& o) { return std::get_if<ScanError>(&o); }

struct StartMode {
    explicit StartMode(const char* mode) { ::setenv("FAKE_OCR_START", mode, 1); }
    ~StartMode() { ::unsetenv("FAKE_OCR_START"); }
};

TEST(OcrProcessPool, AnswersFromTheWorker) {
    OcrProcessPool pool(fakeOptions());
    OcrJob job;
    auto out = pool.read(job, "ok");
    ASSERT_TRUE(std::holds_alternative<ScanResult>(out));
    auto& r = std::get<ScanResult>(out);
    EXPECT_EQ(r.docType, "id_card_front");
    EXPECT_EQ(r.fields.at("name").value, "张三");
    EXPECT_EQ(r.fields.at("name").status, FieldStatus::kOk);
    EXPECT_EQ(r.fields.at("name").box.h, 40);
    EXPECT_EQ(pool.replacedWorkers(), 0u);
}

// Each way a worker can die on a page: the scan gets 422 with a reason, the worker is replaced, and
// the next scan is read as if nothing had happened.
TEST(OcrProcessPool, AWorkerThatDiesOnAPageIsReplaced) {
    OcrProcessPool pool(fakeOptions());
    OcrJob job;
    struct Case {
        const char* page;
        std::vector<std::string> says;  ///< one of these (AddressSanitizer turns a crash into an abort)
    };
    const Case cases[] = {{"abort", {"aborted"}},
                          {"segv", {"segmentation fault", "aborted", "exited with status 1"}},
                          {"exit", {"exited"}},
                          {"hang", {"longer than 3 s"}},
                          {"garbage", {"no usable answer"}},
                          {"huge", {"no usable answer"}}};
    std::uint64_t replaced = 0;
    for (auto& c : cases) {
        SCOPED_TRACE(c.page);
        auto out = pool.read(job, c.page);
        auto* e = errorOf(out);
        ASSERT_NE(e, nullptr);
        EXPECT_EQ(e->status, 422);
        EXPECT_EQ(e->code, "unreadable_image");
        EXPECT_NE(e->message.find("the page could not be read"), std::string::npos) << e->message;
        EXPECT_TRUE(std::any_of(c.says.begin(), c.says.end(),
                                [&](auto& s) { return e->message.find(s) != std::string::npos; }))
            << e->message;
        EXPECT_EQ(pool.replacedWorkers(), ++replaced);
        auto next = pool.read(job, "ok");
        EXPECT_TRUE(std::holds_alternative<ScanResult>(next)) << (errorOf(next) ? errorOf(next)->message : "");
    }
}

// The kernel ends a scan that overruns its CPU budget (RLIMIT_CPU, set before each scan), long
// before the wall-clock deadline would.
TEST(OcrProcessPool, AScanOverItsCpuBudgetIsStoppedByTheKernel) {
    auto o = fakeOptions();
    o.scanTimeoutMs = 60000;
    OcrProcessPool pool(o);
    OcrJob job;
    auto out = pool.read(job, "spin");
    ASSERT_NE(errorOf(out), nullptr);
    EXPECT_NE(errorOf(out)->message.find("CPU time"), std::string::npos) << errorOf(out)->message;
    EXPECT_TRUE(std::holds_alternative<ScanResult>(pool.read(job, "ok")));
}

TEST(OcrProcessPool, AWorkerOutOfMemoryAnswersAndIsReplaced) {
    if (!impl::kMemoryLimited) GTEST_SKIP() << "no address-space limit under AddressSanitizer";
    OcrProcessPool pool(fakeOptions());
    OcrJob job;
    auto out = pool.read(job, "oom");
    ASSERT_NE(errorOf(out), nullptr);
    EXPECT_EQ(errorOf(out)->status, 422);
    EXPECT_EQ(pool.replacedWorkers(), 1u);  // it asked to retire after answering
    EXPECT_TRUE(std::holds_alternative<ScanResult>(pool.read(job, "ok")));
}

TEST(OcrProcessPool, AWorkerThatAsksToRetireIsReplacedAfterItsAnswer) {
    OcrProcessPool pool(fakeOptions());
    OcrJob job;
    EXPECT_TRUE(std::holds_alternative<ScanResult>(pool.read(job, "retire")));
    EXPECT_EQ(pool.replacedWorkers(), 1u);
    EXPECT_TRUE(std::holds_alternative<ScanResult>(pool.read(job, "ok")));
}

// A pool whose workers cannot start answers every scan 503 ocr_unavailable: its message, to check the reason.
std::string unavailableBecause(OcrProcessOptions o) {
    OcrProcessPool pool(std::move(o));
    OcrJob job;
    auto out = pool.read(job, "ok");
    auto* e = errorOf(out);
    if (!e) return "(the scan was read)";
    EXPECT_EQ(e->status, 503);
    EXPECT_EQ(e->code, "ocr_unavailable");
    return e->message;
}

TEST(OcrProcessPool, EnginesThatCannotStartAnswer503WithTheReason) {
    StartMode mode("fatal");
    EXPECT_NE(unavailableBecause(fakeOptions()).find("no traineddata for xyz"), std::string::npos);
}

TEST(OcrProcessPool, AMissingWorkerBinaryIsNamed) {
    auto o = fakeOptions();
    o.workerBinary = "/nonexistent/lgw-ocr-worker";
    EXPECT_NE(unavailableBecause(o).find("/nonexistent/lgw-ocr-worker"), std::string::npos);
}

TEST(OcrProcessPool, AWorkerThatNeverBecomesReadyIsKilledAndNamed) {
    StartMode mode("hang");
    auto o = fakeOptions();
    o.startTimeoutMs = 500;
    EXPECT_NE(unavailableBecause(o).find("did not become ready"), std::string::npos);
}

TEST(OcrProcessPool, ScansQueueForFreeWorkers) {
    auto o = fakeOptions();
    o.workers = 2;
    OcrProcessPool pool(o);
    std::vector<std::future<ScanOutcome>> reads;
    for (int i = 0; i < 6; ++i)
        reads.push_back(std::async(std::launch::async, [&pool] {
            OcrJob job;
            return pool.read(job, "ok");
        }));
    for (auto& f : reads) EXPECT_TRUE(std::holds_alternative<ScanResult>(f.get()));
    EXPECT_EQ(pool.replacedWorkers(), 0u);
}

TEST(OcrProcessPool, AQueuedScanGivesUpWhenNoWorkerComesFree) {
    auto o = fakeOptions();
    o.scanTimeoutMs = 5000;
    o.queueTimeoutMs = 300;
    OcrProcessPool pool(o);
    OcrJob job;
    // The worker is up first. Its start alone can take longer than the 300 ms queue bound on a
    // loaded machine (seen once in test.sh's parallel run), which is not what this test is about.
    bool up = false;
    for (int i = 0; i < 50 && !up; ++i) up = std::holds_alternative<ScanResult>(pool.read(job, "ok"));
    ASSERT_TRUE(up) << "the fake worker never answered";
    auto busy = std::async(std::launch::async, [&pool] {
        OcrJob j;
        return pool.read(j, "hang");
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto out = pool.read(job, "ok");
    ASSERT_NE(errorOf(out), nullptr);
    EXPECT_EQ(errorOf(out)->status, 503);
    EXPECT_NE(errorOf(out)->message.find("busy"), std::string::npos);
    EXPECT_EQ(errorOf(busy.get())->status, 422);
}

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The real worker reads a generated scan exactly as the reader does in-process.
TEST(OcrProcessPool, TheRealWorkerReadsAsTheInProcessReader) {
    const std::string png = fileBytes(std::string(std::getenv("LGW_SOURCE_DIR")) + "/tests/data/scans/0-id_card_front.png");
    ASSERT_FALSE(png.empty());
    OcrProcessOptions o;
    o.workerBinary = LGW_OCR_WORKER;
    OcrProcessPool pool(o);
    OcrJob job;
    job.contentType = "image/png";
    job.today = "2026-11-01";
    auto out = pool.read(job, png);
    ASSERT_TRUE(std::holds_alternative<ScanResult>(out)) << errorOf(out)->message;
    TesseractPool engines(1);
    ScanReader reader(engines);
    auto here = reader.read(png, "image/png", "", "2026-11-01");
    ASSERT_TRUE(std::holds_alternative<ScanResult>(here));
    auto& a = std::get<ScanResult>(out);
    auto& b = std::get<ScanResult>(here);
    EXPECT_EQ(a.docType, b.docType);
    ASSERT_EQ(a.fields.size(), b.fields.size());
    for (auto& [name, f] : b.fields) {
        EXPECT_EQ(a.fields.at(name).value, f.value) << name;
        EXPECT_EQ(a.fields.at(name).status, f.status) << name;
    }
    // And a page the engine cannot take is refused by the worker with the reason, not fatal to it.
    const std::string bytes = lgw::testing::blankPage(82000, 100, IFF_PNG);
    auto refused = pool.read(job, bytes);
    ASSERT_NE(errorOf(refused), nullptr);
    EXPECT_EQ(errorOf(refused)->status, 422);
    EXPECT_NE(errorOf(refused)->message.find("82000x100"), std::string::npos) << errorOf(refused)->message;
    EXPECT_EQ(pool.replacedWorkers(), 0u);
}

// ---- the protocol ---------------------------------------------------------------------------------

TEST(ScanWire, AnOutcomeSurvivesTheTrip) {
    ScanResult r;
    r.docType = "business_licence";
    r.docTypeConfidence = 0.75f;
    r.hint = "business_licence";
    r.rotatedDegrees = 180;
    r.deskewDegrees = -1.25;
    r.binarisation = "sauvola";
    r.width = 2480;
    r.height = 3508;
    r.dpi = 300;
    r.preprocessMs = 12;
    r.ocrMs = 900;
    r.extractMs = 30;
    FieldResult f;
    f.value = "91110102MA01C7Q59Y";
    f.raw = "91110102MA01C7Q59X";
    f.confidence = 0.5f;
    f.status = FieldStatus::kCorrected;
    f.box = {1, 2, 3, 4};
    f.note = "check character repaired";
    r.fields["credit_code"] = f;
    r.checks.push_back({"credit_code_checksum", "corrected"});
    std::string why;
    auto back = decodeOutcome(encodeOutcome(r), why);
    ASSERT_TRUE(back) << why;
    auto& b = std::get<ScanResult>(*back);
    EXPECT_EQ(b.docType, r.docType);
    EXPECT_EQ(b.rotatedDegrees, 180);
    EXPECT_DOUBLE_EQ(b.deskewDegrees, -1.25);
    EXPECT_EQ(b.fields.at("credit_code").raw, f.raw);
    EXPECT_EQ(b.fields.at("credit_code").status, FieldStatus::kCorrected);
    EXPECT_EQ(b.fields.at("credit_code").box.w, 3);
    EXPECT_EQ(b.checks.at(0).result, "corrected");
    EXPECT_EQ(b.ocrMs, 900);

    auto err = decodeOutcome(encodeOutcome(ScanError{415, "unsupported_media_type", "send a PNG"}), why);
    ASSERT_TRUE(err) << why;
    EXPECT_EQ(std::get<ScanError>(*err).message, "send a PNG");
}

TEST(ScanWire, WhatASubvertedWorkerCouldSendIsRefused) {
    const char* bad[] = {
        "",
        "[]",
        R"({"error":{"status":200,"code":"unreadable_image","message":"x"}})",
        R"({"error":{"status":401,"code":"missing_credentials","message":"sign in again"}})",
        R"({"result":{"doc_type":"passport"}})",
        R"({"result":{"doc_type":"unknown","doc_type_confidence":5}})",
    };
    for (const char* b : bad) {
        std::string why;
        EXPECT_FALSE(decodeOutcome(b, why)) << b;
        EXPECT_FALSE(why.empty()) << b;
    }
    ScanResult r;
    FieldResult f;
    f.value = std::string(5000, 'x');  // longer than any printed field
    r.fields["name"] = f;
    std::string why;
    EXPECT_FALSE(decodeOutcome(encodeOutcome(r), why));
    EXPECT_NE(why.find("result.fields.name.value"), std::string::npos) << why;
}

TEST(ScanWire, AJobSurvivesTheTrip) {
    OcrJob j;
    j.contentType = "image/jpeg";
    j.hint = "id_card_back";
    j.today = "2026-12-01";
    j.options.reviewBelow = 0.7f;
    j.options.maxPixels = 1234567;
    std::string why;
    auto back = decodeJob(encodeJob(j), why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(back->hint, "id_card_back");
    EXPECT_EQ(back->options.maxPixels, 1234567);
    EXPECT_FLOAT_EQ(back->options.reviewBelow, 0.7f);
}

}  // namespace
}  // namespace lgw::ocr
