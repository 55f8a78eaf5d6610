#pragma once

#include <boost/json/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Injected failures of the simulated API. Pure: the router asks which fault (if any) applies to a
// request and applies it to the response it would otherwise send.
namespace drsmon::sim {

enum class fault_kind
{
    server_error,  // HTTP 500/502/503/504 with a gateway or service error body
    throttle,      // 429 APIGW.0308, optionally with Retry-After
    drs_throttle,  // 400 DRS.M01503 "Operation too frequent"
    latency,       // the normal response, sent after a delay
    reset,         // the connection is reset half-way through the body
    stall,         // the body stops half-way for a while, then completes
    truncated,     // half of the JSON body, with a matching Content-Length
    malformed,     // a body that is not JSON
    wrong_shape,   // valid JSON whose fields have the wrong types
    huge,          // the normal response padded to mb megabytes
    clock_offset,  // the server's clock is shifted by seconds (persistent, not per request)
    token_expiry   // every issued token expires now (applied once when added)
};

// "5xx", "429", "drs-throttle", "latency", "reset", "stall", "truncated", "malformed",
// "wrong-shape", "huge", "clock-offset", "token-expiry".
const char* to_string(fault_kind k) noexcept;
std::optional<fault_kind> parse_fault_kind(std::string_view s);

struct fault
{
    fault_kind kind = fault_kind::server_error;
    int status = 503;                       // server_error only
    std::optional<int> retry_after;         // throttle: seconds for Retry-After, nullopt = no header
    std::chrono::milliseconds delay{1000};  // latency and stall
    double mb = 16;                         // huge
    std::chrono::seconds offset{0};         // clock_offset
    std::optional<int> count;               // how many requests it hits; nullopt = unlimited
    std::string api;                        // limit to API names ("batch-status|batch-progress"); empty = all
    double probability = 1.0;               // chance of hitting a matching request
    int hits = 0;                           // requests hit so far
};

// Parses "kind[:key=value,...]" with keys status, retry_after, ms, mb, seconds, count, api, p.
// Examples: "5xx:status=502,count=3", "429:retry_after=2,api=batch-status", "huge:mb=20",
// "clock-offset:seconds=1200", "latency:ms=300,p=0.5". nullopt with a reason in *error on bad input.
std::optional<fault> parse_fault_spec(std::string_view spec, std::string* error = nullptr);

// The same as a JSON object: {"kind":"5xx","status":502,"count":3,"api":"batch-status",
// "probability":0.5,"retry_after":2,"ms":300,"mb":20,"seconds":1200}, or {"spec":"5xx:..."}.
std::optional<fault> parse_fault_json(const boost::json::value& v, std::string* error = nullptr);
boost::json::value to_json(const fault& f);

// The active faults. Picking is deterministic for a given seed.
class fault_set
{
public:
    explicit fault_set(std::uint64_t seed = 1) : rng_state_(seed) {}

    void add(fault f);
    void clear() { faults_.clear(); }
    const std::vector<fault>& active() const noexcept { return faults_; }

    // The first per-request fault that matches api and wins its probability draw; its count is
    // consumed and it is removed once exhausted. clock_offset and token_expiry never match here.
    // For a request the gateway rejects (rejected = true) only latency matches: a slow gateway
    // is slow to say 401 too, and the other faults belong to the service behind it.
    std::optional<fault> pick(std::string_view api, bool rejected = false);

    // The sum of the active clock_offset faults.
    std::chrono::seconds clock_offset() const;

private:
    std::vector<fault> faults_;
    std::uint64_t rng_state_;
};

}  // namespace drsmon::sim
