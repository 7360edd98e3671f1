#pragma once
// The gateway's persistent state, as business operations. Each operation is atomic on its own, so
// that callers never hold a transaction and a second implementation (PostgreSQL) can follow without
// changing any caller. Calls block: run them on the blocking pool, never on an I/O thread.
// Implementations are thread-safe. Times are Unix milliseconds (UTC).
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "security/audit_record.hpp"

namespace lgw::store {

using Millis = std::int64_t;

// ---- applications -------------------------------------------------------------------------------
struct Application {
    std::string id;
    std::string customerCategory;
    std::string customerName;
    std::string phone;
    std::string createdBy;  ///< caller id of the first writer
    Millis createdAt = 0;
    Millis updatedAt = 0;
};

// ---- consents and grants ------------------------------------------------------------------------
enum class ConsentStatus { kPending, kVerified, kLocked };

struct Consent {
    std::string id;
    std::string applicationId;
    std::string subjectType;   ///< enterprise | person
    std::string subjectCode;
    std::vector<std::string> licenceTypes;
    std::string purpose;
    std::string caller;
    std::string phone;         ///< the phone on record; never logged or audited in full
    std::string consentTextSha256;
    std::string codeHmac;      ///< HMAC of the code with the server secret, never the code
    Millis codeExpiresAt = 0;
    Millis resendAfter = 0;
    int failedAttempts = 0;
    ConsentStatus status = ConsentStatus::kPending;
    bool checksumWarning = false;
    Millis createdAt = 0;
    Millis verifiedAt = 0;
    int resends = 0;           ///< new codes sent after the first
};

struct Grant {
    std::string idHash;        ///< SHA-256 hex of the grant id handed to the caller
    std::string consentId;
    std::string caller;
    std::string applicationId;
    std::string subjectCode;
    std::vector<std::string> licenceTypes;
    std::string purpose;
    Millis expiresAt = 0;
    Millis usedAt = 0;
};

enum class ResendOutcome { kOk, kNotFound, kTooSoon, kNotPending, kTooMany };

enum class VerifyOutcome { kVerified, kNotFound, kMismatch, kLocked, kExpired, kUsed };
struct VerifyResult {
    VerifyOutcome outcome = VerifyOutcome::kNotFound;
    int attemptsLeft = 0;          ///< after a mismatch
    std::optional<Consent> consent;
};

enum class ConsumeOutcome { kOk, kNotFound, kUsed, kExpired, kWrongCaller, kWrongApplication };
struct ConsumeResult {
    ConsumeOutcome outcome = ConsumeOutcome::kNotFound;
    std::optional<Grant> grant;
};

// ---- documents and licences ---------------------------------------------------------------------
struct DocumentMeta {
    std::string id;
    std::string applicationId;
    std::string source;        ///< e_licence | scan
    std::string docType;       ///< business_licence, id_card, id_card_front, ...
    std::string contentType;
    std::int64_t size = 0;
    std::string sha256;        ///< of the plaintext
    std::string blobRef;       ///< where the (encrypted) bytes live
    std::uint32_t keyVersion = 0;
    std::string wrappedKey;    ///< data key wrapped by the KEK of keyVersion
    std::string fieldsJson = "{}";  ///< extracted or licence fields
    std::string createdBy;
    Millis createdAt = 0;
    Millis purgedAt = 0;       ///< crypto-shredded: wrapped key destroyed
    /// When its use ends (an e-licence copy: its annotation's expires_at): retention shreds it then.
    /// 0: never.
    Millis expiresAt = 0;
};

struct LicenceRecord {
    std::string documentId;
    std::string applicationId;
    std::string identifier;
    std::string type;
    std::string number;
    std::string holder;
    std::string holderCode;
    std::string issuer;
    std::string issuedOn;
    std::string validFrom;
    std::string validTo;       ///< "" for 长期
    std::string dataJson = "{}";
    /// An OFD licence file's seal verification report (the JSON of `ofd verify --json`), kept with
    /// the document; "" for an image.
    std::string sealReportJson;
};

// ---- audit --------------------------------------------------------------------------------------
using AuditEvent = security::AuditEvent;

/// Computes an event's hash from the previous hash and the event (seq and prevHash already set).
using AuditHasher = std::function<std::string(const AuditEvent&)>;

struct AuditFilter {
    std::string actor, subject, document, action, outcome;
    std::string downloadId;  ///< the download a watermarked copy carries (detail.download_id)
    std::optional<Millis> from, to;
    bool alertsOnly = false;
    std::optional<std::int64_t> beforeSeq;  ///< cursor: events with seq < this, newest first
    int limit = 100;
};

using AuditCheckpoint = security::AuditCheckpoint;

// ---- packages and the push outbox ---------------------------------------------------------------
struct Package {
    std::string id;
    std::string applicationId;
    std::string status;        ///< built, queued, delivering, delivered, retrying, dead_letter, suspended
    bool complete = false;
    std::string bodyJson = "{}";
    Millis createdAt = 0;
};

struct OutboxEntry {
    std::string packageId;
    std::string status;        ///< queued, delivering, retrying, delivered, dead_letter
    int attempts = 0;
    Millis nextAttemptAt = 0;
    std::string leaseOwner;
    Millis leaseExpiresAt = 0;
    std::string lastError;
    Millis deliveredAt = 0;
    Millis createdAt = 0;
};

enum class EnqueueOutcome { kQueued, kAlreadyQueued, kNotFound, kNotPushable };

struct OutboxStats {
    std::int64_t depth = 0;         ///< not yet delivered nor dead
    Millis oldestAgeMs = 0;
    std::int64_t delivered = 0;
    std::int64_t deadLetters = 0;
};

// ---- scheduled reminders ------------------------------------------------------------------------
struct Reminder {
    std::int64_t id = 0;
    std::string dedupeKey;     ///< unique: scheduling the same key twice is a no-op
    std::string phone;
    std::string templateName;
    std::string paramsJson = "{}";
    Millis dueAt = 0;
    std::string status;        ///< pending, sent, cancelled
    Millis sentAt = 0;
};

// ---- console sessions ---------------------------------------------------------------------------
/// A person signed in to the console: the cookie's token is never stored, only its SHA-256.
struct Session {
    std::string idHash;        ///< hex SHA-256 of the cookie token
    std::string principalId;   ///< the API key id the person signed in with
    std::string role;
    Millis createdAt = 0;
    Millis lastSeenAt = 0;
    Millis expiresAt = 0;      ///< absolute expiry, whatever the activity
};

// ---- rate limits --------------------------------------------------------------------------------
struct RateDecision {
    bool allowed = true;
    Millis retryAfterMs = 0;
};

// The store as ports, one per aggregate: a part of the gateway takes the port it needs (the
// auditor an AuditLog, the reminder scheduler a ReminderStore), so what it may touch is in its
// signature. Store is all of them; SqliteStore and PostgresStore implement it.
/// Applications: who created them, for which customer category.
class ApplicationStore {
public:
    virtual ~ApplicationStore() = default;
    /// Inserts or updates; createdBy/createdAt are kept from the first write. Returns true if created.
    virtual bool upsertApplication(const Application& app) = 0;
    /// Creates the application only if no application has its id: true when it did. Two callers
    /// creating one id at once: exactly one gets true, and the other's values are not written.
    virtual bool insertApplication(const Application& app) = 0;
    virtual std::optional<Application> application(const std::string& id) = 0;
};

/// Consents and the grants they yield; every state change is one atomic step.
class ConsentStore {
public:
    virtual ~ConsentStore() = default;
    virtual void insertConsent(const Consent& consent) = 0;
    virtual std::optional<Consent> consent(const std::string& id) = 0;
    /// Replaces the code of a pending consent if `now >= resendAfter` and it has had fewer than
    /// `maxResends` new codes (kTooMany otherwise), counting this one; the failed-attempt count stays.
    virtual ResendOutcome replaceConsentCode(const std::string& id, const std::string& codeHmac, Millis codeExpiresAt,
                                             Millis resendAfter, Millis now, int maxResends) = 0;
    /// Atomically: checks the presented code's HMAC (constant time) against a pending, unexpired
    /// consent; on a match marks it verified and inserts `grant` (its consent fields filled from the
    /// consent); on a mismatch counts the attempt and locks at `maxAttempts`.
    virtual VerifyResult verifyConsentCode(const std::string& id, const std::string& presentedHmac, Millis now,
                                           int maxAttempts, Grant grant) = 0;
    /// Atomically marks a grant used if it exists, is unused, unexpired and belongs to the caller
    /// (and application, when given).
    virtual ConsumeResult consumeGrant(const std::string& idHash, const std::string& caller,
                                       const std::optional<std::string>& applicationId, Millis now) = 0;

