#pragma once

#include "drsmon/client/retry.hpp"
#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/drs_api/api.hpp"
#include "drsmon/drs_api/models.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/http/client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace drsmon::client {

enum class auth_mode
{
    aksk,      // SDK-HMAC-SHA256 signature on every request
    token,     // a static IAM token (X-Auth-Token)
    password,  // IAM password login, token refreshed ahead of expiry
};

// What a project's client needs to authenticate. Held only in memory.
struct credentials
{
    auth_mode mode = auth_mode::aksk;
    std::string access_key;
    std::string secret_key;
    std::string security_token;  // temporary AK/SK credentials
    std::string token;           // auth_mode::token
    std::string user;            // auth_mode::password
    std::string domain;
    std::string password;
};

struct client_settings
{
    std::string project;     // the `project` label
    std::string project_id;  // DRS project ID (path segment, X-Project-Id)
    http::url endpoint;      // DRS endpoint
    http::url iam_endpoint;  // IAM endpoint (password mode)
    // Both endpoints' connections; http.proxy_url is the DRS endpoint's proxy.
    http::client_options http;
    // The IAM endpoint's own proxy decision (config::project_config::iam_proxy_url: "http://host:port",
    // or "" for direct, e.g. when NO_PROXY names the IAM host). nullopt: IAM logins use the DRS
    // endpoint's options (http) as they are.
    std::optional<std::string> iam_proxy_url;
    retry_policy retry;
    std::uint32_t retry_budget_per_round = 20;
    std::chrono::milliseconds auth_failure_hold{std::chrono::minutes(5)};
    unsigned max_concurrency = 4;
    std::string language = "en-us";
    credentials creds;
};

// Receives one callback per HTTP exchange, for the monitor's own metrics.
class call_observer
{
public:
    virtual ~call_observer() = default;
    // `code` is the HTTP status ("200", "429") or an error class ("timeout").
    virtual void on_request(drs_api::api which, std::string_view code, double seconds) = 0;
    virtual void on_retry(drs_api::api which) = 0;
    virtual void on_throttled(drs_api::api which) = 0;
    virtual void on_success(drs_api::api which, core::wall_time at) = 0;
    virtual void on_token(core::wall_time expires_at) = 0;
};

// The outcome of a batch call split as needed to isolate unknown job IDs, and jobs the API
// does not apply to.
struct batch_outcome
{
    std::vector<std::string> bodies;     // one 2xx body per successful sub-batch
    std::vector<std::string> not_found;  // IDs the API says do not exist (or were deleted)
    std::string not_found_code;          // the DRS code that said so
    // IDs refused alone with DRS.M00304 ("cannot be called in the current task status"), and
    // that answer as the per-item error the API gives when it does not refuse the whole batch.
    std::vector<std::string> not_applicable;
    drs_api::item_error not_applicable_error;
    std::vector<std::string> failed_ids;  // IDs whose sub-batch failed for another reason
    std::optional<core::error> error;     // the first such failure
};

// One DRS project's API client: authentication (AK/SK signing, static or IAM
// password tokens with single-flight refresh), bounded concurrency, per-call
// retries with full-jitter back-off and a per-round retry budget, a hold-off
// after authentication failures, and bisection of batches that fail as a
// whole because of one unknown job. Single-threaded: use from one executor.
class drs_client
{
public:
    drs_client(
        boost::asio::any_io_executor ex,
        client_settings settings,
        const core::clock& clock,
        std::shared_ptr<spdlog::logger> log,
        call_observer* observer = nullptr
    );
    ~drs_client();
    drs_client(const drs_client&) = delete;
    drs_client& operator=(const drs_client&) = delete;

    // Performs one query with authentication and retries. Returns the 2xx
    // response, or the classified error of the last attempt (where = API
    // name). Only idempotent queries may be passed. Cancelled by close().
    boost::asio::awaitable<core::result<http::response>> call(drs_api::request_spec spec);

    // Calls build(ids) as one batch; when the API rejects the whole batch
    // because some ID is unknown (HTTP 400 with a not-found code) or because
    // it does not apply to some job (HTTP 400 with DRS.M00304), splits it in
    // halves until those IDs are isolated.
    boost::asio::awaitable<batch_outcome> call_batch(
        std::function<drs_api::request_spec(std::span<const std::string>)> build,
        std::vector<std::string> ids
    );

    // Starts a new poll round: refills the retry budget.
    void begin_round() noexcept;
    // Replaces the credentials (reload, rotation); drops any cached token.
    void update_credentials(credentials creds);
    // The current IAM token's expiry, when one is held.
    std::optional<core::wall_time> token_expiry() const;
    // Whether calls are held back after an authentication failure.
    bool auth_blocked() const;
    const std::string& project() const;
    // Cancels in-flight calls and closes connections.
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace drsmon::client
