// GET /readyz (gateway/api/operations.cpp) with what it depends on made slow: each check has
// server.readyz_timeout_ms, and the answer names the check that did not answer in time (issue 23:
// "/readyz with its own short deadline, reporting which dependency is slow").
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "gateway/api/routes.hpp"
#include "tests/common/service_harness.hpp"

namespace lgw::gateway {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// The handler runs on a context that outlives each request, as the server's does: a check that
// answers late still finishes on it after /readyz has answered.
class ReadyzTest : public ::testing::Test, protected testing::ServiceHarness {
protected:
    ReadyzTest() {
        cfg.server.readyzTimeoutMs = 200;
        addOpsRoutes(router, services);
        io = std::thread([this] { ioc.run(); });
    }
    ~ReadyzTest() override {
        pool.join();  // a late check ends first
        work.reset();
        io.join();
    }
    HttpResponse readyz() {
        auto m = router.match("GET", "/readyz");
        EXPECT_NE(m.route, nullptr);
        std::promise<HttpResponse> answered;
        auto task = m.route->handler(HttpRequest{});
        asio::co_spawn(ioc, std::move(task), [&answered](std::exception_ptr e, HttpResponse r) {
            if (e) r.status = -1;
            answered.set_value(std::move(r));
        });
        return answered.get_future().get();
    }
    Router router;
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
    std::thread io;
};

TEST_F(ReadyzTest, AnsweredReadyWhenEveryCheckAnswers) {
    auto r = readyz();
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body).at("checks").at("store").as_string(), "ok");
}

TEST_F(ReadyzTest, AFullBlockingPoolIsNamedInTimeNotWaitedFor) {
    // The pool's one thread held, as a hung store call would hold it.
    std::promise<void> release;
    auto released = release.get_future().share();
    std::atomic<bool> held{false};
    asio::io_context side;
    auto holding = pool.run([&] {
        held = true;
        released.wait();
    });
    asio::co_spawn(side, std::move(holding), asio::detached);
    std::thread sideThread([&] { side.run(); });
    while (!held) std::this_thread::sleep_for(std::chrono::milliseconds(1));

    const auto t0 = Clock::now();
    auto r = readyz();
    const auto took = Clock::now() - t0;
    release.set_value();
    sideThread.join();
    EXPECT_EQ(r.status, 503) << r.body;
    auto checks = json::parse(r.body).at("checks");
    EXPECT_EQ(checks.at("store").as_string(), "no answer within 200 ms") << r.body;
    EXPECT_LT(took, std::chrono::seconds(2)) << "a probe answers in its own time, not the dependency's";
    EXPECT_EQ(readyz().status, 200) << "and is ready again once the pool is free";
}

TEST_F(ReadyzTest, AKeyCheckThatHangsIsNamedWhileTheStoreIsFine) {
    std::promise<void> release;
    auto released = release.get_future().share();
    services.checkKeys = [released] {
        released.wait();  // a key file on a hung network mount
        return std::string();
    };
    auto r = readyz();
    release.set_value();
    EXPECT_EQ(r.status, 503) << r.body;
    auto checks = json::parse(r.body).at("checks");
    EXPECT_EQ(checks.at("store").as_string(), "ok");
    EXPECT_EQ(checks.at("keys").as_string(), "no answer within 200 ms");
}

}  // namespace
}  // namespace lgw::gateway
