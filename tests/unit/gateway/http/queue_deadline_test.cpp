// runUnlessQueuedPast: a job queued behind a stuck one is answered at its deadline and never runs;
// a job that started in time is awaited to its end; a job's exception reaches the caller. Real
// threads and real (short) timers: the deadline is a wall-clock one by design.
#include "gateway/http/queue_deadline.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <future>
#include <stdexcept>

namespace lgw::gateway {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Outcome {
    std::optional<int> value;
    Clock::duration took{};
    std::string error;
};

asio::awaitable<Outcome> timed(BlockingPool* pool, std::function<int()> fn, std::chrono::milliseconds deadline) {
    Outcome o;
    const auto t0 = Clock::now();
    try {
        auto calling = callUnlessQueuedPast(*pool, std::move(fn), deadline);
        o.value = co_await std::move(calling);
    } catch (const std::exception& e) {
        o.error = e.what();
    }
    o.took = Clock::now() - t0;
    co_return o;
}

// Runs `timed` on a strand of a two-thread context, as a connection's handler runs. The context
// lives until the runner goes: a dropped job's own coroutine stays on it until the pool reaches it.
class StrandRunner {
public:
    std::future<Outcome> start(BlockingPool& pool, std::function<int()> fn, std::chrono::milliseconds deadline) {
        auto task = timed(&pool, std::move(fn), deadline);
        asio::co_spawn(strand_, std::move(task), [this](std::exception_ptr e, Outcome o) {
            if (e) o.error = "escaped";
            done_.set_value(o);
        });
        a_ = std::thread([this] { ioc_.run(); });
        b_ = std::thread([this] { ioc_.run(); });
        return done_.get_future();
    }
    ~StrandRunner() {
        work_.reset();
        if (a_.joinable()) a_.join();
        if (b_.joinable()) b_.join();
    }

private:
    asio::io_context ioc_;
    asio::strand<asio::io_context::executor_type> strand_ = asio::make_strand(ioc_);
    asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(ioc_);
    std::promise<Outcome> done_;
    std::thread a_, b_;
};

Outcome runOnStrand(BlockingPool& pool, std::function<int()> fn, std::chrono::milliseconds deadline) {
    StrandRunner r;
    return r.start(pool, std::move(fn), deadline).get();
}

TEST(QueueDeadline, AJobQueuedBehindAStuckOneIsAnsweredAtItsDeadlineAndNeverRuns) {
    BlockingPool pool(1);
    std::promise<void> release;
    auto released = release.get_future().share();
    std::atomic<bool> holderStarted{false};
    std::function<void()> holder = [&] { holderStarted = true; released.wait(); };
    // The holder takes the pool's only thread (posted straight, as any other caller would).
    asio::io_context side;
    auto holding = pool.run(holder);
    asio::co_spawn(side, std::move(holding), asio::detached);
    std::thread sideThread([&] { side.run(); });
    while (!holderStarted) std::this_thread::sleep_for(1ms);

    std::atomic<bool> ran{false};
    StrandRunner runner;
    Outcome o = runner.start(pool, [&] { ran = true; return 7; }, 100ms).get();
    EXPECT_FALSE(o.value) << "the job did not start in time, so it has no value";
    EXPECT_TRUE(o.error.empty()) << o.error;
    EXPECT_GE(o.took, 100ms);
    EXPECT_LT(o.took, 2s) << "answered at the deadline, while the holder still holds the thread";
    release.set_value();
    sideThread.join();
    pool.join();
    EXPECT_FALSE(ran) << "a job dropped at its deadline never runs, even once the thread is free";
}

TEST(QueueDeadline, AJobThatStartedInTimeIsAwaitedToItsEnd) {
    BlockingPool pool(1);
    Outcome o = runOnStrand(pool, [] { std::this_thread::sleep_for(300ms); return 42; }, 50ms);
    ASSERT_TRUE(o.value) << "it started at once: the deadline is for the queue, not for the work";
    EXPECT_EQ(*o.value, 42);
    EXPECT_GE(o.took, 300ms);
}

TEST(QueueDeadline, AnExceptionOfTheJobReachesTheCaller) {
    BlockingPool pool(2);
    Outcome o = runOnStrand(pool, []() -> int { throw std::runtime_error("the page broke the engine"); }, 1000ms);
    EXPECT_FALSE(o.value);
    EXPECT_EQ(o.error, "the page broke the engine");
}

}  // namespace
}  // namespace lgw::gateway
