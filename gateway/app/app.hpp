#pragma once
// The assembled gateway: config, store, key material, routes, server. `serve` and the integration
// tests both build exactly this.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "security/spread_spectrum_mark.hpp"

namespace lgw::gateway {

class Clock;
class Router;
class Server;

class App {
public:
    /// Opens the store (migrating it), checks or (demo only) creates key material, registers the
    /// routes and binds the listener. Throws std::runtime_error whose message says what to fix.
    explicit App(config::Config cfg);
    /// The same on an injected clock (tests of expiry, cooldowns and rate windows); null = the
    /// system's. Every part of the gateway that reads time reads this one.
    App(config::Config cfg, std::shared_ptr<const Clock> clock);
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

/// The key of the copies' invisible mark, from [keys] watermark_secret_file (or _env). A missing
/// file is generated in demo mode when `generateInDemo`; otherwise it throws naming the fix.
security::MarkKey loadMarkKey(const config::Config& cfg, bool generateInDemo);

/// The command line: serve, check-config, validate, version. Returns the process exit code.
int runCli(int argc, char** argv);

}  // namespace lgw::gateway
