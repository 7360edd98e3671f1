#pragma once
// RFC 3161 time-stamps on the audit trail's checkpoints (API.md section 5, UPSTREAMS.md
// "Time-stamping authority"): a pass every interval signs a checkpoint at the head of the log
// when no token covers it yet, has the TSA stamp it, and keeps the token with the checkpoint. A
// token covers every event up to its checkpoint (the chain links them), so one per pass is enough.
//
// A failing stamp is logged, counted and, the first time after a success, recorded as an
// audit.timestamp_failed alert. Stale: events exist that no token covers, and the last time the trail was covered (a token kept,
// or a pass that found nothing new) is longer ago than audit.tsa.max_age_s. Then an alert is
// recorded once, and with audit.tsa.on_stale = "refuse" new consents and fetches are refused
// (503 timestamping_unavailable) until a time-stamp succeeds — X-Road's rule for its message log.
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/tsa/time_stamp_authority.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

class AuditTimestamper {
public:
    struct Options {
        std::int64_t maxAgeMs = 3600000;
        bool refuseWhenStale = false;  ///< on_stale = "refuse"
    };
    /// Reads which checkpoint carries the newest token (blocking: construct before serving).
    AuditTimestamper(Services& services, Auditor& auditor, adapters::tsa::TimeStampAuthority& tsa, Options options);

    /// A pass now, then one every intervalMs(), until cancelled.
    boost::asio::awaitable<void> run();
    /// One pass: 1 when a token was kept, 0 when there was nothing to stamp or the stamp failed
    /// (logged, counted, and the alert raised once stale).
    boost::asio::awaitable<int> pass();

    /// A quarter of max_age_s, between 250 ms and 60 s: a stale trail is noticed well within it.
    std::int64_t intervalMs() const;
    /// Thread-safe.
    bool stale() const;
    /// With on_stale = "refuse" and a stale trail: what to tell the caller, and to retry after the
    /// next pass. Thread-safe.
    std::optional<Refusal> refusal() const;

private:
    boost::asio::awaitable<int> failed(std::string why);
    boost::asio::awaitable<void> resumed();
    void covered();
    std::string lastError() const;

    Services& s_;
    Auditor& auditor_;
    adapters::tsa::TimeStampAuthority& tsa_;
    Options o_;
    std::atomic<std::int64_t> stampedSeq_{0};
    std::atomic<std::int64_t> coveredAtMs_{0};
    std::atomic<bool> alerted_{false};         ///< audit.timestamp_stale recorded
    std::atomic<bool> failingAlerted_{false};  ///< audit.timestamp_failed recorded
    bool resign_ = false;  ///< the last kept token found its checkpoint signed again: sign afresh
    mutable std::mutex mutex_;
    std::string lastError_;
};

}  // namespace lgw::gateway
