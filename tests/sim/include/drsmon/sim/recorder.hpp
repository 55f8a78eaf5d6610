#pragma once

#include <boost/json/fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// What the simulator received: a bounded list of requests plus per-API counters.
namespace drsmon::sim {

struct recorded_request
{
    std::uint64_t seq = 0;  // 1, 2, ... in arrival order; never reused after clear()
    std::string method;
    std::string target;
    std::string api;  // "batch-status", "iam-tokens", "unknown", ...
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string auth;  // "token", "aksk", "none" (IAM token issue, control), or "rejected:<reason>"
    unsigned status = 0;
    std::string fault;  // the fault kind applied, or ""

    // The first header with this name (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

class recorder
{
public:
    explicit recorder(std::size_t capacity = 10000) : capacity_(capacity) {}

    void add(recorded_request r);
    // Drops the requests and the counters.
    void clear();

    const std::deque<recorded_request>& requests() const noexcept { return requests_; }
    // Requests received for one API (since the last clear).
    std::size_t count(std::string_view api) const;
    const std::map<std::string, std::size_t, std::less<>>& counters() const noexcept { return counters_; }
    std::uint64_t total() const noexcept { return next_seq_ - 1; }

private:
    std::size_t capacity_;
    std::uint64_t next_seq_ = 1;
    std::deque<recorded_request> requests_;
    std::map<std::string, std::size_t, std::less<>> counters_;
};

boost::json::value to_json(const recorded_request& r);

}  // namespace drsmon::sim
