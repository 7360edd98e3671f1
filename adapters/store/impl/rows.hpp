#pragma once
// The rows both stores read, written once: each table's column list (the order every SELECT names
// and every reader expects) and the reader from a row to its C++ type. A Row is anything with
// text(k), blob(k), i64(k) and i32(k) for its k-th column: SQLite's statement (sqlite_util.hpp)
// or a PostgreSQL result row (PgRow in pg.hpp).
#include "adapters/store/impl/codec.hpp"
#include "adapters/store/store.hpp"

namespace lgw::store::impl {

inline constexpr const char* kConsentCols =
    "id, application_id, subject_type, subject_code, licence_types, purpose, caller, phone, consent_text_sha256, "
    "code_hmac, code_expires_at, resend_after, failed_attempts, status, checksum_warning, created_at, verified_at, "
    "resends";

template <class Row>
Consent readConsent(const Row& s) {
    Consent c;
    c.id = s.text(0);
    c.applicationId = s.text(1);
    c.subjectType = s.text(2);
    c.subjectCode = s.text(3);
    c.licenceTypes = splitList(s.text(4));
    c.purpose = s.text(5);
    c.caller = s.text(6);
    c.phone = s.text(7);
    c.consentTextSha256 = s.text(8);
    c.codeHmac = s.blob(9);
    c.codeExpiresAt = s.i64(10);
    c.resendAfter = s.i64(11);
    c.failedAttempts = s.i32(12);
    c.status = consentStatusFrom(s.text(13));
    c.checksumWarning = s.i64(14) != 0;
    c.createdAt = s.i64(15);
    c.verifiedAt = s.i64(16);
    c.resends = s.i32(17);
    return c;
}

inline constexpr const char* kGrantCols =
    "id_hash, consent_id, caller, application_id, subject_code, licence_types, purpose, expires_at, used_at";

template <class Row>
Grant readGrant(const Row& s) {
    Grant g;
    g.idHash = s.text(0);
    g.consentId = s.text(1);
    g.caller = s.text(2);
    g.applicationId = s.text(3);
    g.subjectCode = s.text(4);
    g.licenceTypes = splitList(s.text(5));
    g.purpose = s.text(6);
    g.expiresAt = s.i64(7);
    g.usedAt = s.i64(8);
    return g;
}

inline constexpr const char* kDocCols =
    "id, application_id, source, doc_type, content_type, size, sha256, blob_ref, key_version, wrapped_key, "
    "fields_json, created_by, created_at, purged_at, expires_at";

/// The review queue's query: kDocCols and the application's creator (column 15), oldest first.
inline constexpr const char* kReviewQueueFrom =
    ", (SELECT created_by FROM applications WHERE applications.id = documents.application_id) FROM documents "
    "WHERE source = 'scan' AND purged_at = 0 AND fields_json LIKE '%needs_review%' ORDER BY created_at, id LIMIT ";

template <class Row>
DocumentMeta readDoc(const Row& s) {
    DocumentMeta d;
    d.id = s.text(0);
    d.applicationId = s.text(1);
    d.source = s.text(2);
    d.docType = s.text(3);
    d.contentType = s.text(4);
    d.size = s.i64(5);
    d.sha256 = s.text(6);
    d.blobRef = s.text(7);
    d.keyVersion = static_cast<std::uint32_t>(s.i64(8));
    d.wrappedKey = s.blob(9);
    d.fieldsJson = s.text(10);
    d.createdBy = s.text(11);
    d.createdAt = s.i64(12);
    d.purgedAt = s.i64(13);
    d.expiresAt = s.i64(14);
    return d;
}

inline constexpr const char* kAuditCols =
    "seq, at, actor, role, action, target, application_id, subject, outcome, request_id, detail_json, alert, "
    "prev_hash, hash";

template <class Row>
AuditEvent readAudit(const Row& s) {
    AuditEvent e;
    e.seq = s.i64(0);
    e.at = s.i64(1);
    e.actor = s.text(2);
    e.role = s.text(3);
    e.action = s.text(4);
    e.target = s.text(5);
    e.applicationId = s.text(6);
    e.subject = s.text(7);
    e.outcome = s.text(8);
    e.requestId = s.text(9);
    e.detailJson = s.text(10);
    e.alert = s.i64(11) != 0;
    e.prevHash = s.text(12);
    e.hash = s.text(13);
    return e;
}

inline constexpr const char* kOutboxCols =
    "package_id, status, attempts, next_attempt_at, lease_owner, lease_expires_at, last_error, delivered_at, created_at";

template <class Row>
OutboxEntry readOutbox(const Row& s) {
    OutboxEntry o;
    o.packageId = s.text(0);
    o.status = s.text(1);
    o.attempts = s.i32(2);
    o.nextAttemptAt = s.i64(3);
    o.leaseOwner = s.text(4);
    o.leaseExpiresAt = s.i64(5);
    o.lastError = s.text(6);
    o.deliveredAt = s.i64(7);
    o.createdAt = s.i64(8);
    return o;
}

inline constexpr const char* kPackageCols = "id, application_id, status, complete, body_json, created_at";

template <class Row>
Package readPackage(const Row& s) {
    return Package{s.text(0), s.text(1), s.text(2), s.i64(3) != 0, s.text(4), s.i64(5)};
}

}  // namespace lgw::store::impl
