// A scripted stand-in for lgw-ocr-worker, for the tests of OcrProcessPool and of the gateway's
// survival: it speaks the worker protocol (ocr/scan_wire.hpp) and puts the same limits on itself
// (ocr/impl/worker_limits.hpp), but instead of reading the image it does what the image's bytes
// say: "ok" answers a scan of an ID card front, "abort" aborts, "segv" crashes, "hang" sleeps,
// "spin" burns CPU, "oom" allocates until it cannot, "garbage" answers nonsense, "huge" announces a
// frame larger than the limit, "exit" exits without a word, "retire" answers and asks to go,
// "review" answers as "ok" with its one field needs_review.
// FAKE_OCR_START in the environment: "fatal" refuses to start, "hang" never says ready, "crash"
// dies before it does.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ocr/impl/frame_io.hpp"
#include "ocr/impl/worker_limits.hpp"
#include "ocr/scan_wire.hpp"

using namespace lgw::ocr;

namespace {
constexpr int kSocket = 0;
bool send(const std::string& s) { return impl::writeFrame(kSocket, s, impl::kNoDeadline); }
}  // namespace

int main(int argc, char** argv) {
    impl::WorkerArgs args;
    if (!impl::parseWorkerArgs(argc, argv, args)) return 2;
    if (!impl::bindToParent(args.parent)) return 0;
    impl::limitWorker(args.memoryMb);
    const char* start = std::getenv("FAKE_OCR_START");
    std::string startMode = start ? start : "";
    if (startMode == "fatal") {
        send(R"({"fatal":"the fake engine refuses to start: no traineddata for xyz"})");
        return 1;
    }
    if (startMode == "hang") std::this_thread::sleep_for(std::chrono::hours(1));
    if (startMode == "crash") std::abort();
    send(R"({"ready":true})");
    for (;;) {
        impl::FrameError err;
        auto job = impl::readFrame(kSocket, kMaxJobFrame, impl::kNoDeadline, err);
        if (!job) return 0;
        auto image = impl::readFrame(kSocket, 64 * 1024 * 1024, impl::kNoDeadline, err);
        if (!image) return 1;
        impl::allowCpuForOneScan(args.cpuSeconds);
        const std::string& what = *image;
        if (what == "abort") std::abort();
        if (what == "segv") ::raise(SIGSEGV);
        if (what == "exit") return 0;
        if (what == "hang") std::this_thread::sleep_for(std::chrono::hours(1));
        if (what == "spin") {
            volatile unsigned long x = 0;
            for (;;) x = x + 1;
        }
        if (what == "oom") {
            std::vector<char*> held;
            try {
                for (;;) {
                    char* p = new char[64 * 1024 * 1024];
                    std::memset(p, 1, 64 * 1024 * 1024);
                    held.push_back(p);
                }
            } catch (const std::bad_alloc&) {
                for (char* p : held) delete[] p;
                send(encodeOutcome(ScanError{422, "unreadable_image", "out of memory"}, true));
                return 0;
            }
        }
        if (what == "garbage") {
            send(R"({"result":{"doc_type":"id_card_front","fields":"not an object"}})");
            continue;
        }
        if (what == "huge") {
            impl::writeAll(kSocket, framePrefix(0x7fffffff), impl::kNoDeadline);
            continue;
        }
        ScanResult r;
        r.docType = "id_card_front";
        r.docTypeConfidence = 0.9f;
        FieldResult name;
        name.value = "张三";
        name.confidence = 0.95f;
        name.status = what == "review" ? FieldStatus::kNeedsReview : FieldStatus::kOk;
        name.box = {10, 20, 30, 40};
        r.fields["name"] = name;
        r.checks.push_back({"id_number_checksum", "pass"});
        r.width = 1000;
        r.height = 630;
        r.dpi = 300;
        r.binarisation = "otsu";
        send(encodeOutcome(r, what == "retire"));
    }
}
