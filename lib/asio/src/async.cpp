#include "drsmon/asio/async.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace drsmon::asio {

wait_group::state::state(boost::asio::any_io_executor ex)
    : zero(std::move(ex), boost::asio::steady_timer::time_point::max())
{
}

wait_group::wait_group(boost::asio::any_io_executor ex) : state_(std::make_shared<state>(std::move(ex))) {}

void wait_group::done() noexcept
{
    if (state_->count > 0 && --state_->count == 0)
        state_->zero.cancel();
}

boost::asio::awaitable<void> wait_group::async_wait() const
{
    // Keeps the timer alive while waiting, whatever happens to the group's other copies.
    const auto s = state_;
    while (s->count > 0)
    {
        co_await s->zero.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        const auto cs = co_await boost::asio::this_coro::cancellation_state;
        if (cs.cancelled() != boost::asio::cancellation_type::none)
            co_return;
    }
}

log_completion::log_completion(std::shared_ptr<spdlog::logger> log, std::string what, std::string fields)
    : log_(std::move(log)), what_(std::move(what)), fields_(std::move(fields))
{
    if (!fields_.empty())
        fields_ += ' ';
}

void log_completion::operator()(std::exception_ptr e) const noexcept
{
    if (!e)
        return;
    std::string why;
    try
    {
        std::rethrow_exception(e);
    }
    catch (const std::exception& ex)
    {
        why = ex.what();
    }
    catch (...)
    {
        why = "unknown exception";
    }
    try
    {
        log_->error("{}msg=\"{} ended with an exception\" err=\"{}\"", fields_, what_, why);
    }
    catch (...)
    {
        // A logger that cannot write has nowhere to report that either.
    }
}

}  // namespace drsmon::asio
