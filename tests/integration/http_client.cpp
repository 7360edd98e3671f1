#include "tests/integration/http_client.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace lgw::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string ClientResponse::jsonString(const std::string& key) const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    auto* m = v.as_object().if_contains(key);
    return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

struct HttpClient::Impl {
    std::uint16_t port = 0;
    std::optional<TlsOptions> tlsOptions;
    bool closed = false;  ///< the last response said Connection: close
    void connect();
    asio::io_context ioc;
    tcp::socket sock{ioc};
    std::unique_ptr<ssl::context> ctx;
    std::unique_ptr<ssl::stream<tcp::socket&>> tls;
    beast::flat_buffer buffer;

    template <class F>
    auto with(F&& f) {
        if (tls) return f(*tls);
        return f(sock);
    }

    void setTimeout(std::chrono::milliseconds t) {
        timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>((t.count() % 1000) * 1000)};
        ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
};

void HttpClient::Impl::connect() {
    tls.reset();
    boost::system::error_code ignored;
    sock.close(ignored);
    buffer.clear();
    closed = false;
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    setTimeout(std::chrono::seconds(10));
    if (tlsOptions) {
        ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
        if (!tlsOptions->caFile.empty()) {
            ctx->load_verify_file(tlsOptions->caFile);
            ctx->set_verify_mode(ssl::verify_peer);
        }
        if (!tlsOptions->certFile.empty()) {
            ctx->use_certificate_chain_file(tlsOptions->certFile);
            ctx->use_private_key_file(tlsOptions->keyFile, ssl::context::pem);
        }
        if (tlsOptions->maxVersion) {
            SSL_CTX_set_security_level(ctx->native_handle(), 0);
            SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_VERSION);
            SSL_CTX_set_max_proto_version(ctx->native_handle(), tlsOptions->maxVersion);
        }
        tls = std::make_unique<ssl::stream<tcp::socket&>>(sock, *ctx);
        tls->handshake(ssl::stream_base::client);  // throws on failure
    }
}

HttpClient::HttpClient(std::uint16_t port, std::optional<TlsOptions> tlsOptions) : impl_(std::make_unique<Impl>()) {
    impl_->port = port;
    impl_->tlsOptions = std::move(tlsOptions);
    impl_->connect();
}

HttpClient::~HttpClient() = default;

ClientResponse HttpClient::readResponse() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    impl_->with([&](auto& s) {
        // With SO_RCVTIMEO set, Linux does not restart a read that a signal interrupted, not even
        // an ignored SIGCHLD of a child process the test started (openssl, the CLI): read on.
        for (;;) {
            boost::system::error_code ec;
            http::read(s, impl_->buffer, parser, ec);
            if (ec == asio::error::interrupted) continue;
            if (ec) throw boost::system::system_error(ec);
            return;
        }
    });
    auto& res = parser.get();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    for (auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
    out.keepAlive = res.keep_alive();
    impl_->closed = !out.keepAlive;
    return out;
}

ClientResponse HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                                   const std::vector<std::pair<std::string, std::string>>& headers) {
    // As any HTTP client does: a connection the server said it closes is not used again.
    if (impl_->closed) impl_->connect();
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
    impl_->with([&](auto& s) { http::write(s, req); });
    return readResponse();
}

void HttpClient::writeRaw(const std::string& bytes) {
    impl_->with([&](auto& s) { asio::write(s, asio::buffer(bytes)); });
}

bool HttpClient::closedWithin(std::chrono::milliseconds timeout) {
    impl_->setTimeout(timeout);
    char c;
    boost::system::error_code ec;
    std::size_t n = impl_->with([&](auto& s) { return s.read_some(asio::buffer(&c, 1), ec); });
    impl_->setTimeout(std::chrono::seconds(10));
    if (!ec) return n == 0;
    return ec != asio::error::would_block && ec != asio::error::try_again && ec != asio::error::timed_out;
}

ClientResponse putApplication(HttpClient& c, const std::string& id, const std::string& key) {
    return c.request("PUT", "/v1/applications/" + id,
                     R"({"customer_category":"low_voltage_residential","customer_name":"合成示例","phone":"13800001111"})",
                     {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
}

bool answersHealthz(std::uint16_t port) {
    try {
        HttpClient c(port);
        return c.request("GET", "/healthz").status == 200;
    } catch (const std::exception&) {
        return false;  // not listening yet
    }
}

}  // namespace lgw::testing
