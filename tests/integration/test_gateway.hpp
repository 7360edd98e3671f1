#pragma once
// Runs the real gateway (App: config, SQLite store, keys, routes, Beast server) on 127.0.0.1:0 in
// a background thread, on the shipped config/gateway.toml with a temporary data directory.
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <thread>

#include "config/config.hpp"
#include "gateway/app/app.hpp"
#include "gateway/http/server.hpp"
#include "gateway/services/clock.hpp"

namespace lgw::testing {

inline std::filesystem::path freshTempDir(const std::string& tag) {
    static int n = 0;
    auto dir = std::filesystem::temp_directory_path() /
               ("lgw-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline config::Config shippedConfig() {
    const char* src = std::getenv("LGW_SOURCE_DIR");
    if (!src) throw std::runtime_error("LGW_SOURCE_DIR is not set (ctest sets it)");
    auto r = config::loadConfigFile(std::string(src) + "/config/gateway.toml");
    if (!r.config) throw std::runtime_error("config/gateway.toml does not load: " + r.errors.at(0).str());
    return *r.config;
}

class TestGateway {
public:
    explicit TestGateway(std::function<void(config::Config&)> tweak = {},
                         std::shared_ptr<const gateway::Clock> clock = nullptr) {
        config::Config cfg = shippedConfig();
        dataDir = freshTempDir("gw");
        cfg.dataDir = dataDir.string();
        cfg.server.host = "127.0.0.1";
        cfg.server.port = 0;
        cfg.server.readTimeoutMs = 500;
        cfg.server.idleTimeoutMs = 2000;
        cfg.server.shutdownGraceMs = 5000;
        cfg.log.level = "warn";
        // The shipped file names these relative to the repository root; ctest runs elsewhere.
        std::string src = std::getenv("LGW_SOURCE_DIR");
        cfg.govsim.holdersFile = src + "/config/govsim/holders.json";
        cfg.consent.textFile = src + "/config/consent_text.txt";
        cfg.marketing.materialsFile = src + "/config/materials.toml";
#ifdef LGW_OCR_WORKER
        cfg.ocr.workerBinary = LGW_OCR_WORKER;  // the test binary's own directory has none
#endif
        if (tweak) tweak(cfg);
        app_ = std::make_unique<gateway::App>(cfg, std::move(clock));
        port = app_->server().port();
        thread_ = std::thread([this] { app_->run(false); });
    }
    ~TestGateway() {
        stop();
        std::error_code ec;
        std::filesystem::remove_all(dataDir, ec);
    }
    void requestShutdown() { app_->requestShutdown(); }
    void stop() {
        if (thread_.joinable()) {
            app_->requestShutdown();
            thread_.join();
        }
    }
    bool stopped() const { return !thread_.joinable(); }
    const gateway::App& app() const { return *app_; }
    void join() {
        if (thread_.joinable()) thread_.join();
    }

    std::filesystem::path dataDir;
    std::uint16_t port = 0;

private:
    std::unique_ptr<gateway::App> app_;
    std::thread thread_;
};

}  // namespace lgw::testing
