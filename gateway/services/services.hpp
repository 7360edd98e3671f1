#pragma once
// What route handlers may use. Owned by App; handlers hold a pointer for the server's lifetime.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/store/store.hpp"
#include "config/config.hpp"
#include "security/access_policy.hpp"
#include "security/spread_spectrum_mark.hpp"
#include "gateway/http/blocking.hpp"
#include "gateway/http/metrics.hpp"
#include "gateway/services/clock.hpp"

namespace lgw::gateway {

// The access policy is security's (security/access_policy.hpp); the services name it as their own.
using security::AccessDecision;
using security::AccessPolicy;
using security::ResourceFacts;

/// Why a kind of work waits for now, and when to try again (Retry-After).
struct Refusal {
    std::string reason;
    std::int64_t retryAfterS = 0;
};

struct Services {
    const config::Config& config;
    store::Store& store;
    BlockingPool& blocking;
    Metrics& metrics;
    /// Loads the key material afresh; "" when usable, else the reason. Blocking: call on the pool.
    std::function<std::string()> checkKeys;
    /// The one clock (wall and steady); a FakeClock in tests.
    std::shared_ptr<const Clock> clock;
    /// The government platform client's circuit state (closed, open, half_open), for /readyz.
    std::function<std::string()> govCircuitState = [] { return std::string("n/a"); };
    /// Who may do what ([access] of the config, or the defaults).
    std::shared_ptr<const AccessPolicy> access = std::make_shared<AccessPolicy>(config::AccessConfig{});
    /// The key of the copies' invisible mark, derived from [keys] watermark_secret_file by the App.
    security::MarkKey markKey{};
    /// With audit.tsa.on_stale = "refuse": why new consents and fetches wait while the audit trail
    /// has no fresh time-stamp (gateway/services/audit_timestamps); nullopt, or unset, otherwise.
    std::function<std::optional<Refusal>()> timestampRefusal;

    /// Wall time in Unix milliseconds, from the clock.
    std::int64_t nowMs() const { return clock->nowMs(); }
};

}  // namespace lgw::gateway
