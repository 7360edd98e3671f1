#include "adapters/store/sqlite_store.hpp"

#include <openssl/crypto.h>

#include <sstream>

#include "adapters/crash_point.hpp"
#include "adapters/store/impl/codec.hpp"
#include "adapters/store/impl/rows.hpp"
#include "adapters/store/impl/sqlite_schema.hpp"
#include "adapters/store/impl/sqlite_util.hpp"

namespace lgw::store {
namespace {

using impl::consentStatusFrom;
using impl::kConsentCols;
using impl::kDocCols;
using impl::kGrantCols;
using impl::kOutboxCols;
using impl::kPackageCols;
using impl::exec;
using impl::joinList;
using impl::splitList;
using impl::Stmt;
using impl::Tx;


void insertDocumentRow(sqlite3* db, const DocumentMeta& d) {
    Stmt s(db, std::string("INSERT INTO documents (") + kDocCols + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, d.id).bind(2, d.applicationId).bind(3, d.source).bind(4, d.docType).bind(5, d.contentType);
    s.bind(6, d.size).bind(7, d.sha256).bind(8, d.blobRef).bind(9, d.keyVersion).bindBlob(10, d.wrappedKey);
    s.bind(11, d.fieldsJson).bind(12, d.createdBy).bind(13, d.createdAt).bind(14, d.purgedAt).bind(15, d.expiresAt);
    s.run();
}

}  // namespace

const char* toString(ConsentStatus s) {
    switch (s) {
        case ConsentStatus::kPending: return "pending";
        case ConsentStatus::kVerified: return "verified";
        case ConsentStatus::kLocked: return "locked";
    }
    return "pending";
}

int SqliteStore::schemaVersion() { return static_cast<int>(impl::kSqliteMigrationCount); }

SqliteStore::SqliteStore(SqliteOptions options) : options_(std::move(options)) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(options_.path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        impl::StmtCache::forget(db_);
        sqlite3_close(db_);
        db_ = nullptr;
        throw std::runtime_error("cannot open SQLite database " + options_.path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, options_.busyTimeoutMs);
    try {
        if (options_.path != ":memory:") exec(db_, "PRAGMA journal_mode=WAL");
        exec(db_, "PRAGMA synchronous=FULL");
        exec(db_, "PRAGMA foreign_keys=ON");
        // Deleted rows (a shredded key, a consent's phone) are overwritten, not left in free pages.
        exec(db_, "PRAGMA secure_delete=ON");
        migrate();
    } catch (const std::exception& e) {
        impl::StmtCache::forget(db_);
        sqlite3_close(db_);
        db_ = nullptr;
        throw std::runtime_error("SQLite database " + options_.path + ": " + e.what());
    }
    // The plain reads' connection (see the class comment). Without it — an in-memory database has
    // nothing a second connection could open — every read takes the writer's.
    if (options_.path != ":memory:" && options_.path.rfind("file:", 0) != 0) {
        if (sqlite3_open_v2(options_.path.c_str(), &readDb_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) == SQLITE_OK) {
            sqlite3_busy_timeout(readDb_, options_.busyTimeoutMs);
        } else {
            sqlite3_close(readDb_);
            readDb_ = nullptr;
        }
    }
}

SqliteStore::~SqliteStore() {
    if (readDb_) {
        impl::StmtCache::forget(readDb_);
        sqlite3_close(readDb_);
    }
    impl::StmtCache::forget(db_);
    sqlite3_close(db_);
}

void SqliteStore::migrate() {
    Tx tx(db_);
    Stmt v(db_, "PRAGMA user_version");
    v.step();
    int current = v.i32(0);
    int target = schemaVersion();
    if (current > target)
        throw std::runtime_error("schema version " + std::to_string(current) + " is newer than this binary's " +
                                 std::to_string(target) + ": upgrade the gateway");
    for (int i = current; i < target; ++i) exec(db_, impl::kSqliteMigrations[i]);
    exec(db_, ("PRAGMA user_version=" + std::to_string(target)).c_str());
    tx.commit();
}

bool SqliteStore::ping() {
    std::lock_guard lock(mutex_);
    try {
        Stmt s(db_, "SELECT count(*) FROM sqlite_master");
        return s.step();
    } catch (...) {
        return false;
    }
}

// ---- applications -------------------------------------------------------------------------------
bool SqliteStore::upsertApplication(const Application& a) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt find(db_, "SELECT 1 FROM applications WHERE id=?");
    find.bind(1, a.id);
    bool exists = find.step();
    if (exists) {
        Stmt u(db_, "UPDATE applications SET customer_category=?, customer_name=?, phone=?, updated_at=? WHERE id=?");
        u.bind(1, a.customerCategory).bind(2, a.customerName).bind(3, a.phone).bind(4, a.updatedAt).bind(5, a.id);
        u.run();
    } else {
        Stmt i(db_, "INSERT INTO applications VALUES (?,?,?,?,?,?,?)");
        i.bind(1, a.id).bind(2, a.customerCategory).bind(3, a.customerName).bind(4, a.phone).bind(5, a.createdBy);
        i.bind(6, a.createdAt).bind(7, a.updatedAt);
        i.run();
    }
    tx.commit();
    return !exists;
}

