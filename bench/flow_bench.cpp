// consent -> verify -> fetch through the gateway against the government-platform simulator, which
// adds a fixed latency to every call. N flows run concurrently (coroutines, one I/O thread for the
// driver); each reads its SMS code from the gateway's sms.ndjson as a person would. Prints flows/s,
// p50/p99 of a whole flow, and the ratio to the bound  N / (upstream calls per flow * latency):
// what a gateway that only waited on the platform, never on itself, would reach.
// The CPU floor, measured in the same run: the flows/s at which the operations no implementation of
// a flow can skip — the platform's SM2 signatures (the licence record's and the OFD seal's), the
// gateway's SM2 verifications (the record's, the seal's signed value, the seal maker's signature,
// the signer's and the maker's certificates), SHA-256, AES-256-GCM envelope sealing, base64 out and
// back of the licence file at the size the fetches returned — alone saturate every core. The
// ratio is to min(bound, floor).
// Usage: lgw-flow-bench [--flows N] [--seconds S] [--latency-ms L]
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "bench/bench_stats.hpp"
#include "security/crypto.hpp"
#include "security/envelope.hpp"
#include "security/signature.hpp"
#include "simulators/govdata/gov_simulator.hpp"
#include "adapters/http/http_client.hpp"
#include "config/config.hpp"
#include "gateway/app/app.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/http/server.hpp"

namespace asio = boost::asio;
namespace json = boost::json;
using namespace lgw;
using Clock = std::chrono::steady_clock;

namespace {

struct Codes {  // consent id -> SMS code, filled by tailing sms.ndjson
    std::mutex m;
    std::unordered_map<std::string, std::string> byConsent;
};

void tail(const std::string& path, Codes& codes, std::atomic<bool>& stop) {
    std::ifstream f;
    std::string pending;
    char buf[65536];
    while (!stop) {
        if (!f.is_open()) f.open(path, std::ios::binary);
        std::streamsize n = 0;
        if (f.is_open()) {
            f.read(buf, sizeof buf);
            n = f.gcount();
            f.clear();
        }
        if (n == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            continue;
        }
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {  // only whole lines: the writer may be mid-line
            auto v = json::parse(pending.substr(0, nl)).as_object();
            pending.erase(0, nl + 1);
            std::lock_guard lock(codes.m);
            codes.byConsent[std::string(v.at("reference").as_string())] =
                std::string(v.at("params").as_object().at("code").as_string());
        }
    }
}

struct Stats {
    std::mutex m;
    std::atomic<std::size_t> fetchBytes{0};  ///< the size of a fetched licence file (1 while it is being read)
    std::vector<double> flowMs;
    std::atomic<long> errors{0};
    std::string firstError;
};

const adapters::http::Headers kAuth = {{"Authorization", "Bearer demo-frontdesk"}};

asio::awaitable<std::string> waitCode(Codes* codes, std::string consentId) {
    asio::steady_timer t(co_await asio::this_coro::executor);
    for (int i = 0; i < 5000; ++i) {
        {
            std::lock_guard lock(codes->m);
            auto it = codes->byConsent.find(consentId);
            if (it != codes->byConsent.end()) co_return it->second;
        }
        t.expires_after(std::chrono::milliseconds(2));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return std::string();
}

asio::awaitable<std::optional<json::object>> post(adapters::http::HttpClient* c, std::string path, std::string body,
                                                  int expect, Stats* stats) {
    adapters::http::OutboundRequest req;
    req.path = std::move(path);
    req.body = std::move(body);
    req.headers = kAuth;
    auto r = co_await c->send(std::move(req));
    auto* res = std::get_if<adapters::http::OutboundResponse>(&r);
    if (!res || res->status != expect) {
        if (stats->errors++ == 0) {
            std::lock_guard lock(stats->m);
            stats->firstError = res ? std::to_string(res->status) + " " + res->body.substr(0, 300)
                                    : std::get<adapters::http::NetError>(r).detail;
        }
        co_return std::nullopt;
    }
    co_return json::parse(res->body).as_object();
}

asio::awaitable<void> flowLoop(adapters::http::HttpClient* c, Codes* codes, Stats* stats,
                               const std::vector<std::string>* subjects, Clock::time_point end, int seed) {
    std::mt19937 rng(static_cast<unsigned>(seed));
    while (Clock::now() < end) {
        const std::string& code = (*subjects)[rng() % subjects->size()];
        bool person = code.size() == 18 && code[0] != '9';
        auto start = Clock::now();
        std::string body = std::string(R"({"application_id":"BENCH","subject":{"type":")") +
                           (person ? "person" : "enterprise") + R"(","code":")" + code +
                           R"("},"licence_types":[")" + (person ? "id_card" : "business_licence") +
                           R"("],"purpose":"power_connection"})";
        auto consent = co_await post(c, "/v1/consents", body, 201, stats);
        if (!consent) continue;
        std::string id(consent->at("consent_id").as_string());
        auto sms = co_await waitCode(codes, id);
        std::string verifyPath = "/v1/consents/" + id + "/verify", verifyBody = R"({"code":")" + sms + R"("})";
        auto grant = co_await post(c, verifyPath, verifyBody, 200, stats);
        if (!grant) continue;
        std::string fetchPath = "/v1/grants/" + std::string(grant->at("grant_id").as_string()) + "/licences";
        auto licences = co_await post(c, fetchPath, std::string(), 200, stats);
        if (!licences) continue;
        std::size_t unread = 0;
        if (stats->fetchBytes.compare_exchange_strong(unread, 1)) {
            // Once: the licence file as the gateway keeps it (the sealed OFD, byte for byte), whose
            // size the CPU floor hashes, encrypts and base64-codes.
            adapters::http::OutboundRequest get;
            get.method = "GET";
            const auto* list = licences->if_contains("licences");
            const auto* first = list && list->is_array() && !list->as_array().empty() ? list->as_array().at(0).if_object() : nullptr;
            const auto* docId = first ? first->if_contains("document_id") : nullptr;
            if (!docId || !docId->is_string()) {
                std::fprintf(stderr, "the fetch answer names no document: %s\n", json::serialize(*licences).substr(0, 300).c_str());
                continue;
            }
            const std::string docPath = "/v1/documents/" + std::string(docId->as_string());
            get.path = docPath;
            get.headers = kAuth;
            auto r = co_await c->send(std::move(get));
            auto* res = std::get_if<adapters::http::OutboundResponse>(&r);
            stats->fetchBytes = res && res->status == 200 ? res->body.size() : 0;
            if (!res || res->status != 200 || res->body.size() < 2) {
                std::lock_guard lock(stats->m);
                std::fprintf(stderr, "GET %s: %s\n", docPath.c_str(), res ? (std::to_string(res->status) + " " + res->body.substr(0, 200)).c_str() : "no answer");
            }
        }
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        std::lock_guard lock(stats->m);
        stats->flowMs.push_back(ms);
    }
}

