#pragma once
// The gateway's Clock for tests: time the test advances, so that expiry, cooldowns and rate windows
// pass without sleeping. Wall and steady time move together. Running (the default) is real time
// plus the offset, for a whole gateway whose timers and sessions still tick; frozen (unit tests)
// moves only when the test says.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "gateway/services/clock.hpp"

namespace lgw::testing {

class FakeClock final : public gateway::Clock {
public:
    FakeClock() = default;
    /// A clock that stands at `unixMs` until advanced.
    static std::shared_ptr<FakeClock> frozenAt(std::int64_t unixMs) {
        auto c = std::make_shared<FakeClock>();
        c->frozen_ = true;
        c->offsetMs_ = unixMs;
        return c;
    }
    std::int64_t nowMs() const override {
        if (frozen_) return offsetMs_.load();
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count() +
               offsetMs_.load();
    }
    std::chrono::steady_clock::time_point steadyNow() const override {
        if (frozen_) return std::chrono::steady_clock::time_point(std::chrono::milliseconds(offsetMs_.load()));
        return std::chrono::steady_clock::now() + std::chrono::milliseconds(offsetMs_.load());
    }
    /// Moves both clocks forward by `d`.
    void advance(std::chrono::milliseconds d) { offsetMs_ += d.count(); }

private:
    bool frozen_ = false;
    std::atomic<std::int64_t> offsetMs_{0};
};

}  // namespace lgw::testing