    /// Undoes a consume whose fetch failed upstream (timeout, outage) so that the caller may retry
    /// within the grant's lifetime; only if it is still marked used at `usedAt`. Returns true if released.
    virtual bool releaseGrant(const std::string& idHash, Millis usedAt) = 0;
};

/// Document metadata, e-licence records and the wrapped data keys.
/// A scan for the review queue, with whom its application belongs to (the caller's scope).
struct ReviewCandidate {
    DocumentMeta doc;
    std::string applicationCreatedBy;
};

class DocumentStore {
public:
    virtual ~DocumentStore() = default;
    virtual void insertDocument(const DocumentMeta& doc) = 0;
    /// Inserts a document and its licence record in one transaction.
    virtual void insertLicenceDocument(const DocumentMeta& doc, const LicenceRecord& licence) = 0;
    virtual std::optional<DocumentMeta> document(const std::string& id) = 0;
    virtual std::vector<DocumentMeta> documentsOf(const std::string& applicationId) = 0;
    virtual std::optional<LicenceRecord> licence(const std::string& documentId) = 0;
    virtual bool updateDocumentFields(const std::string& id, const std::string& fieldsJson) = 0;
    /// Replaces a document's wrapped key (re-wrap under a newer KEK), only if it still has `oldVersion`.
    virtual bool rewrapDocumentKey(const std::string& id, std::uint32_t oldVersion, std::uint32_t newVersion,
                                   const std::string& wrappedKey) = 0;
    /// Documents (not purged) whose data key is wrapped under a KEK older than `version`.
    virtual std::vector<DocumentMeta> documentsWrappedBelow(std::uint32_t version, int limit) = 0;
    /// Up to `limit` documents, not purged, created before `cutoff`: the ones retention shreds next.
    virtual std::vector<std::string> documentsCreatedBefore(Millis cutoff, int limit) = 0;
    /// Up to `limit` documents, not purged, whose expires_at has come by `now`.
    virtual std::vector<std::string> documentsExpiredBy(Millis now, int limit) = 0;
    /// Crypto-shredding of one document: its wrapped data key is destroyed (the blob never opens
    /// again), the fields read from it are erased and its e-licence record deleted. False when it
    /// does not exist or was purged already.
    virtual bool purgeDocument(const std::string& id, Millis now) = 0;
    /// Scans, not purged, whose fields may hold a needs_review (a text match: the caller checks
    /// the fields), oldest first, at most `limit`, each with its application's creator.
    virtual std::vector<ReviewCandidate> scansAwaitingReview(int limit) = 0;
};

/// The hash-chained, gap-free audit log and its signed checkpoints.
/// What an audited store operation does inside the event's transaction (see appendAuditWith).
using AuditedAction = std::function<bool(AuditEvent& event)>;

/// One append of a group (AuditLog::appendAuditGroup): the event, its hasher and its action in;
/// out, what appendAuditWith would have returned (`result`) or thrown (`error`).
struct AuditAppend {
    AuditEvent event;
    AuditHasher hasher;
    AuditedAction action;
    std::optional<AuditEvent> result;
    std::exception_ptr error;
};

class AuditLog {
public:
    virtual ~AuditLog() = default;
    /// Appends under a lock: seq = head + 1, prevHash = head hash, hash = hasher(event). Returns it.
    /// Throws adapters::AuditUnavailable when the event cannot be written.
    virtual AuditEvent appendAudit(AuditEvent event, const AuditHasher& hasher) = 0;
    /// Runs `action` (calls of this same store, on this thread) and appends `event` in one
    /// transaction: both commit or neither. The action may complete the event (its detail) and
    /// returns false when there is nothing to record: then all is rolled back and nullopt returned.
    /// Throws adapters::AuditUnavailable when the event cannot be written, the action rolled back;
    /// what `action` throws passes through, nothing committed.
    virtual std::optional<AuditEvent> appendAuditWith(AuditEvent event, const AuditHasher& hasher,
                                                      const AuditedAction& action) = 0;
    /// Appends each entry of `group` in order as appendAuditWith would, one after the other, and
    /// never throws: each entry's outcome is in its result or error. A store may commit the group
    /// together (SQLite: one transaction, one fsync, a savepoint per entry), so that appends waiting
    /// on one disk flush share the next; an entry's action still commits with its event or not at
    /// all, and a failing entry leaves the others' work. This default commits them one by one.
    virtual void appendAuditGroup(const std::vector<AuditAppend*>& group) {
        for (auto* a : group) {
            try {
                a->result = appendAuditWith(std::move(a->event), a->hasher, a->action);
            } catch (...) {
                a->result.reset();
                a->error = std::current_exception();
            }
        }
    }
    /// Newest first, filtered, paged by beforeSeq.
    virtual std::vector<AuditEvent> auditEvents(const AuditFilter& filter) = 0;
    /// Oldest first, seq in [fromSeq, toSeq], for verification and export.
    virtual std::vector<AuditEvent> auditRange(std::int64_t fromSeq, std::int64_t toSeq) = 0;
    virtual std::optional<AuditEvent> auditHead() = 0;
    /// A checkpoint. One signed again at the same seq replaces the row, unless that row carries a
    /// time-stamp: a stamped checkpoint is kept, token and all.
    virtual void insertCheckpoint(const AuditCheckpoint& cp) = 0;
    /// Keeps an RFC 3161 token (base64 DER) with the checkpoint it stamps; false when the row at
    /// cp.seq is no longer that checkpoint (re-signed since): nothing is changed then.
    virtual bool setCheckpointTimestamp(const AuditCheckpoint& cp, const std::string& token) = 0;
    virtual std::vector<AuditCheckpoint> checkpoints() = 0;
};

/// Packages and the push outbox (leases, retries, dead letters).
class PackageStore {
public:
    virtual ~PackageStore() = default;
    virtual void insertPackage(const Package& pkg) = 0;
    virtual std::optional<Package> package(const std::string& id) = 0;
    /// The packages of an application, newest first.
    virtual std::vector<Package> packagesOf(const std::string& applicationId) = 0;
    virtual void setPackageStatus(const std::string& id, const std::string& status) = 0;
    /// In one transaction: the package's status becomes queued and its outbox row is written.
    virtual EnqueueOutcome enqueuePush(const std::string& packageId, Millis now) = 0;
    /// Leases up to `limit` rows that are due (queued/retrying, or delivering with an expired lease).
    virtual std::vector<OutboxEntry> claimOutbox(const std::string& owner, Millis now, Millis leaseMs, int limit) = 0;
    /// Only the lease holder may settle a row; returns false if the lease was lost.
    virtual bool markDelivered(const std::string& packageId, const std::string& owner, Millis now) = 0;
    virtual bool markRetry(const std::string& packageId, const std::string& owner, const std::string& error,
                           Millis nextAttemptAt) = 0;
    virtual bool markDeadLetter(const std::string& packageId, const std::string& owner, const std::string& error) = 0;
    /// Re-queues a dead letter (attempts reset). False if it is not a dead letter.
    virtual bool requeueDeadLetter(const std::string& packageId, Millis now) = 0;
    virtual std::optional<OutboxEntry> outboxEntry(const std::string& packageId) = 0;
    virtual OutboxStats outboxStats(Millis now) = 0;
};

/// SMS reminders, scheduled once per dedupe key and taken at most once.
class ReminderStore {
public:
    virtual ~ReminderStore() = default;
    /// Returns false when a reminder with the same dedupe key exists already.
    virtual bool scheduleReminder(const Reminder& r) = 0;
    /// Atomically takes due pending reminders for sending: marks them sent before the caller sends,
    /// so that no reminder is sent twice even by two instances (at-most-once).
    virtual std::vector<Reminder> takeDueReminders(Millis now, int limit) = 0;
    virtual int cancelReminders(const std::string& dedupeKeyPrefix) = 0;
};

/// Console sessions (idle and absolute expiry).
class SessionStore {
public:
    virtual ~SessionStore() = default;
    /// Stores a new session; also drops sessions past their absolute expiry.
    virtual void insertSession(const Session& session) = 0;
    /// The session with this hash after recording a use at `now`. nullopt, and the row deleted, when
    /// it is unknown, past its absolute expiry or idle for `idleMs` or longer. Safe from several
    /// instances: a use updates last_seen_at only when it moves forward.
    virtual std::optional<Session> touchSession(const std::string& idHash, Millis now, Millis idleMs) = 0;
    /// Sign-out. Returns false when there was no such session.
    virtual bool deleteSession(const std::string& idHash) = 0;
};

/// Fixed-window counters shared by every instance on the store.
class RateLimits {
public:
    virtual ~RateLimits() = default;
    /// Fixed-window counter: counts this hit and says whether it is within `max` per `windowMs`.
    virtual RateDecision hitRateLimit(const std::string& key, Millis windowMs, int max, Millis now) = 0;
};

class Store : public ApplicationStore,
              public ConsentStore,
              public DocumentStore,
              public AuditLog,
              public PackageStore,
              public ReminderStore,
              public SessionStore,
              public RateLimits {
public:
    ~Store() override = default;

    /// Cheap round trip for /readyz. Returns false instead of throwing.
    virtual bool ping() = 0;
};

const char* toString(ConsentStatus s);

}  // namespace lgw::store
