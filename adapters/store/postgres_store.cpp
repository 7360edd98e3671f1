#include "adapters/store/postgres_store.hpp"

#include "adapters/transient_error.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "adapters/crash_point.hpp"
#include "adapters/store/impl/codec.hpp"
#include "adapters/store/impl/pg.hpp"
#include "adapters/store/impl/audit_group.hpp"
#include "adapters/store/impl/rows.hpp"
#include "adapters/store/impl/postgres_schema.hpp"

namespace lgw::store {
namespace {

using impl::consentStatusFrom;
using impl::kAuditCols;
using impl::kConsentCols;
using impl::kDocCols;
using impl::kGrantCols;
using impl::kOutboxCols;
using impl::kPackageCols;
using impl::joinList;
using impl::splitList;
using pg::Arg;
using pg::bytea;
using pg::Result;
using pg::Tx;


// Advisory lock keys, scoped to the schema so that two deployments sharing a server do not wait
// on each other.
constexpr const char* kLockMigrate = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.lgw.migrate'))";
constexpr const char* kLockAudit = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.lgw.audit'))";

void insertDocumentRow(pg::Conn& c, const DocumentMeta& d) {
    c.exec(std::string("INSERT INTO documents (") + kDocCols +
               ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
           {d.id, d.applicationId, d.source, d.docType, d.contentType, d.size, d.sha256, d.blobRef, d.keyVersion,
            bytea(d.wrappedKey), d.fieldsJson, d.createdBy, d.createdAt, d.purgedAt, d.expiresAt});
}

}  // namespace

int PostgresStore::schemaVersion() { return static_cast<int>(impl::kPostgresMigrationCount); }

PostgresStore::PostgresStore(PostgresOptions options) : options_(std::move(options)) {
    if (options_.conninfo.empty()) throw std::runtime_error("PostgreSQL: no connection string");
    pool_ = std::make_unique<pg::Pool>(options_.conninfo, options_.schema, options_.poolSize);
    migrate();
    // After the migration: a second instance starting waits on the first one's migration lock for
    // as long as that takes, but no request waits unbounded.
    pool_->bound({options_.statementTimeoutMs, options_.lockTimeoutMs, options_.poolAcquireTimeoutMs,
                  options_.idleCheckMs});
}

PostgresStore::~PostgresStore() = default;

void PostgresStore::migrate() {
    auto c = pool_->acquire();
    Tx tx(*c);
    c->exec(kLockMigrate);
    c->run("CREATE TABLE IF NOT EXISTS lgw_schema (version INTEGER NOT NULL)");
    auto v = c->exec("SELECT version FROM lgw_schema");
    int current = v.rows() ? v.i32(0, 0) : 0;
    int target = schemaVersion();
    if (current > target)
        throw std::runtime_error("PostgreSQL schema version " + std::to_string(current) + " is newer than this binary's " +
                                 std::to_string(target) + ": upgrade the gateway");
    for (int i = current; i < target; ++i) c->run(impl::kPostgresMigrations[i]);
    if (!v.rows()) c->exec("INSERT INTO lgw_schema VALUES ($1)", {target});
    else c->exec("UPDATE lgw_schema SET version=$1", {target});
    tx.commit();
}

bool PostgresStore::ping() {
    try {
        auto c = pool_->acquire();
        return c->exec("SELECT 1").rows() == 1;
    } catch (...) {
        return false;
    }
}

// ---- applications -------------------------------------------------------------------------------
bool PostgresStore::upsertApplication(const Application& a) {
    auto c = pool_->acquire();
    // xmax is 0 on a freshly inserted row version: the one-statement way to tell insert from update.
    auto r = c->exec(
        "INSERT INTO applications VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO UPDATE SET "
        "customer_category=excluded.customer_category, customer_name=excluded.customer_name, phone=excluded.phone, "
        "updated_at=excluded.updated_at RETURNING (xmax = 0)",
        {a.id, a.customerCategory, a.customerName, a.phone, a.createdBy, a.createdAt, a.updatedAt});
    return r.rows() == 1 && r.text(0, 0) == "t";
}

bool PostgresStore::insertApplication(const Application& a) {
    auto c = pool_->acquire();
    auto r = c->exec("INSERT INTO applications VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO NOTHING RETURNING 1",
                     {a.id, a.customerCategory, a.customerName, a.phone, a.createdBy, a.createdAt, a.updatedAt});
    return r.rows() == 1;
}

std::optional<Application> PostgresStore::application(const std::string& id) {
    auto c = pool_->acquire();
    auto r = c->exec("SELECT id, customer_category, customer_name, phone, created_by, created_at, updated_at "
                     "FROM applications WHERE id=$1",
                     {id});
    if (!r.rows()) return std::nullopt;
    return Application{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.i64(0, 5), r.i64(0, 6)};
}

// ---- consents and grants ------------------------------------------------------------------------
void PostgresStore::insertConsent(const Consent& k) {
    auto c = pool_->acquire();
    c->exec(std::string("INSERT INTO consents (") + kConsentCols +
                ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)",
            {k.id, k.applicationId, k.subjectType, k.subjectCode, joinList(k.licenceTypes), k.purpose, k.caller, k.phone,
             k.consentTextSha256, bytea(k.codeHmac), k.codeExpiresAt, k.resendAfter, k.failedAttempts,
             toString(k.status), k.checksumWarning ? 1 : 0, k.createdAt, k.verifiedAt, k.resends});
}

