#include "gateway/http/server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gateway/http/impl/request_reader.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/http/problem.hpp"
#include "security/key_files.hpp"

namespace lgw::gateway {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
/// A body over this is a large upload and needs one of server.large_upload_slots.
constexpr std::uint64_t kLargeBody = 1024 * 1024;

/// One of server.large_upload_slots while a large body is received and served; empty otherwise.
class UploadSlot {
public:
    UploadSlot() = default;
    ~UploadSlot() {
        if (inUse_) --*inUse_;
    }
    UploadSlot(const UploadSlot&) = delete;
    UploadSlot& operator=(const UploadSlot&) = delete;
    /// Takes a slot of `slots`; false when all are in use.
    bool take(std::atomic<int>& inUse, int slots) {
        if (inUse.fetch_add(1) >= slots) {
            --inUse;
            return false;
        }
        inUse_ = &inUse;
        return true;
    }

private:
    std::atomic<int>* inUse_ = nullptr;
};

namespace {

std::string newRequestId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(16, '0');
    auto v = rng();
    for (auto& c : id) {
        c = kHex[v & 15];
        v >>= 4;
    }
    return id;
}

// An echoed request id must be short and printable so that it cannot inject into logs or headers.
bool acceptableRequestId(std::string_view v) {
    if (v.empty() || v.size() > 128) return false;
    for (char c : v)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':')) return false;
    return true;
}

std::string peerCommonName(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return {};
    std::string cn;
    if (SSL_get_verify_result(ssl) == X509_V_OK) {
        char buf[256];
        int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
        if (n > 0) cn.assign(buf, static_cast<std::size_t>(n));
    }
    X509_free(cert);
    return cn;
}

}  // namespace

struct Server::Impl {
    Impl(const config::ServerConfig& c, Dispatcher& d)
        : cfg(c), dispatcher(d), sslCtx(ssl::context::tls_server), ioc(1), acceptor(ioc) {
        // One io_context per I/O thread, each run by its thread alone, connections dealt round
        // the threads as they are accepted: no strand per connection and no thread woken for
        // another's socket (one shared io_context on two threads served fewer requests than one
        // thread alone: bench/http_bench.sh). `ioc` is the first of them and also runs the
        // acceptor, the signals and what the application schedules on executor().
        for (int i = 1; i < c.ioThreads; ++i) {
            workers.push_back(std::make_unique<asio::io_context>(1));
            keepRunning.push_back(asio::make_work_guard(*workers.back()));
        }
    }

    // Declared before ioc on purpose: connection coroutines still suspended when the server stops
    // are destroyed with the io_context, and their guards touch these counters.
    const config::ServerConfig cfg;
    Dispatcher& dispatcher;
    std::shared_ptr<spdlog::logger> log = logger("http");
    std::atomic<int> connections{0};
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<int> activeRequests{0};
    std::atomic<int> largeUploads{0};  ///< admitted bodies over kLargeBody being read or served
    std::atomic<bool> stopping{false};
    bool tlsOn = false;
    ssl::context sslCtx;
    asio::io_context ioc;
    std::vector<std::unique_ptr<asio::io_context>> workers;  ///< the other I/O threads' contexts
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keepRunning;
    std::size_t nextContext = 0;  ///< round robin over ioc and workers; the accept loop's alone
    tcp::acceptor acceptor;

    asio::io_context& contextForNextConnection() {
        const std::size_t n = workers.size() + 1, i = nextContext++ % n;
        return i == 0 ? ioc : *workers[i - 1];
    }
    void stopAll() {
        for (auto& g : keepRunning) g.reset();
        for (auto& w : workers) w->stop();
        ioc.stop();
    }

