// Raw bytes from a client through the gateway's own request reading (gateway/http/impl/request_reader.hpp),
// with small limits so that the fuzzer reaches them: every input must end in requests read within
// those limits, a refusal with a 4xx/5xx problem, or a closed connection. Nothing may throw (Beast
// throws std::length_error from inside a completion handler on an oversized field: that is what this
// target exists to keep out), and no request may carry more than its limits allow.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "gateway/http/impl/request_reader.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Local = asio::local::stream_protocol;
using lgw::gateway::impl::ReadOutcome;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kBodyLimit = 4096;

asio::awaitable<void> client(Local::socket socket, std::string bytes) {
    co_await asio::async_write(socket, asio::buffer(bytes), kTuple);
    boost::system::error_code ec;
    socket.shutdown(Local::socket::shutdown_send, ec);
}

asio::awaitable<void> server(Local::socket socket) {
    beast::basic_stream<Local> stream(std::move(socket));
    lgw::gateway::impl::ReadLimits limits;
    limits.headerLimit = 1024;
    limits.headerTimeout = std::chrono::milliseconds(2000);
    limits.bodyTimeout = std::chrono::milliseconds(2000);
    beast::flat_buffer buffer = lgw::gateway::impl::makeReadBuffer(limits);
    for (int request = 0; request < 16; ++request) {
        http::request_parser<http::empty_body> head;
        auto reading = lgw::gateway::impl::readHead(stream, buffer, head, limits);
        auto h = co_await std::move(reading);
        if (h.outcome == ReadOutcome::kRefused) {
            if (!h.problem || h.problem->status < 400) std::abort();
            co_return;
        }
        if (h.outcome != ReadOutcome::kOk) co_return;
        if (!head.is_header_done()) std::abort();
        std::size_t headerBytes = 0;
        for (auto& f : head.get()) headerBytes += f.name_string().size() + f.value().size();
        if (headerBytes > limits.headerLimit) std::abort();
        http::request_parser<http::string_body> parser{std::move(head)};
        auto bodyReading = lgw::gateway::impl::readBody(stream, buffer, parser, kBodyLimit, limits);
        auto b = co_await std::move(bodyReading);
        if (b.outcome == ReadOutcome::kRefused) {
            if (!b.problem || b.problem->status < 400) std::abort();
            co_return;
        }
        if (b.outcome != ReadOutcome::kOk) co_return;
        if (parser.get().body().size() > kBodyLimit) std::abort();
        if (!parser.get().keep_alive()) co_return;
    }
}

void rethrow(std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    asio::io_context ioc;
    Local::socket a(ioc), b(ioc);
    asio::local::connect_pair(a, b);
    auto writing = client(std::move(a), std::string(reinterpret_cast<const char*>(data), size));
    auto serving = server(std::move(b));
    asio::co_spawn(ioc, std::move(writing), rethrow);
    asio::co_spawn(ioc, std::move(serving), rethrow);
    ioc.run();  // an exception from any handler ends the run here: a finding
    return 0;
}
