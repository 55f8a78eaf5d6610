#include "drsmon/auth/iam.hpp"
#include "drsmon/auth/signer.hpp"
#include "drsmon/client/drs_client.hpp"
#include "drsmon/core/version.hpp"
#include "drsmon/drs_api/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <random>

namespace drsmon::client {

namespace asio = boost::asio;
using asio::awaitable;
using std::chrono::steady_clock;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);

bool is_success(unsigned status) { return status >= 200 && status < 300; }

std::string query_string(const std::vector<std::pair<std::string, std::string>>& q)
{
    return auth::canonical_query(q);
}

}  // namespace

struct drs_client::impl
{
    asio::any_io_executor ex;
    client_settings settings;
    const core::clock& clock;
    std::shared_ptr<spdlog::logger> log;
    call_observer* observer;
    http::client http;
    // IAM logins when their proxy decision differs from the DRS endpoint's; made at the first
    // login, so projects that sign requests never load the CA file twice.
    std::optional<http::client> iam_http;
    // Requests in flight, at most max_concurrency: a caller finding every slot taken parks on
    // slot_freed (a timer that never expires, woken one at a time by cancel_one()).
    unsigned in_flight = 0;
    asio::steady_timer slot_freed;
    retry_budget budget;
    auth_gate gate;
    std::mt19937_64 rng{std::random_device{}()};
    const std::string user_agent = std::string("drs-monitor/") + core::version;
    const std::string host_header;
    auth::credentials signing;

    // IAM token state (password mode). Waiters park on refresh_done until the
    // one refresh in flight finishes, instead of each logging in.
    std::optional<auth::iam_token> token;
    // Counts the tokens obtained: a request rejected with an older token than
    // the current one retries with the current one instead of logging in again.
    std::uint64_t token_generation = 0;
    bool refreshing = false;
    asio::steady_timer refresh_done;
    bool closed = false;

    impl(
        asio::any_io_executor e,
        client_settings s,
        const core::clock& c,
        std::shared_ptr<spdlog::logger> l,
        call_observer* o
    )
        : ex(e),
          settings(std::move(s)),
          clock(c),
          log(std::move(l)),
          observer(o),
          http(e, settings.http, log),
          slot_freed(e, steady_clock::time_point::max()),
          budget(settings.retry_budget_per_round),
          gate(settings.auth_failure_hold),
          host_header(settings.endpoint.host_header()),
          signing(signing_credentials()),
          refresh_done(e, steady_clock::time_point::max())
    {
        if (settings.creds.mode == auth_mode::token)
        {
            // A static token has no known expiry: treat it as valid until the
            // API says otherwise.
            token = auth::iam_token{settings.creds.token, clock.now(), core::wall_time::max()};
        }
    }

    double random01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

    awaitable<void> sleep(std::chrono::milliseconds d)
    {
        asio::steady_timer t(ex, d);
        co_await t.async_wait(tok);
    }

    // Logs in with the IAM password flow, or waits for the login in flight.
    // `rejected` names the generation of a token the API refused: it forces a
    // login only while that token is still the current one.
    awaitable<core::result<void>> ensure_token(std::optional<std::uint64_t> rejected = std::nullopt)
    {
        const bool force = rejected && *rejected == token_generation && !refreshing;
        if (rejected && !force && !refreshing)
            co_return core::result<void>{};  // a newer token arrived meanwhile
        if (settings.creds.mode == auth_mode::token)
        {
            if (force)
                co_return core::make_error(
                    core::errc::auth,
                    "auth",
                    "the configured token was rejected; replace the token file and reload"
                );
            co_return core::result<void>{};
        }
        if (!rejected && token && !auth::token_policy::needs_refresh(*token, clock.now()))
            co_return core::result<void>{};
        if (refreshing)
        {
            co_await refresh_done.async_wait(tok);
            if (token && !auth::token_policy::expired(*token, clock.now()))
                co_return core::result<void>{};
            co_return core::make_error(core::errc::auth, "iam-token", "token refresh failed");
        }
        refreshing = true;
        auto r = co_await login();
        refreshing = false;
        refresh_done.cancel();  // wake every waiter
        if (!r)
            co_return r.error();
        token = std::move(*r);
        ++token_generation;
        if (observer)
            observer->on_token(token->expires_at);
        log->info(
            "project={} msg=\"IAM token obtained\" expires_at={}",
            settings.project,
            static_cast<long long>(core::to_unix_seconds(token->expires_at))
        );
        co_return core::result<void>{};
    }

    awaitable<core::result<auth::iam_token>> login()
    {
        http::request req;
        req.method = "POST";
        req.target = settings.iam_endpoint.path + "/v3/auth/tokens?nocatalog=true";
        if (req.target.starts_with("//"))
            req.target.erase(0, 1);
        req.headers = {{"Content-Type", "application/json;charset=utf8"}};
        req.body = auth::iam_password_token_body(
            settings.creds.user,
            settings.creds.password,
            settings.creds.domain,
            settings.project_id
        );
        auto r = co_await iam_client().send(settings.iam_endpoint, std::move(req));
        if (!r)
        {
            auto e = r.error();
            e.where = "iam-token";
            co_return e;
        }
        co_return auth::parse_iam_token_response(
            static_cast<int>(r->status),
            r->header_value("X-Subject-Token"),
            r->body
        );
    }

