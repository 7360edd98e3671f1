#include "ocr/tesseract_engine.hpp"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <cstdlib>
#include <stdexcept>

namespace lgw::ocr {
namespace {

// CJK words come back one character each; joining them with spaces would break labels and names.
bool isAscii(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

void appendWord(std::string& line, const std::string& word) {
    if (!line.empty() && isAscii(word) && isAscii(std::string(1, line.back()))) line += ' ';
    line += word;
}

}  // namespace

bool TesseractPool::ompThreadLimitSet() {
    const char* v = std::getenv("OMP_THREAD_LIMIT");
    return v && std::string(v) == "1";
}

TesseractPool::TesseractPool(int workers, std::string language, std::string tessdataDir)
    : language_(std::move(language)), tessdata_(std::move(tessdataDir)) {
    std::mutex initMutex;
    std::condition_variable initDone;
    int started = 0;
    std::string initError;
    for (int i = 0; i < std::max(1, workers); ++i) {
        threads_.emplace_back([this, &initMutex, &initDone, &started, &initError] {
            tesseract::TessBaseAPI text;
            const char* dir = tessdata_.empty() ? nullptr : tessdata_.c_str();
            bool ok = text.Init(dir, language_.c_str(), tesseract::OEM_LSTM_ONLY) == 0;
            if (ok) {
                // Keep spaces between CJK words out of the text, and no debug files.
                text.SetVariable("preserve_interword_spaces", "1");
                text.SetVariable("debug_file", "/dev/null");
                // No second, inverted pass over lines read with low confidence: certificates print
                // no light-on-dark text, and on a degraded scan that pass costs a quarter of the time.
                text.SetVariable("tessedit_do_invert", "0");
            }
            {
                std::lock_guard lock(initMutex);
                if (!ok) initError = "cannot load Tesseract language data \"" + language_ + "\" from " +
                                     (tessdata_.empty() ? std::string("the default tessdata directory") : tessdata_) +
                                     " (apt-get install tesseract-ocr-chi-sim)";
                ++started;
            }
            initDone.notify_all();
            if (!ok) return;
            for (;;) {
                std::function<void(tesseract::TessBaseAPI&)> job;
                {
                    std::unique_lock lock(mutex_);
                    ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
                    if (jobs_.empty()) return;
                    job = std::move(jobs_.front());
                    jobs_.pop();
                }
                job(text);
            }
        });
    }
    std::unique_lock lock(initMutex);
    initDone.wait(lock, [&] { return started == static_cast<int>(threads_.size()); });
    if (!initError.empty()) {
        lock.unlock();
        {
            std::lock_guard l(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        for (auto& t : threads_) t.join();
        throw std::runtime_error(initError);
    }
}

TesseractPool::~TesseractPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

void TesseractPool::submit(std::function<void(tesseract::TessBaseAPI&)> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push(std::move(job));
    }
    ready_.notify_one();
}

PageText TesseractPool::recognise(Pix* pix, int dpi, int thresholding) {
    return call<PageText>([pix, dpi, thresholding](tesseract::TessBaseAPI& api) {
        api.SetPageSegMode(tesseract::PSM_AUTO);
        api.SetVariable("tessedit_char_whitelist", "");
        api.SetVariable("thresholding_method", std::to_string(thresholding).c_str());
        api.SetImage(pix);
        api.SetSourceResolution(dpi);
        PageText page;
        if (api.Recognize(nullptr) != 0) return page;
        page.meanConfidence = static_cast<float>(api.MeanTextConf());
        std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
        if (!it) return page;
        TextLine line;
        bool open = false;
        do {
            if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
                if (open && !line.words.empty()) page.lines.push_back(std::move(line));
                line = TextLine{};
                open = true;
                int x1, y1, x2, y2;
                if (it->BoundingBox(tesseract::RIL_TEXTLINE, &x1, &y1, &x2, &y2)) line.box = {x1, y1, x2 - x1, y2 - y1};
                line.confidence = it->Confidence(tesseract::RIL_TEXTLINE);
            }
            std::unique_ptr<char[]> w(it->GetUTF8Text(tesseract::RIL_WORD));
            if (!w) continue;
            Word word;
            word.text = w.get();
            word.confidence = it->Confidence(tesseract::RIL_WORD);
            int x1, y1, x2, y2;
            if (it->BoundingBox(tesseract::RIL_WORD, &x1, &y1, &x2, &y2)) word.box = {x1, y1, x2 - x1, y2 - y1};
            appendWord(line.text, word.text);
            line.words.push_back(std::move(word));
        } while (it->Next(tesseract::RIL_WORD));
        if (open && !line.words.empty()) page.lines.push_back(std::move(line));
        api.Clear();
        return page;
    });
}

std::vector<Box> TesseractPool::layout(Pix* pix, int dpi, int thresholding) {
    return call<std::vector<Box>>([pix, dpi, thresholding](tesseract::TessBaseAPI& api) {
        api.SetPageSegMode(tesseract::PSM_AUTO);
        api.SetVariable("thresholding_method", std::to_string(thresholding).c_str());
        api.SetImage(pix);
        api.SetSourceResolution(dpi);
        std::vector<Box> boxes;
        std::unique_ptr<tesseract::PageIterator> it(api.AnalyseLayout());
        if (it) do {
                int x1, y1, x2, y2;
                if (it->BoundingBox(tesseract::RIL_TEXTLINE, &x1, &y1, &x2, &y2)) boxes.push_back({x1, y1, x2 - x1, y2 - y1});
            } while (it->Next(tesseract::RIL_TEXTLINE));
        api.Clear();
        return boxes;
    });
}

LineRead TesseractPool::readLine(Pix* pix, int dpi, const Box& region, const std::string& whitelist, int thresholding) {
    return call<LineRead>([pix, dpi, region, whitelist, thresholding](tesseract::TessBaseAPI& api) {
        api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
        api.SetVariable("tessedit_char_whitelist", whitelist.c_str());
        int before = 0;
        const bool other = api.GetIntVariable("thresholding_method", &before) && before != thresholding;
        if (other) api.SetVariable("thresholding_method", std::to_string(thresholding).c_str());
        api.SetImage(pix);
        api.SetSourceResolution(dpi);
        api.SetRectangle(region.x, region.y, region.w, region.h);
        LineRead r;
        std::unique_ptr<char[]> text(api.GetUTF8Text());
        if (text) {
            std::string words;
            std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
            if (it) do {
                    std::unique_ptr<char[]> w(it->GetUTF8Text(tesseract::RIL_WORD));
                    if (w) appendWord(words, w.get());
                } while (it->Next(tesseract::RIL_WORD));
            r.text = words;
            r.confidence = static_cast<float>(api.MeanTextConf());
        }
        api.SetVariable("tessedit_char_whitelist", "");
        if (other) api.SetVariable("thresholding_method", std::to_string(before).c_str());  // the engine's next caller reads as before
        api.Clear();
        return r;
    });
}

}  // namespace lgw::ocr
