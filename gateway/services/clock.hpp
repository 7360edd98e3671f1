#pragma once
// The one clock of the gateway (STYLE.md: time comes from one injected clock). Wall time stamps
// events, expiries, rate windows and reminders; steady time measures durations that must not jump
// with the wall clock (the circuit breaker's cooldown). Tests inject tests/common/fake_clock.hpp
// and move time forward instead of sleeping.
#include <chrono>
#include <cstdint>

namespace lgw::gateway {

class Clock {
public:
    virtual ~Clock() = default;
    /// Wall time in Unix milliseconds. Thread-safe.
    virtual std::int64_t nowMs() const = 0;
    /// Monotonic time. Thread-safe; advances with nowMs() in a fake.
    virtual std::chrono::steady_clock::time_point steadyNow() const = 0;
};

/// The system's clocks.
class SystemClock final : public Clock {
public:
    std::int64_t nowMs() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    std::chrono::steady_clock::time_point steadyNow() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace lgw::gateway
