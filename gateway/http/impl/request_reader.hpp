#pragma once
// Reading one HTTP/1.1 request off a stream, with every limit applied before memory is spent:
//  - the head (request line + header fields) is read by this code, not by Beast, up to the header
//    limit, so that its raw bytes can be checked for what Beast tolerates but RFC 9112 forbids
//    (obs-fold; a missing or repeated Host; a transfer coding other than chunked);
//  - the body is read by Beast's parser into a buffer whose size is capped, so that a chunk header
//    (with its extensions) or a trailer section can never grow past the header limit, and no field
//    ever reaches Beast's 64 KiB per-field ceiling (beyond it Beast throws std::length_error from
//    inside a completion handler, which no coroutine can catch);
//  - trailer fields are read and discarded: the request's header is the one judged before the body
//    (a trailer cannot add credentials or change the media type afterwards).
// Included by server.cpp and the fuzz target of the request reading; Beast stays out of the rest.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/problem.hpp"

namespace lgw::gateway::impl {

namespace beast = boost::beast;
namespace http = beast::http;

/// Beast stores a field's name and value in at most 64 KiB each; the header limit stays below.
inline constexpr std::size_t kMaxHeaderLimit = 60 * 1024;
/// Chunk extensions are parsed and thrown away; a longer one is an attack, not a client.
inline constexpr std::size_t kMaxChunkExtension = 4096;

struct ReadLimits {
    std::size_t headerLimit = 16 * 1024;  ///< request line + fields; also the trailer section
    std::chrono::milliseconds headerTimeout{15000};
    std::chrono::milliseconds bodyTimeout{15000};
};

/// The connection's read buffer: its cap bounds what a chunk header or trailer can buffer.
inline beast::flat_buffer makeReadBuffer(const ReadLimits& limits) {
    return beast::flat_buffer(std::min(limits.headerLimit, kMaxHeaderLimit) + 4);
}

enum class ReadOutcome {
    kOk,
    kClosed,    ///< the peer went away (or sent nothing more) cleanly: nothing to answer
    kTimedOut,  ///< the deadline passed: nothing to answer, close
    kRefused,   ///< answer `problem` and close without reading further
};

struct ReadResult {
    ReadOutcome outcome = ReadOutcome::kOk;
    std::optional<Problem> problem;
};

inline ReadResult refused(int status, std::string code, std::string detail) {
    return {ReadOutcome::kRefused, makeProblem(status, std::move(code), std::move(detail))};
}

inline std::string_view bufferView(const beast::flat_buffer& b) {
    auto d = b.data();
    return {static_cast<const char*>(d.data()), d.size()};
}

/// RFC 9112 §5.2: a line of the head that begins with a space or a tab continues the one before
/// (obs-fold); a server must reject it or replace it, and replacing hides smuggling attempts.
inline bool hasObsFold(std::string_view head) {
    for (std::size_t at = head.find("\r\n"); at != std::string_view::npos; at = head.find("\r\n", at + 2)) {
        if (at + 2 < head.size() && (head[at + 2] == ' ' || head[at + 2] == '\t')) return true;
    }
    return false;
}

/// The request framing RFC 9112 demands of what Beast accepted: exactly one Host in HTTP/1.1 (at
/// most one in 1.0), and chunked as the only transfer coding.
inline std::optional<ReadResult> checkFraming(const http::request<http::empty_body>& h) {
    auto hosts = std::count_if(h.begin(), h.end(), [](auto& f) { return f.name() == http::field::host; });
    if (hosts > 1) return refused(400, "bad_request", "the request carries " + std::to_string(hosts) +
                                                          " Host headers; send exactly one (RFC 9112 §3.2)");
    if (hosts == 0 && h.version() >= 11)
        return refused(400, "bad_request", "an HTTP/1.1 request must carry a Host header (RFC 9112 §3.2)");
    std::string codings;
    for (auto& f : h)
        if (f.name() == http::field::transfer_encoding) codings += (codings.empty() ? "" : ",") + std::string(f.value());
    if (h.find(http::field::transfer_encoding) == h.end()) return std::nullopt;
    if (h.version() < 11)
        return refused(400, "bad_request", "Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 §6.1)");
    for (auto coding : http::token_list{codings}) {
        if (!beast::iequals(coding, "chunked"))
            return refused(501, "unsupported_transfer_coding",
                           "the transfer coding '" + std::string(coding) +
                               "' is not supported; send the body with Content-Length or 'Transfer-Encoding: chunked'");
    }
    return std::nullopt;
}

/// Reads one request head into `parser` (which must be fresh). The bytes after the head stay in
/// `buffer` for the body and for pipelined requests.
template <class Stream>
boost::asio::awaitable<ReadResult> readHead(Stream& stream, beast::flat_buffer& buffer,
                                            http::request_parser<http::empty_body>& parser, ReadLimits limits) {
    constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    const std::size_t limit = std::min(limits.headerLimit, kMaxHeaderLimit);
    beast::get_lowest_layer(stream).expires_after(limits.headerTimeout);
    std::size_t searched = 0;
    std::size_t headLength = 0;
    for (;;) {
        // RFC 9112 §2.2: empty lines before the request line are ignored.
        while (bufferView(buffer).substr(0, 2) == "\r\n") buffer.consume(2), searched = 0;
        auto data = bufferView(buffer);
        auto end = data.find("\r\n\r\n", searched >= 3 ? searched - 3 : 0);
        if (end != std::string_view::npos) {
            headLength = end + 4;
            break;
        }
        if (data.size() >= limit)
            co_return refused(431, "headers_too_large", "request headers exceed " + std::to_string(limit) + " bytes");
        searched = data.size();
        auto room = std::min<std::size_t>(limit + 4 - data.size(), 16 * 1024);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(room), kTuple);
        if (ec) {
            if (ec == beast::error::timeout) co_return ReadResult{ReadOutcome::kTimedOut, {}};
            if (data.empty() || ec == boost::asio::error::operation_aborted) co_return ReadResult{ReadOutcome::kClosed, {}};
            if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated)
                co_return refused(400, "bad_request", "the connection ended inside the request headers");
            co_return ReadResult{ReadOutcome::kClosed, {}};
        }
        buffer.commit(n);
    }
    if (headLength > limit)
        co_return refused(431, "headers_too_large", "request headers exceed " + std::to_string(limit) + " bytes");
    std::string_view head = bufferView(buffer).substr(0, headLength);
    if (hasObsFold(head))
        co_return refused(400, "bad_request",
                          "a header line begins with a space or tab (obs-fold, RFC 9112 §5.2); put each field's value "
                          "on its own line");
    parser.header_limit(static_cast<std::uint32_t>(limit + 4));
    parser.body_limit(boost::none);  // the route decides, once the header is judged
    boost::system::error_code ec;
    auto used = parser.put(boost::asio::buffer(head.data(), head.size()), ec);
    if (ec || used != head.size() || !parser.is_header_done())
        co_return refused(400, "bad_request",
                          "malformed HTTP request: " + (ec ? ec.message() : std::string("incomplete header")));
    buffer.consume(headLength);
    if (auto bad = checkFraming(parser.get())) co_return std::move(*bad);
    co_return ReadResult{};
}