    void setupTls();
    void bind();
    awaitable<void> acceptLoop();
    awaitable<void> handleConnection(tcp::socket socket);
    template <class Stream>
    awaitable<void> serveRequests(Stream& stream, beast::flat_buffer& buffer, std::string clientCn, bool probesOnly);
    /// The body of an admitted request into `in.body` (after 100 Continue when asked for); false
    /// when the connection ends instead (a body over its limit is refused first).
    template <class Stream>
    awaitable<bool> readAdmittedBody(Stream& stream, beast::flat_buffer& buffer,
                                     http::request_parser<http::empty_body>& headerParser, impl::ReadLimits limits,
                                     std::uint64_t limit, HttpRequest& in, unsigned version);
    template <class Stream>
    /// `timeoutMs` 0: server.write_timeout_ms. `headOnly`: the answer to a HEAD (the head and its
    /// Content-Length, no body).
    awaitable<bool> writeResponse(Stream& stream, HttpResponse resp, const std::string& requestId, bool keepAlive,
                                  unsigned version, int timeoutMs = 0, bool headOnly = false);
    /// Answers `p` on a connection that is closed after it (lingering when a body may still come).
    template <class Stream>
    awaitable<void> refuse(Stream& stream, const std::string& method, Problem p, const std::string& requestId,
                           unsigned version, bool linger, int timeoutMs = 0, int retryAfterS = 1);

    /// Why an admitted request's body is refused before a byte of it is read (413 over the route's
    /// limit, 503 when it is large and every upload slot is taken), or nullopt with `slot` taken
    /// when it is large.
    std::optional<Problem> bodyRefusal(const Dispatcher::Admission& admission, boost::optional<std::uint64_t> contentLength,
                                       bool bodyFollows, UploadSlot& slot) {
        if (admission.answer) return std::nullopt;
        const std::uint64_t limit = admission.bodyLimit;
        if (contentLength && *contentLength > limit)
            return makeProblem(413, "too_large",
                               "the body has " + std::to_string(*contentLength) + " bytes; this route accepts at most " +
                                   std::to_string(limit));
        // Large bodies (scans, copies to identify: up to 20 MiB each) pass a semaphore, so memory for
        // bodies is bounded by the slots, not by the connection count.
        const bool large = bodyFollows && (contentLength ? *contentLength > kLargeBody : limit > kLargeBody);
        if (large && !slot.take(largeUploads, cfg.largeUploadSlots))
            return makeProblem(503, "upload_slots_full",
                               "the gateway is receiving " + std::to_string(cfg.largeUploadSlots) +
                                   " large uploads already; send this one again in a few seconds");
        return std::nullopt;
    }

    impl::ReadLimits readLimits(bool firstRequest, bool probesOnly) const {
        impl::ReadLimits l;
        l.headerLimit = dispatcher.headerLimit();
        auto headerMs = firstRequest ? cfg.readTimeoutMs : cfg.idleTimeoutMs;
        // A connection taken from the probes' reserve gets one short chance to ask for /healthz.
        if (probesOnly) headerMs = std::min(headerMs, kProbeHeaderTimeoutMs);
        l.headerTimeout = std::chrono::milliseconds(headerMs);
        l.bodyTimeout = std::chrono::milliseconds(cfg.readTimeoutMs);
        return l;
    }

    // Connections per client address, so that one address cannot hold the whole pool.
    std::mutex clientsMutex;
    std::unordered_map<std::string, int> perClient;
    std::atomic<std::int64_t> lastRefusalLogMs{0};
    static constexpr int kProbeHeaderTimeoutMs = 2000;

    /// Once a second at most, so that a flood of refused connections does not flood the log.
    bool refusalLogDue() {
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
        auto last = lastRefusalLogMs.load();
        return now - last >= 1000 && lastRefusalLogMs.compare_exchange_strong(last, now);
    }
    template <class Stream>
    awaitable<void> lingeringClose(Stream& stream);
    awaitable<void> drainAndStop();

    void beginShutdown() {
        if (stopping.exchange(true)) return;
        log->info("shutdown requested: no new connections, finishing in_flight={} grace_ms={}", activeRequests.load(),
                  cfg.shutdownGraceMs);
        boost::system::error_code ec;
        acceptor.close(ec);
        asio::co_spawn(ioc, drainAndStop(), [this](std::exception_ptr e) {
            if (e) log->error("shutdown coroutine failed");
            stopAll();
        });
    }
};

