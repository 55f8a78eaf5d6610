#include "drsmon/sim/http_types.hpp"
#include "drsmon/sim/recorder.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace drsmon::sim {

namespace {

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string find_header(const std::vector<std::pair<std::string, std::string>>& hs, std::string_view name)
{
    for (const auto& [k, v] : hs)
        if (iequals(k, name))
            return v;
    return {};
}

}  // namespace

std::string request::header(std::string_view name) const { return find_header(headers, name); }

std::string response::header(std::string_view name) const { return find_header(headers, name); }

std::string recorded_request::header(std::string_view name) const { return find_header(headers, name); }

void recorder::add(recorded_request r)
{
    r.seq = next_seq_++;
    ++counters_[r.api];
    requests_.push_back(std::move(r));
    while (requests_.size() > capacity_)
        requests_.pop_front();
}

void recorder::clear()
{
    requests_.clear();
    counters_.clear();
}

std::size_t recorder::count(std::string_view api) const
{
    auto it = counters_.find(api);
    return it == counters_.end() ? 0 : it->second;
}

boost::json::value to_json(const recorded_request& r)
{
    boost::json::object o;
    o["seq"] = r.seq;
    o["method"] = r.method;
    o["target"] = r.target;
    o["api"] = r.api;
    boost::json::array hs;
    for (const auto& [k, v] : r.headers)
        hs.push_back(boost::json::array{boost::json::string(k), boost::json::string(v)});
    o["headers"] = std::move(hs);
    o["body"] = r.body;
    o["auth"] = r.auth;
    o["status"] = r.status;
    o["fault"] = r.fault;
    return o;
}

}  // namespace drsmon::sim
