#pragma once
// The gateway's Clock for tests: real time plus an offset the test advances, so that expiry,
// cooldowns and rate windows pass without sleeping. Wall and steady time move together.
#include <atomic>
#include <chrono>
#include <cstdint>

#include "gateway/services/clock.hpp"

namespace lgw::testing {

class FakeClock final : public gateway::Clock {
public:
    std::int64_t nowMs() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count() +
               offsetMs_.load();
    }
    std::chrono::steady_clock::time_point steadyNow() const override {
        return std::chrono::steady_clock::now() + std::chrono::milliseconds(offsetMs_.load());
    }
    /// Moves both clocks forward by `d`.
    void advance(std::chrono::milliseconds d) { offsetMs_ += d.count(); }

private:
    std::atomic<std::int64_t> offsetMs_{0};
};

}  // namespace lgw::testing