void Server::Impl::setupTls() {
    if (!cfg.tls.enabled()) return;
    tlsOn = true;
    sslCtx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX* native = sslCtx.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    // TLS 1.2: ECDHE with AEAD ciphers only. TLS 1.3 suites are all AEAD already.
    if (SSL_CTX_set_cipher_list(native,
                                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1)
        throw std::runtime_error("server.tls: cannot set the AEAD cipher list");
    boost::system::error_code ec;
    sslCtx.use_certificate_chain_file(cfg.tls.certFile, ec);
    if (ec) throw std::runtime_error("server.tls.cert_file: cannot load \"" + cfg.tls.certFile + "\": " + ec.message());
    if (auto bad = security::keyFileProblem(cfg.tls.keyFile, "server.tls.key_file")) throw std::runtime_error(*bad);
    sslCtx.use_private_key_file(cfg.tls.keyFile, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("server.tls.key_file: cannot load \"" + cfg.tls.keyFile + "\": " + ec.message());
    if (!cfg.tls.clientCaFile.empty()) {
        sslCtx.load_verify_file(cfg.tls.clientCaFile, ec);
        if (ec)
            throw std::runtime_error("server.tls.client_ca_file: cannot load \"" + cfg.tls.clientCaFile +
                                     "\": " + ec.message());
        auto mode = ssl::verify_peer;
        if (cfg.tls.requireClientCert) mode |= ssl::verify_fail_if_no_peer_cert;
        sslCtx.set_verify_mode(mode);
    }
}

void Server::Impl::bind() {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(cfg.host, ec);
    if (ec) throw std::runtime_error("server.listen: \"" + cfg.host + "\" is not an IP address");
    tcp::endpoint ep(addr, cfg.port);
    acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + cfg.host + ":" + std::to_string(cfg.port) + ": " + ec.message());
}

awaitable<void> Server::Impl::acceptLoop() {
    while (!stopping) {
        auto [ec, socket] = co_await acceptor.async_accept(contextForNextConnection(), kTuple);
        if (ec) {
            if (stopping || ec == asio::error::operation_aborted) break;
            log->warn("accept failed: {}", ec.message());
            // Out of descriptors and the like: back off instead of spinning.
            asio::steady_timer t(ioc, std::chrono::milliseconds(50));
            co_await t.async_wait(kTuple);
            continue;
        }
        auto exec = socket.get_executor();
        asio::co_spawn(exec, handleConnection(std::move(socket)), [this](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                log->error("connection coroutine failed: {}", ex.what());
            }
        });
    }
}

namespace {
// The address a client's connections are counted under: an IPv4 address (IPv4-mapped ones too), or
// an IPv6 /64, the block one subscriber is given (one host can pick any address in it).
std::string clientKey(const tcp::socket& socket) {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec) return {};
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    if (addr.is_v4()) return addr.to_string();
    auto bytes = addr.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return asio::ip::address_v6(bytes).to_string() + "/64";
}
}  // namespace

