#include "drsmon/server/router.hpp"

namespace drsmon::server {

void router::add(std::string method, std::string path, handler h)
{
    exact_[std::move(path)][std::move(method)] = std::move(h);
}

void router::add_prefix(std::string method, std::string prefix, handler h)
{
    prefixes_[std::move(prefix)][std::move(method)] = std::move(h);
}

const handler* router::pick(const by_method& methods, std::string_view method)
{
    if (auto it = methods.find(method); it != methods.end())
        return &it->second;
    // HEAD is GET without a body: the server drops the body after the handler ran.
    if (method == "HEAD")
    {
        if (auto it = methods.find("GET"); it != methods.end())
            return &it->second;
    }
    return nullptr;
}

std::string router::allow_of(const by_method& methods)
{
    std::string allow;
    const bool has_head = methods.contains("HEAD");
    for (const auto& [method, h] : methods)
    {
        allow += allow.empty() ? "" : ", ";
        allow += method;
        if (method == "GET" && !has_head)
            allow += ", HEAD";
    }
    return allow;
}

router::match router::find(std::string_view method, std::string_view path) const
{
    const by_method* methods = nullptr;
    if (auto it = exact_.find(path); it != exact_.end())
        methods = &it->second;
    else
    {
        // Longest prefix wins: walk all prefixes (a handful) and keep the longest that matches.
        std::size_t best = 0;
        for (const auto& [prefix, candidates] : prefixes_)
        {
            if (path.starts_with(prefix) && prefix.size() >= best)
            {
                best = prefix.size();
                methods = &candidates;
            }
        }
    }
    if (!methods)
        return {nullptr, 404, {}};
    if (const handler* h = pick(*methods, method))
        return {h, 200, {}};
    return {nullptr, 405, allow_of(*methods)};
}

boost::asio::awaitable<reply> router::dispatch(request req) const
{
    const match m = find(req.method, req.path);
    if (m.target)
        co_return co_await (*m.target)(std::move(req));
    reply r;
    r.status = m.status;
    if (m.status == 405)
    {
        r.body = "method not allowed\n";
        r.headers.emplace_back("Allow", m.allow);
    }
    else
        r.body = "not found\n";
    co_return r;
}

}  // namespace drsmon::server
