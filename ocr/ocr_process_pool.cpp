#include "ocr/ocr_process_pool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cstring>
#include <filesystem>

#include "ocr/impl/frame_io.hpp"

extern char** environ;

namespace lgw::ocr {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

std::string describeExit(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (!WIFSIGNALED(status)) return "stopped";
    switch (int sig = WTERMSIG(status)) {
        case SIGABRT: return "aborted (an assertion in Leptonica or Tesseract)";
        case SIGSEGV: return "crashed (segmentation fault)";
        case SIGBUS: return "crashed (bus error)";
        case SIGFPE: return "crashed (arithmetic fault)";
        case SIGXCPU: return "used up the CPU time one scan may take";
        case SIGKILL: return "was killed";
        default: return std::string("died of signal ") + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
    }
}

ScanError unreadable(const std::string& what) {
    return ScanError{422, "unreadable_image",
                     "the page could not be read: " + what +
                         "; scan the page again (flat, whole, at 300 DPI) or enter its fields by hand"};
}

ScanError unavailable(const std::string& what) { return ScanError{503, "ocr_unavailable", what}; }

}  // namespace

std::string defaultWorkerBinary() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return "lgw-ocr-worker";
    return (self.parent_path() / "lgw-ocr-worker").string();
}

OcrProcessPool::OcrProcessPool(OcrProcessOptions options)
    : options_(std::move(options)), slots_(static_cast<std::size_t>(std::max(1, options_.workers))) {
    supervisor_ = std::thread([this] { supervise(); });
}

OcrProcessPool::~OcrProcessPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    supervisor_.join();
    for (auto& s : slots_) retire(s, nullptr);
}

std::uint64_t OcrProcessPool::replacedWorkers() const {
    std::lock_guard lock(mutex_);
    return replaced_;
}

int OcrProcessPool::readyWorkers() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(slots_.begin(), slots_.end(), [](auto& s) { return s.state == State::kIdle; }));
}

std::string OcrProcessPool::lastStartError() const {
    std::lock_guard lock(mutex_);
    return lastStartError_;
}

void OcrProcessPool::note(const std::string& event) const {
    if (options_.log) options_.log(event);
}

std::string OcrProcessPool::retire(Slot& slot, const char* killReason) {
    if (slot.fd >= 0) ::close(slot.fd);  // an idle worker reads EOF and exits by itself
    slot.fd = -1;
    if (slot.pid <= 0) return "was not running";
    int status = 0;
    pid_t done = 0;
    if (!killReason) {
        // It closed its end or was told to go: give it a moment to finish exiting on its own.
        for (int i = 0; i < 50 && (done = ::waitpid(slot.pid, &status, WNOHANG)) == 0; ++i)
            std::this_thread::sleep_for(10ms);
    }
    if (done == 0) {
        ::kill(slot.pid, SIGKILL);
        done = ::waitpid(slot.pid, &status, 0);
    }
    slot.pid = -1;
    if (done < 0) return "vanished";
    std::string how = describeExit(status);
    if (killReason && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) how = killReason;
    return how;
}

bool OcrProcessPool::start(Slot& slot, std::string& why) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        why = std::string("cannot make the OCR worker's socket: ") + std::strerror(errno);
        return false;
    }
    std::vector<std::string> args{options_.workerBinary,
                                  "--language",
                                  options_.language,
                                  "--tessdata",
                                  options_.tessdataDir,
                                  "--memory-mb",
                                  std::to_string(options_.memoryLimitMb),
                                  "--cpu-seconds",
                                  std::to_string(options_.cpuSecondsPerScan),
                                  "--parent",
                                  std::to_string(::getpid())};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Tesseract is several times slower unless OpenMP is held to one thread from the process's start.
    std::vector<std::string> envStore{"OMP_THREAD_LIMIT=1"};
    for (char** e = environ; e && *e; ++e)
        if (std::strncmp(*e, "OMP_THREAD_LIMIT=", 17) != 0) envStore.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& e : envStore) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);  // the socket is the worker's stdin (both ways)
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);  // nothing it prints reaches the protocol
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);  // none of the gateway's sockets, files or keys
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, options_.workerBinary.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(sv[1]);
    if (rc != 0) {
        ::close(sv[0]);
        why = "cannot start the OCR worker " + options_.workerBinary + ": " + std::strerror(rc);
        return false;
    }
    slot.pid = pid;
    slot.fd = sv[0];
    impl::FrameError err;
    auto hello = impl::readFrame(slot.fd, kMaxJobFrame, Clock::now() + std::chrono::milliseconds(options_.startTimeoutMs),
                                 err);
    if (!hello) {
        bool late = err == impl::FrameError::kTimedOut;
        std::string how = retire(slot, late ? "was killed" : nullptr);
        why = late ? "the OCR worker did not become ready within " + std::to_string(options_.startTimeoutMs) + " ms"
                   : "the OCR worker " + how + " while starting";
        return false;
    }
    boost::system::error_code ec;
    auto v = json::parse(*hello, ec);
    if (!ec && v.is_object()) {
        if (auto* f = v.as_object().if_contains("fatal"); f && f->is_string()) {
            why = std::string(f->as_string());
            retire(slot, nullptr);
            return false;
        }
        if (auto* r = v.as_object().if_contains("ready"); r && r->is_bool() && r->as_bool()) return true;
    }
    retire(slot, "was stopped");
    why = "the OCR worker answered something other than ready when it started";
    return false;
}

