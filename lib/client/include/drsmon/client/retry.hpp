#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace drsmon::client {

// Retry rules for idempotent DRS queries (pure; the caller sleeps).
struct retry_policy
{
    unsigned max_attempts = 3;                          // attempts per call, including the first
    std::chrono::milliseconds initial_backoff{1000};    // base of the exponential back-off
    std::chrono::milliseconds max_backoff{60000};       // cap of one wait
    std::chrono::milliseconds max_retry_after{300000};  // cap on a server-sent Retry-After
};

// Whether a failure of this class is worth another attempt: network errors,
// timeouts, 5xx and throttling are; auth, not-found, bad responses and
// oversized bodies are not (repeating them changes nothing, and repeated
// auth failures lock an AK/SK pair).
bool is_retryable(const core::error& e) noexcept;

// The wait before attempt number `attempt` (1 = the first retry): "full
// jitter", uniform in [0, min(max_backoff, initial * 2^(attempt-1))], driven
// by `random01` in [0, 1). A Retry-After from the server wins when present
// (capped by max_retry_after).
std::chrono::milliseconds backoff_delay(
    const retry_policy& p,
    unsigned attempt,
    double random01,
    std::optional<std::chrono::seconds> retry_after = std::nullopt
) noexcept;

// A per-round allowance of retries shared by all calls of one project, so a
// broken API cannot multiply the load: each retry takes one token.
class retry_budget
{
public:
    explicit retry_budget(std::uint32_t per_round = 20) noexcept : per_round_(per_round), left_(per_round) {}
    bool try_take() noexcept
    {
        if (left_ == 0)
            return false;
        --left_;
        return true;
    }
    void refill() noexcept { left_ = per_round_; }
    std::uint32_t left() const noexcept { return left_; }

private:
    std::uint32_t per_round_;
    std::uint32_t left_;
};

// Tracks authentication failures of one project: after a rejected signature
// or token the project is held back for `hold` (the gateway locks an AK/SK
// pair after five consecutive failures), and the first failure message is
// logged once.
class auth_gate
{
public:
    explicit auth_gate(std::chrono::milliseconds hold = std::chrono::minutes(5)) noexcept : hold_(hold) {}

    // True while calls must not be attempted.
    bool blocked(core::mono_time now) const noexcept { return failures_ > 0 && now < until_; }
    core::mono_time blocked_until() const noexcept { return until_; }
    // Records a failure; returns true for the first of a streak (log it).
    bool on_failure(core::mono_time now) noexcept
    {
        until_ = now + hold_;
        return failures_++ == 0;
    }
    void on_success() noexcept { failures_ = 0; }
    unsigned failures() const noexcept { return failures_; }

private:
    std::chrono::milliseconds hold_;
    core::mono_time until_{};
    unsigned failures_ = 0;
};

}  // namespace drsmon::client
