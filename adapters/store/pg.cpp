#include "adapters/store/impl/pg.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <string_view>

#include "adapters/transient_error.hpp"

namespace lgw::store::pg {
namespace {

std::string serverMessage(pg_conn* c) {
    std::string m = c ? PQerrorMessage(c) : "out of memory";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

std::string sqlStateOf(const PGresult* r) {
    const char* s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return s ? s : "";
}

std::string quoteIdent(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

int hexValue(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

}  // namespace

Arg bytea(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string s = "\\x";
    s.reserve(2 + bytes.size() * 2);
    for (unsigned char b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return Arg(s);
}

Result::~Result() { PQclear(r_); }
int Result::rows() const { return PQntuples(r_); }
int Result::affected() const {
    const char* n = PQcmdTuples(r_);
    return n && *n ? std::stoi(n) : 0;
}
bool Result::isNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string Result::text(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}
std::int64_t Result::i64(int row, int col) const {
    if (isNull(row, col)) return 0;
    return std::stoll(PQgetvalue(r_, row, col));
}
std::string Result::bytes(int row, int col) const {
    if (isNull(row, col)) return {};
    std::string hex = text(row, col);
    if (hex.size() < 2 || hex[0] != '\\' || hex[1] != 'x') throw std::runtime_error("postgres: bytea not in hex format");
    std::string out;
    out.reserve((hex.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < hex.size(); i += 2) {
        int hi = hexValue(hex[i]), lo = hexValue(hex[i + 1]);
        if (hi < 0 || lo < 0) throw std::runtime_error("postgres: bad bytea hex");
        out += static_cast<char>(hi << 4 | lo);
    }
    return out;
}

Conn::Conn(const std::string& conninfo, const std::string& schema) : conninfo_(conninfo), schema_(schema) { connect(); }
Conn::~Conn() { PQfinish(c_); }

void Conn::connect() {
    PQfinish(c_);
    prepared_.clear();
    c_ = PQconnectdb(conninfo_.c_str());
    if (PQstatus(c_) != CONNECTION_OK) {
        std::string m = serverMessage(c_);
        PQfinish(c_);
        c_ = nullptr;
        throw adapters::TransientError("cannot connect to PostgreSQL: " + m);
    }
    try {
        // The application name tells an operator in pg_stat_activity which deployment a session is.
        std::string app = "licence-gateway/" + schema_;
        std::string quoted = "'";
        for (char ch : app) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
        run("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET client_min_messages = warning; SET application_name = " +
            quoted + "'");
        if (!schema_.empty() && schema_ != "public") {
            try {
                run("CREATE SCHEMA IF NOT EXISTS " + quoteIdent(schema_));
            } catch (const std::runtime_error&) {
                // Two sessions creating the schema at the same moment: one of them gets a unique
                // violation although IF NOT EXISTS; the schema is there all the same.
                if (exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema_}).rows() != 1) throw;
            }
            run("SET search_path TO " + quoteIdent(schema_));
        }
        if (!sessionSql_.empty()) run(sessionSql_);
    } catch (...) {
        // The constructor does not complete, so the destructor will not close the connection.
        PQfinish(c_);
        c_ = nullptr;
        throw;
    }
}

bool Conn::healthy() const { return c_ && PQstatus(c_) == CONNECTION_OK; }

bool Conn::ping() {
    if (!c_) return false;
    PGresult* r = PQexec(c_, "");
    const bool answered = r && PQresultStatus(r) == PGRES_EMPTY_QUERY;
    PQclear(r);
    return answered && healthy();
}
bool Conn::inTransaction() const { return c_ && PQtransactionStatus(c_) != PQTRANS_IDLE; }
void Conn::reconnect() { connect(); }

void Conn::setSessionSql(std::string sql) {
    sessionSql_ = std::move(sql);
    if (c_ && !sessionSql_.empty()) run(sessionSql_);
}

void Conn::run(const std::string& sql) {
    if (!c_) throw std::runtime_error("postgres: not connected");
    PGresult* r = PQexec(c_, sql.c_str());
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        std::string m = serverMessage(c_);
        std::string state = sqlStateOf(r);
        PQclear(r);
        fail(m, state.c_str());
    }
    PQclear(r);
}

// SQLSTATEs (PostgreSQL appendix A) after which the same statement may succeed shortly: connection
// exceptions (08), serialization failure and deadlock (40001, 40P01), insufficient resources (53),
// lock not available (55P03: lock_timeout), query canceled (57014: statement_timeout), the server
// shutting down or starting (57P01..57P03), system errors such as I/O (58).
namespace {
bool transientSqlState(const char* s) {
    if (!s || std::strlen(s) != 5) return false;
    const std::string_view st(s);
    return st.substr(0, 2) == "08" || st == "40001" || st == "40P01" || st.substr(0, 2) == "53" || st == "55P03" ||
           st == "57014" || st == "57P01" || st == "57P02" || st == "57P03" || st.substr(0, 2) == "58";
}
}  // namespace

void Conn::fail(const std::string& message, const char* sqlstate) const {
    // A lost connection (server restart, network cut) or a statement the server could not run now
    // is worth retrying (503 store_unavailable); a refused statement is a bug (500).
    if (!healthy()) throw adapters::TransientError("PostgreSQL connection lost: " + message);
    if (transientSqlState(sqlstate))
        throw adapters::TransientError("PostgreSQL cannot run the statement now (" + std::string(sqlstate) + "): " + message);
    throw std::runtime_error("postgres: " + message);
}

Result Conn::exec(const std::string& sql, const std::vector<Arg>& args) {
    if (!c_) throw std::runtime_error("postgres: not connected");
    const std::string name = "s" + std::to_string(std::hash<std::string>{}(sql));
    if (!prepared_.count(name)) {
        PGresult* p = PQprepare(c_, name.c_str(), sql.c_str(), static_cast<int>(args.size()), nullptr);
        bool ok = PQresultStatus(p) == PGRES_COMMAND_OK;
        std::string state = ok ? std::string() : sqlStateOf(p);
        PQclear(p);
        if (!ok) fail("prepare: " + serverMessage(c_), state.c_str());
        prepared_.insert(name);
    }
    std::vector<const char*> values;
    std::vector<int> lengths;
    values.reserve(args.size());
    for (auto& a : args) {
        values.push_back(a.value ? a.value->c_str() : nullptr);
        lengths.push_back(a.value ? static_cast<int>(a.value->size()) : 0);
    }
    PGresult* r = PQexecPrepared(c_, name.c_str(), static_cast<int>(args.size()), values.data(), lengths.data(),
                                 nullptr, 0);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        std::string m = serverMessage(c_);
        std::string state = sqlStateOf(r);
        PQclear(r);
        fail(m, state.c_str());
    }
    return Result(r);
}

Pool::Pool(std::string conninfo, std::string schema, int size)
    : conninfo_(std::move(conninfo)), schema_(std::move(schema)), size_(std::max(1, size)) {
    for (int i = 0; i < size_; ++i)
        idle_.push_back({std::make_unique<Conn>(conninfo_, schema_), 0, std::chrono::steady_clock::now()});
}

void Pool::bound(Bounds b) {
    const std::string sql = "SET statement_timeout = " + std::to_string(std::max(0, b.statementTimeoutMs)) +
                            "; SET lock_timeout = " + std::to_string(std::max(0, b.lockTimeoutMs));
    // Taken out one at a time, as a caller would: the pool is full when this runs (at start-up).
    std::vector<Lease> all;
    for (int i = 0; i < size_; ++i) all.push_back(acquire());
    for (auto& lease : all) lease->setSessionSql(sql);
    std::lock_guard lock(mutex_);
    bounds_ = b;
}
Pool::~Pool() = default;

namespace {
thread_local Conn* tBound = nullptr;
}

Pool::Binding::Binding(Conn& conn) : previous_(tBound) { tBound = &conn; }
Pool::Binding::~Binding() { tBound = previous_; }

Pool::Lease Pool::acquire() {
    if (tBound) return Lease(tBound);
    Idle picked;
    bool check = false;
    {
        std::unique_lock lock(mutex_);
        auto free = [this] { return !idle_.empty(); };
        if (bounds_.acquireTimeoutMs <= 0) {
            freed_.wait(lock, free);
        } else if (!freed_.wait_for(lock, std::chrono::milliseconds(bounds_.acquireTimeoutMs), free)) {
            throw adapters::TransientError("no PostgreSQL connection of the pool came free within " +
                                           std::to_string(bounds_.acquireTimeoutMs) + " ms (store.pool_size " +
                                           std::to_string(size_) + ")");
        }
        picked = std::move(idle_.back());
        idle_.pop_back();
        const auto idleFor = std::chrono::steady_clock::now() - picked.since;
        check = picked.losses < losses_ ||
                (bounds_.idleCheckMs > 0 && idleFor >= std::chrono::milliseconds(bounds_.idleCheckMs));
    }
    Lease lease(*this, std::move(picked.conn));
    // A server restart or a network cut leaves dead connections behind, which look alive until
    // used: reconnect one known lost, and check one whose sibling was lost or that idled long.
    if (!lease->healthy() || (check && !lease->ping())) lease->reconnect();
    return lease;
}

Pool::Lease::~Lease() {
    if (!conn_ || !pool_) return;
    std::lock_guard lock(pool_->mutex_);
    // Lost while leased: the siblings idle now were good before this loss; check each before use.
    if (!conn_->healthy()) ++pool_->losses_;
    pool_->idle_.push_back({std::move(conn_), pool_->losses_, std::chrono::steady_clock::now()});
    pool_->freed_.notify_one();
}

Tx::~Tx() {
    if (done_) return;
    try {
        c_.run(nested_ ? "ROLLBACK TO SAVEPOINT lgw_nested; RELEASE SAVEPOINT lgw_nested" : "ROLLBACK");
    } catch (...) {
        // The connection is gone; the server rolled the transaction back when it went.
    }
}

}  // namespace lgw::store::pg