// Consents name an application that exists (API.md): the flows' one, created once by the desk.
asio::awaitable<void> createApplication(adapters::http::HttpClient* c, Stats* stats) {
    adapters::http::OutboundRequest req;
    req.method = "PUT";
    req.path = "/v1/applications/BENCH";
    req.body = R"({"customer_category":"high_voltage","customer_name":"基准测试有限公司","phone":"13800001111"})";
    req.headers = kAuth;
    auto r = co_await c->send(std::move(req));
    auto* res = std::get_if<adapters::http::OutboundResponse>(&r);
    if (!res || (res->status != 201 && res->status != 200)) {
        ++stats->errors;
        stats->firstError = "PUT /v1/applications/BENCH: " + (res ? std::to_string(res->status) + " " + res->body : std::string("no answer"));
    }
}

// Flows/s of the unavoidable operations alone on every core (see the header), for a licence file
// of `fileBytes`.
double cpuFloor(std::size_t fileBytes, double* perFlowMs) {
    auto key = security::PrivateKey::generate(security::SignatureAlg::kSm2Sm3);
    auto pub = key.publicKey();
    const std::string record(1024, 'r');
    const std::string sig = key.sign(security::SignatureAlg::kSm2Sm3, record);
    const std::string file = security::randomBytes(fileBytes);
    const std::string encoded = security::base64Encode(file);
    security::Keyring ring;
    ring.keys[1] = security::randomBytes(32);
    volatile std::size_t sink = 0;
    constexpr double kBudget = 0.3;  // seconds per operation timed
    const double sign = bench::secondsPer([&] { sink = sink + key.sign(security::SignatureAlg::kSm2Sm3, record).size(); }, kBudget);
    const double verify = bench::secondsPer([&] { sink = sink + pub.verify(security::SignatureAlg::kSm2Sm3, record, sig); }, kBudget);
    const double hash = bench::secondsPer([&] { sink = sink + security::sha256(file).size(); }, kBudget);
    const double aead = bench::secondsPer([&] { sink = sink + security::seal(ring, "doc", file).ciphertext.size(); }, kBudget);
    const double b64 = bench::secondsPer([&] { sink = sink + security::base64Encode(file).size() + security::base64Decode(encoded)->size(); }, kBudget);
    const double perFlow = 2 * sign + 5 * verify + hash + aead + b64;
    *perFlowMs = perFlow * 1000;
    return static_cast<double>(std::max(1u, std::thread::hardware_concurrency())) / perFlow;
}

}  // namespace