bool SqliteStore::insertApplication(const Application& a) {
    std::lock_guard lock(mutex_);
    Stmt i(db_, "INSERT OR IGNORE INTO applications VALUES (?,?,?,?,?,?,?)");
    i.bind(1, a.id).bind(2, a.customerCategory).bind(3, a.customerName).bind(4, a.phone).bind(5, a.createdBy);
    i.bind(6, a.createdAt).bind(7, a.updatedAt);
    i.run();
    return sqlite3_changes(db_) == 1;
}

std::optional<Application> SqliteStore::application(const std::string& id) {
    Reading r(*this);
    Stmt s(r.db, "SELECT id, customer_category, customer_name, phone, created_by, created_at, updated_at "
                "FROM applications WHERE id=?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return Application{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.i64(5), s.i64(6)};
}

// ---- consents and grants ------------------------------------------------------------------------
void SqliteStore::insertConsent(const Consent& c) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, std::string("INSERT INTO consents (") + kConsentCols + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, c.id).bind(2, c.applicationId).bind(3, c.subjectType).bind(4, c.subjectCode);
    s.bind(5, joinList(c.licenceTypes)).bind(6, c.purpose).bind(7, c.caller).bind(8, c.phone);
    s.bind(9, c.consentTextSha256).bindBlob(10, c.codeHmac).bind(11, c.codeExpiresAt).bind(12, c.resendAfter);
    s.bind(13, c.failedAttempts).bind(14, toString(c.status)).bind(15, c.checksumWarning).bind(16, c.createdAt);
    s.bind(17, c.verifiedAt).bind(18, c.resends);
    s.run();
}

std::optional<Consent> SqliteStore::consent(const std::string& id) {
    Reading r(*this);
    Stmt s(r.db, std::string("SELECT ") + kConsentCols + " FROM consents WHERE id=?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return impl::readConsent(s);
}

ResendOutcome SqliteStore::replaceConsentCode(const std::string& id, const std::string& codeHmac, Millis codeExpiresAt,
                                              Millis resendAfter, Millis now, int maxResends) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt s(db_, "SELECT status, resend_after, resends FROM consents WHERE id=?");
    s.bind(1, id);
    if (!s.step()) return ResendOutcome::kNotFound;
    if (s.text(0) != "pending") return ResendOutcome::kNotPending;
    if (now < s.i64(1)) return ResendOutcome::kTooSoon;
    if (s.i64(2) >= maxResends) return ResendOutcome::kTooMany;
    Stmt u(db_, "UPDATE consents SET code_hmac=?, code_expires_at=?, resend_after=?, resends=resends+1 WHERE id=?");
    u.bindBlob(1, codeHmac).bind(2, codeExpiresAt).bind(3, resendAfter).bind(4, id);
    u.run();
    tx.commit();
    return ResendOutcome::kOk;
}

