// SqliteStore's audit log: the hash chain's appends (alone, or in one transaction with the action
// they record), its queries and its checkpoints. A file of its own beside sqlite_store.cpp.
#include "adapters/store/sqlite_store.hpp"

#include <exception>
#include <optional>

#include "adapters/store/impl/audit_group.hpp"
#include "adapters/store/impl/rows.hpp"
#include "adapters/store/impl/sqlite_util.hpp"
#include "adapters/transient_error.hpp"

namespace lgw::store {

using impl::kAuditCols;
using impl::Stmt;
using impl::Tx;

namespace {

// The chain's next link, inside the caller's transaction.
AuditEvent appendLink(sqlite3* db, AuditEvent e, const AuditHasher& hasher) {
    try {
        Stmt head(db, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
        if (head.step()) {
            e.seq = head.i64(0) + 1;
            e.prevHash = head.text(1);
        } else {
            e.seq = 1;
            e.prevHash = std::string(64, '0');
        }
        e.hash = hasher(e);
        Stmt s(db, std::string("INSERT INTO audit_events (") + kAuditCols + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        s.bind(1, e.seq).bind(2, e.at).bind(3, e.actor).bind(4, e.role).bind(5, e.action).bind(6, e.target);
        s.bind(7, e.applicationId).bind(8, e.subject).bind(9, e.outcome).bind(10, e.requestId).bind(11, e.detailJson);
        s.bind(12, e.alert).bind(13, e.prevHash).bind(14, e.hash);
        s.run();
        return e;
    } catch (const std::exception& ex) {
        throw adapters::AuditUnavailable(std::string("the audit event cannot be written: ") + ex.what());
    }
}

}  // namespace

AuditEvent SqliteStore::appendAudit(AuditEvent e, const AuditHasher& hasher) {
    return *appendAuditWith(std::move(e), hasher, [](AuditEvent&) { return true; });
}

// One append is a group of one: the same transaction, the same errors (the action's own rethrown).
std::optional<AuditEvent> SqliteStore::appendAuditWith(AuditEvent e, const AuditHasher& hasher, const AuditedAction& action) {
    AuditAppend one{std::move(e), hasher, action, std::nullopt, nullptr};
    appendAuditGroup({&one});
    if (one.error) std::rethrow_exception(one.error);
    return std::move(one.result);
}

void SqliteStore::appendAuditGroup(const std::vector<AuditAppend*>& group) {
    std::lock_guard lock(mutex_);
    std::optional<Tx> tx;
    try {
        tx.emplace(db_);
    } catch (const std::exception& ex) {
        impl::failAuditGroup(group, std::string("the audit log cannot be opened for writing: ") + ex.what(), false);
        return;
    }
    for (auto* a : group) {
        try {
            Tx entry(db_);  // a savepoint: rolled back alone when its action declines or throws
            if (!a->action(a->event)) continue;
            a->result = appendLink(db_, std::move(a->event), a->hasher);
            entry.commit();
        } catch (...) {
            a->result.reset();
            a->error = std::current_exception();
        }
    }
    try {
        tx->commit();
    } catch (const std::exception& ex) {
        // Nothing of the group is stored: the entries that would have been get the error too.
        impl::failAuditGroup(group,
                             std::string(group.size() == 1 ? "the audited action and its event" : "the audited actions and their events") +
                                 " cannot be committed: " + ex.what(),
                             true);
    }
}

std::vector<AuditEvent> SqliteStore::auditEvents(const AuditFilter& f) {
    Reading r(*this);
    std::string sql = std::string("SELECT ") + kAuditCols + " FROM audit_events WHERE 1=1";
    std::vector<std::pair<int, std::string>> texts;
    std::vector<std::pair<int, std::int64_t>> ints;
    int n = 0;
    auto text = [&](const char* clause, const std::string& v) {
        if (v.empty()) return;
        sql += clause;
        texts.emplace_back(++n, v);
    };
    auto integer = [&](const char* clause, std::optional<std::int64_t> v) {
        if (!v) return;
        sql += clause;
        ints.emplace_back(++n, *v);
    };
    text(" AND actor=?", f.actor);
    text(" AND subject=?", f.subject);
    text(" AND target=?", f.document);
    text(" AND action=?", f.action);
    text(" AND outcome=?", f.outcome);
    text(" AND json_extract(detail_json, '$.download_id')=?", f.downloadId);
    integer(" AND at>=?", f.from);
    integer(" AND at<=?", f.to);
    integer(" AND seq<?", f.beforeSeq);
    if (f.alertsOnly) sql += " AND alert=1";
    sql += " ORDER BY seq DESC LIMIT " + std::to_string(std::clamp(f.limit, 1, 1000));
    Stmt s(r.db, sql);
    for (auto& [i, v] : texts) s.bind(i, v);
    for (auto& [i, v] : ints) s.bind(i, v);
    std::vector<AuditEvent> out;
    while (s.step()) out.push_back(impl::readAudit(s));
    return out;
}

std::vector<AuditEvent> SqliteStore::auditRange(std::int64_t fromSeq, std::int64_t toSeq) {
    Reading r(*this);
    Stmt s(r.db, std::string("SELECT ") + kAuditCols + " FROM audit_events WHERE seq>=? AND seq<=? ORDER BY seq");
    s.bind(1, fromSeq).bind(2, toSeq);
    std::vector<AuditEvent> out;
    while (s.step()) out.push_back(impl::readAudit(s));
    return out;
}

std::optional<AuditEvent> SqliteStore::auditHead() {
    Reading r(*this);
    Stmt s(r.db, std::string("SELECT ") + kAuditCols + " FROM audit_events ORDER BY seq DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return impl::readAudit(s);
}

void SqliteStore::insertCheckpoint(const AuditCheckpoint& cp) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "INSERT INTO audit_checkpoints (seq, head_hash, at, signature, timestamp_token) VALUES (?,?,?,?,'') "
                "ON CONFLICT (seq) DO UPDATE SET head_hash=excluded.head_hash, at=excluded.at, "
                "signature=excluded.signature WHERE timestamp_token = ''");
    s.bind(1, cp.seq).bind(2, cp.headHash).bind(3, cp.at).bind(4, cp.signature);
    s.run();
}

bool SqliteStore::setCheckpointTimestamp(const AuditCheckpoint& cp, const std::string& token) {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "UPDATE audit_checkpoints SET timestamp_token=? WHERE seq=? AND head_hash=? AND at=? AND signature=?");
    s.bind(1, token).bind(2, cp.seq).bind(3, cp.headHash).bind(4, cp.at).bind(5, cp.signature);
    s.run();
    return s.changes() == 1;
}

std::vector<AuditCheckpoint> SqliteStore::checkpoints() {
    Reading r(*this);
    Stmt s(r.db, "SELECT seq, head_hash, at, signature, timestamp_token FROM audit_checkpoints ORDER BY seq");
    std::vector<AuditCheckpoint> out;
    while (s.step()) out.push_back({s.i64(0), s.text(1), s.i64(2), s.text(3), s.text(4)});
    return out;
}

}  // namespace lgw::store
