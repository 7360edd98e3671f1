#include "simulators/marketing/marketing_simulator.hpp"

#include <sqlite3.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>

#include "adapters/marketing/http_marketing_client.hpp"
#include "gateway/http/embedded_server.hpp"
#include "gateway/http/problem.hpp"
#include "security/crypto.hpp"

namespace lgw::adapters::marketing {

using gateway::HttpRequest;
using gateway::HttpResponse;
namespace json = boost::json;
namespace asio = boost::asio;

struct MarketingSimulator::Impl {
    MarketingSimOptions opt;
    gateway::EmbeddedServer http{"marketing_sim"};
    sqlite3* db = nullptr;
    mutable std::mutex mutex;  // the database and the faults
    MarketingSimFaults faults;
    std::atomic<std::uint64_t> attempts{0};
    std::mt19937_64 rng{std::random_device{}()};

    ~Impl() {
        if (db) sqlite3_close(db);
    }

    void openDb() {
        if (sqlite3_open(opt.dbFile.c_str(), &db) != SQLITE_OK)
            throw std::runtime_error("marketing-sim: cannot open " + opt.dbFile + ": " + sqlite3_errmsg(db));
        char* err = nullptr;
        if (sqlite3_exec(db,
                         "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                         "CREATE TABLE IF NOT EXISTS received (idempotency_key TEXT PRIMARY KEY, application_id TEXT,"
                         " received_at INTEGER, materials INTEGER, body_sha256 TEXT)",
                         nullptr, nullptr, &err) != SQLITE_OK) {
            std::string m = err ? err : "?";
            sqlite3_free(err);
            throw std::runtime_error("marketing-sim: " + opt.dbFile + ": " + m);
        }
    }

    // True if stored now, false if the key was there already.
    bool store(const ReceivedPackage& p) {
        std::lock_guard lock(mutex);
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO received VALUES (?,?,?,?,?)", -1, &s, nullptr);
        sqlite3_bind_text(s, 1, p.idempotencyKey.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, p.applicationId.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, p.receivedAt);
        sqlite3_bind_int(s, 4, p.materials);
        sqlite3_bind_text(s, 5, p.bodySha256.c_str(), -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(s);
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) throw std::runtime_error(std::string("marketing-sim: ") + sqlite3_errmsg(db));
        return sqlite3_changes(db) == 1;
    }
};

namespace {

HttpResponse answer(int status, json::object o) {
    HttpResponse r;
    r.status = status;
    r.body = json::serialize(o);
    return r;
}

asio::awaitable<void> sleepMs(int ms) {
    asio::steady_timer t(co_await asio::this_coro::executor);
    t.expires_after(std::chrono::milliseconds(ms));
    co_await t.async_wait(asio::use_awaitable);
}

asio::awaitable<HttpResponse> receive(MarketingSimulator::Impl* s, HttpRequest req) {
    s->attempts++;
    MarketingSimFaults f;
    bool fail = false, reset = false;
    {
        std::lock_guard lock(s->mutex);
        f = s->faults;
        fail = f.errorRate > 0 && std::uniform_real_distribution<double>(0, 1)(s->rng) < f.errorRate;
        reset = f.resetRate > 0 && std::uniform_real_distribution<double>(0, 1)(s->rng) < f.resetRate;
    }
    if (reset) {
        HttpResponse r;
        r.resetConnection = true;
        co_return r;
    }
    if (f.hangMs > 0) co_await sleepMs(f.hangMs);
    if (f.latencyMs > 0) co_await sleepMs(f.latencyMs);
    if (fail) co_return answer(503, {{"error", "simulated outage"}});
    const std::string* key = req.header("idempotency-key");
    const std::string* sig = req.header("x-signature");
    if (!key || key->empty()) co_return answer(400, {{"error", "Idempotency-Key is required"}});
    if (!sig || !security::constantTimeEquals(*sig, packageSignature(s->opt.secret, req.body)))
        co_return answer(401, {{"error", "X-Signature does not match the body"}});
    if (f.rejectPackages.count(*key)) co_return answer(400, {{"error", "package refused by the receiver (simulated)"}});
    boost::system::error_code ec;
    auto body = json::parse(req.body, ec);
    if (ec || !body.is_object()) co_return answer(400, {{"error", "the body is not a JSON object"}});
    auto& o = body.as_object();
    ReceivedPackage p;
    p.idempotencyKey = *key;
    if (auto* a = o.if_contains("application_id"); a && a->is_string()) p.applicationId = std::string(a->as_string());
    if (auto* m = o.if_contains("materials"); m && m->is_array()) {
        for (auto& item : m->as_array()) {
            // Each inline document must be what its sha256 says.
            auto* doc = item.is_object() ? item.as_object().if_contains("document") : nullptr;
            if (!doc || !doc->is_object()) continue;
            auto* data = doc->as_object().if_contains("data_base64");
            auto* sha = doc->as_object().if_contains("sha256");
            if (!data || !sha || !data->is_string() || !sha->is_string())
                co_return answer(400, {{"error", "a document lacks data_base64 or sha256"}});
            auto bytes = security::base64Decode(std::string(data->as_string()));
            if (!bytes || security::sha256Hex(*bytes) != std::string(sha->as_string()))
                co_return answer(400, {{"error", "a document does not match its sha256"}});
            ++p.materials;
        }
    }
    p.receivedAt = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
    p.bodySha256 = security::sha256Hex(req.body);
    if (!s->store(p)) co_return answer(409, {{"error", "already received"}, {"idempotency_key", *key}});
    co_return answer(201, {{"received", *key}});
}

asio::awaitable<HttpResponse> controlFaults(MarketingSimulator::Impl* s, HttpRequest req) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object()) co_return answer(400, {{"error", "expected a JSON object"}});
    MarketingSimFaults f;
    auto& o = v.as_object();
    if (auto* x = o.if_contains("error_rate")) f.errorRate = x->to_number<double>();
    if (auto* x = o.if_contains("latency_ms")) f.latencyMs = x->to_number<int>();
    if (auto* x = o.if_contains("hang_ms")) f.hangMs = x->to_number<int>();
    if (auto* x = o.if_contains("reset_rate")) f.resetRate = x->to_number<double>();
    if (auto* x = o.if_contains("reject_packages"); x && x->is_array())
        for (auto& id : x->as_array()) f.rejectPackages.insert(std::string(id.as_string()));
    std::lock_guard lock(s->mutex);
    s->faults = f;
    co_return answer(200, {{"ok", true}});
}

}  // namespace

