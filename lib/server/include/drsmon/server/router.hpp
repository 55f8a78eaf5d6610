#pragma once

#include "drsmon/server/request.hpp"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>

namespace drsmon::server {

// Maps (method, path) to handlers. Exact paths win over prefixes; among prefixes the longest wins.
// A path known under other methods answers 405 with Allow; an unknown path answers 404. HEAD is
// served by the GET handler when no HEAD handler exists (the server drops the body).
class router
{
public:
    // Registers a handler for exactly this path ("/metrics"). A second add replaces the first.
    void add(std::string method, std::string path, handler h);

    // Registers a handler for every path starting with prefix ("/api/v1/jobs/").
    void add_prefix(std::string method, std::string prefix, handler h);

    // What dispatch would do for this request, without running it.
    struct match
    {
        const handler* target = nullptr;  // nullptr: answer status with allow
        unsigned status = 200;            // 200, 404 or 405
        std::string allow;                // for 405: "GET, HEAD"
    };
    match find(std::string_view method, std::string_view path) const;

    // Runs the matching handler, or answers 404/405 itself. Handler exceptions propagate.
    boost::asio::awaitable<reply> dispatch(request req) const;

private:
    using by_method = std::map<std::string, handler, std::less<>>;
    static const handler* pick(const by_method& methods, std::string_view method);
    static std::string allow_of(const by_method& methods);

    std::map<std::string, by_method, std::less<>> exact_;
    std::map<std::string, by_method, std::less<>> prefixes_;
};

}  // namespace drsmon::server
