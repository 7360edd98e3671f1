#pragma once
// A job for a pool that is full may wait in its queue, but not for ever: it either starts before its
// deadline or never runs, and the awaiting coroutine hears so at the deadline — not when a thread
// frees up, which may be much later (a stuck OCR page holds its thread until scan_timeout_ms).
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "gateway/http/blocking.hpp"

namespace lgw::gateway {

/// Runs `job` on `pool` unless it has not started `queueDeadline` after the call: then it is
/// dropped (it will never run) and the result is false, at the deadline. A job that started is
/// awaited to its end, however long it takes. An exception the job throws is rethrown here.
/// The awaiting coroutine's executor must be a strand or a one-thread context (each connection's
/// coroutine runs on a strand of its own): the job's end is signalled through it.
boost::asio::awaitable<bool> runUnlessQueuedPast(BlockingPool& pool, std::function<void()> job,
                                                 std::chrono::milliseconds queueDeadline);

/// Like runUnlessQueuedPast, but the caller is answered false at the deadline whether or not the job
/// has started: one that started runs on to its end unheard (its captures must outlive it — share
/// them). For probes that must answer in time even when a dependency hangs (/readyz).
boost::asio::awaitable<bool> runWithin(BlockingPool& pool, std::function<void()> job, std::chrono::milliseconds deadline);

/// runWithin returning the job's value; nullopt when it did not end in time.
template <class T>
boost::asio::awaitable<std::optional<T>> callWithin(BlockingPool& pool, std::function<T()> fn,
                                                    std::chrono::milliseconds deadline) {
    auto out = std::make_shared<std::optional<T>>();  // shared: a late job writes it after this frame is gone
    std::function<void()> job = [out, f = std::move(fn)]() { out->emplace(f()); };
    auto running = runWithin(pool, std::move(job), deadline);
    const bool ended = co_await std::move(running);
    if (!ended) co_return std::nullopt;
    co_return std::move(*out);
}

/// The same returning the job's value; nullopt when it did not start in time.
template <class T>
boost::asio::awaitable<std::optional<T>> callUnlessQueuedPast(BlockingPool& pool, std::function<T()> fn,
                                                              std::chrono::milliseconds queueDeadline) {
    auto out = std::make_shared<std::optional<T>>();  // shared: a dropped job outlives this frame in the queue
    std::function<void()> job = [out, f = std::move(fn)]() { out->emplace(f()); };
    auto running = runUnlessQueuedPast(pool, std::move(job), queueDeadline);
    const bool ran = co_await std::move(running);
    if (!ran) co_return std::nullopt;
    co_return std::move(*out);
}

}  // namespace lgw::gateway
