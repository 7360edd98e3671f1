#pragma once
// A small HTTP server for outside systems we simulate (government platform, SMS provider, marketing
// receiver): a router without authentication, served on its own thread by the gateway's Server.
#include <memory>
#include <thread>

#include "config/config.hpp"
#include "gateway/http/auth.hpp"
#include "gateway/http/dispatcher.hpp"
#include "gateway/http/metrics.hpp"
#include "gateway/http/router.hpp"
#include "gateway/http/server.hpp"

namespace lgw::gateway {

class EmbeddedServer {
public:
    /// `name` labels its metrics. Add routes to router() before bind().
    explicit EmbeddedServer(std::string name) : metrics_(std::move(name)) {}
    ~EmbeddedServer() { stop(); }

    Router& router() { return router_; }
    /// The listener of a simulated outside system: timeouts as generous as a real one's (a bench
    /// keeps its connections), and a short shutdown grace, so that a hanging fault never holds a
    /// test's teardown.
    static config::ServerConfig listenerAt(std::string host, std::uint16_t port, int ioThreads, int maxConnections) {
        config::ServerConfig sc;
        sc.host = std::move(host);
        sc.port = port;
        sc.ioThreads = ioThreads;
        sc.maxConnections = maxConnections;
        sc.readTimeoutMs = 30000;
        sc.idleTimeoutMs = 120000;
        sc.writeTimeoutMs = 30000;
        sc.shutdownGraceMs = 200;
        return sc;
    }
    /// Binds the listener; throws std::runtime_error naming the address.
    /// A simulator has one client, the gateway (or a bench driving it): no per-client limit.
    void bind(config::ServerConfig cfg) {
        cfg.maxConnectionsPerClient = 0;
        dispatcher_ = std::make_unique<Dispatcher>(router_, auth_, metrics_, cfg.bodyLimitBytes, cfg.headerLimitBytes);
        server_ = std::make_unique<Server>(cfg, *dispatcher_);
    }
    void start() {
        thread_ = std::thread([this] { server_->run(false); });
    }
    void runHere() { server_->run(true); }
    void stop() {
        if (thread_.joinable()) {
            server_->requestShutdown();
            thread_.join();
        }
    }
    Server& server() { return *server_; }
    std::string baseUrl() const { return (server_->tls() ? "https://" : "http://") + server_->listenAddress(); }

private:
    Router router_;
    Metrics metrics_;
    Authenticator auth_{config::AuthConfig{}, false};
    std::unique_ptr<Dispatcher> dispatcher_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
};

}  // namespace lgw::gateway