VerifyResult SqliteStore::verifyConsentCode(const std::string& id, const std::string& presentedHmac, Millis now,
                                            int maxAttempts, Grant grant) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    VerifyResult r;
    Stmt s(db_, std::string("SELECT ") + kConsentCols + " FROM consents WHERE id=?");
    s.bind(1, id);
    if (!s.step()) return r;
    Consent c = impl::readConsent(s);
    if (c.status == ConsentStatus::kVerified) r.outcome = VerifyOutcome::kUsed;
    else if (c.status == ConsentStatus::kLocked) r.outcome = VerifyOutcome::kLocked;
    else if (now >= c.codeExpiresAt) r.outcome = VerifyOutcome::kExpired;
    if (r.outcome != VerifyOutcome::kNotFound) {
        r.consent = std::move(c);
        return r;
    }
    bool match = c.codeHmac.size() == presentedHmac.size() &&
                 CRYPTO_memcmp(c.codeHmac.data(), presentedHmac.data(), presentedHmac.size()) == 0;
    if (!match) {
        c.failedAttempts += 1;
        if (c.failedAttempts >= maxAttempts) c.status = ConsentStatus::kLocked;
        Stmt u(db_, "UPDATE consents SET failed_attempts=?, status=? WHERE id=?");
        u.bind(1, c.failedAttempts).bind(2, toString(c.status)).bind(3, id);
        u.run();
        tx.commit();
        r.outcome = c.status == ConsentStatus::kLocked ? VerifyOutcome::kLocked : VerifyOutcome::kMismatch;
        r.attemptsLeft = std::max(0, maxAttempts - c.failedAttempts);
        r.consent = std::move(c);
        return r;
    }
    c.status = ConsentStatus::kVerified;
    c.verifiedAt = now;
    Stmt u(db_, "UPDATE consents SET status='verified', verified_at=? WHERE id=? AND status='pending'");
    u.bind(1, now).bind(2, id);
    u.run();
    Stmt g(db_, std::string("INSERT INTO grants (") + kGrantCols + ") VALUES (?,?,?,?,?,?,?,?,0)");
    g.bind(1, grant.idHash).bind(2, c.id).bind(3, c.caller).bind(4, c.applicationId).bind(5, c.subjectCode);
    g.bind(6, joinList(c.licenceTypes)).bind(7, c.purpose).bind(8, grant.expiresAt);
    g.run();
    tx.commit();
    r.outcome = VerifyOutcome::kVerified;
    r.attemptsLeft = maxAttempts - c.failedAttempts;
    r.consent = std::move(c);
    return r;
}

ConsumeResult SqliteStore::consumeGrant(const std::string& idHash, const std::string& caller,
                                        const std::optional<std::string>& applicationId, Millis now) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    ConsumeResult r;
    Stmt s(db_, std::string("SELECT ") + kGrantCols + " FROM grants WHERE id_hash=?");
    s.bind(1, idHash);
    if (!s.step()) return r;
    Grant g = impl::readGrant(s);
    if (g.caller != caller) r.outcome = ConsumeOutcome::kWrongCaller;
    else if (applicationId && *applicationId != g.applicationId) r.outcome = ConsumeOutcome::kWrongApplication;
    else if (g.usedAt != 0) r.outcome = ConsumeOutcome::kUsed;
    else if (now >= g.expiresAt) r.outcome = ConsumeOutcome::kExpired;
    else {
        Stmt u(db_, "UPDATE grants SET used_at=? WHERE id_hash=? AND used_at=0");
        u.bind(1, now).bind(2, idHash);
        u.run();
        tx.commit();
        g.usedAt = now;
        r.outcome = ConsumeOutcome::kOk;
    }
    r.grant = std::move(g);
    return r;
}

bool SqliteStore::releaseGrant(const std::string& idHash, Millis usedAt) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "UPDATE grants SET used_at=0 WHERE id_hash=? AND used_at=?");
    s.bind(1, idHash).bind(2, usedAt);
    s.run();
    return s.changes() == 1;
}

// ---- documents ----------------------------------------------------------------------------------
void SqliteStore::insertDocument(const DocumentMeta& doc) {
    std::lock_guard lock(mutex_);
    insertDocumentRow(db_, doc);
}

