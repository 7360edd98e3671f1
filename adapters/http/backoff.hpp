#pragma once
// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
// the wait before retry `attempt` (0 for the first retry) is uniform in [0, min(cap, base * 2^attempt)].
// The government platform client, the SMS sender and the push worker all wait this way.
#include <algorithm>
#include <cstdint>
#include <random>

namespace lgw::adapters::http {

/// Milliseconds to wait; thread-safe (one generator per thread).
inline std::int64_t fullJitterBackoffMs(int attempt, std::int64_t baseMs, std::int64_t capMs) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const std::int64_t ceiling = std::min<std::int64_t>(capMs, baseMs << std::clamp(attempt, 0, 30));
    return std::uniform_int_distribution<std::int64_t>(0, std::max<std::int64_t>(0, ceiling))(rng);
}

}  // namespace lgw::adapters::http
