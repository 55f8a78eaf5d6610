#include "drsmon/asio/async.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <stdexcept>
#include <vector>

namespace drsmon::asio {
namespace {

namespace net = boost::asio;

// Yields to the executor n times, so tasks interleave without timers or sleeps.
net::awaitable<void> yield_times(int n, std::vector<int>& ended, int id)
{
    for (int i = 0; i < n; ++i)
        co_await net::post(co_await net::this_coro::executor, net::use_awaitable);
    ended.push_back(id);
}

TEST(WaitGroup, CompletesAtOnceWhenNothingWasAdded)
{
    net::io_context ioc;
    wait_group group(ioc.get_executor());
    bool waited = false;
    net::co_spawn(ioc, group.async_wait(), [&](std::exception_ptr) { waited = true; });
    ioc.run();
    EXPECT_TRUE(waited);
}

TEST(WaitGroup, ResumesTheWaiterAfterTheLastTaskEnds)
{
    net::io_context ioc;
    wait_group group(ioc.get_executor());
    std::vector<int> ended;
    for (int id = 1; id <= 3; ++id)
    {
        group.add();
        net::co_spawn(ioc, yield_times(id * 2, ended, id), group.on_done([](std::exception_ptr) {}));
    }
    EXPECT_EQ(group.count(), 3u);
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            co_await group.async_wait();
            ended.push_back(0);
        },
        [](std::exception_ptr) {}
    );
    ioc.run();
    EXPECT_EQ(ended, (std::vector<int>{1, 2, 3, 0}));
    EXPECT_EQ(group.count(), 0u);
}

TEST(WaitGroup, CanBeReusedAfterReachingZero)
{
    net::io_context ioc;
    wait_group group(ioc.get_executor());
    std::vector<int> ended;
    for (int round = 1; round <= 2; ++round)
    {
        group.add();
        net::co_spawn(ioc, yield_times(3, ended, round), group.on_done([](std::exception_ptr) {}));
        bool waited = false;
        net::co_spawn(ioc, group.async_wait(), [&](std::exception_ptr) { waited = true; });
        ioc.restart();
        ioc.run();
        EXPECT_TRUE(waited) << round;
    }
    EXPECT_EQ(ended, (std::vector<int>{1, 2}));
}

TEST(WaitGroup, AWaiterCancelledEarlyReturnsAndLeavesTheTasksCounted)
{
    net::io_context ioc;
    wait_group group(ioc.get_executor());
    group.add();
    net::cancellation_signal cancel;
    bool waited = false;
    net::co_spawn(
        ioc,
        group.async_wait(),
        net::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr) { waited = true; })
    );
    ioc.poll();
    EXPECT_FALSE(waited);
    cancel.emit(net::cancellation_type::terminal);
    ioc.poll();
    EXPECT_TRUE(waited);
    EXPECT_EQ(group.count(), 1u);
    group.done();
    EXPECT_EQ(group.count(), 0u);
}

class LogCompletion : public ::testing::Test
{
protected:
    LogCompletion() { log_->set_pattern("%l %v"); }

    std::string logged() const { return text_.str(); }

    std::ostringstream text_;
    std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>(
        "async-test",
        std::make_shared<spdlog::sinks::ostream_sink_st>(text_)
    );
};

TEST_F(LogCompletion, LogsTheExceptionACoroutineEndedWithInLogfmt)
{
    net::io_context ioc;
    net::co_spawn(
        ioc,
        []() -> net::awaitable<void> {
            throw std::runtime_error("boom");
            co_return;
        },
        log_completion(log_, "poll loop", "project=p1")
    );
    ioc.run();
    EXPECT_EQ(logged(), "error project=p1 msg=\"poll loop ended with an exception\" err=\"boom\"\n");
}

TEST_F(LogCompletion, SaysNothingWhenTheCoroutineReturns)
{
    net::io_context ioc;
    net::co_spawn(
        ioc,
        []() -> net::awaitable<void> { co_return; },
        log_completion(log_, "server")
    );
    ioc.run();
    EXPECT_EQ(logged(), "");
}

TEST_F(LogCompletion, NamesExceptionsThatAreNotStdExceptions)
{
    log_completion(log_, "session")(std::make_exception_ptr(42));
    EXPECT_EQ(logged(), "error msg=\"session ended with an exception\" err=\"unknown exception\"\n");
}

TEST_F(LogCompletion, RunsBeforeTheWaitGroupIsDone)
{
    net::io_context ioc;
    wait_group group(ioc.get_executor());
    group.add();
    std::size_t count_when_logged = 0;
    net::co_spawn(
        ioc,
        []() -> net::awaitable<void> {
            throw std::runtime_error("late");
            co_return;
        },
        group.on_done([&, h = log_completion(log_, "worker")](std::exception_ptr e) {
            h(e);
            count_when_logged = group.count();
        })
    );
    ioc.run();
    EXPECT_EQ(count_when_logged, 1u);
    EXPECT_EQ(group.count(), 0u);
    EXPECT_NE(logged().find("err=\"late\""), std::string::npos);
}

}  // namespace
}  // namespace drsmon::asio