std::optional<Consent> PostgresStore::consent(const std::string& id) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kConsentCols + " FROM consents WHERE id=$1", {id});
    if (!r.rows()) return std::nullopt;
    return impl::readConsent(pg::Row{r, 0});
}

ResendOutcome PostgresStore::replaceConsentCode(const std::string& id, const std::string& codeHmac,
                                                Millis codeExpiresAt, Millis resendAfter, Millis now, int maxResends) {
    auto c = pool_->acquire();
    Tx tx(*c);
    auto r = c->exec("SELECT status, resend_after, resends FROM consents WHERE id=$1 FOR UPDATE", {id});
    if (!r.rows()) return ResendOutcome::kNotFound;
    if (r.text(0, 0) != "pending") return ResendOutcome::kNotPending;
    if (now < r.i64(0, 1)) return ResendOutcome::kTooSoon;
    if (r.i64(0, 2) >= maxResends) return ResendOutcome::kTooMany;
    c->exec("UPDATE consents SET code_hmac=$1, code_expires_at=$2, resend_after=$3, resends=resends+1 WHERE id=$4",
            {bytea(codeHmac), codeExpiresAt, resendAfter, id});
    tx.commit();
    return ResendOutcome::kOk;
}

VerifyResult PostgresStore::verifyConsentCode(const std::string& id, const std::string& presentedHmac, Millis now,
                                              int maxAttempts, Grant grant) {
    auto conn = pool_->acquire();
    Tx tx(*conn);
    VerifyResult r;
    // The row lock makes two instances verifying the same consent take turns: one issues the grant,
    // the other then sees it verified.
    auto row = conn->exec(std::string("SELECT ") + kConsentCols + " FROM consents WHERE id=$1 FOR UPDATE", {id});
    if (!row.rows()) return r;
    Consent c = impl::readConsent(pg::Row{row, 0});
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
        conn->exec("UPDATE consents SET failed_attempts=$1, status=$2 WHERE id=$3",
                   {c.failedAttempts, toString(c.status), id});
        tx.commit();
        r.outcome = c.status == ConsentStatus::kLocked ? VerifyOutcome::kLocked : VerifyOutcome::kMismatch;
        r.attemptsLeft = std::max(0, maxAttempts - c.failedAttempts);
        r.consent = std::move(c);
        return r;
    }
    c.status = ConsentStatus::kVerified;
    c.verifiedAt = now;
    conn->exec("UPDATE consents SET status='verified', verified_at=$1 WHERE id=$2 AND status='pending'", {now, id});
    conn->exec(std::string("INSERT INTO grants (") + kGrantCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,0)",
               {grant.idHash, c.id, c.caller, c.applicationId, c.subjectCode, joinList(c.licenceTypes), c.purpose,
                grant.expiresAt});
    tx.commit();
    r.outcome = VerifyOutcome::kVerified;
    r.attemptsLeft = maxAttempts - c.failedAttempts;
    r.consent = std::move(c);
    return r;
}

