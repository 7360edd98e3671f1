#include "adapters/http/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <mutex>
#include <stdexcept>

namespace lgw::adapters::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

const char* toString(NetErrorKind kind) {
    switch (kind) {
        case NetErrorKind::kTimeout: return "timeout";
        case NetErrorKind::kConnect: return "connect";
        case NetErrorKind::kIo: return "io";
        case NetErrorKind::kTls: return "tls";
        case NetErrorKind::kTooLarge: return "too_large";
    }
    return "io";
}

namespace {

struct Conn {
    std::chrono::steady_clock::time_point idleSince;  ///< when it went back to the pool
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

bool isStaleConnectionError(const boost::system::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

}  // namespace

struct HttpClient::Impl {
    asio::any_io_executor executor;
    HttpClientOptions options;
    std::string host, port;
    bool https = false;
    std::unique_ptr<ssl::context> ctx;
    mutable std::mutex mutex;
    std::vector<std::unique_ptr<Conn>> idle;

    // The most recently used idle connection, unless it idled past maxIdleMs (then all did: the
    // pool is in order of return, the newest last).
    std::unique_ptr<Conn> takeIdle() {
        std::lock_guard lock(mutex);
        if (idle.empty()) return nullptr;
        auto c = std::move(idle.back());
        idle.pop_back();
        if (std::chrono::steady_clock::now() - c->idleSince > std::chrono::milliseconds(options.maxIdleMs)) {
            idle.clear();
            return nullptr;
        }
        return c;
    }
    void putIdle(std::unique_ptr<Conn> c) {
        c->idleSince = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex);
        if (idle.size() < options.maxIdle) idle.push_back(std::move(c));
    }
    // A connection that idled since `since` was stale: so is every one that idled longer.
    void dropIdledSince(std::chrono::steady_clock::time_point since) {
        std::lock_guard lock(mutex);
        std::erase_if(idle, [since](const std::unique_ptr<Conn>& c) { return c->idleSince <= since; });
    }
};

HttpClient::HttpClient(asio::any_io_executor executor, HttpClientOptions options)
    : impl_(std::make_shared<Impl>()) {
    impl_->executor = std::move(executor);
    impl_->options = std::move(options);
    auto url = boost::urls::parse_absolute_uri(impl_->options.baseUrl);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty())
        throw std::invalid_argument("\"" + impl_->options.baseUrl + "\" is not an http(s)://host[:port] URL");
    impl_->https = url->scheme() == "https";
    impl_->host = url->host();
    if (url->host_type() == boost::urls::host_type::ipv6) impl_->host = url->host_address();
    impl_->port = url->has_port() ? std::string(url->port()) : (impl_->https ? "443" : "80");
    if (impl_->https) {
        impl_->ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(impl_->ctx->native_handle(), TLS1_2_VERSION);
        if (impl_->options.caFile.empty()) impl_->ctx->set_default_verify_paths();
        else impl_->ctx->load_verify_file(impl_->options.caFile);
        impl_->ctx->set_verify_mode(ssl::verify_peer);
    }
}

HttpClient::~HttpClient() = default;

const HttpClientOptions& HttpClient::options() const { return impl_->options; }

std::size_t HttpClient::idleConnections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->idle.size();
}

namespace {

asio::awaitable<std::variant<std::unique_ptr<Conn>, NetError>> connect(std::shared_ptr<HttpClient::Impl> im,
                                                                         std::chrono::steady_clock::time_point deadline) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(im->host, im->port, kTuple);
    if (rec) co_return NetError{NetErrorKind::kConnect, "cannot resolve " + im->host + ": " + rec.message()};
    auto conn = std::make_unique<Conn>();
    conn->plain = std::make_unique<beast::tcp_stream>(ex);
    conn->plain->expires_at(deadline);
    auto [cec, ep] = co_await conn->plain->async_connect(endpoints, kTuple);
    if (cec) {
        auto kind = cec == beast::error::timeout ? NetErrorKind::kTimeout : NetErrorKind::kConnect;
        co_return NetError{kind, "cannot connect to " + im->host + ":" + im->port + ": " + cec.message()};
    }
    if (im->https) {
        conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*conn->plain), *im->ctx);
        conn->plain.reset();
        SSL_set_tlsext_host_name(conn->tls->native_handle(), im->host.c_str());
        conn->tls->set_verify_callback(ssl::host_name_verification(im->host));
        auto [hec] = co_await conn->tls->async_handshake(ssl::stream_base::client, kTuple);
        if (hec) {
            auto kind = hec == beast::error::timeout ? NetErrorKind::kTimeout : NetErrorKind::kTls;
            co_return NetError{kind, "TLS handshake with " + im->host + " failed: " + hec.message()};
        }
    }
    co_return std::move(conn);
}

template <class Stream>
asio::awaitable<boost::system::error_code> exchange(Stream& stream, beast::flat_buffer& buffer,
                                                    bhttp::request<bhttp::string_body>& req,
                                                    bhttp::response_parser<bhttp::string_body>& parser) {
    auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
    if (wec) co_return wec;
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    co_return rec;
}

}  // namespace

asio::awaitable<HttpResult> HttpClient::send(OutboundRequest request) {
    auto im = impl_;  // the client may be destroyed while this call is suspended
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(im->options.timeoutMs);
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), request.path, 11};
    req.set(bhttp::field::host, im->host);
    req.set(bhttp::field::user_agent, "licence-gateway");
    if (!request.body.empty() || request.method != "GET") req.set(bhttp::field::content_type, request.contentType);
    for (auto& [k, v] : request.headers) req.set(k, v);
    req.body() = std::move(request.body);
    req.keep_alive(true);
    req.prepare_payload();

    for (int attempt = 0; attempt < 2; ++attempt) {
        // The retry after a stale connection always opens a fresh one.
        auto conn = attempt == 0 ? im->takeIdle() : nullptr;
        bool reused = conn != nullptr;
        if (!conn) {
            auto connected = co_await connect(im, deadline);
            if (auto* e = std::get_if<NetError>(&connected)) co_return *e;
            conn = std::move(std::get<std::unique_ptr<Conn>>(connected));
        }
        conn->lowest().expires_at(deadline);
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(im->options.maxResponseBytes);
        boost::system::error_code ec = conn->tls ? co_await exchange(*conn->tls, conn->buffer, req, parser)
                                                 : co_await exchange(*conn->plain, conn->buffer, req, parser);
        if (ec) {
            // A pooled connection the server closed while idle (nothing of an answer came): try
            // once more on a fresh one, after closing the pooled ones that idled as long.
            if (reused && attempt == 0 && isStaleConnectionError(ec) && !parser.got_some()) {
                im->dropIdledSince(conn->idleSince);
                continue;
            }
            if (ec == beast::error::timeout) co_return NetError{NetErrorKind::kTimeout, "no answer within " +
                                                                    std::to_string(im->options.timeoutMs) + " ms"};
            if (ec == bhttp::error::body_limit) co_return NetError{NetErrorKind::kTooLarge, "response too large"};
            co_return NetError{NetErrorKind::kIo, ec.message()};
        }
        auto res = parser.release();
        OutboundResponse out;
        out.status = static_cast<int>(res.result_int());
        for (auto& f : res) {
            std::string name(f.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            out.headers.emplace_back(std::move(name), std::string(f.value()));
        }
        out.body = std::move(res.body());
        if (res.keep_alive()) {
            conn->lowest().expires_never();
            im->putIdle(std::move(conn));
        }
        co_return out;
    }
    co_return NetError{NetErrorKind::kIo, "connection closed by peer"};
}

}  // namespace lgw::adapters::http
