#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <utility>

namespace spdlog {
class logger;
}

// Small building blocks for coroutines started with co_spawn. The namespace is the module's; in
// files that alias `namespace asio = boost::asio;` name these as drsmon::asio::….
namespace drsmon::asio {

// Waits for a group of tasks, usually coroutines given to co_spawn: add() before starting each,
// done() when one ends (from its completion handler, see on_done), async_wait() until none is left.
// Copies share one count, so a completion handler holding a copy may outlive the frame that waits
// (a cancelled waiter leaves its tasks running). Single-threaded: use on the executor's thread.
class wait_group
{
public:
    explicit wait_group(boost::asio::any_io_executor ex);

    // n more tasks to wait for.
    void add(std::size_t n = 1) noexcept { state_->count += n; }
    // One task ended; when none is left every waiter resumes. More done() than add() is a bug.
    void done() noexcept;
    // Tasks added and not done yet.
    std::size_t count() const noexcept { return state_->count; }

    // Completes when count() is zero (at once when it already is), or when the calling coroutine
    // is cancelled (count() then tells which). Never throws.
    boost::asio::awaitable<void> async_wait() const;

    // A co_spawn completion handler: then(e) first (e.g. a log_completion), then done().
    template <class Then>
    auto on_done(Then then) const
    {
        return [group = *this, then = std::move(then)](std::exception_ptr e) mutable {
            then(e);
            group.done();
        };
    }

private:
    struct state
    {
        explicit state(boost::asio::any_io_executor ex);
        std::size_t count = 0;
        boost::asio::steady_timer zero;  // never expires; cancelled to wake the waiters
    };
    std::shared_ptr<state> state_;
};

// A co_spawn completion handler that logs the exception a coroutine ended with, at error level:
//   <fields> msg="<what> ended with an exception" err="<what()>"
// fields are logfmt fields put first (e.g. "project=p1"), or empty. Without an exception it does
// nothing. A coroutine's exception is a bug (expected failures are values), so this is where it
// is seen; what happens next (stop, restart, nothing) is the caller's to add around it.
class log_completion
{
public:
    log_completion(std::shared_ptr<spdlog::logger> log, std::string what, std::string fields = {});
    void operator()(std::exception_ptr e) const noexcept;

private:
    std::shared_ptr<spdlog::logger> log_;
    std::string what_;
    std::string fields_;
};

}  // namespace drsmon::asio
