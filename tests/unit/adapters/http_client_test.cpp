// The outbound HTTP client (adapters/http) against a server that closes kept-alive connections
// after a short idle time, as the government platform does after 120 s (issue 23: "the retry
// after a stale connection took another stale pooled connection").
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <thread>

#include "adapters/http/http_client.hpp"
#include "gateway/http/embedded_server.hpp"

namespace lgw::adapters::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class Upstream {
public:
    explicit Upstream(int keepAliveMs) : http_("upstream") {
        http_.router().add({"POST", "/echo", {}, 0, {"application/json"},
                            [](gateway::HttpRequest r) { return answer(std::move(r)); }});
        auto cfg = gateway::EmbeddedServer::listenerAt("127.0.0.1", 0, 1, 64);
        cfg.idleTimeoutMs = keepAliveMs;
        http_.bind(cfg);
        http_.start();
    }
    std::string url() const { return http_.baseUrl(); }
    std::uint64_t connections() { return http_.server().acceptedConnections(); }

private:
    static asio::awaitable<gateway::HttpResponse> answer(gateway::HttpRequest r) {
        gateway::HttpResponse out;
        out.body = r.body;
        co_return out;
    }
    gateway::EmbeddedServer http_;
};

struct Outcomes {
    int done = 0, failed = 0;
    std::string failures;
};

asio::awaitable<void> call(HttpClient* client, Outcomes* out, int i) {
    OutboundRequest r;
    r.path = "/echo";
    r.body = "{\"i\":" + std::to_string(i) + "}";
    auto sending = client->send(std::move(r));
    HttpResult result = co_await std::move(sending);
    ++out->done;
    if (auto* e = std::get_if<NetError>(&result)) {
        ++out->failed;
        out->failures += std::string(toString(e->kind)) + ": " + e->detail + "; ";
    } else if (std::get<OutboundResponse>(result).status != 200) {
        ++out->failed;
        out->failures += "HTTP " + std::to_string(std::get<OutboundResponse>(result).status) + "; ";
    }
}

// `n` calls at once, run to their end on `io`.
Outcomes calls(asio::io_context& io, HttpClient& client, int n) {
    Outcomes out;
    for (int i = 0; i < n; ++i) asio::co_spawn(io, call(&client, &out, i), asio::detached);
    io.restart();
    io.run();
    EXPECT_EQ(out.done, n);
    return out;
}

TEST(HttpClient, ConnectionsTheServerClosedWhileIdleCostNoCallAndAreReplacedByOne) {
    Upstream upstream(150);
    asio::io_context io;
    HttpClientOptions o;
    o.baseUrl = upstream.url();
    o.maxIdleMs = 60000;  // the client's own idle limit out of the way: the server closes first
    HttpClient client(io.get_executor(), o);
    auto warm = calls(io, client, 4);
    ASSERT_EQ(warm.failed, 0) << warm.failures;
    ASSERT_EQ(client.idleConnections(), 4u);
    const auto opened = upstream.connections();
    std::this_thread::sleep_for(400ms);  // the server closes all four
    for (int i = 0; i < 4; ++i) {
        auto one = calls(io, client, 1);
        EXPECT_EQ(one.failed, 0) << "call " << i << ": " << one.failures;
    }
    // The first call met a stale connection, dropped the other three (they idled as long) and went
    // on a fresh one, which the next three reused.
    EXPECT_EQ(upstream.connections() - opened, 1u);
    EXPECT_EQ(client.idleConnections(), 1u);
}

TEST(HttpClient, AConnectionIdlePastMaxIdleIsClosedInsteadOfReused) {
    Upstream upstream(60000);
    asio::io_context io;
    HttpClientOptions o;
    o.baseUrl = upstream.url();
    o.maxIdleMs = 100;
    HttpClient client(io.get_executor(), o);
    ASSERT_EQ(calls(io, client, 1).failed, 0);
    ASSERT_EQ(calls(io, client, 1).failed, 0);
    EXPECT_EQ(upstream.connections(), 1u) << "reused within max_idle";
    std::this_thread::sleep_for(250ms);
    ASSERT_EQ(calls(io, client, 1).failed, 0);
    EXPECT_EQ(upstream.connections(), 2u) << "a fresh connection after max_idle";
}

}  // namespace
}  // namespace lgw::adapters::http