int main(int argc, char** argv) {
    int flows = 200, seconds = 20, latencyMs = 100;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--flows") flows = std::stoi(argv[i + 1]);
        else if (a == "--seconds") seconds = std::stoi(argv[i + 1]);
        else if (a == "--latency-ms") latencyMs = std::stoi(argv[i + 1]);
    }
    std::string src = LGW_SOURCE_DIR;
    auto dir = std::filesystem::temp_directory_path() / ("lgw-flow-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ::setenv("LGW_BENCH_GOV_SECRET", "bench-gov-secret-0123456789abcdef", 1);

    adapters::govdata::GovSimOptions so;
    so.holdersFile = src + "/config/govsim/holders.json";
    so.keyFile = (dir / "sim.pem").string();
    so.appId = "licence-gateway";
    so.appSecret = "bench-gov-secret-0123456789abcdef";
    so.faults.latencyMs = latencyMs;
    so.ioThreads = 2;
    adapters::govdata::GovSimulator sim(so);
    sim.prerender();  // measure the gateway, not the simulator's first-use rendering
    sim.start();
    std::ofstream(dir / "sim.pub") << sim.publicKeyPem();
    std::ofstream(dir / "ofd-root.pem") << sim.ofdRootPem();

    auto loaded = config::loadConfigFile(src + "/config/gateway.toml");
    auto cfg = *loaded.config;
    cfg.dataDir = (dir / "var").string();
    cfg.server.port = 0;
    cfg.server.maxConnections = 10000;
    cfg.server.maxConnectionsPerClient = 0;  // every bench client is 127.0.0.1
    cfg.log.level = "warn";
    cfg.consent.textFile = src + "/config/consent_text.txt";
    cfg.marketing.materialsFile = src + "/config/materials.toml";
    cfg.consent.perPhone = cfg.consent.perSubject = cfg.consent.perCaller = {1000000, 3600};
    cfg.govdata.mode = "http";
    cfg.govdata.url = sim.baseUrl();
    cfg.govdata.keys = {{sim.keyId(), (dir / "sim.pub").string()}};
    cfg.govdata.ofdTrustAnchors = {(dir / "ofd-root.pem").string()};
    cfg.govdata.appSecretEnv = "LGW_BENCH_GOV_SECRET";
    cfg.govdata.timeoutMs = 5000;
    cfg.govdata.maxIdleConnections = flows * 2;
    gateway::setupLogging(cfg.log);
    gateway::App app(cfg);
    std::uint16_t port = app.server().port();
    std::thread gwThread([&] { app.run(false); });

    std::vector<std::string> subjects;
    {
        std::ifstream f(so.holdersFile);
        std::stringstream ss;
        ss << f.rdbuf();
        json::value doc = json::parse(ss.str());
        for (auto& h : doc.as_object().at("holders").as_array())
            subjects.emplace_back(h.as_object().at("holder_code").as_string());
    }

    Codes codes;
    std::atomic<bool> stopTail{false};
    std::thread tailer(tail, (dir / "var" / "sms.ndjson").string(), std::ref(codes), std::ref(stopTail));
    Stats stats;
    asio::io_context ioc(1);
    adapters::http::HttpClientOptions co;
    co.baseUrl = "http://127.0.0.1:" + std::to_string(port);
    co.timeoutMs = 60000;
    co.maxIdle = static_cast<std::size_t>(flows);
    adapters::http::HttpClient client(ioc.get_executor(), co);
    asio::co_spawn(ioc, createApplication(&client, &stats), asio::detached);
    ioc.run();
    ioc.restart();
    if (stats.errors > 0) {
        std::printf("%s\n", stats.firstError.c_str());
        return 1;
    }
    auto started = Clock::now();
    auto end = started + std::chrono::seconds(seconds);
    for (int i = 0; i < flows; ++i)
        asio::co_spawn(ioc, flowLoop(&client, &codes, &stats, &subjects, end, i), asio::detached);
    ioc.run();
    double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    stopTail = true;
    tailer.join();
    app.requestShutdown();
    gwThread.join();
    sim.stop();

    double rate = static_cast<double>(stats.flowMs.size()) / elapsed;
    double bound = flows / (2 * latencyMs / 1000.0);  // contact + query per flow
    double perFlowMs = 0;
    // Measured once the gateway is idle, on a file of the size the platform sent.
    const double floor = cpuFloor(std::max<std::size_t>(1024, stats.fetchBytes.load()), &perFlowMs);
    std::printf("flows=%d latency_ms=%d seconds=%.1f completed=%zu errors=%ld flows/s=%.1f p50_ms=%.0f p99_ms=%.0f "
                "bound_flows/s=%.0f cpu_floor_flows/s=%.0f (%.2f ms of unavoidable work per flow, a %zu-byte licence file) "
                "ratio_to_bound=%.3f ratio=%.3f\n",
                flows, latencyMs, elapsed, stats.flowMs.size(), stats.errors.load(), rate, bench::percentile(stats.flowMs, 0.5),
                bench::percentile(stats.flowMs, 0.99), bound, floor, perFlowMs, stats.fetchBytes.load(), rate / bound,
                rate / std::min(bound, floor));
    if (!stats.firstError.empty()) std::printf("first error: %s\n", stats.firstError.c_str());
    std::filesystem::remove_all(dir);
    return stats.flowMs.empty() ? 1 : 0;
}