ConsumeResult PostgresStore::consumeGrant(const std::string& idHash, const std::string& caller,
                                          const std::optional<std::string>& applicationId, Millis now) {
    auto c = pool_->acquire();
    Tx tx(*c);
    ConsumeResult r;
    auto row = c->exec(std::string("SELECT ") + kGrantCols + " FROM grants WHERE id_hash=$1 FOR UPDATE", {idHash});
    if (!row.rows()) return r;
    Grant g = impl::readGrant(pg::Row{row, 0});
    if (g.caller != caller) r.outcome = ConsumeOutcome::kWrongCaller;
    else if (applicationId && *applicationId != g.applicationId) r.outcome = ConsumeOutcome::kWrongApplication;
    else if (g.usedAt != 0) r.outcome = ConsumeOutcome::kUsed;
    else if (now >= g.expiresAt) r.outcome = ConsumeOutcome::kExpired;
    else {
        c->exec("UPDATE grants SET used_at=$1 WHERE id_hash=$2 AND used_at=0", {now, idHash});
        tx.commit();
        g.usedAt = now;
        r.outcome = ConsumeOutcome::kOk;
    }
    r.grant = std::move(g);
    return r;
}

bool PostgresStore::releaseGrant(const std::string& idHash, Millis usedAt) {
    auto c = pool_->acquire();
    return c->exec("UPDATE grants SET used_at=0 WHERE id_hash=$1 AND used_at=$2", {idHash, usedAt}).affected() == 1;
}

// ---- documents ----------------------------------------------------------------------------------
void PostgresStore::insertDocument(const DocumentMeta& doc) {
    auto c = pool_->acquire();
    insertDocumentRow(*c, doc);
}

void PostgresStore::insertLicenceDocument(const DocumentMeta& doc, const LicenceRecord& l) {
    auto c = pool_->acquire();
    Tx tx(*c);
    insertDocumentRow(*c, doc);
    c->exec("INSERT INTO licences (document_id, application_id, identifier, type, number, holder, holder_code, issuer, "
            "issued_on, valid_from, valid_to, data_json, seal_report) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
            {l.documentId, l.applicationId, l.identifier, l.type, l.number, l.holder, l.holderCode, l.issuer, l.issuedOn,
             l.validFrom, l.validTo, l.dataJson, l.sealReportJson});
    adapters::crashPoint("store.document.before_commit");
    tx.commit();
    adapters::crashPoint("store.document.committed");
}

std::optional<DocumentMeta> PostgresStore::document(const std::string& id) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kDocCols + " FROM documents WHERE id=$1", {id});
    if (!r.rows()) return std::nullopt;
    return impl::readDoc(pg::Row{r, 0});
}

std::vector<DocumentMeta> PostgresStore::documentsOf(const std::string& applicationId) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kDocCols + " FROM documents WHERE application_id=$1 ORDER BY created_at, id",
                     {applicationId});
    std::vector<DocumentMeta> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(impl::readDoc(pg::Row{r, i}));
    return out;
}

std::vector<ReviewCandidate> PostgresStore::scansAwaitingReview(int limit) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kDocCols + impl::kReviewQueueFrom + "$1::bigint", {std::to_string(limit)});
    std::vector<ReviewCandidate> out;
    for (int i = 0; i < r.rows(); ++i) {
        pg::Row row{r, i};
        out.push_back({impl::readDoc(row), row.text(15)});
    }
    return out;
}

std::optional<LicenceRecord> PostgresStore::licence(const std::string& documentId) {
    auto c = pool_->acquire();
    auto r = c->exec("SELECT document_id, application_id, identifier, type, number, holder, holder_code, issuer, "
                     "issued_on, valid_from, valid_to, data_json, seal_report FROM licences WHERE document_id=$1",
                     {documentId});
    if (!r.rows()) return std::nullopt;
    return LicenceRecord{r.text(0, 0), r.text(0, 1), r.text(0, 2),  r.text(0, 3),  r.text(0, 4),
                         r.text(0, 5), r.text(0, 6), r.text(0, 7),  r.text(0, 8),  r.text(0, 9),
                         r.text(0, 10), r.text(0, 11), r.text(0, 12)};
}

