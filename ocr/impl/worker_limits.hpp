#pragma once
// The limits an OCR worker process puts on itself, right after it starts and before each scan.
// Shared by lgw-ocr-worker and the tests' fake worker, so that the tests exercise these very calls.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace lgw::ocr::impl {

/// The command line OcrProcessPool starts a worker with.
struct WorkerArgs {
    std::string language = "chi_sim", tessdata;
    long memoryMb = 0;
    long cpuSeconds = 60;
    long parent = 0;
};

inline bool parseWorkerArgs(int argc, char** argv, WorkerArgs& a) {
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--language") a.language = v;
        else if (k == "--tessdata") a.tessdata = v;
        else if (k == "--memory-mb") a.memoryMb = std::atol(v.c_str());
        else if (k == "--cpu-seconds") a.cpuSeconds = std::atol(v.c_str());
        else if (k == "--parent") a.parent = std::atol(v.c_str());
        else return false;
    }
    return argc % 2 == 1;
}

/// Dies with the gateway (SIGKILL when the thread that started it ends); false when the parent is
/// already gone, before this call could take effect.
inline bool bindToParent(long parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    return parent <= 0 || ::getppid() == static_cast<pid_t>(parent);
}

/// Memory: the address space (a decompression bomb or a runaway engine gets bad_alloc, or a null
/// from Leptonica, instead of the machine's memory). No core dumps: they would hold a customer's
/// ID card. `memoryMb` 0: no memory limit.
inline void limitWorker(long memoryMb) {
    rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer reserves terabytes of shadow address space: an RLIMIT_AS would stop it at start.
    (void)memoryMb;
#else
    if (memoryMb > 0) {
        rlim_t bytes = static_cast<rlim_t>(memoryMb) * 1024 * 1024;
        rlimit as{bytes, bytes};
        ::setrlimit(RLIMIT_AS, &as);
    }
#endif
}

/// Whether limitWorker() limits memory in this build (not under AddressSanitizer).
inline constexpr bool kMemoryLimited =
#if defined(__SANITIZE_ADDRESS__)
    false;
#else
    true;
#endif

/// CPU: the soft limit becomes the CPU used so far plus one scan's budget; the kernel sends SIGXCPU
/// (which ends the process) to a scan that overruns it, and the pool replaces the worker. Only the
/// soft limit moves: the hard one, once lowered, could not be raised for the next scan.
inline void allowCpuForOneScan(long seconds) {
    if (seconds <= 0) return;
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    rlim_t used = static_cast<rlim_t>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1);
    rlimit cur{};
    ::getrlimit(RLIMIT_CPU, &cur);
    rlimit next{used + static_cast<rlim_t>(seconds), cur.rlim_max};
    if (cur.rlim_max != RLIM_INFINITY && next.rlim_cur > cur.rlim_max) next.rlim_cur = cur.rlim_max;
    ::setrlimit(RLIMIT_CPU, &next);
}

}  // namespace lgw::ocr::impl