MarketingSimulator::MarketingSimulator(MarketingSimOptions options) : impl_(std::make_unique<Impl>()) {
    auto& im = *impl_;
    im.opt = std::move(options);
    im.faults = im.opt.faults;
    im.openDb();
    Impl* s = &im;
    im.http.router().add({"POST", im.opt.path, {}, 64ull * 1024 * 1024, {}, [s](HttpRequest r) { return receive(s, std::move(r)); }});
    if (im.opt.testMode)
        im.http.router().add({"POST", "/_sim/faults", {}, 0, {}, [s](HttpRequest r) { return controlFaults(s, std::move(r)); }});
    auto sc = gateway::EmbeddedServer::listenerAt(im.opt.host, im.opt.port, 1, 1000);
    im.http.bind(sc);
}

MarketingSimulator::~MarketingSimulator() { stop(); }
void MarketingSimulator::start() { impl_->http.start(); }
void MarketingSimulator::stop() { impl_->http.stop(); }
void MarketingSimulator::run() { impl_->http.runHere(); }
std::uint16_t MarketingSimulator::port() const { return impl_->http.server().port(); }
std::string MarketingSimulator::url() const { return impl_->http.baseUrl() + impl_->opt.path; }
std::uint64_t MarketingSimulator::attempts() const { return impl_->attempts.load(); }

void MarketingSimulator::setFaults(const MarketingSimFaults& f) {
    std::lock_guard lock(impl_->mutex);
    impl_->faults = f;
}

std::vector<ReceivedPackage> MarketingSimulator::received() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<ReceivedPackage> out;
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(impl_->db, "SELECT idempotency_key, application_id, received_at, materials, body_sha256 FROM received ORDER BY received_at", -1, &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) {
        ReceivedPackage p;
        p.idempotencyKey = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        p.applicationId = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
        p.receivedAt = sqlite3_column_int64(s, 2);
        p.materials = sqlite3_column_int(s, 3);
        p.bodySha256 = reinterpret_cast<const char*>(sqlite3_column_text(s, 4));
        out.push_back(std::move(p));
    }
    sqlite3_finalize(s);
    return out;
}

}  // namespace lgw::adapters::marketing
