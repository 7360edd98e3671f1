#pragma once
// Thin RAII over libpq: a pool of connections, statements prepared once per connection (named by
// the SQL text's hash), typed parameters and results, and a transaction guard that rolls back
// unless committed. Every call blocks: use it on the blocking pool only. Errors throw
// std::runtime_error with the server's message (never the connection string: it may hold a
// password); adapters::TransientError when the server cannot be reached or the connection was lost.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

struct pg_conn;
struct pg_result;

namespace lgw::store::pg {

/// One parameter in text format; nullopt is SQL NULL.
struct Arg {
    std::optional<std::string> value;
    Arg(const std::string& s) : value(s) {}  // NOLINT(google-explicit-constructor)
    Arg(const char* s) : value(std::string(s)) {}  // NOLINT(google-explicit-constructor)
    template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
    Arg(T v) : value(std::to_string(static_cast<std::int64_t>(v))) {}  // NOLINT(google-explicit-constructor)
    static Arg null() { return Arg(std::nullopt); }

private:
    explicit Arg(std::nullopt_t) {}
};

/// Bytes as a bytea literal (hex format).
Arg bytea(const std::string& bytes);

class Result {
public:
    explicit Result(pg_result* r) : r_(r) {}
    ~Result();
    Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
    Result& operator=(Result&&) = delete;
    Result(const Result&) = delete;

    int rows() const;
    /// Rows changed by an INSERT/UPDATE/DELETE.
    int affected() const;
    bool isNull(int row, int col) const;
    std::string text(int row, int col) const;
    std::int64_t i64(int row, int col) const;
    int i32(int row, int col) const { return static_cast<int>(i64(row, col)); }
    /// A bytea column (hex text format) as raw bytes; "" when NULL.
    std::string bytes(int row, int col) const;

private:
    pg_result* r_;
};

class Conn {
public:
    Conn(const std::string& conninfo, const std::string& schema);
    ~Conn();
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    /// Prepares `sql` on this connection the first time, then executes it.
    Result exec(const std::string& sql, const std::vector<Arg>& args = {});
    /// Runs one or more statements without parameters (DDL, BEGIN/COMMIT).
    void run(const std::string& sql);
    /// False when the connection was lost; reconnect() tries again.
    bool healthy() const;
    /// One round trip (an empty query): false when the server no longer answers on it (restarted,
    /// the backend terminated, the network cut), which a socket idle since does not show.
    bool ping();
    /// True inside BEGIN ... COMMIT (a Tx on it then nests as a savepoint).
    bool inTransaction() const;
    void reconnect();
    /// Runs `sql` now and again after every reconnect (session settings such as timeouts).
    void setSessionSql(std::string sql);

private:
    void connect();
    /// Throws TransientError when the connection is gone or `sqlstate` says the statement may
    /// succeed if repeated (a lost connection, a timeout, a lock not granted, a deadlock or
    /// serialization failure, the server short of resources or shutting down), else runtime_error.
    [[noreturn]] void fail(const std::string& message, const char* sqlstate = nullptr) const;
    pg_conn* c_ = nullptr;
    std::string conninfo_;
    std::string schema_;
    std::string sessionSql_;
    std::unordered_set<std::string> prepared_;
};

/// A fixed number of connections; acquire() waits for a free one. The pool heals: a connection
/// found lost on return marks every idle sibling to be checked (ping) before its next use, and one
/// idle longer than the idle-check bound is checked too, so that after a database restart the next
/// request gets a working connection instead of each dead one failing a request of its own.
class Pool {
public:
    Pool(std::string conninfo, std::string schema, int size);
    ~Pool();

    class Lease {
    public:
        Lease(Pool& pool, std::unique_ptr<Conn> conn) : pool_(&pool), conn_(std::move(conn)), at_(conn_.get()) {}
        /// The connection this thread has bound (Binding): used, not owned.
        explicit Lease(Conn* bound) : pool_(nullptr), at_(bound) {}
        ~Lease();
        Lease(Lease&& o) noexcept = default;
        Conn* operator->() { return at_; }
        Conn& operator*() { return *at_; }

    private:
        Pool* pool_;
        std::unique_ptr<Conn> conn_;
        Conn* at_;
    };
    /// A free connection, or the one this thread has bound. Throws TransientError when none is
    /// free within the acquire bound (see bound()).
    Lease acquire();

    /// Every wait bounded from now on (0: unbounded): statement_timeout and lock_timeout on every
    /// connection of the pool (and after each reconnect), and acquire()'s wait for a free one.
    struct Bounds {
        int statementTimeoutMs = 0, lockTimeoutMs = 0, acquireTimeoutMs = 0;
        int idleCheckMs = 0;  ///< ping a connection idle at least this long before reuse (0: never)
    };
    void bound(Bounds b);

    /// While alive, every acquire() on this thread answers `conn`: the store's methods called inside
    /// one audited transaction run on its connection (their Tx nest as savepoints).
    class Binding {
    public:
        explicit Binding(Conn& conn);
        ~Binding();
        Binding(const Binding&) = delete;
        Binding& operator=(const Binding&) = delete;

    private:
        Conn* previous_;
    };

private:
    std::string conninfo_, schema_;
    std::mutex mutex_;
    std::condition_variable freed_;
    // An idle connection, with the loss count it was last known good under and since when it idles.
    struct Idle {
        std::unique_ptr<Conn> conn;
        std::uint64_t losses = 0;
        std::chrono::steady_clock::time_point since;
    };
    Bounds bounds_;
    int size_ = 1;
    std::uint64_t losses_ = 0;  ///< connections found lost so far (guarded by mutex_)
    std::vector<Idle> idle_;
};

/// BEGIN on construction; ROLLBACK on destruction unless commit() ran. Inside a transaction already
/// open on the connection, a savepoint instead (released on commit, rolled back to otherwise).
class Tx {
public:
    explicit Tx(Conn& c) : c_(c), nested_(c.inTransaction()) { c_.run(nested_ ? "SAVEPOINT lgw_nested" : "BEGIN"); }
    ~Tx();
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;
    void commit() {
        c_.run(nested_ ? "RELEASE SAVEPOINT lgw_nested" : "COMMIT");
        done_ = true;
    }

private:
    Conn& c_;
    bool nested_;
    bool done_ = false;
};

/// Row `i` of a result, as the shared row readers (rows.hpp) take it.
struct Row {
    const Result& r;
    int i;
    std::string text(int col) const { return r.text(i, col); }
    std::string blob(int col) const { return r.bytes(i, col); }
    std::int64_t i64(int col) const { return r.i64(i, col); }
    int i32(int col) const { return r.i32(i, col); }
};

}  // namespace lgw::store::pg