bool PostgresStore::updateDocumentFields(const std::string& id, const std::string& fieldsJson) {
    auto c = pool_->acquire();
    return c->exec("UPDATE documents SET fields_json=$1 WHERE id=$2", {fieldsJson, id}).affected() == 1;
}

bool PostgresStore::rewrapDocumentKey(const std::string& id, std::uint32_t oldVersion, std::uint32_t newVersion,
                                      const std::string& wrappedKey) {
    auto c = pool_->acquire();
    return c->exec("UPDATE documents SET key_version=$1, wrapped_key=$2 WHERE id=$3 AND key_version=$4 AND purged_at=0",
                   {newVersion, bytea(wrappedKey), id, oldVersion})
               .affected() == 1;
}

std::vector<DocumentMeta> PostgresStore::documentsWrappedBelow(std::uint32_t version, int limit) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kDocCols +
                         " FROM documents WHERE key_version < $1 AND purged_at = 0 ORDER BY id LIMIT $2",
                     {version, limit});
    std::vector<DocumentMeta> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(impl::readDoc(pg::Row{r, i}));
    return out;
}

namespace {
// The ids a retention query ($1 `at`, $2 `limit`) answers.
std::vector<std::string> documentIds(pg::Conn& c, const std::string& sql, Millis at, int limit) {
    auto r = c.exec(sql, {at, static_cast<std::int64_t>(limit)});
    std::vector<std::string> ids;
    for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
    return ids;
}
}  // namespace

std::vector<std::string> PostgresStore::documentsCreatedBefore(Millis cutoff, int limit) {
    auto c = pool_->acquire();
    return documentIds(*c, "SELECT id FROM documents WHERE created_at < $1 AND purged_at = 0 ORDER BY created_at LIMIT $2",
                       cutoff, limit);
}

std::vector<std::string> PostgresStore::documentsExpiredBy(Millis now, int limit) {
    auto c = pool_->acquire();
    return documentIds(*c,
                       "SELECT id FROM documents WHERE expires_at > 0 AND expires_at <= $1 AND purged_at = 0 "
                       "ORDER BY expires_at LIMIT $2",
                       now, limit);
}

bool PostgresStore::purgeDocument(const std::string& id, Millis now) {
    auto c = pool_->acquire();
    Tx tx(*c);
    auto r = c->exec("UPDATE documents SET wrapped_key=NULL, fields_json='{}', purged_at=$1 WHERE id=$2 AND purged_at = 0 "
                     "RETURNING id",
                     {now, id});
    if (r.rows() == 0) return false;
    c->exec("DELETE FROM licences WHERE document_id=$1", {id});
    tx.commit();
    return true;
}

// ---- audit --------------------------------------------------------------------------------------
namespace {
// The chain's next link, inside the caller's transaction, which holds kLockAudit.
AuditEvent appendLink(pg::Conn& c, AuditEvent e, const AuditHasher& hasher) {
    auto head = c.exec("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
    if (head.rows()) {
        e.seq = head.i64(0, 0) + 1;
        e.prevHash = head.text(0, 1);
    } else {
        e.seq = 1;
        e.prevHash = std::string(64, '0');
    }
    e.hash = hasher(e);
    c.exec(std::string("INSERT INTO audit_events (") + kAuditCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)",
           {e.seq, e.at, e.actor, e.role, e.action, e.target, e.applicationId, e.subject, e.outcome, e.requestId,
            e.detailJson, e.alert ? 1 : 0, e.prevHash, e.hash});
    return e;
}
}  // namespace

AuditEvent PostgresStore::appendAudit(AuditEvent e, const AuditHasher& hasher) {
    return *appendAuditWith(std::move(e), hasher, [](AuditEvent&) { return true; });
}

