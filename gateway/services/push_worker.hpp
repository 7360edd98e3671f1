#pragma once
// Delivers queued packages to the marketing system (API.md section 4), exactly once per package
// as the receiver sees it: rows are claimed from the store's outbox with a lease (a worker that
// dies mid-delivery loses its lease and the row is taken again; the receiver de-duplicates by
// Idempotency-Key), each document goes inline as a copy watermarked for this push, and the outcome
// settles the row: delivered; retry with exponential backoff, full jitter and a cap; or dead_letter
// with the reason once rejected or out of attempts. Every step is an audit event.
#include <boost/asio/awaitable.hpp>

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "adapters/blob/document_vault.hpp"
#include "adapters/marketing/marketing_system.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

class PushWorker {
public:
    PushWorker(Services& services, Auditor& auditor, adapters::blob::DocumentVault& vault,
               adapters::marketing::MarketingSystem& marketing);
    /// One pass: claims due rows and delivers them; returns how many were settled.
    boost::asio::awaitable<int> tick();
    /// Ticks every marketing.poll_interval_ms until the server stops.
    boost::asio::awaitable<void> run();
    const std::string& owner() const { return owner_; }
    /// Cuts the current pause short: a push just queued a row. Thread-safe.
    void wake();

private:
    boost::asio::awaitable<void> deliver(store::OutboxEntry row);
    std::int64_t backoffMs(int attempts);

    Services& s_;
    Auditor& auditor_;
    adapters::blob::DocumentVault& vault_;
    adapters::marketing::MarketingSystem& marketing_;
    std::string owner_;  ///< this worker's lease name
    std::shared_ptr<boost::asio::steady_timer> timer_;  ///< the pause of run(), once it runs
    std::atomic<bool> woken_{false};
};

}  // namespace lgw::gateway
