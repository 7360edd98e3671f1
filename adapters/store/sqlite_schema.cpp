#include "adapters/store/impl/sqlite_schema.hpp"

#include <iterator>

namespace lgw::store::impl {

// Each entry moves the schema one version forward; PRAGMA user_version records where a file is.
// Never edit an entry that has shipped: append a new one.
const char* const kSqliteMigrations[] = {
    // 1: everything the first release carries.
    R"sql(
CREATE TABLE applications (
  id TEXT PRIMARY KEY, customer_category TEXT NOT NULL, customer_name TEXT NOT NULL, phone TEXT NOT NULL,
  created_by TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE consents (
  id TEXT PRIMARY KEY, application_id TEXT NOT NULL, subject_type TEXT NOT NULL, subject_code TEXT NOT NULL,
  licence_types TEXT NOT NULL, purpose TEXT NOT NULL, caller TEXT NOT NULL, phone TEXT NOT NULL,
  consent_text_sha256 TEXT NOT NULL, code_hmac BLOB NOT NULL, code_expires_at INTEGER NOT NULL,
  resend_after INTEGER NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
  checksum_warning INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, verified_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX consents_app ON consents(application_id);
CREATE TABLE grants (
  id_hash TEXT PRIMARY KEY, consent_id TEXT NOT NULL UNIQUE REFERENCES consents(id), caller TEXT NOT NULL,
  application_id TEXT NOT NULL, subject_code TEXT NOT NULL, licence_types TEXT NOT NULL, purpose TEXT NOT NULL,
  expires_at INTEGER NOT NULL, used_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE documents (
  id TEXT PRIMARY KEY, application_id TEXT NOT NULL, source TEXT NOT NULL, doc_type TEXT NOT NULL,
  content_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, blob_ref TEXT NOT NULL,
  key_version INTEGER NOT NULL, wrapped_key BLOB, fields_json TEXT NOT NULL, created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL, purged_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX documents_app ON documents(application_id);
CREATE TABLE licences (
  document_id TEXT PRIMARY KEY REFERENCES documents(id), application_id TEXT NOT NULL, identifier TEXT NOT NULL,
  type TEXT NOT NULL, number TEXT NOT NULL, holder TEXT NOT NULL, holder_code TEXT NOT NULL, issuer TEXT NOT NULL,
  issued_on TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, data_json TEXT NOT NULL);
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, application_id TEXT NOT NULL, subject TEXT NOT NULL, outcome TEXT NOT NULL,
  request_id TEXT NOT NULL, detail_json TEXT NOT NULL, alert INTEGER NOT NULL, prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX audit_actor ON audit_events(actor, seq);
CREATE INDEX audit_at ON audit_events(at);
CREATE INDEX audit_alert ON audit_events(alert, seq);
CREATE TABLE audit_checkpoints (
  seq INTEGER PRIMARY KEY, head_hash TEXT NOT NULL, at INTEGER NOT NULL, signature TEXT NOT NULL);
CREATE TABLE packages (
  id TEXT PRIMARY KEY, application_id TEXT NOT NULL, status TEXT NOT NULL, complete INTEGER NOT NULL,
  body_json TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX packages_app ON packages(application_id);
CREATE TABLE outbox (
  package_id TEXT PRIMARY KEY REFERENCES packages(id), status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL, lease_owner TEXT NOT NULL DEFAULT '', lease_expires_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', delivered_at INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE TABLE reminders (
  id INTEGER PRIMARY KEY, dedupe_key TEXT NOT NULL UNIQUE, phone TEXT NOT NULL, template TEXT NOT NULL,
  params_json TEXT NOT NULL, due_at INTEGER NOT NULL, status TEXT NOT NULL, sent_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX reminders_due ON reminders(status, due_at);
CREATE TABLE rate_limits (key TEXT PRIMARY KEY, window_start INTEGER NOT NULL, count INTEGER NOT NULL);
)sql",
    // 2: console sessions.
    R"sql(
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY, principal_id TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX sessions_expiry ON sessions(expires_at);
)sql",
    // 3: how many new codes a consent has had (issue 18: resends are limited).
    R"sql(
ALTER TABLE consents ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
)sql",
    // 4: when a document's use ends (issue 18: e-licence copies are shredded at copy_expires_at).
    R"sql(
ALTER TABLE documents ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX documents_expiry ON documents(expires_at) WHERE expires_at > 0 AND purged_at = 0;
)sql",
    // 5: RFC 3161 time-stamp tokens with the checkpoints they stamp (issue 22), base64 DER.
    R"sql(
ALTER TABLE audit_checkpoints ADD COLUMN timestamp_token TEXT NOT NULL DEFAULT '';
)sql",
    // 6: an OFD licence's seal verification report, kept with it (issue 20).
    R"sql(
ALTER TABLE licences ADD COLUMN seal_report TEXT NOT NULL DEFAULT '';
)sql",
};

const std::size_t kSqliteMigrationCount = std::size(kSqliteMigrations);

}  // namespace lgw::store::impl