std::optional<AuditEvent> PostgresStore::appendAuditWith(AuditEvent e, const AuditHasher& hasher,
                                                         const AuditedAction& action) {
    auto c = pool_->acquire();
    std::optional<Tx> tx;
    try {
        tx.emplace(*c);
        // Appends from every instance take turns here, so each reads the head the previous one
        // wrote; the primary key on seq would refuse a second event with the same seq even without
        // the lock. Taken before the action: the lock order is always audit, then rows.
        c->exec(kLockAudit);
    } catch (const std::exception& ex) {
        throw adapters::AuditUnavailable(std::string("the audit log cannot be locked for writing: ") + ex.what());
    }
    {
        // The action's store calls run on this connection, inside this transaction.
        pg::Pool::Binding bound(*c);
        if (!action(e)) return std::nullopt;  // rolled back
    }
    try {
        e = appendLink(*c, std::move(e), hasher);
        tx->commit();
    } catch (const std::exception& ex) {
        throw adapters::AuditUnavailable(std::string("the audit event cannot be written: ") + ex.what());
    }
    return e;
}

void PostgresStore::appendAuditGroup(const std::vector<AuditAppend*>& group) {
    try {
        // One connection, one transaction holding the audit lock once, one commit for the group.
        auto c = pool_->acquire();
        Tx tx(*c);
        try {
            c->exec(kLockAudit);
        } catch (const std::exception& ex) {
            impl::failAuditGroup(group, std::string("the audit log cannot be locked for writing: ") + ex.what(), false);
            return;
        }
        for (auto* a : group) {
            try {
                pg::Pool::Binding bound(*c);
                Tx entry(*c);  // a savepoint: rolled back alone when its action declines or throws
                if (!a->action(a->event)) continue;
                try {
                    a->result = appendLink(*c, std::move(a->event), a->hasher);
                } catch (const std::exception& ex) {
                    throw adapters::AuditUnavailable(std::string("the audit event cannot be written: ") + ex.what());
                }
                entry.commit();
            } catch (...) {
                a->result.reset();
                a->error = std::current_exception();
            }
        }
        try {
            tx.commit();
        } catch (const std::exception& ex) {
            impl::failAuditGroup(group, std::string("the audited actions and their events cannot be committed: ") + ex.what(), true);
        }
    } catch (const std::exception& ex) {  // no connection, or BEGIN refused
        impl::failAuditGroup(group, std::string("the audit log cannot be opened for writing: ") + ex.what(), false);
    }
}

std::vector<AuditEvent> PostgresStore::auditEvents(const AuditFilter& f) {
    std::string sql = std::string("SELECT ") + kAuditCols + " FROM audit_events WHERE true";
    std::vector<Arg> args;
    auto text = [&](const char* column, const std::string& v) {
        if (v.empty()) return;
        args.emplace_back(v);
        sql += std::string(" AND ") + column + "=$" + std::to_string(args.size());
    };
    auto integer = [&](const char* clause, std::optional<std::int64_t> v) {
        if (!v) return;
        args.emplace_back(*v);
        sql += std::string(" AND ") + clause + "$" + std::to_string(args.size());
    };
    text("actor", f.actor);
    text("subject", f.subject);
    text("target", f.document);
    text("action", f.action);
    text("outcome", f.outcome);
    // Only events that carry a download id are worth parsing (and every detail is JSON we wrote).
    if (!f.downloadId.empty()) {
        args.emplace_back(f.downloadId);
        sql += " AND detail_json LIKE '%download_id%' AND (detail_json::jsonb ->> 'download_id')=$" +
               std::to_string(args.size());
    }
    integer("at>=", f.from);
    integer("at<=", f.to);
    integer("seq<", f.beforeSeq);
    if (f.alertsOnly) sql += " AND alert=1";
    sql += " ORDER BY seq DESC LIMIT " + std::to_string(std::clamp(f.limit, 1, 1000));
    auto c = pool_->acquire();
    auto r = c->exec(sql, args);
    std::vector<AuditEvent> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(impl::readAudit(pg::Row{r, i}));
    return out;
}

std::vector<AuditEvent> PostgresStore::auditRange(std::int64_t fromSeq, std::int64_t toSeq) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kAuditCols + " FROM audit_events WHERE seq>=$1 AND seq<=$2 ORDER BY seq",
                     {fromSeq, toSeq});
    std::vector<AuditEvent> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(impl::readAudit(pg::Row{r, i}));
    return out;
}

