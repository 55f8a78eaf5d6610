#include "drsmon/app/metrics_endpoint.hpp"
#include "drsmon/test/gunzip.hpp"

#include "../state/fixtures.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace drsmon::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using state::testing::at;

std::string gunzip(const std::string& body)
{
    auto text = test::gunzip(body);
    EXPECT_TRUE(text) << "not one complete gzip stream";
    return text.value_or("");
}

std::string header(const server::reply& r, const std::string& name)
{
    for (const auto& [k, v] : r.headers)
        if (k == name)
            return v;
    return {};
}

struct fixture
{
    asio::io_context ioc;
    asio::thread_pool pool{2};
    state::store store;
    core::manual_clock clock{at(1'700'000'300)};
    metrics::job_collector jobs{store, clock};
    int rest_calls = 0;
    std::unique_ptr<metrics_endpoint> endpoint;

    explicit fixture(metrics_endpoint_options o = {})
    {
        endpoint = std::make_unique<metrics_endpoint>(
            ioc.get_executor(),
            pool.get_executor(),
            store,
            jobs,
            clock,
            [this] { return rest(); },
            o
        );
        for (int i = 0; i < 12; ++i)
            add("job-" + std::to_string(100 + i));
    }

    std::string rest()
    {
        return "# TYPE drs_monitor_scrape gauge\ndrs_monitor_scrape " + std::to_string(++rest_calls) + "\n";
    }

    void add(const std::string& id)
    {
        auto j = state::testing::full_job();
        j.stale = false;
        j.last_refresh = clock.now();
        store.upsert({"proj-a", id}, j);
    }

    static server::request request(bool gzip)
    {
        server::request r;
        r.method = "GET";
        r.path = r.target = "/metrics";
        if (gzip)
            r.headers.emplace_back("accept-encoding", "deflate, gzip;q=0.9");
        return r;
    }

    // Starts a scrape; its reply lands in `out` once the io_context has run it.
    void start(bool gzip, std::optional<server::reply>& out)
    {
        asio::co_spawn(ioc, endpoint->serve(request(gzip)), [&out](std::exception_ptr e, server::reply r) {
            if (e)
                std::rethrow_exception(e);
            out = std::move(r);
        });
    }

    server::reply scrape(bool gzip)
    {
        std::optional<server::reply> out;
        start(gzip, out);
        ioc.restart();
        ioc.run();
        EXPECT_TRUE(out);
        return out ? *out : server::reply{};
    }

    // The body as text (inflated when it was gzipped), without the part that changes per scrape.
    static std::string jobs_text(const server::reply& r)
    {
        auto text = header(r, "Content-Encoding") == "gzip" ? gunzip(r.body) : r.body;
        return text.substr(0, text.find("# TYPE drs_monitor_scrape"));
    }
};

TEST(AppMetricsEndpoint, APlainScrapeIsTheJobFamiliesThenTheMonitorsOwn)
{
    fixture f;
    const auto r = f.scrape(false);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(header(r, "Content-Encoding"), "");
    EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
    EXPECT_EQ(r.body, f.jobs.render() + "# TYPE drs_monitor_scrape gauge\ndrs_monitor_scrape 1\n");
}

TEST(AppMetricsEndpoint, AGzipScrapeInflatesToTheSameText)
{
    fixture f;
    const auto r = f.scrape(true);
    EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
    EXPECT_EQ(gunzip(r.body), f.jobs.render() + "# TYPE drs_monitor_scrape gauge\ndrs_monitor_scrape 1\n");
    EXPECT_LT(r.body.size(), f.jobs.render().size() / 3);
}

TEST(AppMetricsEndpoint, AnUnchangedStoreIsServedWithoutRenderingAgain)
{
    fixture f;
    const auto first = f.scrape(true);
    const auto second = f.scrape(true);
    EXPECT_EQ(f.endpoint->renders(), 1u);
    EXPECT_EQ(f.endpoint->compressions(), 1u);
    EXPECT_EQ(f.rest_calls, 2);  // the monitor's own families are rendered for every scrape
    EXPECT_NE(gunzip(second.body).find("drs_monitor_scrape 2\n"), std::string::npos);
    EXPECT_EQ(fixture::jobs_text(first), fixture::jobs_text(second));
}

TEST(AppMetricsEndpoint, AChangedStoreIsRenderedAgain)
{
    fixture f;
    f.scrape(true);
    auto j = state::testing::full_job();
    j.stale = false;
    j.status = "FULL_TRANSFER_FAILED";
    f.store.upsert({"proj-a", "job-105"}, j);
    const auto r = f.scrape(true);
    EXPECT_EQ(f.endpoint->renders(), 2u);
    EXPECT_NE(
        gunzip(r.body).find("drs_job_failed{project=\"proj-a\",job_id=\"job-105\"} 1\n"),
        std::string::npos
    );
}

TEST(AppMetricsEndpoint, TheCacheEndsWhenAJobTurnsStaleWithoutAnyChange)
{
    fixture f;
    metrics::job_collector_options o;
    o.max_staleness = 60s;
    f.jobs.set_options(o);
    f.endpoint->invalidate();
    EXPECT_NE(f.scrape(true).body, "");
    f.clock.advance(60s);
    f.scrape(true);
    EXPECT_EQ(f.endpoint->renders(), 1u);  // exactly at the limit: still fresh
    f.clock.advance(1s);
    const auto r = f.scrape(true);
    EXPECT_EQ(f.endpoint->renders(), 2u);
    EXPECT_NE(
        gunzip(r.body).find("drs_job_stale{project=\"proj-a\",job_id=\"job-100\"} 1\n"),
        std::string::npos
    );
}

TEST(AppMetricsEndpoint, ConcurrentScrapesShareOneRendering)
{
    metrics_endpoint_options o;
    o.slice_jobs = 2;  // several slices, so the scrapes overlap
    o.slice_time = {};
    fixture f(o);
    std::optional<server::reply> a, b, c;
    f.start(true, a);
    f.start(true, b);
    f.start(true, c);
    // A change while the first rendering runs: b and c arrived after it started, so it may not
    // show what they must see, and its result is not cached. Without sharing, each of the three
    // would render on its own; with it, b renders once more and c takes b's result.
    asio::co_spawn(
        f.ioc,
        [&]() -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            co_await asio::post(ex, asio::use_awaitable);
            f.add("job-000");
        },
        asio::detached
    );
    f.ioc.run();
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(f.endpoint->renders(), 2u);
    EXPECT_EQ(f.endpoint->compressions(), 2u);
    EXPECT_EQ(fixture::jobs_text(*a).find("job-000"), std::string::npos);
    EXPECT_EQ(fixture::jobs_text(*b), f.jobs.render());
    EXPECT_EQ(fixture::jobs_text(*c), f.jobs.render());
}

TEST(AppMetricsEndpoint, RenderingYieldsBetweenSlicesAndAChangeMeanwhileIsNotCached)
{
    metrics_endpoint_options o;
    o.slice_jobs = 3;
    o.slice_time = {};
    fixture f(o);
    std::optional<server::reply> r;
    f.start(true, r);
    bool changed = false;
    // Runs between two slices of the rendering (it is queued behind the first one).
    asio::co_spawn(
        f.ioc,
        [&]() -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            co_await asio::post(ex, asio::use_awaitable);
            f.add("job-000");  // behind the cursor
            changed = true;
        },
        asio::detached
    );
    f.ioc.run();
    ASSERT_TRUE(r && changed);
    EXPECT_EQ(fixture::jobs_text(*r).find("job-000"), std::string::npos);
    const auto next = f.scrape(true);
    EXPECT_EQ(f.endpoint->renders(), 2u);  // the mixed rendering was not kept
    EXPECT_NE(fixture::jobs_text(next).find("job-000"), std::string::npos);
}

TEST(AppMetricsEndpoint, APlainScrapeAfterAGzipOneRendersAgain)
{
    fixture f;
    f.scrape(true);
    const auto r = f.scrape(false);  // the cached text was released once compressed
    EXPECT_EQ(f.endpoint->renders(), 2u);
    EXPECT_EQ(fixture::jobs_text(r), f.jobs.render());
}

}  // namespace
}  // namespace drsmon::app
