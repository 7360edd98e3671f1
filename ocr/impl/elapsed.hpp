#pragma once
// Milliseconds since a steady-clock instant: the stage timings a result reports and the trace's.
#include <chrono>

namespace lgw::ocr::impl {

using SteadyClock = std::chrono::steady_clock;

inline int msSince(SteadyClock::time_point t) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t).count());
}

}  // namespace lgw::ocr::impl