std::optional<AuditEvent> PostgresStore::auditHead() {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kAuditCols + " FROM audit_events ORDER BY seq DESC LIMIT 1");
    if (!r.rows()) return std::nullopt;
    return impl::readAudit(pg::Row{r, 0});
}

void PostgresStore::insertCheckpoint(const AuditCheckpoint& cp) {
    auto c = pool_->acquire();
    c->exec("INSERT INTO audit_checkpoints (seq, head_hash, at, signature, timestamp_token) VALUES ($1,$2,$3,$4,'') "
            "ON CONFLICT (seq) DO UPDATE SET head_hash=excluded.head_hash, at=excluded.at, signature=excluded.signature "
            "WHERE audit_checkpoints.timestamp_token = ''",
            {cp.seq, cp.headHash, cp.at, cp.signature});
}

bool PostgresStore::setCheckpointTimestamp(const AuditCheckpoint& cp, const std::string& token) {
    auto c = pool_->acquire();
    auto r = c->exec("UPDATE audit_checkpoints SET timestamp_token=$1 WHERE seq=$2 AND head_hash=$3 AND at=$4 AND "
                     "signature=$5 RETURNING seq",
                     {token, cp.seq, cp.headHash, cp.at, cp.signature});
    return r.rows() == 1;
}

std::vector<AuditCheckpoint> PostgresStore::checkpoints() {
    auto c = pool_->acquire();
    auto r = c->exec("SELECT seq, head_hash, at, signature, timestamp_token FROM audit_checkpoints ORDER BY seq");
    std::vector<AuditCheckpoint> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.i64(i, 0), r.text(i, 1), r.i64(i, 2), r.text(i, 3), r.text(i, 4)});
    return out;
}

// ---- packages and outbox ------------------------------------------------------------------------
void PostgresStore::insertPackage(const Package& p) {
    auto c = pool_->acquire();
    c->exec("INSERT INTO packages VALUES ($1,$2,$3,$4,$5,$6)",
            {p.id, p.applicationId, p.status, p.complete ? 1 : 0, p.bodyJson, p.createdAt});
}

std::optional<Package> PostgresStore::package(const std::string& id) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kPackageCols + " FROM packages WHERE id=$1", {id});
    if (!r.rows()) return std::nullopt;
    return impl::readPackage(pg::Row{r, 0});
}

std::vector<Package> PostgresStore::packagesOf(const std::string& applicationId) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kPackageCols +
                         " FROM packages WHERE application_id=$1 ORDER BY created_at DESC, id",
                     {applicationId});
    std::vector<Package> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(impl::readPackage(pg::Row{r, i}));
    return out;
}

void PostgresStore::setPackageStatus(const std::string& id, const std::string& status) {
    auto c = pool_->acquire();
    c->exec("UPDATE packages SET status=$1 WHERE id=$2", {status, id});
}

EnqueueOutcome PostgresStore::enqueuePush(const std::string& packageId, Millis now) {
    auto c = pool_->acquire();
    Tx tx(*c);
    auto p = c->exec("SELECT status FROM packages WHERE id=$1 FOR UPDATE", {packageId});
    if (!p.rows()) return EnqueueOutcome::kNotFound;
    if (p.text(0, 0) == "suspended") return EnqueueOutcome::kNotPushable;
    auto i = c->exec("INSERT INTO outbox (package_id, status, next_attempt_at, created_at) VALUES ($1, 'queued', $2, $3) "
                     "ON CONFLICT (package_id) DO NOTHING",
                     {packageId, now, now});
    if (i.affected() != 1) return EnqueueOutcome::kAlreadyQueued;
    c->exec("UPDATE packages SET status='queued' WHERE id=$1", {packageId});
    tx.commit();
    return EnqueueOutcome::kQueued;
}