    // The client for IAM logins: the DRS endpoint's when the proxy decision is the same.
    http::client& iam_client()
    {
        const auto& proxy = settings.iam_proxy_url;
        if (!proxy || (*proxy == settings.http.proxy_url && !settings.http.use_environment_proxy))
            return http;
        if (!iam_http)
        {
            auto opts = settings.http;
            opts.proxy_url = *proxy;
            // The decision is made: the environment must not override an empty (direct) one.
            opts.use_environment_proxy = false;
            iam_http.emplace(ex, std::move(opts), log);
        }
        return *iam_http;
    }

    // The AK/SK signing key material in the signer's form, kept from construction and
    // update_credentials() rather than copied for every request.
    auth::credentials signing_credentials() const
    {
        return {settings.creds.access_key, settings.creds.secret_key, settings.creds.security_token};
    }

    // Builds the wire request: common headers, then signature or token.
    http::request build(const drs_api::request_spec& spec)
    {
        http::request req;
        req.method = spec.method;
        std::vector<auth::header> headers;
        headers.reserve(8);
        headers.push_back({"Content-Type", "application/json"});
        headers.push_back({"User-Agent", user_agent});
        headers.push_back({"X-Language", settings.language});
        if (settings.creds.mode == auth_mode::aksk)
        {
            headers.push_back({"X-Project-Id", settings.project_id});
            auth::sign_input in{
                .method = spec.method,
                .host = host_header,
                .path = spec.path,
                .query = spec.query,
                .headers = std::move(headers),
                .body = spec.body,
            };
            auto out = auth::sign(in, signing, clock.now());
            req.target = std::move(out.target);
            req.headers.reserve(out.headers.size());
            for (auto& h : out.headers)
                req.headers.push_back({std::move(h.name), std::move(h.value)});
        }
        else
        {
            req.target = spec.path;
            const auto q = query_string(spec.query);
            if (!q.empty())
                req.target += "?" + q;
            req.headers.reserve(headers.size() + 1);
            for (auto& h : headers)
                req.headers.push_back({std::move(h.name), std::move(h.value)});
            req.headers.push_back({"X-Auth-Token", token ? token->token : std::string()});
        }
        req.body = spec.body;
        return req;
    }

    awaitable<core::result<http::response>> call(drs_api::request_spec spec)
    {
        const char* api = drs_api::api_name(spec.which);
        bool token_retried = false;
        core::error last;
        for (unsigned attempt = 1;; ++attempt)
        {
            if (closed)
                co_return core::make_error(core::errc::cancelled, api, "client closed");
            if (gate.blocked(clock.mono_now()))
            {
                co_return core::make_error(
                    core::errc::auth,
                    api,
                    "held back after an authentication failure; retrying later"
                );
            }
            if (settings.creds.mode != auth_mode::aksk)
            {
                auto t = co_await ensure_token();
                if (!t)
                {
                    auto e = t.error();
                    if (gate.on_failure(clock.mono_now()))
                        log->error(
                            "project={} api={} msg=\"authentication failed\" err=\"{}\"",
                            settings.project,
                            api,
                            e.to_string()
                        );
                    co_return e;
                }
            }

            while (in_flight >= std::max(1u, settings.max_concurrency) && !closed)
                co_await slot_freed.async_wait(tok);
            if (closed)
                co_return core::make_error(core::errc::cancelled, api, "client closed");
            ++in_flight;
            const auto started = steady_clock::now();
            // Named: GCC 12 may destroy temporaries of a co_await expression twice.
            auto req = build(spec);
            const auto signed_with = token_generation;
            auto r = co_await http.send(settings.endpoint, std::move(req));
            --in_flight;
            slot_freed.cancel_one();
            const double seconds = std::chrono::duration<double>(steady_clock::now() - started).count();

            if (r && is_success(r->status))
            {
                if (observer)
                {
                    observer->on_request(spec.which, std::to_string(r->status), seconds);
                    observer->on_success(spec.which, clock.now());
                }
                gate.on_success();
                co_return std::move(*r);
            }

            if (!r)
            {
                last = r.error();
                last.where = api;
                if (observer)
                    observer->on_request(spec.which, core::to_label(last.kind()), seconds);
            }
            else
            {
                last = drs_api::classify_failure(
                    spec.which,
                    drs_api::reply_view{
                        static_cast<int>(r->status),
                        r->body,
                        r->header_value("X-Request-Id"),
                        r->header_value("Retry-After"),
                    },
                    clock.now()
                );
                if (observer)
                    observer->on_request(spec.which, std::to_string(r->status), seconds);
            }
            if (last.kind() == core::errc::cancelled)
                co_return last;
            if (last.kind() == core::errc::throttled && observer)
                observer->on_throttled(spec.which);

            if (last.kind() == core::errc::auth)
            {
                // An expired IAM token is refreshed once; a rejected signature
                // is never retried quickly (the key locks after five failures).
                if (settings.creds.mode == auth_mode::password && !token_retried)
                {
                    token_retried = true;
                    auto t = co_await ensure_token(signed_with);
                    if (t)
                        continue;
                }
                // A static token cannot be renewed here: say what the operator must do.
                if (settings.creds.mode == auth_mode::token)
                    last.detail += "; the configured token was rejected: replace the token file and reload";
                if (gate.on_failure(clock.mono_now()))
                {
                    log->error(
                        "project={} api={} msg=\"authentication failed; holding back\" err=\"{}\"",
                        settings.project,
                        api,
                        last.to_string()
                    );
                }
                co_return last;
            }

            if (!is_retryable(last) || attempt >= settings.retry.max_attempts)
                co_return last;
            if (!budget.try_take())
            {
                last.detail += " (retry budget of this round exhausted)";
                co_return last;
            }
            if (observer)
                observer->on_retry(spec.which);
            const auto wait = backoff_delay(settings.retry, attempt, random01(), last.retry_after);
            log->debug(
                "project={} api={} msg=\"retrying\" attempt={} wait_ms={} err=\"{}\"",
                settings.project,
                api,
                attempt,
                wait.count(),
                last.to_string()
            );
            co_await sleep(wait);
        }
    }

