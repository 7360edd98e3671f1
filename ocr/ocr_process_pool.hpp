#pragma once
// Front-desk scans are read in worker processes, never in the gateway's own: Leptonica and
// Tesseract decode untrusted images and abort the process on some of them (asserts, not
// exceptions). The pool starts `workers` copies of lgw-ocr-worker (each one Tesseract engine),
// supervises them and replaces one that dies; each runs under memory and core-dump limits and a
// CPU limit per scan (setrlimit), and the pool kills one that passes the scan's deadline. A scan
// whose worker died answers 422 unreadable_image; the gateway lives on.
// Blocking: call read() from a thread of its own (the scan route's OCR threads), not an I/O thread.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ocr/scan_wire.hpp"

namespace lgw::ocr {

struct OcrProcessOptions {
    std::string workerBinary;        ///< the lgw-ocr-worker executable
    int workers = 1;
    std::string language = "chi_sim";
    std::string tessdataDir;         ///< "" = Tesseract's default
    long memoryLimitMb = 3072;       ///< address space of one worker (RLIMIT_AS); 0: none
    int cpuSecondsPerScan = 60;      ///< CPU one scan may use (RLIMIT_CPU); the kernel stops the worker past it
    int scanTimeoutMs = 90000;       ///< wall time one scan may take, queueing excluded
    int startTimeoutMs = 60000;      ///< a worker loading its language data
    int queueTimeoutMs = 60000;      ///< a scan waiting for a free worker
    /// Told of every worker that died, was killed or cannot start (a line for the log). Any thread.
    std::function<void(const std::string&)> log;
};

class OcrProcessPool {
public:
    /// Starts the supervisor, which starts the workers in the background. Never throws for a
    /// worker that cannot start: read() answers 503 ocr_unavailable with the reason.
    explicit OcrProcessPool(OcrProcessOptions options);
    /// Stops the workers (their sockets close; the stragglers are killed) and the supervisor.
    ~OcrProcessPool();
    OcrProcessPool(const OcrProcessPool&) = delete;
    OcrProcessPool& operator=(const OcrProcessPool&) = delete;

    /// Reads `image` in a free worker. Errors as values: the worker's own 415/422 for the page;
    /// 422 unreadable_image when the worker died, ran out of memory or CPU, passed the deadline or
    /// answered nonsense (it is replaced); 503 ocr_unavailable when no worker can start (the reason
    /// says why) or none came free within the queue timeout. Thread-safe.
    ScanOutcome read(const OcrJob& job, std::string_view image);

    /// Workers that died or were killed and were replaced, since start.
    std::uint64_t replacedWorkers() const;
    /// Workers ready for a scan right now.
    int readyWorkers() const;
    /// Why the last worker that failed to start did not, "" when none failed.
    std::string lastStartError() const;

private:
    enum class State { kDown, kStarting, kIdle, kBusy, kStopped };
    struct Slot {
        State state = State::kDown;
        pid_t pid = -1;
        int fd = -1;
        std::chrono::steady_clock::time_point retryAt{};
        int failedStarts = 0;
    };
    void supervise();
    bool start(Slot& slot, std::string& why);  // without the lock: the slot is kStarting, no one else's
    /// Closes the worker's socket and reaps it: killed at once when `killReason` is given (what to
    /// call that), else given half a second to exit first. How it ended, for the log.
    std::string retire(Slot& slot, const char* killReason);
    void note(const std::string& event) const;

    OcrProcessOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Slot> slots_;
    bool stopping_ = false;
    std::uint64_t replaced_ = 0;
    std::string lastStartError_;
    std::thread supervisor_;
};

/// The worker binary next to the running executable ("<dir of /proc/self/exe>/lgw-ocr-worker").
std::string defaultWorkerBinary();

}  // namespace lgw::ocr