std::vector<OutboxEntry> PostgresStore::claimOutbox(const std::string& owner, Millis now, Millis leaseMs, int limit) {
    auto c = pool_->acquire();
    Tx tx(*c);
    // SKIP LOCKED: a row another instance is claiming right now is passed over, not waited for;
    // the lease then keeps it from being claimed again until it expires.
    auto r = c->exec(std::string("WITH due AS (SELECT package_id FROM outbox WHERE "
                                 "((status IN ('queued','retrying') AND next_attempt_at<=$1) OR "
                                 "(status='delivering' AND lease_expires_at<=$1)) "
                                 "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
                                 "UPDATE outbox o SET status='delivering', lease_owner=$3, lease_expires_at=$4, "
                                 "attempts=o.attempts+1 FROM due WHERE o.package_id=due.package_id RETURNING ") +
                         "o.package_id, o.status, o.attempts, o.next_attempt_at, o.lease_owner, o.lease_expires_at, "
                         "o.last_error, o.delivered_at, o.created_at",
                     {now, limit, owner, now + leaseMs});
    std::vector<OutboxEntry> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(impl::readOutbox(pg::Row{r, i}));
        c->exec("UPDATE packages SET status='delivering' WHERE id=$1", {out.back().packageId});
    }
    tx.commit();
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.nextAttemptAt < b.nextAttemptAt; });
    return out;
}

namespace {
bool settle(pg::Conn& c, const std::string& packageId, const std::string& owner, const char* status,
            const std::string& error, Millis nextAttemptAt, Millis deliveredAt) {
    Tx tx(c);
    auto u = c.exec("UPDATE outbox SET status=$1, last_error=$2, next_attempt_at=$3, delivered_at=$4, lease_owner='', "
                    "lease_expires_at=0 WHERE package_id=$5 AND status='delivering' AND lease_owner=$6",
                    {status, error, nextAttemptAt, deliveredAt, packageId, owner});
    if (u.affected() != 1) return false;
    c.exec("UPDATE packages SET status=$1 WHERE id=$2", {status, packageId});
    tx.commit();
    return true;
}
}  // namespace

bool PostgresStore::markDelivered(const std::string& packageId, const std::string& owner, Millis now) {
    auto c = pool_->acquire();
    return settle(*c, packageId, owner, "delivered", "", 0, now);
}

bool PostgresStore::markRetry(const std::string& packageId, const std::string& owner, const std::string& error,
                              Millis nextAttemptAt) {
    auto c = pool_->acquire();
    return settle(*c, packageId, owner, "retrying", error, nextAttemptAt, 0);
}

bool PostgresStore::markDeadLetter(const std::string& packageId, const std::string& owner, const std::string& error) {
    auto c = pool_->acquire();
    return settle(*c, packageId, owner, "dead_letter", error, 0, 0);
}

bool PostgresStore::requeueDeadLetter(const std::string& packageId, Millis now) {
    auto c = pool_->acquire();
    Tx tx(*c);
    auto u = c->exec("UPDATE outbox SET status='queued', attempts=0, next_attempt_at=$1 "
                     "WHERE package_id=$2 AND status='dead_letter'",
                     {now, packageId});
    if (u.affected() != 1) return false;
    c->exec("UPDATE packages SET status='queued' WHERE id=$1", {packageId});
    tx.commit();
    return true;
}

std::optional<OutboxEntry> PostgresStore::outboxEntry(const std::string& packageId) {
    auto c = pool_->acquire();
    auto r = c->exec(std::string("SELECT ") + kOutboxCols + " FROM outbox WHERE package_id=$1", {packageId});
    if (!r.rows()) return std::nullopt;
    return impl::readOutbox(pg::Row{r, 0});
}

OutboxStats PostgresStore::outboxStats(Millis now) {
    auto c = pool_->acquire();
    auto r = c->exec("SELECT count(*) FILTER (WHERE status NOT IN ('delivered','dead_letter')), "
                     "min(created_at) FILTER (WHERE status NOT IN ('delivered','dead_letter')), "
                     "count(*) FILTER (WHERE status='delivered'), count(*) FILTER (WHERE status='dead_letter') "
                     "FROM outbox");
    OutboxStats st;
    st.depth = r.i64(0, 0);
    st.oldestAgeMs = r.isNull(0, 1) ? 0 : now - r.i64(0, 1);
    st.delivered = r.i64(0, 2);
    st.deadLetters = r.i64(0, 3);
    return st;
}