awaitable<void> Server::Impl::handleConnection(tcp::socket socket) {
    struct Count {
        std::atomic<int>& n;
        ~Count() { --n; }
    } count{connections};
    int now = ++connections;
    ++accepted;
    const std::string client = clientKey(socket);
    struct ClientSlot {
        Impl& im;
        std::string key;
        int held = 0;
        ClientSlot(Impl& i, std::string k) : im(i), key(std::move(k)) {
            std::lock_guard lock(im.clientsMutex);
            held = ++im.perClient[key];
        }
        ~ClientSlot() {
            std::lock_guard lock(im.clientsMutex);
            auto it = im.perClient.find(key);
            if (it != im.perClient.end() && --it->second <= 0) im.perClient.erase(it);
        }
    } slot(*this, client);
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer = impl::makeReadBuffer(readLimits(true, false));
    const int perClientLimit = cfg.maxConnectionsPerClient;
    const bool overClient = perClientLimit > 0 && slot.held > perClientLimit;
    const bool overAll = now > cfg.maxConnections + cfg.probeConnections;
    if (overClient || overAll) {
        // Answer once, politely, and close. Counted but never served.
        Problem p = overClient
                        ? makeProblem(503, "too_many_connections",
                                      "this address already holds " + std::to_string(perClientLimit) +
                                          " connections, the most one client may; reuse or close them and retry")
                        : makeProblem(503, "too_many_connections", "the gateway is at its connection limit; retry shortly");
        if (refusalLogDue())
            log->warn("connection refused client={} reason={} max_connections={} max_connections_per_client={}", client,
                      overClient ? "per_client_limit" : "max_connections", cfg.maxConnections, perClientLimit);
        // A second at most to write it: a flood of refused connections must not pin coroutines.
        std::string rid = newRequestId();
        co_await refuse(stream, "-", std::move(p), rid, 11, false, std::min(cfg.writeTimeoutMs, 1000));
        co_return;
    }
    // Past max_connections, the probes' reserve: such a connection is served /healthz and /readyz only.
    const bool probesOnly = now > cfg.maxConnections;
    if (!tlsOn) {
        co_await serveRequests(stream, buffer, std::string(), probesOnly);
        co_return;
    }
    ssl::stream<beast::tcp_stream> tlsStream(std::move(stream), sslCtx);
    beast::get_lowest_layer(tlsStream).expires_after(
        std::chrono::milliseconds(probesOnly ? std::min(cfg.readTimeoutMs, kProbeHeaderTimeoutMs) : cfg.readTimeoutMs));
    auto [ec] = co_await tlsStream.async_handshake(ssl::stream_base::server, kTuple);
    if (ec) {
        log->debug("TLS handshake failed: {}", ec.message());
        co_return;
    }
    std::string cn = peerCommonName(tlsStream.native_handle());
    co_await serveRequests(tlsStream, buffer, std::move(cn), probesOnly);
    beast::get_lowest_layer(tlsStream).expires_after(std::chrono::seconds(2));
    co_await tlsStream.async_shutdown(kTuple);
}

namespace {

// A header field as written: CR, LF and NUL, which would end the field or the head early, become
// spaces (the values are ours, but some carry what a client named: a file, a reason).
void appendField(std::string& head, std::string_view name, std::string_view value) {
    const std::size_t from = head.size();
    head.append(name).append(": ").append(value);
    for (std::size_t i = from; i < head.size(); ++i)
        if (head[i] == '\r' || head[i] == '\n' || head[i] == '\0') head[i] = ' ';
    head.append("\r\n");
}

}  // namespace

// The head is written out by hand into one string, sent with the body in one gathered write:
// Beast's serializer over a field list (an allocation per field, a buffer sequence walked per
// write) was a fifth of what a /healthz cost. What it did is kept: the defaults below, replaced by
// a route's header of the same name (the last one of a name wins), Content-Length from the body
// except where a status carries none, Connection as HTTP/1.0 and 1.1 each expect it.
template <class Stream>
awaitable<bool> Server::Impl::writeResponse(Stream& stream, HttpResponse resp, const std::string& requestId,
                                            bool keepAlive, unsigned version, int timeoutMs, bool headOnly) {
    const bool keep = keepAlive && !stopping;
    const auto status = static_cast<http::status>(resp.status);
    std::string head;
    head.reserve(256 + resp.headers.size() * 64);
    head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ").append(std::to_string(resp.status)).append(" ");
    head.append(http::obsolete_reason(status)).append("\r\n");
    auto routeSets = [&resp](std::string_view name, std::size_t before) {
        for (std::size_t i = before; i < resp.headers.size(); ++i)
            if (beast::iequals(resp.headers[i].first, name)) return true;
        return false;
    };
    const std::pair<std::string_view, std::string_view> defaults[] = {{"Server", "licence-gateway"},
                                                                      {"Content-Type", resp.contentType},
                                                                      {"X-Request-Id", requestId},
                                                                      {"X-Content-Type-Options", "nosniff"},
                                                                      {"Cache-Control", "no-store"}};
    for (auto& [name, value] : defaults)
        if (!routeSets(name, 0)) appendField(head, name, value);
    for (std::size_t i = 0; i < resp.headers.size(); ++i) {
        const auto& [name, value] = resp.headers[i];
        if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Connection") || routeSets(name, i + 1)) continue;
        appendField(head, name, value);
    }
    const bool bodiless = http::to_status_class(status) == http::status_class::informational ||
                          status == http::status::no_content || status == http::status::not_modified;
    if (bodiless) {
        if (!resp.body.empty()) log->error("request_id={} status={} came with a body; it is not sent", requestId, resp.status);
        resp.body.clear();
    } else {
        head.append("Content-Length: ").append(std::to_string(resp.body.size())).append("\r\n");
    }
    if (version == 10 && keep) head.append("Connection: keep-alive\r\n");
    if (version != 10 && !keep) head.append("Connection: close\r\n");
    head.append("\r\n");
    const std::array<asio::const_buffer, 2> bytes{asio::buffer(head), asio::buffer(headOnly ? std::string_view() : std::string_view(resp.body))};
    beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(timeoutMs > 0 ? timeoutMs : cfg.writeTimeoutMs));
    auto [ec, n] = co_await asio::async_write(stream, bytes, kTuple);
    if (ec) log->debug("write failed request_id={}: {}", requestId, ec.message());
    co_return !ec && keep;
}

