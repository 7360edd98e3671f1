#pragma once
// Runs one coroutine to its end on a fresh io_context in the calling thread and returns its value
// (or rethrows what it threw): for unit tests of services, without a server or a socket.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>

namespace lgw::testing {

template <class T>
boost::asio::awaitable<void> awaitInto(boost::asio::awaitable<T> work, std::optional<T>* out) {
    out->emplace(co_await std::move(work));
}

template <class T>
T runCoroutine(boost::asio::awaitable<T> work) {
    boost::asio::io_context io;
    std::optional<T> out;
    std::exception_ptr failure;
    auto task = awaitInto(std::move(work), &out);
    boost::asio::co_spawn(io, std::move(task), [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
}

}  // namespace lgw::testing
