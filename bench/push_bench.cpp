// Packages pushed to the marketing-system receiver (its simulator, on loopback), each carrying a
// 1 MB scan that is decrypted, watermarked and sent inline:
//  - throughput: N packages queued at once, packages/s until the last is delivered, next to the
//    same bodies POSTed straight to the receiver by a plain HTTP client (the transport floor);
//  - latency: one push at a time through POST /v1/packages/{id}/push, push -> delivered p50/p99.
// Usage: lgw-push-bench [--packages N] [--latency-samples M] [--batch B]
// --batch sets marketing.batch, the rows one pass delivers concurrently (1 = one at a time).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/bench_stats.hpp"
#include "adapters/blob/encrypted_file_vault.hpp"
#include "adapters/http/http_client.hpp"
#include "adapters/marketing/http_marketing_client.hpp"
#include "simulators/marketing/marketing_simulator.hpp"
#include "adapters/store/sqlite_store.hpp"
#include "config/config.hpp"
#include "gateway/app/app.hpp"
#include "gateway/http/server.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/app/malloc_tuning.hpp"
#include "imaging/canvas.hpp"
#include "security/crypto.hpp"
#include "security/keyring.hpp"

using namespace lgw;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kSecret = "push-bench-secret-0123456789abcdef";

}  // namespace

