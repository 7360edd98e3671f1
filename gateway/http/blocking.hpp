#pragma once
// The pool that runs blocking work (SQLite, libpq, Tesseract, bulk crypto) off the I/O threads.
// A coroutine awaits the job and resumes on its own executor.
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace lgw::gateway {

class BlockingPool {
public:
    explicit BlockingPool(int threads);
    ~BlockingPool();
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    /// Runs `job` on the pool; an exception thrown by the job is rethrown in the awaiting coroutine.
    boost::asio::awaitable<void> run(std::function<void()> job);

    /// Runs `fn` on the pool and returns its value.
    template <class T>
    boost::asio::awaitable<T> call(std::function<T()> fn) {
        std::optional<T> out;
        std::function<void()> job = [&out, f = std::move(fn)]() { out.emplace(f()); };
        co_await run(std::move(job));
        co_return std::move(*out);
    }

    /// Waits for queued jobs to finish and joins the threads.
    void join();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace lgw::gateway