// ---- reminders ----------------------------------------------------------------------------------
bool PostgresStore::scheduleReminder(const Reminder& r) {
    auto c = pool_->acquire();
    return c->exec("INSERT INTO reminders (dedupe_key, phone, template, params_json, due_at, status) "
                   "VALUES ($1,$2,$3,$4,$5,'pending') ON CONFLICT (dedupe_key) DO NOTHING",
                   {r.dedupeKey, r.phone, r.templateName, r.paramsJson, r.dueAt})
               .affected() == 1;
}

std::vector<Reminder> PostgresStore::takeDueReminders(Millis now, int limit) {
    auto c = pool_->acquire();
    // One statement: the rows are marked sent as they are taken, and rows another instance is
    // taking at the same moment are skipped, so no reminder goes out twice.
    auto r = c->exec("UPDATE reminders SET status='sent', sent_at=$1 WHERE id IN (SELECT id FROM reminders "
                     "WHERE status='pending' AND due_at<=$1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
                     "RETURNING id, dedupe_key, phone, template, params_json, due_at",
                     {now, limit});
    std::vector<Reminder> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.i64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.i64(i, 5), "sent", now});
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.dueAt < b.dueAt || (a.dueAt == b.dueAt && a.id < b.id); });
    return out;
}

int PostgresStore::cancelReminders(const std::string& prefix) {
    auto c = pool_->acquire();
    return c->exec("UPDATE reminders SET status='cancelled' WHERE status='pending' AND starts_with(dedupe_key, $1)",
                   {prefix})
        .affected();
}

// ---- console sessions ---------------------------------------------------------------------------
void PostgresStore::insertSession(const Session& session) {
    auto c = pool_->acquire();
    c->exec("DELETE FROM sessions WHERE expires_at <= $1", {session.createdAt});
    c->exec("INSERT INTO sessions VALUES ($1, $2, $3, $4, $5, $6)",
            {session.idHash, session.principalId, session.role, session.createdAt, session.lastSeenAt, session.expiresAt});
}

std::optional<Session> PostgresStore::touchSession(const std::string& idHash, Millis now, Millis idleMs) {
    auto c = pool_->acquire();
    Tx tx(*c);
    auto r = c->exec("SELECT id_hash, principal_id, role, created_at, last_seen_at, expires_at FROM sessions "
                     "WHERE id_hash=$1 FOR UPDATE",
                     {idHash});
    if (!r.rows()) return std::nullopt;
    Session out{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.i64(0, 3), r.i64(0, 4), r.i64(0, 5)};
    if (now >= out.expiresAt || now - out.lastSeenAt >= idleMs) {
        c->exec("DELETE FROM sessions WHERE id_hash=$1", {idHash});
        tx.commit();
        return std::nullopt;
    }
    if (now > out.lastSeenAt) {
        c->exec("UPDATE sessions SET last_seen_at=$1 WHERE id_hash=$2", {now, idHash});
        out.lastSeenAt = now;
    }
    tx.commit();
    return out;
}

bool PostgresStore::deleteSession(const std::string& idHash) {
    auto c = pool_->acquire();
    return c->exec("DELETE FROM sessions WHERE id_hash=$1", {idHash}).affected() > 0;
}

// ---- rate limits --------------------------------------------------------------------------------
RateDecision PostgresStore::hitRateLimit(const std::string& key, Millis windowMs, int max, Millis now) {
    auto c = pool_->acquire();
    Tx tx(*c);
    c->exec("INSERT INTO rate_limits VALUES ($1, $2, 0) ON CONFLICT (key) DO NOTHING", {key, now});
    auto r = c->exec("SELECT window_start, count FROM rate_limits WHERE key=$1 FOR UPDATE", {key});
    Millis start = now;
    std::int64_t count = 0;
    if (r.rows() && now - r.i64(0, 0) < windowMs) {
        start = r.i64(0, 0);
        count = r.i64(0, 1);
    }
    RateDecision d;
    if (count >= max) {
        d.allowed = false;
        d.retryAfterMs = start + windowMs - now;
        return d;
    }
    c->exec("UPDATE rate_limits SET window_start=$1, count=$2 WHERE key=$3", {start, count + 1, key});
    tx.commit();
    return d;
}

}  // namespace lgw::store
