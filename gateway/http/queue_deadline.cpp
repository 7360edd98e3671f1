#include "gateway/http/queue_deadline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <exception>

namespace lgw::gateway {

namespace asio = boost::asio;

namespace {

enum State : int { kQueued = 0, kStarted = 1, kDropped = 2 };

// What the waiting coroutine and the job's own coroutine share. Both run on the same strand, so
// `done`, `error` and the timer are touched one at a time; `state` is raced with the pool thread.
struct Race {
    explicit Race(asio::any_io_executor e) : timer(std::move(e)) {}
    asio::steady_timer timer;
    std::atomic<int> state{kQueued};
    bool done = false;
    std::exception_ptr error;
};

// Named, by-value parameters (STYLE.md on g++ 12). Runs on the caller's strand: awaits the pool,
// then wakes the waiting coroutine by cancelling its timer.
asio::awaitable<void> runAndSignal(BlockingPool* pool, std::shared_ptr<Race> race, std::function<void()> job) {
    std::function<void()> guarded = [race, j = std::move(job)]() {
        int expected = kQueued;
        if (!race->state.compare_exchange_strong(expected, kStarted)) return;  // dropped at its deadline
        j();
    };
    auto running = pool->run(std::move(guarded));
    try {
        co_await std::move(running);
    } catch (...) {
        race->error = std::current_exception();
    }
    race->done = true;
    race->timer.cancel();
}

// The one wait both entry points share: `awaitStarted` says whether a job that started in time is
// awaited to its end (a queue deadline) or the caller answered at the deadline anyway (a probe's).
asio::awaitable<bool> raceDeadline(BlockingPool* poolp, std::function<void()> job, std::chrono::milliseconds deadline,
                                   bool awaitStarted) {
    BlockingPool& pool = *poolp;
    auto exec = co_await asio::this_coro::executor;
    auto race = std::make_shared<Race>(exec);
    race->timer.expires_after(deadline);
    auto signalling = runAndSignal(&pool, race, std::move(job));
    asio::co_spawn(exec, std::move(signalling), asio::detached);
    for (;;) {
        auto wait = race->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        co_await std::move(wait);
        if (race->done) break;  // the job ended (the timer was cancelled, or it ended as the deadline passed)
        int expected = kQueued;
        if (race->state.compare_exchange_strong(expected, kDropped)) co_return false;
        if (!awaitStarted) co_return false;  // it runs on; its end cancels a timer nobody waits on
        // It started in time: wait for its end, without a deadline.
        race->timer.expires_at(asio::steady_timer::time_point::max());
    }
    if (race->error) std::rethrow_exception(race->error);
    co_return true;
}

}  // namespace

asio::awaitable<bool> runUnlessQueuedPast(BlockingPool& pool, std::function<void()> job,
                                          std::chrono::milliseconds queueDeadline) {
    return raceDeadline(&pool, std::move(job), queueDeadline, true);
}

asio::awaitable<bool> runWithin(BlockingPool& pool, std::function<void()> job, std::chrono::milliseconds deadline) {
    return raceDeadline(&pool, std::move(job), deadline, false);
}

}  // namespace lgw::gateway