void SqliteStore::insertLicenceDocument(const DocumentMeta& doc, const LicenceRecord& l) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    insertDocumentRow(db_, doc);
    Stmt s(db_, "INSERT INTO licences (document_id, application_id, identifier, type, number, holder, holder_code, issuer, "
                "issued_on, valid_from, valid_to, data_json, seal_report) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, l.documentId).bind(2, l.applicationId).bind(3, l.identifier).bind(4, l.type).bind(5, l.number);
    s.bind(6, l.holder).bind(7, l.holderCode).bind(8, l.issuer).bind(9, l.issuedOn).bind(10, l.validFrom);
    s.bind(11, l.validTo).bind(12, l.dataJson).bind(13, l.sealReportJson);
    s.run();
    adapters::crashPoint("store.document.before_commit");
    tx.commit();
    adapters::crashPoint("store.document.committed");
}

std::optional<DocumentMeta> SqliteStore::document(const std::string& id) {
    Reading r(*this);
    Stmt s(r.db, std::string("SELECT ") + kDocCols + " FROM documents WHERE id=?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return impl::readDoc(s);
}

std::vector<DocumentMeta> SqliteStore::documentsOf(const std::string& applicationId) {
    Reading r(*this);
    Stmt s(r.db, std::string("SELECT ") + kDocCols + " FROM documents WHERE application_id=? ORDER BY created_at, id");
    s.bind(1, applicationId);
    std::vector<DocumentMeta> out;
    while (s.step()) out.push_back(impl::readDoc(s));
    return out;
}

std::vector<ReviewCandidate> SqliteStore::scansAwaitingReview(int limit) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, std::string("SELECT ") + kDocCols + impl::kReviewQueueFrom + "?");
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<ReviewCandidate> out;
    while (s.step()) out.push_back({impl::readDoc(s), s.text(15)});
    return out;
}

std::optional<LicenceRecord> SqliteStore::licence(const std::string& documentId) {
    Reading r(*this);
    Stmt s(r.db, "SELECT document_id, application_id, identifier, type, number, holder, holder_code, issuer, issued_on, "
                "valid_from, valid_to, data_json, seal_report FROM licences WHERE document_id=?");
    s.bind(1, documentId);
    if (!s.step()) return std::nullopt;
    return LicenceRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),  s.text(5),  s.text(6),
                         s.text(7), s.text(8), s.text(9), s.text(10), s.text(11), s.text(12)};
}

bool SqliteStore::updateDocumentFields(const std::string& id, const std::string& fieldsJson) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "UPDATE documents SET fields_json=? WHERE id=?");
    s.bind(1, fieldsJson).bind(2, id);
    s.run();
    return s.changes() == 1;
}

bool SqliteStore::rewrapDocumentKey(const std::string& id, std::uint32_t oldVersion, std::uint32_t newVersion,
                                    const std::string& wrappedKey) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "UPDATE documents SET key_version=?, wrapped_key=? WHERE id=? AND key_version=? AND purged_at=0");
    s.bind(1, newVersion).bindBlob(2, wrappedKey).bind(3, id).bind(4, oldVersion);
    s.run();
    return s.changes() == 1;
}

std::vector<DocumentMeta> SqliteStore::documentsWrappedBelow(std::uint32_t version, int limit) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, std::string("SELECT ") + kDocCols + " FROM documents WHERE key_version < ? AND purged_at = 0 LIMIT ?");
    s.bind(1, version).bind(2, limit);
    std::vector<DocumentMeta> out;
    while (s.step()) out.push_back(impl::readDoc(s));
    return out;
}

namespace {
// The ids a retention query (`at`, then `limit` as its parameters) answers.
std::vector<std::string> documentIds(sqlite3* db, const char* sql, Millis at, int limit) {
    std::vector<std::string> ids;
    Stmt s(db, sql);
    s.bind(1, at).bind(2, limit);
    while (s.step()) ids.push_back(s.text(0));
    return ids;
}
}  // namespace