/// A refused request's body of at most this many bytes (Content-Length) is read and thrown away so
/// that the connection stays usable; a longer or chunked one ends the connection instead.
inline constexpr std::uint64_t kDrainLimit = 64 * 1024;

/// Reads and discards `length` body bytes (the first of them may already be in `buffer`). False
/// when the peer stalls past `timeout` or goes away.
template <class Stream>
boost::asio::awaitable<bool> discardBody(Stream& stream, beast::flat_buffer& buffer, std::uint64_t length,
                                         std::chrono::milliseconds timeout) {
    constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    auto inBuffer = std::min<std::uint64_t>(length, buffer.size());
    buffer.consume(static_cast<std::size_t>(inBuffer));
    length -= inBuffer;
    beast::get_lowest_layer(stream).expires_after(timeout);
    char scratch[8192];
    while (length > 0) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, sizeof scratch));
        auto [ec, n] = co_await stream.async_read_some(boost::asio::buffer(scratch, want), kTuple);
        if (ec) co_return false;
        length -= n;
    }
    co_return true;
}

/// Reads the body announced by the head in `parser` into it, at most `bodyLimit` bytes. Chunk
/// extensions longer than kMaxChunkExtension are refused; trailers are bounded by the buffer's cap.
template <class Stream>
boost::asio::awaitable<ReadResult> readBody(Stream& stream, beast::flat_buffer& buffer,
                                            http::request_parser<http::string_body>& parser, std::uint64_t bodyLimit,
                                            ReadLimits limits) {
    constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    parser.body_limit(bodyLimit);
    bool longExtension = false;
    auto onChunkHeader = [&longExtension](std::uint64_t, std::string_view extensions, boost::system::error_code& ec) {
        if (extensions.size() > kMaxChunkExtension) {
            longExtension = true;
            ec = http::error::bad_chunk_extension;
        }
    };
    parser.on_chunk_header(onChunkHeader);
    beast::get_lowest_layer(stream).expires_after(limits.bodyTimeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (!ec) co_return ReadResult{};
    const std::size_t cap = std::min(limits.headerLimit, kMaxHeaderLimit);
    if (ec == http::error::body_limit)
        co_return refused(413, "too_large", "the body exceeds this route's limit of " + std::to_string(bodyLimit) + " bytes");
    if (longExtension)
        co_return refused(400, "bad_request",
                          "a chunk extension is longer than " + std::to_string(kMaxChunkExtension) +
                              " bytes; the gateway reads no chunk extensions");
    if (ec == http::error::buffer_overflow)
        co_return refused(431, "headers_too_large",
                          "a chunk header or the trailer section exceeds " + std::to_string(cap) + " bytes");
    if (ec == beast::error::timeout) co_return ReadResult{ReadOutcome::kTimedOut, {}};
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::operation_aborted ||
        ec == boost::asio::ssl::error::stream_truncated)
        co_return ReadResult{ReadOutcome::kClosed, {}};
    co_return refused(400, "bad_request", "malformed HTTP request body: " + ec.message());
}

}  // namespace lgw::gateway::impl