// After answering without reading the whole body (413, 400), stop sending and read what the client
// is still sending for a moment, so that closing does not reset the connection before the client
// has read our answer.
template <class Stream>
awaitable<void> Server::Impl::lingeringClose(Stream& stream) {
    auto& sock = beast::get_lowest_layer(stream).socket();
    boost::system::error_code ec;
    sock.shutdown(tcp::socket::shutdown_send, ec);
    char scratch[16384];
    // Two seconds and 4 MiB at most: enough for a client that sends its whole (refused) request
    // before reading, not a sink for one that streams without end.
    constexpr std::size_t kMaxLingerBytes = 4 * 1024 * 1024;
    std::size_t drained = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline && drained < kMaxLingerBytes) {
        beast::get_lowest_layer(stream).expires_at(deadline);
        auto [rec, n] = co_await beast::get_lowest_layer(stream).async_read_some(asio::buffer(scratch), kTuple);
        if (rec) break;
        drained += n;
    }
}

template <class Stream>
awaitable<void> Server::Impl::refuse(Stream& stream, const std::string& method, Problem p, const std::string& requestId,
                                     unsigned version, bool linger, int timeoutMs, int retryAfterS) {
    dispatcher.recordTransportError(method, p.status);
    HttpResponse resp = toResponse(p, requestId);
    if (p.status == 503) resp.headers.emplace_back("Retry-After", std::to_string(retryAfterS));
    co_await writeResponse(stream, std::move(resp), requestId, false, version, timeoutMs);
    if (linger) co_await lingeringClose(stream);
}

namespace {

// The request as the dispatcher sees it, from the head Beast parsed; nullopt when the target is not
// an origin-form URL.
std::optional<HttpRequest> requestOf(const http::request_parser<http::empty_body>::value_type& h, const std::string& requestId,
                                     const std::string& clientCn) {
    std::string target(h.target());
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return std::nullopt;
    HttpRequest in;
    in.path = url->path();
    in.method = std::string(h.method_string());
    in.target = target;
    // A bare "?" or "a=1&&b=2" has empty segments: not parameters.
    for (auto p : url->params())
        if (!p.key.empty() || p.has_value) in.query.emplace_back(p.key, p.has_value ? p.value : std::string());
    // The header as received: fields a chunked body's trailer carries are never merged into it.
    for (auto& f : h) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        in.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    in.requestId = requestId;
    in.clientCertCn = clientCn;
    return in;
}

}  // namespace

