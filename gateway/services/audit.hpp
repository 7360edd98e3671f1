#pragma once
// Records audit events through the store's hash-chained, gap-free log. An event's hash is the
// SHA-256 of its canonical JSON, which includes the previous event's hash. Events never hold
// document content, codes or full phone numbers.
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "adapters/store/store.hpp"
#include "security/audit_chain.hpp"
#include "security/signature.hpp"
#include "gateway/http/blocking.hpp"
#include "gateway/http/metrics.hpp"
#include "gateway/services/actor.hpp"
#include "gateway/services/clock.hpp"
#include "security/audit_detail.hpp"

namespace lgw::gateway {

// The chain's canonical form, hashes and verification are security's (security/audit_chain.hpp);
// the routes and the command line name them from here.
using security::auditHash;
using security::auditHashMatches;
using security::auditHashSm3;
using security::canonicalAuditEvent;
using security::ChainVerdict;
using security::ChainVerifier;
using security::checkpointMessage;
using security::exportCheckpointLine;
using security::exportTrailerLine;
using security::ExportTrailer;
using security::exportEventLine;
using security::exportHeaderLine;
using security::verifyExport;

/// An event of `action` by `who` on `target` (of application `app`), with its outcome and detail.
store::AuditEvent actorEvent(const Actor& who, std::string action, std::string target, std::string app,
                             std::string outcome, const security::AuditDetail& detail = {});

/// The hasher of a deployment.
store::AuditHasher auditHasher(bool national);

class Auditor {
public:
    /// With a signing key, a signed checkpoint (seq, head hash) is written every `checkpointEvery`
    /// events, so that cutting events off the end of the log is detected.
    /// `clock` stamps events and checkpoints: the one the services use (a FakeClock in tests).
    Auditor(store::AuditLog& log, BlockingPool& blocking, Metrics& metrics, std::shared_ptr<const Clock> clock,
            std::optional<security::PrivateKey> signingKey = std::nullopt, int checkpointEvery = 100,
            store::AuditHasher hasher = &auditHash);
    /// Appends on the blocking pool. An alert also goes to the warning log and lgw_alerts_total.
    /// Throws adapters::AuditUnavailable (503 audit_unavailable) when the event cannot be written.
    boost::asio::awaitable<store::AuditEvent> record(store::AuditEvent event);
    /// The store operation `action` and its event in one transaction, on the blocking pool: both
    /// commit or neither (store::AuditLog::appendAuditWith). Group commit: the records that arrive
    /// while one group is being written wait in a queue, and the first of them writes them all as
    /// the next group (store::AuditLog::appendAuditGroup: one transaction and one disk flush on
    /// SQLite), each entry in a savepoint of its own; a caller resumes once its group is durable.
    /// One pool thread writes at a time, whatever the number of callers. nullopt when the action found nothing
    /// to do (returned false). The action may complete the event (outcome, detail, application,
    /// subject as the raw code: it is referenced after the action). Throws adapters::AuditUnavailable when the event cannot be written:
    /// the action did not happen either.
    boost::asio::awaitable<std::optional<store::AuditEvent>> recordWith(store::AuditEvent event, store::AuditedAction action);
    /// Signs a checkpoint at the current head now (blocking; call on the pool). Returns it, or
    /// nullopt when the log is empty or there is no key. With `reuse`, the last checkpoint this
    /// gateway signed is returned unchanged while it still covers the head, so that an export or a
    /// time-stamp pass does not re-sign the checkpoint that was just time-stamped.
    std::optional<store::AuditCheckpoint> checkpointNow(bool reuse = true);
    std::optional<security::PublicKey> publicKey() const;
    /// An export's trailer signed with the audit key (its signature left empty without one).
    security::ExportTrailer signTrailer(security::ExportTrailer trailer) const;
    /// The highest seq this gateway has recorded or found at start: a chain that ends before it
    /// was cut. Thread-safe.
    std::int64_t highestSeq() const { return highestSeq_.load(); }
    int checkpointEvery() const { return every_; }

    /// From now on an event's `subject` (a credit code or ID number) is stored as its keyed
    /// reference (security::subjectReference): the export holds no complete code, and a search by
    /// the code still finds its events. Call once, before the first record.
    void referenceSubjectsWith(std::string key);
    /// The form under which `code` is stored: its reference, or the code itself without a key.
    std::string subjectReference(std::string_view code) const;

private:
    struct Pending;
    /// Queues `p`; true when no group is being written, so that this caller writes the next one.
    bool enqueue(const std::shared_ptr<Pending>& p);
    /// Writes the queue's oldest entries as one group (on the pool), wakes their callers, and hands
    /// the writing of the next group to the oldest caller still waiting, if any.
    void writeGroup();
    store::AuditLog& store_;
    BlockingPool& blocking_;
    Metrics& metrics_;
    std::optional<security::PrivateKey> key_;
    int every_;
    store::AuditHasher hasher_;
    std::atomic<std::int64_t> lastCheckpoint_{0};
    std::mutex lastMutex_;
    std::optional<store::AuditCheckpoint> last_;  ///< guarded by lastMutex_
    std::atomic<std::int64_t> highestSeq_{0};
    std::string subjectKey_;
    std::shared_ptr<const Clock> clock_;
    std::mutex queueMutex_;
    std::vector<std::shared_ptr<Pending>> queue_;  ///< guarded by queueMutex_, oldest first
    bool writing_ = false;                          ///< guarded by queueMutex_: a group is being written
};

}  // namespace lgw::gateway
