#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <optional>

namespace drsmon::drs_api::detail {

core::error invalid_json_error(api which, const boost::system::error_code& ec);

template <class T, class Fn>
core::result<T> read_document(api which, std::string_view body, Fn&& fn)
{
    // One arena per document: the tree is freed in one go, and small bodies never
    // touch the heap for it.
    // Larger documents get one block sized from the body (the tree is about twice the
    // text), so the arena does not grow piecemeal.
    // 16 kB covers the tree of a batch-progress body of 10 jobs (3.5 kB of text) and smaller ones.
    unsigned char buffer[16384];
    json::monotonic_resource arena(buffer, sizeof(buffer));
    std::optional<json::monotonic_resource> big;
    if (body.size() > sizeof(buffer) / 2)
        big.emplace(body.size() * 2 + 1024);
    json::monotonic_resource& pool = big ? *big : arena;
    json::parse_options options;
    options.max_depth = 64;
    boost::system::error_code ec;
    const json::value doc = json::parse(json::string_view(body.data(), body.size()), ec, &pool, options);
    if (ec)
        return invalid_json_error(which, ec);
    reader r(which);
    const json::object* root = r.root(doc);
    if (!root)
        return r.take_error();
    T out = fn(r, *root);
    if (!r.ok())
        return r.take_error();
    return out;
}

}  // namespace drsmon::drs_api::detail
