#pragma once

// Readers of response parts shared by the v3 and v5 parsers.

#include "json_read.hpp"

namespace drsmon::drs_api::detail {

// progress fields of a v3 batch-progress item or a v5 progress_info object. The delay
// prefers the millisecond field; v3 spells it incre_*, v5 incr_*.
progress_snapshot read_progress(reader& r, const json::object& o, const jpath& at);

// result/process/total_passed_rate and the item list (v3 precheck_result, v5
// precheck_results).
precheck_summary read_precheck(reader& r, const json::object& o, const jpath& at);

// One job of a job list (v3 JobInfo or v5 JobListResp) with its children: id and status
// required, every other field optional, either API's spelling accepted.
job_summary read_job_summary(reader& r, const json::object& o, const jpath& at);

// Applies fn(reader&, const json::object& item, const jpath& at) to each element of a
// list that must hold objects; stops at the first failure.
template <class Fn>
void for_each_object(reader& r, const json::array* list, const jpath& at, Fn&& fn)
{
    if (!list)
        return;
    for (std::size_t i = 0; i < list->size() && r.ok(); ++i)
    {
        const jpath item_at = at.at(i);
        if (const json::object* o = r.element((*list)[i], item_at))
            fn(*o, item_at);
    }
}

// Whether read_list fails on a missing list or takes it as empty.
enum class list_presence
{
    optional,
    required,
};

// Appends read(item, item_at) for each object of the list o[key] to out; a null or (when
// optional) missing list adds nothing. Stops at the first failure.
template <class T, class Read>
void read_list(
    reader& r,
    const json::object& o,
    std::string_view key,
    const jpath& at,
    std::vector<T>& out,
    Read&& read,
    list_presence presence = list_presence::optional
)
{
    const json::array* list = presence == list_presence::required ? r.required_array(o, key, at)
                                                                  : r.optional_array(o, key, at);
    if (list)
        out.reserve(out.size() + list->size());
    for_each_object(r, list, at.child(key), [&](const json::object& item, const jpath& item_at) {
        out.push_back(read(item, item_at));
    });
}

// Where a list answer keeps its count and its list: {"<count_key>": n, "<list_key>": [item...]}.
template <class Response, class Item>
struct list_shape
{
    std::string_view count_key;
    std::optional<std::int64_t> Response::*count;
    std::string_view list_key;
    std::vector<Item> Response::*list;
};

// A list answer; read_item(reader&, item, item_at) reads one element of the list, which is
// required.
template <class Response, class Item, class ReadItem>
core::result<Response> read_listing(
    api which,
    std::string_view body,
    list_shape<Response, Item> shape,
    ReadItem read_item
)
{
    return read_document<Response>(which, body, [&](reader& r, const json::object& root) {
        Response out;
        out.*shape.count = reader::integer(root, shape.count_key);
        const auto read = [&](const json::object& item, const jpath& item_at) {
            return read_item(r, item, item_at);
        };
        read_list(r, root, shape.list_key, root_path, out.*shape.list, read, list_presence::required);
        return out;
    });
}

// The shape shared by the v3 batch APIs: {"count": n, "results": [item...]}.
template <class Response, class ReadItem>
core::result<Response> read_batch(api which, std::string_view body, ReadItem read_item)
{
    const list_shape<Response, typename decltype(Response::results)::value_type> shape{
        "count",
        &Response::count,
        "results",
        &Response::results,
    };
    return read_listing(which, body, shape, std::move(read_item));
}

}  // namespace drsmon::drs_api::detail
