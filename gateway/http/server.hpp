#pragma once
// The HTTP/1.1 (and HTTPS) front of the gateway. Boost.Beast on C++20 coroutines, one coroutine per
// connection on its own strand; limits and timeouts from config; graceful shutdown that finishes
// in-flight requests. Beast stays inside server.cpp.
#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "gateway/http/dispatcher.hpp"

namespace lgw::gateway {

class Server {
public:
    /// Binds the listening socket (port 0 picks a free one) and prepares TLS when configured.
    /// Throws std::runtime_error with a message that names the address or file at fault.
    Server(const config::ServerConfig& cfg, Dispatcher& dispatcher);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const;
    std::string listenAddress() const;  ///< host:port actually bound
    bool tls() const;
    /// Connections accepted since start (served or refused).
    std::uint64_t acceptedConnections() const;
    /// The I/O executor, for background coroutines and outbound clients that live with the server.
    boost::asio::any_io_executor executor();

    /// Serves until shutdown completes; runs the I/O threads (this one included). Installs SIGINT
    /// and SIGTERM handlers when `handleSignals`.
    void run(bool handleSignals);

    /// Thread-safe: stop accepting, let in-flight requests finish within the grace period, stop.
    void requestShutdown();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lgw::gateway
