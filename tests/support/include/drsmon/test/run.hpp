#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>

namespace drsmon::test {

// Runs aw on ioc until it completes (servers on the same context keep serving meanwhile) and returns
// its value; rethrows its exception. Other work left on ioc stays pending.
template <class T>
T run_until_complete(boost::asio::io_context& ioc, boost::asio::awaitable<T> aw)
{
    std::optional<T> value;
    std::exception_ptr error;
    bool done = false;
    boost::asio::co_spawn(ioc, std::move(aw), [&](std::exception_ptr e, T v) {
        error = e;
        if (!e)
            value.emplace(std::move(v));
        done = true;
    });
    ioc.restart();
    while (!done && ioc.run_one() > 0)
    {
    }
    if (error)
        std::rethrow_exception(error);
    return std::move(*value);
}

}  // namespace drsmon::test