std::vector<std::string> SqliteStore::documentsCreatedBefore(Millis cutoff, int limit) {
    std::lock_guard lock(mutex_);
    return documentIds(db_, "SELECT id FROM documents WHERE created_at < ? AND purged_at = 0 ORDER BY created_at LIMIT ?",
                       cutoff, limit);
}

std::vector<std::string> SqliteStore::documentsExpiredBy(Millis now, int limit) {
    std::lock_guard lock(mutex_);
    return documentIds(db_,
                       "SELECT id FROM documents WHERE expires_at > 0 AND expires_at <= ? AND purged_at = 0 "
                       "ORDER BY expires_at LIMIT ?",
                       now, limit);
}

bool SqliteStore::purgeDocument(const std::string& id, Millis now) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt u(db_, "UPDATE documents SET wrapped_key=NULL, fields_json='{}', purged_at=? WHERE id=? AND purged_at = 0");
    u.bind(1, now).bind(2, id);
    u.run();
    if (sqlite3_changes(db_) == 0) return false;
    Stmt d(db_, "DELETE FROM licences WHERE document_id=?");
    d.bind(1, id);
    d.run();
    tx.commit();
    return true;
}

// ---- packages and outbox ------------------------------------------------------------------------
void SqliteStore::insertPackage(const Package& p) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "INSERT INTO packages VALUES (?,?,?,?,?,?)");
    s.bind(1, p.id).bind(2, p.applicationId).bind(3, p.status).bind(4, p.complete).bind(5, p.bodyJson).bind(6, p.createdAt);
    s.run();
}

std::optional<Package> SqliteStore::package(const std::string& id) {
    Reading r(*this);
    Stmt s(r.db, std::string("SELECT ") + kPackageCols + " FROM packages WHERE id=?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return impl::readPackage(s);
}

std::vector<Package> SqliteStore::packagesOf(const std::string& applicationId) {
    Reading r(*this);
    Stmt s(r.db, std::string("SELECT ") + kPackageCols + " FROM packages "
                "WHERE application_id=? ORDER BY created_at DESC, id");
    s.bind(1, applicationId);
    std::vector<Package> out;
    while (s.step()) out.push_back(impl::readPackage(s));
    return out;
}

void SqliteStore::setPackageStatus(const std::string& id, const std::string& status) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "UPDATE packages SET status=? WHERE id=?");
    s.bind(1, status).bind(2, id);
    s.run();
}

EnqueueOutcome SqliteStore::enqueuePush(const std::string& packageId, Millis now) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt p(db_, "SELECT status FROM packages WHERE id=?");
    p.bind(1, packageId);
    if (!p.step()) return EnqueueOutcome::kNotFound;
    if (p.text(0) == "suspended") return EnqueueOutcome::kNotPushable;
    Stmt o(db_, "SELECT 1 FROM outbox WHERE package_id=?");
    o.bind(1, packageId);
    if (o.step()) return EnqueueOutcome::kAlreadyQueued;
    Stmt u(db_, "UPDATE packages SET status='queued' WHERE id=?");
    u.bind(1, packageId);
    u.run();
    Stmt i(db_, "INSERT INTO outbox (package_id, status, next_attempt_at, created_at) VALUES (?, 'queued', ?, ?)");
    i.bind(1, packageId).bind(2, now).bind(3, now);
    i.run();
    tx.commit();
    return EnqueueOutcome::kQueued;
}

std::vector<OutboxEntry> SqliteStore::claimOutbox(const std::string& owner, Millis now, Millis leaseMs, int limit) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt s(db_, std::string("SELECT ") + kOutboxCols +
                    " FROM outbox WHERE ((status IN ('queued','retrying') AND next_attempt_at<=?)"
                    " OR (status='delivering' AND lease_expires_at<=?)) ORDER BY next_attempt_at LIMIT ?");
    s.bind(1, now).bind(2, now).bind(3, limit);
    std::vector<OutboxEntry> out;
    while (s.step()) out.push_back(impl::readOutbox(s));
    Stmt u(db_, "UPDATE outbox SET status='delivering', lease_owner=?, lease_expires_at=?, attempts=attempts+1 "
                "WHERE package_id=?");
    Stmt p(db_, "UPDATE packages SET status='delivering' WHERE id=?");
    for (auto& e : out) {
        u.bind(1, owner).bind(2, now + leaseMs).bind(3, e.packageId);
        u.run();
        u.reset();
        p.bind(1, e.packageId);
        p.run();
        p.reset();
        e.status = "delivering";
        e.leaseOwner = owner;
        e.leaseExpiresAt = now + leaseMs;
        e.attempts += 1;
    }
    tx.commit();
    return out;
}

