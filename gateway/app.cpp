#include "gateway/app.hpp"

#include <chrono>
#include <filesystem>

#include "adapters/store/sqlite_store.hpp"
#include "gateway/auth.hpp"
#include "gateway/blocking.hpp"
#include "gateway/dispatcher.hpp"
#include "gateway/logging.hpp"
#include "gateway/metrics.hpp"
#include "gateway/router.hpp"
#include "gateway/routes.hpp"
#include "gateway/server.hpp"
#include "gateway/services.hpp"
#include "security/keyring.hpp"

#ifndef LGW_VERSION
#define LGW_VERSION "dev"
#endif

namespace lgw::gateway {
namespace {

std::int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::unique_ptr<store::Store> openStore(const config::Config& cfg) {
    std::error_code ec;
    std::filesystem::create_directories(cfg.dataDir, ec);
    if (ec) throw std::runtime_error("data_dir: cannot create \"" + cfg.dataDir + "\": " + ec.message());
    // Personal data lives here (phones, documents): owner only.
    std::filesystem::permissions(cfg.dataDir, std::filesystem::perms::owner_all, ec);
    store::SqliteOptions o{cfg.dataPath(cfg.store.sqlitePath), cfg.store.busyTimeoutMs};
    return std::make_unique<store::SqliteStore>(o);
}

// Returns "" when the keyring loads, else why not (never key bytes).
std::string checkKeyring(const config::Config& cfg) {
    auto r = cfg.keys.env.empty() ? security::loadKeyringFile(cfg.dataPath(cfg.keys.file))
                                  : security::loadKeyringEnv(cfg.keys.env);
    if (auto* e = std::get_if<security::KeyringError>(&r)) return e->message;
    return {};
}

void prepareKeys(const config::Config& cfg) {
    auto log = logger("keys");
    if (cfg.keys.env.empty()) {
        auto path = cfg.dataPath(cfg.keys.file);
        if (!std::filesystem::exists(path)) {
            if (!cfg.demo)
                throw std::runtime_error("keys.file: \"" + path +
                                         "\" does not exist; create it with: umask 077; printf '1 %s\\n' "
                                         "\"$(openssl rand -hex 32)\" > " + path);
            auto g = security::generateKeyringFile(path);
            if (auto* e = std::get_if<security::KeyringError>(&g)) throw std::runtime_error("keys.file: " + e->message);
            log->warn("DEMO: generated a development key file {} (mode 0600). Anyone with this file can decrypt "
                      "the documents: never use it in production.", path);
        }
    }
    if (auto problem = checkKeyring(cfg); !problem.empty()) throw std::runtime_error("keys: " + problem);
}

}  // namespace

struct App::Impl {
    explicit Impl(config::Config c)
        : cfg(std::move(c)),
          metrics(LGW_VERSION),
          store(openStore(cfg)),
          blocking(cfg.server.blockingThreads),
          auth(cfg.auth, cfg.demo),
          services{cfg, *store, blocking, metrics, [this] { return checkKeyring(cfg); }, &wallClockMs},
          dispatcher(router, auth, metrics, cfg.server.bodyLimitBytes, cfg.server.headerLimitBytes) {
        prepareKeys(cfg);
        addOpsRoutes(router, services);
        addApplicationRoutes(router, services);
        addIdentityCodeRoutes(router, services);
        server = std::make_unique<Server>(cfg.server, dispatcher);
    }

    config::Config cfg;
    Metrics metrics;
    std::unique_ptr<store::Store> store;
    BlockingPool blocking;
    Authenticator auth;
    Router router;
    Services services;
    Dispatcher dispatcher;
    std::unique_ptr<Server> server;
};

App::App(config::Config cfg) : impl_(std::make_unique<Impl>(std::move(cfg))) {
    auto log = logger("main");
    auto& c = impl_->cfg;
    if (c.demo)
        log->warn("DEMO MODE (demo = true): the demo API keys demo-frontdesk, demo-marketing, demo-auditor and "
                  "demo-admin are accepted ({} loaded). Never run a production gateway in demo mode.",
                  impl_->auth.demoKeyCount());
    if (!impl_->server->tls() && c.server.host != "127.0.0.1" && c.server.host != "::1" && c.server.host != "localhost")
        log->warn("serving plain HTTP on {}: configure server.tls or put a TLS proxy in front",
                  impl_->server->listenAddress());
    if (impl_->auth.keyCount() == 0 && c.auth.clientCerts.empty())
        log->warn("no API keys or client certificates are configured: every /v1 route will answer 401");
}

App::~App() = default;

const config::Config& App::config() const { return impl_->cfg; }
Server& App::server() { return *impl_->server; }

void App::run(bool handleSignals) {
    auto& c = impl_->cfg;
    logger("main")->info("licence-gateway {} listening on {}://{} data_dir={} store={}:{}", LGW_VERSION,
                         impl_->server->tls() ? "https" : "http", impl_->server->listenAddress(), c.dataDir,
                         c.store.kind, c.dataPath(c.store.sqlitePath));
    impl_->server->run(handleSignals);
    impl_->blocking.join();
    logger("main")->info("stopped");
}

void App::requestShutdown() { impl_->server->requestShutdown(); }

}  // namespace lgw::gateway
