#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/store/store.hpp"

struct sqlite3;

namespace lgw::store {

struct SqliteOptions {
    std::string path;        ///< file path, or ":memory:"
    int busyTimeoutMs = 5000;
};

/// SQLite implementation: WAL, a busy timeout, migrations applied in the constructor (call it off
/// the I/O threads). One connection guarded by a mutex; writes use BEGIN IMMEDIATE so that even two
/// processes sharing the file stay correct. appendAuditGroup commits a group of audited writes in
/// one transaction and one fsync (`synchronous=FULL`), each in a savepoint of its own.
///
/// A file database also has a read-only connection for the plain reads (an application, a
/// document, the audit log's queries): in WAL mode they read the last commit while a write
/// transaction waits on its fsync, instead of queueing behind it for the writer's lock. A read made
/// inside a write (an audited action's, on the thread holding the writer) uses the writer's
/// connection and sees that transaction's own changes.
class SqliteStore final : public Store {
public:
    /// Opens or creates the database and migrates it. Throws std::runtime_error naming the file.
    explicit SqliteStore(SqliteOptions options);
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    static int schemaVersion();

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
    /// The writer's lock, which knows whether the calling thread holds it.
    class WriterLock {
    public:
        void lock() {
            m_.lock();
            owner_.store(std::this_thread::get_id());
            ++depth_;
        }
        void unlock() {
            if (--depth_ == 0) owner_.store(std::thread::id());
            m_.unlock();
        }
        bool heldHere() const { return owner_.load() == std::this_thread::get_id(); }

    private:
        std::recursive_mutex m_;
        std::atomic<std::thread::id> owner_{};
        int depth_ = 0;  ///< guarded by m_
    };
    /// A plain read's connection, locked: the read-only one, or the writer's (":memory:", or a
    /// read inside this thread's write).
    class Reading;
    void migrate();
    sqlite3* db_ = nullptr;
    /// Recursive: an audited action's store calls run under the lock appendAuditWith holds.
    WriterLock mutex_;
    sqlite3* readDb_ = nullptr;  ///< read-only, for plain reads; null for ":memory:"
    std::mutex readMutex_;
    SqliteOptions options_;
};

class SqliteStore::Reading {
public:
    explicit Reading(SqliteStore& s) {
        if (s.readDb_ && !s.mutex_.heldHere()) {
            read_ = std::unique_lock(s.readMutex_);
            db = s.readDb_;
        } else {
            write_ = std::unique_lock(s.mutex_);
            db = s.db_;
        }
    }
    sqlite3* db = nullptr;

private:
    std::unique_lock<std::mutex> read_;
    std::unique_lock<WriterLock> write_;
};

}  // namespace lgw::store
