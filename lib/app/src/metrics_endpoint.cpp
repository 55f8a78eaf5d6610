#include "drsmon/app/metrics_endpoint.hpp"
#include "drsmon/metrics/render.hpp"
#include "drsmon/server/gzip.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace drsmon::app {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

struct metrics_endpoint::snapshot
{
    // The store generation the text shows; max() when the store changed during the rendering,
    // so the text is used by the scrapes that waited for it but never cached.
    std::uint64_t generation = std::numeric_limits<std::uint64_t>::max();
    std::optional<core::wall_time> valid_until;
    std::vector<std::string> families;  // read-only once published, released once compressed
    bool has_text = false;
    // The compressed families in the same order, set once (on the store's thread) after the
    // compression finished; empty until then.
    std::vector<server::deflate_piece> pieces;
    bool compressed = false;

    // Can answer a scrape that does (gzip) or does not accept gzip.
    bool serves(bool gzip) const noexcept { return gzip ? compressed : has_text; }
};

namespace {

// Compresses families[i] for every i of `which` on the executor it is spawned on. Takes the
// snapshot by value so the text stays alive while the pool works on it.
template <class Snapshot>
asio::awaitable<std::vector<std::pair<std::size_t, server::deflate_piece>>> compress_group(
    std::shared_ptr<const Snapshot> s,
    std::vector<std::size_t> which,
    int level
)
{
    std::vector<std::pair<std::size_t, server::deflate_piece>> out;
    out.reserve(which.size());
    for (const auto i : which)
    {
        auto piece = server::compress_piece(s->families[i], level);
        if (!piece)
            throw std::runtime_error("zlib failed to compress /metrics");
        out.emplace_back(i, std::move(*piece));
    }
    co_return out;
}

}  // namespace

metrics_endpoint::metrics_endpoint(
    asio::any_io_executor store_executor,
    asio::any_io_executor compress_executor,
    const state::store& store,
    metrics::job_collector& jobs,
    const core::clock& clock,
    std::function<std::string()> render_rest,
    metrics_endpoint_options options
)
    : store_ex_(std::move(store_executor)),
      compress_ex_(std::move(compress_executor)),
      store_(store),
      jobs_(jobs),
      clock_(clock),
      render_rest_(std::move(render_rest)),
      options_(options),
      refreshed_(store_ex_)
{
    // Never expires: waiters are woken by cancel() when a refresh ends.
    refreshed_.expires_at(asio::steady_timer::time_point::max());
    options_.slice_jobs = std::max<std::size_t>(options_.slice_jobs, 1);
    options_.compress_pieces = std::max<std::size_t>(options_.compress_pieces, 1);
}

metrics_endpoint::~metrics_endpoint() = default;

void metrics_endpoint::invalidate() { cache_.reset(); }

bool metrics_endpoint::fresh(const snapshot& s, bool need_gzip) const
{
    if (s.generation != store_.generation())
        return false;
    if (s.valid_until && clock_.now() > *s.valid_until)
        return false;
    return s.serves(need_gzip);
}

asio::awaitable<void> metrics_endpoint::compress(std::shared_ptr<snapshot> s)
{
    // Split the families into groups of about equal size (largest first onto the lightest
    // group), one per pool thread; each family is one piece of the gzip stream.
    const std::size_t groups = std::min(
        options_.compress_pieces,
        std::max<std::size_t>(s->families.size(), 1)
    );
    std::vector<std::size_t> order(s->families.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return s->families[a].size() > s->families[b].size();
    });
    std::vector<std::vector<std::size_t>> which(groups);
    std::vector<std::size_t> load(groups, 0);
    for (const auto i : order)
    {
        const auto g = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        which[g].push_back(i);
        load[g] += s->families[i].size();
    }

    std::shared_ptr<const snapshot> text = s;
    std::vector<server::deflate_piece> pieces(s->families.size());
    auto collect = [&pieces](std::vector<std::pair<std::size_t, server::deflate_piece>>& done) {
        for (auto& [i, piece] : done)
            pieces[i] = std::move(piece);
    };
    // Two groups run at once (the pool has two threads); more than two go two at a time.
    for (std::size_t g = 0; g < groups; g += 2)
    {
        auto first = compress_group(text, std::move(which[g]), options_.gzip_level);
        auto a = asio::co_spawn(compress_ex_, std::move(first), asio::use_awaitable);
        if (g + 1 == groups)
        {
            auto done = co_await std::move(a);
            collect(done);
            break;
        }
        auto second = compress_group(text, std::move(which[g + 1]), options_.gzip_level);
        auto b = asio::co_spawn(compress_ex_, std::move(second), asio::use_awaitable);
        auto op = std::move(a) && std::move(b);
        auto both = co_await std::move(op);
        collect(std::get<0>(both));
        collect(std::get<1>(both));
    }
    s->pieces = std::move(pieces);
    s->compressed = true;
    // Scrapers (Prometheus) ask for gzip; the plain text (about 7 times larger) is not kept
    // for the rare client that does not, which gets a fresh rendering instead.
    jobs_.recycle(std::move(s->families));
    s->families = {};
    s->has_text = false;
    ++compressions_;
}

