// Durable audit appends through the gateway's own path — Auditor::record on the blocking pool (4
// threads, as config/gateway.toml ships), the SQLite store (WAL, synchronous=FULL, hash chain,
// group commit) — at 1, 8 and 64 concurrent requests, next to the floor measured in the same run:
// plain SQLite inserts of the same rows into the same table (same schema, indexes and pragmas),
// one transaction each, from one connection in a loop.
// Prints one line per measure, "audit N appends/s p50_ms p99_ms" and "sqlite 1 inserts/s", that
// bench/audit_bench.sh puts in a table with the ratios.
// Usage: lgw-audit-bench [--seconds S, default 5] [--dir DIR, default ./var] [--concurrency N]...
#include <sqlite3.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_stats.hpp"
#include "adapters/store/sqlite_store.hpp"
#include "gateway/http/blocking.hpp"
#include "gateway/http/metrics.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/clock.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace lgw;
using Steady = std::chrono::steady_clock;

namespace {

// A typical event: a document read by a front-desk key, with a detail object.
store::AuditEvent sampleEvent(int caller, long n) {
    store::AuditEvent e;
    e.actor = "frontdesk-" + std::to_string(caller);
    e.role = "frontdesk";
    e.action = "document.read";
    e.target = "doc-" + std::to_string(n);
    e.applicationId = "YK2026" + std::to_string(100000 + n % 1000);
    e.subject = "h:0f3c9a5be2d14c7788a1d2e3f4a5b6c7";
    e.outcome = "allowed";
    e.requestId = "req-" + std::to_string(caller) + "-" + std::to_string(n);
    e.detailJson = R"({"copy":"watermarked","download_id":"0123456789abcdef","bytes":1048576})";
    return e;
}

struct Run {
    long count = 0;
    std::vector<double> latencyMs;
};

asio::awaitable<void> caller(gateway::Auditor* auditor, Run* run, int id, Steady::time_point end) {
    long n = 0;
    while (Steady::now() < end) {
        auto start = Steady::now();
        auto recording = auditor->record(sampleEvent(id, n++));
        co_await std::move(recording);
        run->latencyMs.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
        ++run->count;
    }
}

void throwaway(const fs::path& db) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

// N concurrent requests appending through the Auditor for `seconds`.
void measureAuditor(const fs::path& dir, int concurrency, double seconds) {
    const fs::path db = dir / ("audit-bench-" + std::to_string(concurrency) + ".db");
    throwaway(db);
    double rate = 0, p50 = 0, p99 = 0;
    {
        store::SqliteStore store({db.string()});
        gateway::BlockingPool pool(4);
        gateway::Metrics metrics("bench");
        gateway::Auditor auditor(store, pool, metrics, std::make_shared<gateway::SystemClock>());
        asio::io_context ioc;
        std::vector<Run> runs(static_cast<std::size_t>(concurrency));
        const auto start = Steady::now();
        const auto end = start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
        for (int i = 0; i < concurrency; ++i)
            asio::co_spawn(ioc, caller(&auditor, &runs[static_cast<std::size_t>(i)], i, end), asio::detached);
        std::thread second([&] { ioc.run(); });  // the gateway's two I/O threads
        ioc.run();
        second.join();
        const double took = std::chrono::duration<double>(Steady::now() - start).count();
        std::vector<double> all;
        long count = 0;
        for (auto& r : runs) {
            count += r.count;
            all.insert(all.end(), r.latencyMs.begin(), r.latencyMs.end());
        }
        rate = static_cast<double>(count) / took;
        p50 = bench::percentile(all, 0.5);
        p99 = bench::percentile(all, 0.99);
        pool.join();
        // The chain must be whole, or the figure means nothing.
        auto head = store.auditHead();
        if (!head || head->seq != count) {
            std::fprintf(stderr, "audit chain head %lld after %ld appends\n", head ? static_cast<long long>(head->seq) : 0LL, count);
            std::exit(1);
        }
    }
    throwaway(db);
    std::printf("audit %d %.1f %.2f %.2f\n", concurrency, rate, p50, p99);
    std::fflush(stdout);
}

void check(int rc, sqlite3* db, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        std::exit(1);
    }
}

// The floor: the same rows, plain INSERTs, one BEGIN IMMEDIATE ... COMMIT each, one connection.
void measureSqlite(const fs::path& dir, double seconds) {
    const fs::path db = dir / "audit-bench-floor.db";
    throwaway(db);
    { store::SqliteStore schema({db.string()}); }  // the same tables, indexes and migrations
    sqlite3* h = nullptr;
    check(sqlite3_open(db.string().c_str(), &h), h, "open");
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                               "PRAGMA secure_delete=ON"})
        check(sqlite3_exec(h, pragma, nullptr, nullptr, nullptr), h, pragma);
    sqlite3_stmt* ins = nullptr;
    check(sqlite3_prepare_v2(h,
                             "INSERT INTO audit_events (seq, at, actor, role, action, target, application_id, subject, "
                             "outcome, request_id, detail_json, alert, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             -1, &ins, nullptr),
          h, "prepare");
    const std::string hash(64, 'a');
    long n = 0;
    const auto start = Steady::now();
    const auto end = start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
    while (Steady::now() < end) {
        auto e = sampleEvent(0, n);
        check(sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), h, "begin");
        sqlite3_bind_int64(ins, 1, n + 1);
        sqlite3_bind_int64(ins, 2, 1767225600000 + n);
        const std::string* texts[] = {&e.actor, &e.role, &e.action, &e.target, &e.applicationId, &e.subject,
                                      &e.outcome, &e.requestId, &e.detailJson};
        for (int i = 0; i < 9; ++i)
            sqlite3_bind_text(ins, 3 + i, texts[i]->data(), static_cast<int>(texts[i]->size()), SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 12, 0);
        sqlite3_bind_text(ins, 13, hash.data(), 64, SQLITE_STATIC);
        sqlite3_bind_text(ins, 14, hash.data(), 64, SQLITE_STATIC);
        check(sqlite3_step(ins), h, "insert");
        sqlite3_reset(ins);
        check(sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr), h, "commit");
        ++n;
    }
    const double took = std::chrono::duration<double>(Steady::now() - start).count();
    sqlite3_finalize(ins);
    sqlite3_close(h);
    throwaway(db);
    std::printf("sqlite 1 %.1f\n", static_cast<double>(n) / took);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 5;
    fs::path dir = "var";
    std::vector<int> concurrency;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--seconds") seconds = std::atof(argv[i + 1]);
        else if (a == "--dir") dir = argv[i + 1];
        else if (a == "--concurrency") concurrency.push_back(std::atoi(argv[i + 1]));
        else {
            std::fprintf(stderr, "unknown option %s (--seconds S, --dir DIR, --concurrency N)\n", a.c_str());
            return 2;
        }
    }
    if (concurrency.empty()) concurrency = {1, 8, 64};
    fs::create_directories(dir);
    measureSqlite(dir, seconds);
    for (int c : concurrency) measureAuditor(dir, c, seconds);
}