template <class Stream>
awaitable<bool> Server::Impl::readAdmittedBody(Stream& stream, beast::flat_buffer& buffer,
                                               http::request_parser<http::empty_body>& headerParser,
                                               impl::ReadLimits limits, std::uint64_t limit, HttpRequest& in,
                                               unsigned version) {
    auto& h = headerParser.get();
    if (auto it = h.find(http::field::expect); it != h.end() && beast::iequals(it->value(), "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, version};
        beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(cfg.writeTimeoutMs));
        auto [wec, wn] = co_await http::async_write(stream, cont, kTuple);
        if (wec) co_return false;
    }
    http::request_parser<http::string_body> parser{std::move(headerParser)};
    auto bodyReading = impl::readBody(stream, buffer, parser, limit, limits);
    impl::ReadResult body = co_await std::move(bodyReading);
    if (body.outcome == impl::ReadOutcome::kRefused) {
        co_await refuse(stream, in.method, std::move(*body.problem), in.requestId, version, true);
        co_return false;
    }
    if (body.outcome != impl::ReadOutcome::kOk) {
        log->debug("connection closed while reading a body request_id={}", in.requestId);
        co_return false;
    }
    in.body = std::move(parser.get().body());
    co_return true;
}

template <class Stream>
awaitable<void> Server::Impl::serveRequests(Stream& stream, beast::flat_buffer& buffer, std::string clientCn,
                                            bool probesOnly) {
    bool first = true;
    for (;;) {
        if (stopping && !first) co_return;
        impl::ReadLimits limits = readLimits(first, probesOnly);
        first = false;
        http::request_parser<http::empty_body> headerParser;
        auto reading = impl::readHead(stream, buffer, headerParser, limits);
        impl::ReadResult head = co_await std::move(reading);
        if (head.outcome == impl::ReadOutcome::kTimedOut) {
            log->debug("connection closed: read timeout");
            co_return;
        }
        if (head.outcome == impl::ReadOutcome::kClosed) co_return;
        if (head.outcome == impl::ReadOutcome::kRefused) {
            std::string rid = newRequestId();
            co_await refuse(stream, "-", std::move(*head.problem), rid, 11, true);
            co_return;
        }

        ++activeRequests;
        struct Active {
            std::atomic<int>& n;
            ~Active() { --n; }
        } active{activeRequests};

        auto& h = headerParser.get();
        std::string requestId;
        if (auto it = h.find("X-Request-Id"); it != h.end() && acceptableRequestId(it->value()))
            requestId = std::string(it->value());
        else
            requestId = newRequestId();
        std::string method(h.method_string());
        const unsigned version = h.version();
        const bool keepAlive = h.keep_alive();
        const auto contentLength = headerParser.content_length();
        // A body follows the head: refusing without reading it means closing the connection.
        const bool bodyFollows = headerParser.chunked() || (contentLength && *contentLength > 0);

        std::optional<HttpRequest> parsed = requestOf(h, requestId, clientCn);
        if (!parsed) {
            co_await refuse(stream, method,
                            makeProblem(400, "bad_request", "the request target is not a valid origin-form URL"),
                            requestId, version, true);
            co_return;
        }
        HttpRequest in = std::move(*parsed);
        if (probesOnly && !((method == "GET" || method == "HEAD") && (in.path == "/healthz" || in.path == "/readyz"))) {
            co_await refuse(stream, method,
                            makeProblem(503, "too_many_connections",
                                        "the gateway is at its connection limit; retry shortly"),
                            requestId, version, bodyFollows);
            co_return;
        }

        // Route, credentials, role and media type are judged on the header, before any body byte is
        // read or 100 Continue is sent: an unauthenticated upload costs its header and nothing more.
        auto admitting = dispatcher.admit(in);
        Dispatcher::Admission admission = co_await std::move(admitting);
        const std::uint64_t limit = admission.bodyLimit;
        UploadSlot slot;
        if (auto p = bodyRefusal(admission, contentLength, bodyFollows, slot)) {
            const int retryAfterS = p->status == 503 ? 2 : 1;
            co_await refuse(stream, method, std::move(*p), requestId, version, true, cfg.writeTimeoutMs, retryAfterS);
            co_return;
        }
        bool refusedUnread = admission.answer.has_value() && bodyFollows;
        if (refusedUnread && !headerParser.chunked() && *contentLength <= impl::kDrainLimit) {
            // A small refused body is read and dropped unseen, so that the client keeps its connection.
            auto draining = impl::discardBody(stream, buffer, *contentLength, limits.bodyTimeout);
            if (!co_await std::move(draining)) co_return;
            refusedUnread = false;
        }
        auto started = std::chrono::steady_clock::now();
        if (!admission.answer) {
            auto bodyReading = readAdmittedBody(stream, buffer, headerParser, limits, limit, in, version);
            if (!co_await std::move(bodyReading)) co_return;
        }

        auto task = dispatcher.serve(std::move(admission), std::move(in));
        HttpResponse resp = co_await std::move(task);
        if (resp.resetConnection) {
            boost::system::error_code resetEc;
            auto& sock = beast::get_lowest_layer(stream).socket();
            sock.set_option(asio::socket_base::linger(true, 0), resetEc);  // close() now sends RST
            sock.close(resetEc);
            log->info("request_id={} connection reset on purpose (simulated fault)", requestId);
            co_return;
        }
        int status = resp.status;
        std::string route = std::move(resp.route);
        bool again = co_await writeResponse(stream, std::move(resp), requestId, keepAlive && !refusedUnread, version, 0,
                                            method == "HEAD");
        auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        // The route pattern, not the path: paths carry consent and grant ids that must not reach logs.
        log->info("request_id={} method={} route={} status={} ms={:.1f}", requestId, method, route, status, ms);
        if (refusedUnread) {
            co_await lingeringClose(stream);
            co_return;
        }
        if (!again) co_return;
    }
}

