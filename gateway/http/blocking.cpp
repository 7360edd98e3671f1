#include "gateway/http/blocking.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace lgw::gateway {

namespace asio = boost::asio;

struct BlockingPool::Impl {
    explicit Impl(int n) : pool(static_cast<std::size_t>(n)) {}
    asio::thread_pool pool;
};

BlockingPool::BlockingPool(int threads) : impl_(std::make_unique<Impl>(threads)) {}
BlockingPool::~BlockingPool() { join(); }

namespace {
// A named coroutine with a by-value parameter (see STYLE.md on g++ 12): it owns the job.
asio::awaitable<void> runJob(std::function<void()> job) {
    job();
    co_return;
}
}  // namespace

asio::awaitable<void> BlockingPool::run(std::function<void()> job) {
    auto task = runJob(std::move(job));
    co_await asio::co_spawn(impl_->pool.get_executor(), std::move(task), asio::use_awaitable);
}

void BlockingPool::join() { impl_->pool.join(); }

}  // namespace lgw::gateway
