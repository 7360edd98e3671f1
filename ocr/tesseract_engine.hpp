#pragma once
// A fixed pool of Tesseract engines (chi_sim, LSTM), one per worker thread, each created once and
// reused for every page; OCR jobs queue for a free worker. Call run() from the blocking pool, never
// from an I/O thread: it blocks until the job has run. Tesseract is several times slower in a
// long-running process unless OMP_THREAD_LIMIT=1 is in the environment before the process starts
// (ompThreadLimitSet() says whether it is).
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

struct Pix;
namespace tesseract {
class TessBaseAPI;
}

namespace lgw::ocr {

struct Box {
    int x = 0, y = 0, w = 0, h = 0;
    int right() const { return x + w; }
    int bottom() const { return y + h; }
};

struct Word {
    std::string text;
    float confidence = 0;  ///< 0..100 as Tesseract reports it
    Box box;
};

struct TextLine {
    std::string text;      ///< words joined; CJK words without spaces
    float confidence = 0;
    Box box;
    std::vector<Word> words;
};

struct PageText {
    std::vector<TextLine> lines;
    float meanConfidence = 0;
};

/// One line read again as a single line, optionally restricted to `whitelist` characters.
struct LineRead {
    std::string text;
    float confidence = 0;
};

class TesseractPool {
public:
    /// Starts `workers` threads and initialises an engine in each. Throws std::runtime_error when
    /// the language data cannot be loaded (names the language and the tessdata directory).
    TesseractPool(int workers, std::string language = "chi_sim", std::string tessdataDir = "");
    ~TesseractPool();
    TesseractPool(const TesseractPool&) = delete;
    TesseractPool& operator=(const TesseractPool&) = delete;

    /// Page layout analysis and recognition of `pix` (8-bit grey) at `dpi`; `thresholding` is
    /// Tesseract's thresholding_method (0 Otsu, 2 Sauvola).
    PageText recognise(Pix* pix, int dpi, int thresholding);
    /// Reads `region` of `pix` as one line; `whitelist` "" means any character.
    LineRead readLine(Pix* pix, int dpi, const Box& region, const std::string& whitelist);
    /// Layout analysis alone (no recognition, a fraction of recognise()'s time): the boxes of the
    /// text lines Tesseract finds.
    std::vector<Box> layout(Pix* pix, int dpi, int thresholding);

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