awaitable<void> Server::Impl::drainAndStop() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(cfg.shutdownGraceMs);
    asio::steady_timer timer(ioc);
    while (activeRequests.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(10));
        co_await timer.async_wait(kTuple);
    }
    if (activeRequests.load() > 0)
        log->warn("shutdown grace period over with in_flight={}; closing", activeRequests.load());
    else
        log->info("all in-flight requests finished; stopping");
}

Server::Server(const config::ServerConfig& cfg, Dispatcher& dispatcher) : impl_(std::make_unique<Impl>(cfg, dispatcher)) {
    impl_->setupTls();
    impl_->bind();
}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string Server::listenAddress() const {
    auto ep = impl_->acceptor.local_endpoint();
    auto host = ep.address().to_string();
    if (ep.address().is_v6()) host = "[" + host + "]";
    return host + ":" + std::to_string(ep.port());
}

bool Server::tls() const { return impl_->tlsOn; }
std::uint64_t Server::acceptedConnections() const { return impl_->accepted.load(); }

asio::any_io_executor Server::executor() { return impl_->ioc.get_executor(); }

void Server::run(bool handleSignals) {
    auto& im = *impl_;
    std::optional<asio::signal_set> signals;
    if (handleSignals) {
        signals.emplace(im.ioc, SIGINT, SIGTERM);
        signals->async_wait([&im](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            im.log->info("received signal={}", sig);
            im.beginShutdown();
        });
    }
    asio::co_spawn(im.ioc, im.acceptLoop(), [&im](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            im.log->error("accept loop failed: {}", ex.what());
        }
    });
    // An exception that escapes a completion handler (a library's bug, or an input it throws on)
    // unwinds out of run(): that connection's coroutine is destroyed with its handler, the thread
    // logs and goes back to serving. The process never terminates on one request.
    auto serveContext = [&im](asio::io_context& ctx) {
        for (;;) {
            try {
                ctx.run();
                return;
            } catch (const std::exception& e) {
                im.log->error("an I/O handler threw; its connection is dropped, serving goes on: {}", e.what());
            } catch (...) {
                im.log->error("an I/O handler threw a non-standard exception; its connection is dropped");
            }
        }
    };
    std::vector<std::thread> threads;
    for (auto& w : im.workers) threads.emplace_back([&serveContext, ctx = w.get()] { serveContext(*ctx); });
    serveContext(im.ioc);
    // The first context has stopped (shutdown, or run() returned): the others stop with it.
    im.stopAll();
    for (auto& t : threads) t.join();
}

void Server::requestShutdown() {
    asio::post(impl_->ioc, [this] { impl_->beginShutdown(); });
}

}  // namespace lgw::gateway
