#pragma once
// The assembled gateway: config, store, key material, routes, server. `serve` and the integration
// tests both build exactly this.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace lgw::gateway {

class Router;
class Server;

class App {
public:
    /// Opens the store (migrating it), checks or (demo only) creates key material, registers the
    /// routes and binds the listener. Throws std::runtime_error whose message says what to fix.
    explicit App(config::Config cfg);
    /// The same, with an injected wall clock (Unix ms) for tests of expiry and rate windows.
    App(config::Config cfg, std::function<std::int64_t()> clock);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    const config::Config& config() const;
    Server& server();
    /// Every route served (the authorisation matrix test checks each has a row).
    const Router& router() const;
    /// Serves until shutdown; with `handleSignals`, SIGINT/SIGTERM start a graceful shutdown.
    void run(bool handleSignals);
    void requestShutdown();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The command line: serve, check-config, validate, version. Returns the process exit code.
int runCli(int argc, char** argv);

}  // namespace lgw::gateway