void OcrProcessPool::supervise() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        Slot* due = nullptr;
        auto next = Clock::time_point::max();
        const auto now = Clock::now();
        for (auto& s : slots_) {
            if (s.state != State::kDown) continue;
            if (s.retryAt <= now) {
                due = &s;
                break;
            }
            next = std::min(next, s.retryAt);
        }
        if (!due) {
            if (next == Clock::time_point::max())
                changed_.wait(lock);
            else
                changed_.wait_until(lock, next);
            continue;
        }
        due->state = State::kStarting;
        lock.unlock();
        std::string why;
        bool ok = start(*due, why);
        lock.lock();
        if (ok) {
            due->state = State::kIdle;
            due->failedStarts = 0;
        } else {
            due->state = State::kDown;
            ++due->failedStarts;
            // 1 s, 2 s, 4 s … 30 s between tries: a broken installation is not retried in a tight loop.
            due->retryAt = Clock::now() + std::min<std::chrono::milliseconds>(
                                              30s, std::chrono::milliseconds(1000L << std::min(due->failedStarts - 1, 5)));
            lastStartError_ = why;
            note("OCR worker cannot start (retrying): " + why);
        }
        changed_.notify_all();
    }
    for (auto& s : slots_)
        if (s.state == State::kIdle || s.state == State::kDown) s.state = State::kStopped;
}

ScanOutcome OcrProcessPool::read(const OcrJob& job, std::string_view image) {
    const std::string jobFrame = encodeJob(job);
    // A worker found dead when the job is handed over (killed while idle) costs this scan nothing:
    // the job goes to another one.
    for (int attempt = 0; attempt < 2; ++attempt) {
        Slot* slot = nullptr;
        {
            std::unique_lock lock(mutex_);
            const auto queueDeadline = Clock::now() + std::chrono::milliseconds(options_.queueTimeoutMs);
            for (;;) {
                if (stopping_) return unavailable("the gateway is shutting down; retry on another instance");
                for (auto& s : slots_)
                    if (s.state == State::kIdle) {
                        slot = &s;
                        break;
                    }
                if (slot) break;
                bool anyComing = std::any_of(slots_.begin(), slots_.end(), [](auto& s) {
                    return s.state == State::kStarting || s.state == State::kBusy;
                });
                if (!anyComing && !lastStartError_.empty())
                    return unavailable("the OCR engines cannot start: " + lastStartError_);
                if (changed_.wait_until(lock, queueDeadline) == std::cv_status::timeout)
                    return unavailable("every OCR worker stayed busy for " + std::to_string(options_.queueTimeoutMs / 1000) +
                                       " s; retry shortly");
            }
            slot->state = State::kBusy;
        }
        const auto deadline = Clock::now() + std::chrono::milliseconds(options_.scanTimeoutMs);
        bool handedOver = impl::writeFrame(slot->fd, jobFrame, deadline);
        handedOver = handedOver && impl::writeFrame(slot->fd, image, deadline);
        std::optional<std::string> answer;
        impl::FrameError err = impl::FrameError::kNone;
        if (handedOver) answer = impl::readFrame(slot->fd, kMaxOutcomeFrame + 16, deadline, err);
        std::optional<ScanOutcome> outcome;
        std::string why;
        bool retireAfter = false;
        if (answer) outcome = decodeOutcome(*answer, why, &retireAfter);
        if (outcome && !retireAfter) {
            std::lock_guard lock(mutex_);
            slot->state = State::kIdle;
            changed_.notify_all();
            return std::move(*outcome);
        }
        // The worker is done for: it asked to go, died, overran its time or spoke nonsense.
        const bool late = !answer && (err == impl::FrameError::kTimedOut || Clock::now() >= deadline);
        const bool nonsense = (answer && !outcome) || err == impl::FrameError::kTooLarge;
        std::string how = retire(*slot, late       ? "was stopped at the scan's deadline"
                                        : nonsense ? "was stopped"
                                                   : nullptr);
        {
            std::lock_guard lock(mutex_);
            slot->state = State::kDown;
            slot->retryAt = Clock::now();
            ++replaced_;
            changed_.notify_all();
        }
        if (outcome) return std::move(*outcome);  // answered, then retired
        if (late) {
            note("OCR worker passed the deadline of " + std::to_string(options_.scanTimeoutMs) + " ms and " + how +
                 "; replaced");
            return unreadable("reading it took longer than " + std::to_string(options_.scanTimeoutMs / 1000) + " s");
        }
        if (nonsense) {
            note("OCR worker answered a malformed outcome (" + (why.empty() ? std::string("frame too large") : why) +
                 ") and " + how + "; replaced");
            return unreadable("the OCR engine gave no usable answer for it");
        }
        if (!handedOver && attempt == 0) {
            note("OCR worker was gone before the job reached it (" + how + "); replaced, job handed to another");
            continue;
        }
        note("OCR worker " + how + " while reading a scan; replaced");
        return unreadable("the OCR engine " + how + " while reading it");
    }
    return unavailable("no OCR worker could take the scan; retry shortly");
}

}  // namespace lgw::ocr
