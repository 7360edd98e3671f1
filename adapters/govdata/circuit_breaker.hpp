#pragma once
// A circuit breaker: after `threshold` consecutive failures it opens and refuses calls for
// `cooldown`; then it lets one trial call through (half-open) and closes on its success or opens
// again on its failure. Thread-safe; time is passed in so tests need no sleeps.
#include <chrono>
#include <mutex>

namespace lgw::adapters::govdata {

class CircuitBreaker {
public:
    using Clock = std::chrono::steady_clock;
    enum class State { kClosed, kOpen, kHalfOpen };

    CircuitBreaker(int threshold, std::chrono::milliseconds cooldown) : threshold_(threshold), cooldown_(cooldown) {}

    /// May a call go out now? In half-open state only one trial at a time.
    bool allow(Clock::time_point now) {
        std::lock_guard lock(mutex_);
        if (state_ == State::kOpen && now >= openedAt_ + cooldown_) {
            state_ = State::kHalfOpen;
            trialInFlight_ = false;
        }
        if (state_ == State::kOpen) return false;
        if (state_ == State::kHalfOpen) {
            if (trialInFlight_) return false;
            trialInFlight_ = true;
        }
        return true;
    }
    void onSuccess() {
        std::lock_guard lock(mutex_);
        failures_ = 0;
        state_ = State::kClosed;
        trialInFlight_ = false;
    }
    void onFailure(Clock::time_point now) {
        std::lock_guard lock(mutex_);
        ++failures_;
        if (state_ == State::kHalfOpen || failures_ >= threshold_) {
            state_ = State::kOpen;
            openedAt_ = now;
            trialInFlight_ = false;
        }
    }
    State state() const {
        std::lock_guard lock(mutex_);
        return state_;
    }
    int consecutiveFailures() const {
        std::lock_guard lock(mutex_);
        return failures_;
    }

private:
    mutable std::mutex mutex_;
    const int threshold_;
    const std::chrono::milliseconds cooldown_;
    State state_ = State::kClosed;
    int failures_ = 0;
    bool trialInFlight_ = false;
    Clock::time_point openedAt_{};
};

inline const char* toString(CircuitBreaker::State s) {
    switch (s) {
        case CircuitBreaker::State::kClosed: return "closed";
        case CircuitBreaker::State::kOpen: return "open";
        case CircuitBreaker::State::kHalfOpen: return "half_open";
    }
    return "closed";
}

}  // namespace lgw::adapters::govdata
