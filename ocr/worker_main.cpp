// lgw-ocr-worker: one Tesseract engine in a process of its own, started and supervised by the
// gateway's OcrProcessPool (ocr/ocr_process_pool.hpp, which also describes the protocol). It reads
// jobs from the socket on its standard input and answers each; whatever Leptonica or Tesseract do
// to it on a hostile page (abort, crash, run away with memory or CPU), only this process pays.
// Not meant to be run by hand: it speaks frames, not text.
#include <boost/json.hpp>

#include <iostream>
#include <new>
#include <string>

#include "ocr/impl/frame_io.hpp"
#include "ocr/impl/worker_limits.hpp"
#include "ocr/scan_reader.hpp"
#include "ocr/scan_wire.hpp"
#include "ocr/tesseract_engine.hpp"

namespace {

using namespace lgw::ocr;
constexpr int kSocket = 0;
// The largest image a job may carry: the gateway's own scan body limit is far below.
constexpr std::size_t kMaxImage = 512u * 1024 * 1024;

bool send(const std::string& payload) { return impl::writeFrame(kSocket, payload, impl::kNoDeadline); }

}  // namespace

int main(int argc, char** argv) {
    impl::WorkerArgs args;
    if (!impl::parseWorkerArgs(argc, argv, args)) {
        std::cerr << "lgw-ocr-worker: started by the gateway (ocr.worker_binary), not by hand\n";
        return 2;
    }
    if (!impl::bindToParent(args.parent)) return 0;
    impl::limitWorker(args.memoryMb);

    std::unique_ptr<TesseractPool> engine;
    try {
        engine = std::make_unique<TesseractPool>(1, args.language, args.tessdata);
    } catch (const std::exception& e) {
        send(boost::json::serialize(boost::json::object{{"fatal", e.what()}}));
        return 1;
    }
    if (!send(R"({"ready":true})")) return 0;

    for (;;) {
        impl::FrameError err;
        auto jobFrame = impl::readFrame(kSocket, kMaxJobFrame, impl::kNoDeadline, err);
        if (!jobFrame) return err == impl::FrameError::kClosed ? 0 : 1;  // the gateway closed: done
        auto image = impl::readFrame(kSocket, kMaxImage, impl::kNoDeadline, err);
        if (!image) return 1;
        std::string why;
        auto job = decodeJob(*jobFrame, why);
        if (!job) {
            std::cerr << "lgw-ocr-worker: a malformed job: " << why << "\n";
            return 1;
        }
        impl::allowCpuForOneScan(args.cpuSeconds);
        ScanOutcome outcome = ScanError{422, "unreadable_image", "the page could not be read"};
        bool retire = false;
        try {
            ScanReader reader(*engine, job->options);
            outcome = reader.read(*image, job->contentType, job->hint, job->today);
        } catch (const std::bad_alloc&) {
            // The state of an engine that ran out of memory mid-page is not to be trusted: answer, then go.
            outcome = ScanError{422, "unreadable_image",
                                "the page could not be read: it needs more memory than one OCR worker may use; scan "
                                "it at 300 DPI"};
            retire = true;
        } catch (const std::exception& e) {
            outcome = ScanError{422, "unreadable_image", std::string("the page could not be read: ") + e.what()};
            retire = true;
        }
        image.reset();
        if (!send(encodeOutcome(outcome, retire))) return 0;
        if (retire) return 0;
    }
}