asio::awaitable<std::shared_ptr<metrics_endpoint::snapshot>> metrics_endpoint::refresh(bool need_gzip)
{
    std::shared_ptr<snapshot> s = cache_;
    if (!s || s->generation != store_.generation() || (s->valid_until && clock_.now() > *s->valid_until) ||
        (!need_gzip && !s->has_text))
    {
        // Render in slices; between them the store's thread runs whatever else is queued
        // (polling, other connections), and the store may change (see job_collector::pass).
        auto p = jobs_.start();
        auto slice_start = std::chrono::steady_clock::now();
        while (!p.step(options_.slice_jobs))
        {
            if (std::chrono::steady_clock::now() - slice_start < options_.slice_time)
                continue;
            co_await asio::post(store_ex_, asio::use_awaitable);
            slice_start = std::chrono::steady_clock::now();
        }
        s = std::make_shared<snapshot>();
        if (store_.generation() == p.generation())
            s->generation = p.generation();
        s->valid_until = p.valid_until();
        s->families = p.take();
        s->has_text = true;
        ++renders_;
    }
    if (need_gzip && !s->compressed)
        co_await compress(s);
    if (s->generation != std::numeric_limits<std::uint64_t>::max())
        cache_ = s;
    co_return s;
}

asio::awaitable<server::reply> metrics_endpoint::serve(server::request req)
{
    const bool gzip = server::accepts_gzip(req.header("Accept-Encoding"));
    // A refresh started after this scrape arrived shows the store at least as new as it was then.
    const std::uint64_t arrived = refreshes_started_;
    std::shared_ptr<snapshot> s;
    for (;;)
    {
        if (cache_ && fresh(*cache_, gzip))
        {
            s = cache_;
            break;
        }
        if (last_ && last_refresh_ > arrived && last_->serves(gzip))
        {
            s = last_;
            break;
        }
        if (!busy_)
        {
            busy_ = true;
            const std::uint64_t number = ++refreshes_started_;
            std::exception_ptr failed;
            try
            {
                s = co_await refresh(gzip);
                last_ = s;
                last_refresh_ = number;
            }
            catch (...)
            {
                failed = std::current_exception();
            }
            busy_ = false;
            refreshed_.cancel();
            if (failed)
                std::rethrow_exception(failed);
            break;
        }
        // Another scrape is rendering: wait for it, then look again (its result may already be
        // outdated, or lack the compressed form; then this scrape refreshes it itself).
        co_await refreshed_.async_wait(asio::as_tuple(asio::use_awaitable));
    }

    const std::string rest = render_rest_();
    server::reply r;
    r.content_type = metrics::text_content_type;
    r.headers.emplace_back("Vary", "Accept-Encoding");
    if (gzip)
    {
        auto tail = server::compress_piece(rest, options_.gzip_level);
        if (!tail)
            throw std::runtime_error("zlib failed to compress /metrics");
        std::vector<const server::deflate_piece*> pieces;
        pieces.reserve(s->pieces.size() + 1);
        for (const auto& piece : s->pieces)
            pieces.push_back(&piece);
        pieces.push_back(&*tail);
        r.body = server::gzip_join(pieces);
        r.headers.emplace_back("Content-Encoding", "gzip");
        co_return r;
    }
    std::size_t size = rest.size();
    for (const auto& f : s->families)
        size += f.size();
    r.body.reserve(size);
    for (const auto& f : s->families)
        r.body += f;
    r.body += rest;
    co_return r;
}

}  // namespace drsmon::app
