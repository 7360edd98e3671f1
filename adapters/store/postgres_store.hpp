#pragma once
#include <memory>
#include <optional>
#include <string>

#include "adapters/store/store.hpp"

namespace lgw::store {

namespace pg {
class Pool;
}

struct PostgresOptions {
    std::string conninfo;          ///< libpq connection string or postgresql:// URL (may hold a password)
    std::string schema = "public"; ///< tables live here; created if missing
    int poolSize = 8;
    /// Bounds on every wait once migrated (0: none): statement_timeout and lock_timeout of each
    /// session, and how long a call waits for a free connection. Each answers TransientError.
    int statementTimeoutMs = 5000;
    int lockTimeoutMs = 3000;
    int poolAcquireTimeoutMs = 3000;
    /// A pooled connection idle this long is pinged before reuse (0: only after a sibling was lost).
    int idleCheckMs = 1000;
};

/// PostgreSQL implementation, for several gateway instances sharing one database. Everything that
/// must happen once is decided by the database, not by process memory: row locks (FOR UPDATE) for
/// consents, grants and rate limits, FOR UPDATE SKIP LOCKED for outbox claims and due reminders, a
/// transaction-scoped advisory lock serialising audit appends (seq is also the primary key), and
/// unique keys for reminders and the outbox. Migrations run under an advisory lock, so instances
/// starting together migrate once. Calls block: use the blocking pool. Thread-safe.
class PostgresStore final : public Store {
public:
    /// Connects the pool and migrates. Throws std::runtime_error saying what failed (never the
    /// connection string).
    explicit PostgresStore(PostgresOptions options);
    ~PostgresStore() override;
    PostgresStore(const PostgresStore&) = delete;
    PostgresStore& operator=(const PostgresStore&) = delete;

    static int schemaVersion();
    /// The connection pool, shared with the document blob table (adapters/blob/postgres_blob_vault).
    pg::Pool& pool() { return *pool_; }

    bool ping() override;
    bool upsertApplication(const Application& app) override;
    bool insertApplication(const Application& app) override;
    std::optional<Application> application(const std::string& id) override;
    void insertConsent(const Consent& consent) override;
    std::optional<Consent> consent(const std::string& id) override;
    ResendOutcome replaceConsentCode(const std::string& id, const std::string& codeHmac, Millis codeExpiresAt,
                                     Millis resendAfter, Millis now, int maxResends) override;
    VerifyResult verifyConsentCode(const std::string& id, const std::string& presentedHmac, Millis now, int maxAttempts,
                                   Grant grant) override;
    ConsumeResult consumeGrant(const std::string& idHash, const std::string& caller,
                               const std::optional<std::string>& applicationId, Millis now) override;
    bool releaseGrant(const std::string& idHash, Millis usedAt) override;
    void insertDocument(const DocumentMeta& doc) override;
    void insertLicenceDocument(const DocumentMeta& doc, const LicenceRecord& licence) override;
    std::optional<DocumentMeta> document(const std::string& id) override;
    std::vector<DocumentMeta> documentsOf(const std::string& applicationId) override;
    std::optional<LicenceRecord> licence(const std::string& documentId) override;
    bool updateDocumentFields(const std::string& id, const std::string& fieldsJson) override;
    bool rewrapDocumentKey(const std::string& id, std::uint32_t oldVersion, std::uint32_t newVersion,
                           const std::string& wrappedKey) override;
    std::vector<DocumentMeta> documentsWrappedBelow(std::uint32_t version, int limit) override;
    std::vector<std::string> documentsCreatedBefore(Millis cutoff, int limit) override;
    std::vector<std::string> documentsExpiredBy(Millis now, int limit) override;
    bool purgeDocument(const std::string& id, Millis now) override;
    std::vector<ReviewCandidate> scansAwaitingReview(int limit) override;
    AuditEvent appendAudit(AuditEvent event, const AuditHasher& hasher) override;
    std::optional<AuditEvent> appendAuditWith(AuditEvent event, const AuditHasher& hasher,
                                              const AuditedAction& action) override;
    void appendAuditGroup(const std::vector<AuditAppend*>& group) override;
    std::vector<AuditEvent> auditEvents(const AuditFilter& filter) override;
    std::vector<AuditEvent> auditRange(std::int64_t fromSeq, std::int64_t toSeq) override;
    std::optional<AuditEvent> auditHead() override;
    void insertCheckpoint(const AuditCheckpoint& cp) override;
    bool setCheckpointTimestamp(const AuditCheckpoint& cp, const std::string& token) override;
    std::vector<AuditCheckpoint> checkpoints() override;
    void insertPackage(const Package& pkg) override;
    std::optional<Package> package(const std::string& id) override;
    std::vector<Package> packagesOf(const std::string& applicationId) override;
    void setPackageStatus(const std::string& id, const std::string& status) override;
    EnqueueOutcome enqueuePush(const std::string& packageId, Millis now) override;
    std::vector<OutboxEntry> claimOutbox(const std::string& owner, Millis now, Millis leaseMs, int limit) override;
    bool markDelivered(const std::string& packageId, const std::string& owner, Millis now) override;
    bool markRetry(const std::string& packageId, const std::string& owner, const std::string& error,
                   Millis nextAttemptAt) override;
    bool markDeadLetter(const std::string& packageId, const std::string& owner, const std::string& error) override;
    bool requeueDeadLetter(const std::string& packageId, Millis now) override;
    std::optional<OutboxEntry> outboxEntry(const std::string& packageId) override;
    OutboxStats outboxStats(Millis now) override;
    bool scheduleReminder(const Reminder& r) override;
    std::vector<Reminder> takeDueReminders(Millis now, int limit) override;
    int cancelReminders(const std::string& dedupeKeyPrefix) override;
    void insertSession(const Session& session) override;
    std::optional<Session> touchSession(const std::string& idHash, Millis now, Millis idleMs) override;
    bool deleteSession(const std::string& idHash) override;
    RateDecision hitRateLimit(const std::string& key, Millis windowMs, int max, Millis now) override;

private:
    void migrate();
    PostgresOptions options_;
    std::unique_ptr<pg::Pool> pool_;
};

}  // namespace lgw::store