    awaitable<void> call_batch(
        const std::function<drs_api::request_spec(std::span<const std::string>)>& build_spec,
        std::vector<std::string> ids,
        batch_outcome& out
    )
    {
        if (ids.empty())
            co_return;
        auto spec = build_spec(ids);
        auto r = co_await call(std::move(spec));
        if (r)
        {
            out.bodies.push_back(std::move(r->body));
            co_return;
        }
        const auto& e = r.error();
        const bool not_found = e.kind() == core::errc::not_found;
        // A batch refused as a whole because the API does not apply to one of its jobs
        // (DRS.M00304) is split like one refused for an unknown job: the job it isolates gets
        // the per-item answer the API gives when it does not refuse the whole batch.
        const bool not_applicable = drs_api::is_not_applicable_code(e.service_code);
        if (e.http_status == 400 && (not_found || not_applicable))
        {
            if (ids.size() == 1 && not_found)
            {
                out.not_found.push_back(ids.front());
                out.not_found_code = e.service_code;
                co_return;
            }
            if (ids.size() == 1)
            {
                out.not_applicable.push_back(ids.front());
                out.not_applicable_error = {e.service_code, e.detail};
                co_return;
            }
            const auto half = ids.begin() + static_cast<std::ptrdiff_t>(ids.size() / 2);
            std::vector<std::string> left(ids.begin(), half);
            std::vector<std::string> right(half, ids.end());
            co_await call_batch(build_spec, std::move(left), out);
            co_await call_batch(build_spec, std::move(right), out);
            co_return;
        }
        out.failed_ids.insert(out.failed_ids.end(), ids.begin(), ids.end());
        if (!out.error)
            out.error = e;
    }
};

drs_client::drs_client(
    asio::any_io_executor ex,
    client_settings settings,
    const core::clock& clock,
    std::shared_ptr<spdlog::logger> log,
    call_observer* observer
)
    : impl_(std::make_unique<impl>(ex, std::move(settings), clock, std::move(log), observer))
{
}

drs_client::~drs_client() = default;

awaitable<core::result<http::response>> drs_client::call(drs_api::request_spec spec)
{
    co_return co_await impl_->call(std::move(spec));
}

awaitable<batch_outcome> drs_client::call_batch(
    std::function<drs_api::request_spec(std::span<const std::string>)> build,
    std::vector<std::string> ids
)
{
    batch_outcome out;
    co_await impl_->call_batch(build, std::move(ids), out);
    co_return out;
}

void drs_client::begin_round() noexcept { impl_->budget.refill(); }

void drs_client::update_credentials(credentials creds)
{
    impl_->settings.creds = std::move(creds);
    impl_->signing = impl_->signing_credentials();
    impl_->token.reset();
    if (impl_->settings.creds.mode == auth_mode::token)
        impl_->token = auth::iam_token{
            impl_->settings.creds.token,
            impl_->clock.now(),
            core::wall_time::max()};
    impl_->gate.on_success();
}

std::optional<core::wall_time> drs_client::token_expiry() const
{
    if (impl_->token && impl_->settings.creds.mode == auth_mode::password)
        return impl_->token->expires_at;
    return std::nullopt;
}

bool drs_client::auth_blocked() const { return impl_->gate.blocked(impl_->clock.mono_now()); }

const std::string& drs_client::project() const { return impl_->settings.project; }

void drs_client::close()
{
    impl_->closed = true;
    impl_->slot_freed.cancel();
    impl_->refresh_done.cancel();
    impl_->http.close();
    if (impl_->iam_http)
        impl_->iam_http->close();
}

}  // namespace drsmon::client