namespace {
bool settle(sqlite3* db, const std::string& packageId, const std::string& owner, const char* status,
            const std::string& error, Millis nextAttemptAt, Millis deliveredAt) {
    Tx tx(db);
    Stmt s(db, "UPDATE outbox SET status=?, last_error=?, next_attempt_at=?, delivered_at=?, lease_owner='', "
               "lease_expires_at=0 WHERE package_id=? AND status='delivering' AND lease_owner=?");
    s.bind(1, status).bind(2, error).bind(3, nextAttemptAt).bind(4, deliveredAt).bind(5, packageId).bind(6, owner);
    s.run();
    if (s.changes() != 1) return false;
    Stmt p(db, "UPDATE packages SET status=? WHERE id=?");
    p.bind(1, status).bind(2, packageId);
    p.run();
    tx.commit();
    return true;
}
}  // namespace

bool SqliteStore::markDelivered(const std::string& packageId, const std::string& owner, Millis now) {
    std::lock_guard lock(mutex_);
    return settle(db_, packageId, owner, "delivered", "", 0, now);
}

bool SqliteStore::markRetry(const std::string& packageId, const std::string& owner, const std::string& error,
                            Millis nextAttemptAt) {
    std::lock_guard lock(mutex_);
    return settle(db_, packageId, owner, "retrying", error, nextAttemptAt, 0);
}

bool SqliteStore::markDeadLetter(const std::string& packageId, const std::string& owner, const std::string& error) {
    std::lock_guard lock(mutex_);
    return settle(db_, packageId, owner, "dead_letter", error, 0, 0);
}

bool SqliteStore::requeueDeadLetter(const std::string& packageId, Millis now) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt s(db_, "UPDATE outbox SET status='queued', attempts=0, next_attempt_at=? WHERE package_id=? AND status='dead_letter'");
    s.bind(1, now).bind(2, packageId);
    s.run();
    if (s.changes() != 1) return false;
    Stmt p(db_, "UPDATE packages SET status='queued' WHERE id=?");
    p.bind(1, packageId);
    p.run();
    tx.commit();
    return true;
}

std::optional<OutboxEntry> SqliteStore::outboxEntry(const std::string& packageId) {
    Reading r(*this);
    Stmt s(r.db, std::string("SELECT ") + kOutboxCols + " FROM outbox WHERE package_id=?");
    s.bind(1, packageId);
    if (!s.step()) return std::nullopt;
    return impl::readOutbox(s);
}

OutboxStats SqliteStore::outboxStats(Millis now) {
    std::lock_guard lock(mutex_);
    OutboxStats st;
    Stmt s(db_, "SELECT "
                "sum(status NOT IN ('delivered','dead_letter')), "
                "min(CASE WHEN status NOT IN ('delivered','dead_letter') THEN created_at END), "
                "sum(status='delivered'), sum(status='dead_letter') FROM outbox");
    if (s.step()) {
        st.depth = s.i64(0);
        st.oldestAgeMs = s.isNull(1) ? 0 : now - s.i64(1);
        st.delivered = s.i64(2);
        st.deadLetters = s.i64(3);
    }
    return st;
}

// ---- reminders ----------------------------------------------------------------------------------
bool SqliteStore::scheduleReminder(const Reminder& r) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "INSERT OR IGNORE INTO reminders (dedupe_key, phone, template, params_json, due_at, status) "
                "VALUES (?,?,?,?,?,'pending')");
    s.bind(1, r.dedupeKey).bind(2, r.phone).bind(3, r.templateName).bind(4, r.paramsJson).bind(5, r.dueAt);
    s.run();
    return s.changes() == 1;
}

