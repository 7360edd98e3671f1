#pragma once
// Thin RAII over the SQLite C API: prepared statements with typed bind/column, and a transaction
// guard that rolls back unless committed. Errors throw std::runtime_error with SQLite's message
// (adapters::TransientError when the statement may succeed if repeated shortly).
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/transient_error.hpp"

namespace lgw::store::impl {

/// Result codes after which the same statement may succeed shortly (503 store_unavailable, not
/// 500): the database busy or locked past busy_timeout, out of memory, an I/O error, the disk full,
/// the file that cannot be opened or written right now.
inline bool transientSqlite(int rc) {
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_NOMEM:
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_READONLY:
        case SQLITE_PROTOCOL: return true;
        default: return false;
    }
}

[[noreturn]] inline void sqliteThrow(int rc, std::string message) {
    if (transientSqlite(rc)) throw adapters::TransientError("SQLite cannot run the statement now: " + message);
    throw std::runtime_error(std::move(message));
}

[[noreturn]] inline void sqliteFail(sqlite3* db, std::string_view what) {
    sqliteThrow(sqlite3_extended_errcode(db), std::string(what) + ": " + sqlite3_errmsg(db));
}

inline void exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err); rc != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        sqliteThrow(rc, std::string("sqlite: ") + msg);
    }
}

/// Prepared statements kept per connection and SQL text, so that a statement is compiled once per
/// connection rather than once per call. Call forget(db) before closing a connection.
class StmtCache {
public:
    static sqlite3_stmt* take(sqlite3* db, std::string_view sql) {
        {
            std::lock_guard lock(mutex());
            auto it = pool().find({db, std::string(sql)});
            if (it != pool().end() && !it->second.empty()) {
                sqlite3_stmt* s = it->second.back();
                it->second.pop_back();
                return s;
            }
        }
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
            SQLITE_OK) {
            sqlite3_finalize(s);
            sqliteFail(db, "prepare");
        }
        return s;
    }
    static void give(sqlite3* db, sqlite3_stmt* s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        std::lock_guard lock(mutex());
        std::pair<sqlite3*, std::string> key{db, sqlite3_sql(s)};
        auto it = pool().find(key);
        // Bounded: statements built from filters (audit queries) vary; those beyond the bound are
        // simply finalized.
        if (it == pool().end() && pool().size() < 512) it = pool().emplace(std::move(key), std::vector<sqlite3_stmt*>{}).first;
        if (it != pool().end() && it->second.size() < 4) it->second.push_back(s);
        else sqlite3_finalize(s);
    }
    static void forget(sqlite3* db) {
        std::lock_guard lock(mutex());
        for (auto it = pool().begin(); it != pool().end();) {
            if (it->first.first != db) {
                ++it;
                continue;
            }
            for (auto* s : it->second) sqlite3_finalize(s);
            it = pool().erase(it);
        }
    }

private:
    using Pool = std::map<std::pair<sqlite3*, std::string>, std::vector<sqlite3_stmt*>>;
    static Pool& pool() {
        static Pool p;
        return p;
    }
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
};

class Stmt {
public:
    Stmt(sqlite3* db, std::string_view sql) : db_(db), stmt_(StmtCache::take(db, sql)) {}
    ~Stmt() { StmtCache::give(db_, stmt_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int i, std::string_view v) {
        check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, std::int64_t v) {
        check(sqlite3_bind_int64(stmt_, i, v));
        return *this;
    }
    Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    Stmt& bind(int i, std::uint32_t v) { return bind(i, static_cast<std::int64_t>(v)); }
    Stmt& bind(int i, bool v) { return bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
    Stmt& bindBlob(int i, std::string_view v) {
        check(sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Stmt& bindNull(int i) {
        check(sqlite3_bind_null(stmt_, i));
        return *this;
    }

    /// True while a row is available.
    bool step() {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        sqliteFail(db_, "step");
    }
    void run() {
        while (step()) {
        }
    }
    void reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    std::string text(int col) const {
        auto* p = sqlite3_column_text(stmt_, col);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }
    std::string blob(int col) const {
        auto* p = sqlite3_column_blob(stmt_, col);
        return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }
    std::int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
    int i32(int col) const { return sqlite3_column_int(stmt_, col); }
    bool isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

    int changes() const { return sqlite3_changes(db_); }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) sqliteFail(db_, "bind");
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// BEGIN IMMEDIATE (write lock taken up front, so read-then-write is atomic); rolls back unless committed.
/// BEGIN on construction, ROLLBACK on destruction unless commit() ran. Inside a transaction already
/// open (an audited action: SqliteStore::appendAuditWith), a savepoint instead.
class Tx {
public:
    explicit Tx(sqlite3* db, bool write = true) : db_(db), nested_(sqlite3_get_autocommit(db) == 0) {
        exec(db_, nested_ ? "SAVEPOINT lgw_nested" : write ? "BEGIN IMMEDIATE" : "BEGIN");
    }
    ~Tx() {
        if (!done_)
            sqlite3_exec(db_, nested_ ? "ROLLBACK TO lgw_nested; RELEASE lgw_nested" : "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
        exec(db_, nested_ ? "RELEASE lgw_nested" : "COMMIT");
        done_ = true;
    }
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;

private:
    sqlite3* db_;
    bool nested_;
    bool done_ = false;
};

}  // namespace lgw::store::impl
