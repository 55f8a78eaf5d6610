#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/metrics/job_collector.hpp"
#include "drsmon/server/request.hpp"
#include "drsmon/state/store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace drsmon::app {

struct metrics_endpoint_options
{
    // The renderer lets other work on the store's thread run after slice_time, checking the time
    // every slice_jobs jobs (zero slice_time: after every slice_jobs jobs).
    std::chrono::microseconds slice_time{10'000};
    std::size_t slice_jobs = 64;
    // zlib level of the gzip bodies. Level 1 compresses exposition text 6 to 8 times at
    // several times the speed of the default level 6 (docs/performance.md).
    int gzip_level = 1;
    // Pieces the job families are split into for compression, one per pool thread.
    std::size_t compress_pieces = 2;
};

// The /metrics handler. The job families (most of the body: about 2 kB per job) are rendered
// from the store in slices on the store's thread, yielding between slices so polling goes on,
// and compressed on a separate executor (a thread pool), never on the store's thread. The result
// is kept for as long as the store's generation is unchanged and no job's staleness can have
// turned, so further scrapes between two polling rounds cost a copy; concurrent scrapes share
// one rendering. The monitor's own families (render_rest: small, changing with every request)
// are rendered for each scrape and joined to the cached part, compressed separately.
//
// serve() must run on `store_executor`, the executor of the thread that owns the store.
class metrics_endpoint
{
public:
    metrics_endpoint(
        boost::asio::any_io_executor store_executor,
        boost::asio::any_io_executor compress_executor,
        const state::store& store,
        metrics::job_collector& jobs,
        const core::clock& clock,
        std::function<std::string()> render_rest,
        metrics_endpoint_options options = {}
    );
    ~metrics_endpoint();
    metrics_endpoint(const metrics_endpoint&) = delete;
    metrics_endpoint& operator=(const metrics_endpoint&) = delete;

    // Answers one scrape: text format 0.0.4, gzip-compressed when the request's Accept-Encoding
    // admits it (Content-Encoding and Vary set). Throws only on allocation failure.
    boost::asio::awaitable<server::reply> serve(server::request req);

    // Forgets the cached body (after the collector's options changed).
    void invalidate();

    // How many times the job families were rendered and compressed (for tests and the bench).
    std::uint64_t renders() const noexcept { return renders_; }
    std::uint64_t compressions() const noexcept { return compressions_; }

private:
    struct snapshot;
    bool fresh(const snapshot& s, bool need_gzip) const;
    boost::asio::awaitable<std::shared_ptr<snapshot>> refresh(bool need_gzip);
    boost::asio::awaitable<void> compress(std::shared_ptr<snapshot> s);

    boost::asio::any_io_executor store_ex_;
    boost::asio::any_io_executor compress_ex_;
    const state::store& store_;
    metrics::job_collector& jobs_;
    const core::clock& clock_;
    std::function<std::string()> render_rest_;
    metrics_endpoint_options options_;
    std::shared_ptr<snapshot> cache_;
    bool busy_ = false;  // a refresh is running; others wait for it
    std::uint64_t refreshes_started_ = 0;
    std::shared_ptr<snapshot> last_;  // the result of the refresh numbered last_refresh_
    std::uint64_t last_refresh_ = 0;
    boost::asio::steady_timer refreshed_;  // cancelled when a refresh ends, to wake the waiters
    std::uint64_t renders_ = 0;
    std::uint64_t compressions_ = 0;
};

}  // namespace drsmon::app
