#include "gateway/services/periodic.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>

#include "gateway/http/logging.hpp"

namespace lgw::gateway {

namespace asio = boost::asio;

asio::awaitable<void> runPeriodically(std::string component, std::string what, std::int64_t intervalMs,
                                      std::function<asio::awaitable<int>()> pass) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        try {
            auto running = pass();
            co_await std::move(running);
        } catch (const std::exception& ex) {
            logger(component)->error("{} failed: {}", what, ex.what());
        }
        timer.expires_after(std::chrono::milliseconds(intervalMs));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
    }
}

}  // namespace lgw::gateway
