#pragma once
// The product's OcrEngine (ocr_engine.hpp): a fixed pool of Tesseract engines (chi_sim, LSTM), one
// per worker thread, each created once and reused for every page; OCR jobs queue for a free worker.
// Every call blocks until its job has run: call from the blocking pool, never from an I/O thread.
// Tesseract is several times slower in a long-running process unless OMP_THREAD_LIMIT=1 is in the
// environment before the process starts (ompThreadLimitSet() says whether it is).
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "ocr/ocr_engine.hpp"

namespace tesseract {
class TessBaseAPI;
}

namespace lgw::ocr {

class TesseractPool final : public OcrEngine {
public:
    /// Starts `workers` threads and initialises an engine in each. Throws std::runtime_error when
    /// the language data cannot be loaded (names the language and the tessdata directory).
    TesseractPool(int workers, std::string language = "chi_sim", std::string tessdataDir = "");
    ~TesseractPool();
    TesseractPool(const TesseractPool&) = delete;
    TesseractPool& operator=(const TesseractPool&) = delete;

    PageText recognise(Pix* pix, int dpi, int thresholding) override;
    LineRead readLine(Pix* pix, int dpi, const Box& region, const std::string& whitelist, int thresholding) override;
    std::vector<Box> layout(Pix* pix, int dpi, int thresholding) override;

    int workers() const { return static_cast<int>(threads_.size()); }
    static bool ompThreadLimitSet();

private:
    void submit(std::function<void(tesseract::TessBaseAPI& api)> job);
    template <class T>
    T call(std::function<T(tesseract::TessBaseAPI&)> fn) {
        auto promise = std::make_shared<std::promise<T>>();
        auto result = promise->get_future();
        submit([promise, f = std::move(fn)](tesseract::TessBaseAPI& api) {
            try {
                promise->set_value(f(api));
            } catch (...) {
                promise->set_exception(std::current_exception());
            }
        });
        return result.get();
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::queue<std::function<void(tesseract::TessBaseAPI&)>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
    std::string language_, tessdata_;
};

}  // namespace lgw::ocr