std::vector<Reminder> SqliteStore::takeDueReminders(Millis now, int limit) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt s(db_, "SELECT id, dedupe_key, phone, template, params_json, due_at FROM reminders "
                "WHERE status='pending' AND due_at<=? ORDER BY due_at LIMIT ?");
    s.bind(1, now).bind(2, limit);
    std::vector<Reminder> out;
    while (s.step()) out.push_back({s.i64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.i64(5), "sent", now});
    Stmt u(db_, "UPDATE reminders SET status='sent', sent_at=? WHERE id=? AND status='pending'");
    for (auto& r : out) {
        u.bind(1, now).bind(2, r.id);
        u.run();
        u.reset();
    }
    tx.commit();
    return out;
}

int SqliteStore::cancelReminders(const std::string& prefix) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "UPDATE reminders SET status='cancelled' WHERE status='pending' AND substr(dedupe_key, 1, ?)=?");
    s.bind(1, static_cast<int>(prefix.size())).bind(2, prefix);
    s.run();
    return s.changes();
}

// ---- console sessions ---------------------------------------------------------------------------
void SqliteStore::insertSession(const Session& session) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt purge(db_, "DELETE FROM sessions WHERE expires_at <= ?");
    purge.bind(1, session.createdAt);
    purge.run();
    Stmt s(db_, "INSERT INTO sessions VALUES (?,?,?,?,?,?)");
    s.bind(1, session.idHash).bind(2, session.principalId).bind(3, session.role).bind(4, session.createdAt);
    s.bind(5, session.lastSeenAt).bind(6, session.expiresAt);
    s.run();
    tx.commit();
}

std::optional<Session> SqliteStore::touchSession(const std::string& idHash, Millis now, Millis idleMs) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt s(db_, "SELECT id_hash, principal_id, role, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash=?");
    s.bind(1, idHash);
    if (!s.step()) return std::nullopt;
    Session out{s.text(0), s.text(1), s.text(2), s.i64(3), s.i64(4), s.i64(5)};
    if (now >= out.expiresAt || now - out.lastSeenAt >= idleMs) {
        Stmt d(db_, "DELETE FROM sessions WHERE id_hash=?");
        d.bind(1, idHash);
        d.run();
        tx.commit();
        return std::nullopt;
    }
    if (now > out.lastSeenAt) {
        Stmt u(db_, "UPDATE sessions SET last_seen_at=? WHERE id_hash=? AND last_seen_at<?");
        u.bind(1, now).bind(2, idHash).bind(3, now);
        u.run();
        out.lastSeenAt = now;
    }
    tx.commit();
    return out;
}

bool SqliteStore::deleteSession(const std::string& idHash) {
    std::lock_guard lock(mutex_);
    Stmt d(db_, "DELETE FROM sessions WHERE id_hash=?");
    d.bind(1, idHash);
    d.run();
    return d.changes() > 0;
}

// ---- rate limits --------------------------------------------------------------------------------
RateDecision SqliteStore::hitRateLimit(const std::string& key, Millis windowMs, int max, Millis now) {
    std::lock_guard lock(mutex_);
    Tx tx(db_);
    Stmt s(db_, "SELECT window_start, count FROM rate_limits WHERE key=?");
    s.bind(1, key);
    Millis start = now;
    std::int64_t count = 0;
    if (s.step() && now - s.i64(0) < windowMs) {
        start = s.i64(0);
        count = s.i64(1);
    }
    RateDecision d;
    if (count >= max) {
        d.allowed = false;
        d.retryAfterMs = start + windowMs - now;
        return d;
    }
    Stmt u(db_, "INSERT INTO rate_limits VALUES (?,?,?) ON CONFLICT(key) DO UPDATE SET window_start=excluded.window_start, "
                "count=excluded.count");
    u.bind(1, key).bind(2, start).bind(3, count + 1);
    u.run();
    tx.commit();
    return d;
}

}  // namespace lgw::store