int main(int argc, char** argv) {
    gateway::tuneAllocatorForDocuments();
    int packages = 60, samples = 40, batch = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--packages")) packages = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--latency-samples")) samples = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    }
    const std::string src = LGW_SOURCE_DIR;
    auto dir = fs::temp_directory_path() / ("lgw-push-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "var" / "keys");
    std::ofstream(dir / "var" / "keys" / "kek.keyring") << "1 " << std::string(64, 'a') << "\n";
    fs::permissions(dir / "var" / "keys" / "kek.keyring", fs::perms::owner_read | fs::perms::owner_write);
    ::setenv("LGW_PUSH_BENCH_SECRET", kSecret, 1);

    // A 1 MB scan: noise does not compress, so the PNG stays about 1 MB.
    imaging::Canvas scan(600, 580, {0, 0, 0});
    std::string seed = security::randomBytes(scan.pixels().size());
    std::copy(seed.begin(), seed.end(), scan.pixels().begin());
    const std::string png = scan.encodePng();
    const int total = packages + samples;
    {
        store::SqliteStore st({(dir / "var" / "gateway.db").string(), 5000});
        security::Keyring ring;
        ring.keys[1] = std::string(32, '\xaa');
        adapters::blob::EncryptedFileVault vault((dir / "var" / "blobs").string(), ring);
        for (int i = 0; i < total; ++i) {
            std::string n = std::to_string(i), app = "YK-BENCH-" + n, pkg = "PKG-BENCH-" + n;
            st.upsertApplication({app, "low_voltage_residential", "合成示例", "13800001111", "demo-frontdesk", 1, 1});
            store::DocumentMeta d;
            d.id = "doc-bench-" + n;
            d.applicationId = app;
            d.source = "scan";
            d.docType = "id_card_front";
            d.contentType = "image/png";
            d.createdBy = "demo-frontdesk";
            d.createdAt = 1;
            vault.put(d, png);
            st.insertDocument(d);
            json::object body{{"package_id", pkg}, {"application_id", app}, {"customer_category", "low_voltage_residential"},
                              {"complete", false}, {"status", "built"},
                              {"items", json::array{json::object{{"material", "identity_proof"}, {"status", "present"},
                                                                 {"document_id", d.id}, {"source", "scan"}}}},
                              {"deficiencies", json::array{}}};
            st.insertPackage({pkg, app, "built", false, json::serialize(body), 1});
        }
    }

    adapters::marketing::MarketingSimOptions ro;
    ro.secret = kSecret;
    ro.dbFile = (dir / "received.db").string();
    adapters::marketing::MarketingSimulator receiver(ro);
    receiver.start();

    auto cfg = *config::loadConfigFile(src + "/config/gateway.toml").config;
    cfg.dataDir = (dir / "var").string();
    cfg.server.port = 0;
    cfg.log.level = "warn";
    cfg.consent.textFile = src + "/config/consent_text.txt";
    cfg.govsim.holdersFile = src + "/config/govsim/holders.json";
    cfg.marketing.materialsFile = src + "/config/materials.toml";
    cfg.marketing.mode = "http";
    cfg.marketing.url = receiver.url();
    cfg.marketing.secretEnv = "LGW_PUSH_BENCH_SECRET";
    if (batch > 0) cfg.marketing.batch = batch;
    std::printf("marketing.batch = %d, blocking threads = %d\n", cfg.marketing.batch, cfg.server.blockingThreads);
    gateway::setupLogging(cfg.log);
    gateway::App app(cfg);
    std::thread gwThread([&] { app.run(false); });
    store::SqliteStore st({(dir / "var" / "gateway.db").string(), 5000});

    // Throughput: everything queued at once (as after an outage), the worker's default settings.
    auto nowMs = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
    auto t0 = Clock::now();
    for (int i = 0; i < packages; ++i) st.enqueuePush("PKG-BENCH-" + std::to_string(i), nowMs());
    while (st.outboxStats(nowMs()).delivered < packages) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    double ours = packages / secs;

    // Latency: one push at a time through the API.
    asio::io_context ioc(1);
    adapters::http::HttpClientOptions co;
    co.baseUrl = "http://127.0.0.1:" + std::to_string(app.server().port());
    co.timeoutMs = 30000;
    adapters::http::HttpClient client(ioc.get_executor(), co);
    std::vector<double> latencies;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
        for (int i = packages; i < total; ++i) {
            std::string id = "PKG-BENCH-" + std::to_string(i);
            adapters::http::OutboundRequest r;
            r.path = "/v1/packages/" + id + "/push";
            r.headers = {{"Authorization", "Bearer demo-frontdesk"}};
            auto start = Clock::now();
            co_await client.send(std::move(r));
            for (;;) {
                auto e = st.outboxEntry(id);
                if (e && e->status == "delivered") break;
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            }
            latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
    }, asio::detached);
    ioc.run();

    // The floor: the same kind of body, straight to the receiver, one after another.
    std::string body;
    {
        std::string b64 = security::base64Encode(png);
        json::object o{{"package_id", "x"}, {"application_id", "YK"}, {"customer", json::object{}},
                       {"materials", json::array{json::object{{"material", "identity_proof"}, {"source", "scan"},
                                                              {"document", json::object{{"content_type", "image/png"},
                                                                                        {"sha256", security::sha256Hex(png)},
                                                                                        {"data_base64", b64}}}}}},
                       {"deficiencies", json::array{}}};
        body = json::serialize(o);
    }
    asio::io_context ioc2(1);
    adapters::marketing::HttpMarketingClient direct(ioc2.get_executor(), receiver.url(), kSecret, 30000);
    double floorRate = 0;
    asio::co_spawn(ioc2, [&]() -> asio::awaitable<void> {
        auto s0 = Clock::now();
        for (int i = 0; i < packages; ++i) co_await direct.deliver("FLOOR-" + std::to_string(i), body);
        floorRate = packages / std::chrono::duration<double>(Clock::now() - s0).count();
    }, asio::detached);
    ioc2.run();

    std::printf("%d packages of %.1f MB (a 1 MB scan, watermarked, base64 inline)\n", packages,
                static_cast<double>(body.size()) / 1e6);
    std::printf("%-46s %10.1f\n", "delivered through the outbox (packages/s)", ours);
    std::printf("%-46s %10.1f\n", "same bodies POSTed directly (packages/s)", floorRate);
    std::printf("%-46s %10.2f\n", "ratio", ours / floorRate);
    std::printf("ratio push_vs_direct %.2f\n", ours / floorRate);
    std::printf("push -> delivered over %zu single pushes: p50 %.1f ms, p99 %.1f ms\n", latencies.size(),
                bench::percentile(latencies, 0.5), bench::percentile(latencies, 0.99));
    app.requestShutdown();
    gwThread.join();
    receiver.stop();
    fs::remove_all(dir);
}
