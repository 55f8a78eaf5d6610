// Micro-benchmarks of the pure hot paths: response parsing, the state diff, /metrics rendering
// and request signing. Run with scripts/bench (Release build in build/bench).
#include "drsmon/auth/signer.hpp"
#include "drsmon/core/clock.hpp"
#include "drsmon/drs_api/parse.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/metrics/job_collector.hpp"
#include "drsmon/metrics/render.hpp"
#include "drsmon/metrics/self_metrics.hpp"
#include "drsmon/server/gzip.hpp"
#include "drsmon/state/diff.hpp"
#include "drsmon/state/persist.hpp"
#include "drsmon/state/store.hpp"
#include "drsmon/state/update.hpp"

#include "fixtures.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace drsmon;

// Parses `body` with `parse` once per iteration and reports bytes per second. A parse error
// is a broken benchmark input, so it stops the run.
template <class Parse>
void run_parser(benchmark::State& st, const std::string& body, Parse parse)
{
    for (auto _ : st)
    {
        auto r = parse(body);
        if (!r)
        {
            st.SkipWithError(r.error().to_string().c_str());
            return;
        }
        benchmark::DoNotOptimize(r);
    }
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(body.size()));
    st.counters["body_bytes"] = static_cast<double>(body.size());
}

void BM_ParseBatchStatus(benchmark::State& st)
{
    run_parser(st, bench::replicate_fixture("batch_status.json", "results", 10), drs_api::parse_batch_status);
}
void BM_ParseBatchProgress(benchmark::State& st)
{
    run_parser(
        st,
        bench::replicate_fixture("batch_progress.json", "results", 10),
        drs_api::parse_batch_progress
    );
}
void BM_ParseBatchDetail(benchmark::State& st)
{
    run_parser(st, bench::replicate_fixture("batch_detail.json", "results", 10), drs_api::parse_batch_detail);
}
void BM_ParseBatchPrecheckResult(benchmark::State& st)
{
    // 10 jobs, each with the fixture's 39 pre-check items.
    run_parser(
        st,
        bench::replicate_fixture("batch_precheck_result_mysql.json", "results", 10),
        drs_api::parse_batch_precheck_result
    );
}
void BM_ParseBatchStructProcess(benchmark::State& st)
{
    run_parser(
        st,
        bench::replicate_fixture("batch_struct_process.json", "results", 10),
        drs_api::parse_batch_struct_process
    );
}
void BM_ParseBatchStructDetail(benchmark::State& st)
{
    run_parser(
        st,
        bench::replicate_fixture("batch_struct_detail.json", "results", 10),
        drs_api::parse_batch_struct_detail
    );
}
void BM_ParseJobList(benchmark::State& st)
{
    run_parser(st, bench::replicate_fixture("job_list.json", "jobs", 100), drs_api::parse_job_list);
}
void BM_ParseAsyncJobDetail(benchmark::State& st)
{
    // v5 batch-async-jobs, 100 jobs: full job details mixed with monitoring blocks.
    run_parser(
        st,
        bench::replicate_fixture("batch_async_jobs.json", "jobs", 100, "v5_job_detail_monitoring.json"),
        drs_api::parse_async_job_detail
    );
}

const core::wall_time t0{std::chrono::seconds(1'700'000'000)};

state::store populated_store(std::size_t n)
{
    state::store s;
    for (std::size_t i = 0; i < n; ++i)
        s.upsert({"bench", bench::job_id(i)}, bench::populated_job(i));
    return s;
}

// One polling round's worth of state work: every job's current state is copied, refreshed
// (delay moves for all, status changes for 1 in 100) and stored with apply_update, as the poller
// does for each batch-status/batch-progress item.
void BM_StateApplyUpdateRound(benchmark::State& st)
{
    const auto n = static_cast<std::size_t>(st.range(0));
    auto store = populated_store(n);
    const auto keys = store.keys();
    std::size_t round = 0;
    std::size_t events = 0;
    for (auto _ : st)
    {
        ++round;
        const auto now = t0 + std::chrono::seconds(15 * round);
        for (std::size_t i = 0; i < keys.size(); ++i)
        {
            state::job_state next = *store.find(keys[i]);
            next.delay_seconds = static_cast<double>((i + round) % 17);
            if ((i + round) % 100 == 0)
                next.status = next.status == "PAUSING" ? "INCRE_TRANSFER_STARTED" : "PAUSING";
            next.last_refresh = now;
            events += state::apply_update(store, keys[i], std::move(next), now).size();
        }
    }
    st.counters["jobs"] = static_cast<double>(n);
    st.counters["events_per_round"] = static_cast<double>(events) / static_cast<double>(st.iterations());
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * n));
}

// The pure diff alone over n (before, after) pairs, 1 in 100 with a status change. `after` is a
// copy of `before` changed the way a status round changes it (the poller copies the stored state
// and sets what the responses say): maps that were not written share their storage with the
// stored state, as in the daemon. BM_StateDiffRebuilt writes every map of every copy instead.
void run_state_diff(benchmark::State& st, bool rebuild_maps)
{
    const auto n = static_cast<std::size_t>(st.range(0));
    std::vector<state::job_state> before, after;
    std::vector<state::job_key> keys;
    for (std::size_t i = 0; i < n; ++i)
    {
        before.push_back(bench::populated_job(i));
        after.push_back(before.back());
        auto& a = after.back();
        a.delay_seconds = 42.0;
        if (i % 100 == 0)
            a.status = "INCRE_TRANSFER_FAILED";
        if (rebuild_maps)
        {
            // Same content in new storage: the side-by-side walk has to read every entry.
            auto init = a.init;
            a.init.clear();
            for (const auto& [type, obj] : init)
                a.init[type] = obj;
            auto phases = a.phases;
            a.phases.clear();
            for (const auto& [phase, ratio] : phases)
                a.phases[phase] = ratio;
        }
        keys.push_back({"bench", bench::job_id(i)});
    }
    for (auto _ : st)
    {
        std::size_t events = 0;
        for (std::size_t i = 0; i < n; ++i)
            events += state::diff(&before[i], &after[i], keys[i], t0).size();
        benchmark::DoNotOptimize(events);
    }
    st.counters["jobs"] = static_cast<double>(n);
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * n));
}

void BM_StateDiff(benchmark::State& st) { run_state_diff(st, false); }
void BM_StateDiffRebuilt(benchmark::State& st) { run_state_diff(st, true); }

// The state file written after every status round: state::serialize_state over n fully populated
// jobs (the text state::save writes, fsync and rename aside).
void BM_SerializeState(benchmark::State& st)
{
    const auto n = static_cast<std::size_t>(st.range(0));
    const auto store = populated_store(n);
    std::size_t bytes = 0;
    for (auto _ : st)
    {
        auto text = state::serialize_state(store, 12345);
        bytes = text.size();
        benchmark::DoNotOptimize(text);
    }
    st.counters["jobs"] = static_cast<double>(n);
    st.counters["body_bytes"] = static_cast<double>(bytes);
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * bytes));
}

// A full /metrics body: the job collector over n fully populated jobs plus the monitor's own
// metrics with every API observed.
void BM_RenderMetrics(benchmark::State& st)
{
    const auto n = static_cast<std::size_t>(st.range(0));
    auto store = populated_store(n);
    core::manual_clock clock(t0);
    const metrics::job_collector jobs(store, clock, metrics::job_collector_options{});
    metrics::self_metrics self;
    for (const char* api :
         {"batch-status",
          "batch-progress",
          "batch-detail",
          "batch-precheck-result",
          "batch-struct-process",
          "batch-struct-detail",
          "batch-async-jobs"})
    {
        self.set_up("bench", true);
        self.observe_request("bench", api, "200", 0.12);
        self.set_last_success("bench", api, t0);
    }
    const std::vector<std::shared_ptr<prometheus::Collectable>> own{self.collectable()};
    std::size_t bytes = 0;
    std::size_t series = 0;
    // What /metrics does on a cache miss: one pass over the store into the family buffers
    // (recycled from the previous pass), plus the monitor's own families.
    for (auto _ : st)
    {
        auto pass = jobs.start();
        while (!pass.step(n))
        {
        }
        auto families = pass.take();
        auto own_text = metrics::render_text(own);
        bytes = own_text.size();
        for (const auto& f : families)
            bytes += f.size();
        benchmark::DoNotOptimize(families);
        if (series == 0)
        {
            families.push_back(std::move(own_text));
            for (const auto& text : families)
                for (std::size_t pos = 0; pos < text.size();)
                {
                    auto eol = text.find('\n', pos);
                    if (eol == std::string::npos)
                        eol = text.size();
                    if (eol > pos && text[pos] != '#')
                        ++series;
                    pos = eol + 1;
                }
        }
        jobs.recycle(std::move(families));
    }
    st.counters["jobs"] = static_cast<double>(n);
    st.counters["body_bytes"] = static_cast<double>(bytes);
    st.counters["series"] = static_cast<double>(series);
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * bytes));
}

// Compressing the job families of n fully populated jobs for a gzip scrape, as /metrics does on
// a cache miss: every family a piece at zlib level 1 (the pool splits them over two threads; this
// is the CPU time of both).
void BM_CompressMetrics(benchmark::State& st)
{
    const auto n = static_cast<std::size_t>(st.range(0));
    auto store = populated_store(n);
    core::manual_clock clock(t0);
    const metrics::job_collector jobs(store, clock, metrics::job_collector_options{});
    auto pass = jobs.start();
    while (!pass.step(n))
    {
    }
    const auto families = pass.take();
    std::size_t in = 0;
    std::size_t out = 0;
    for (auto _ : st)
    {
        in = out = 0;
        for (const auto& f : families)
        {
            auto piece = server::compress_piece(f, 1);
            if (!piece)
            {
                st.SkipWithError("zlib failed");
                return;
            }
            in += f.size();
            out += piece->data.size();
            benchmark::DoNotOptimize(piece);
        }
    }
    st.counters["body_bytes"] = static_cast<double>(in);
    st.counters["gzip_bytes"] = static_cast<double>(out);
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * in));
}

// Signing one batch-status request of 10 job IDs (SDK-HMAC-SHA256).
void BM_SignBatchRequest(benchmark::State& st)
{
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < 10; ++i)
        ids.push_back(bench::job_id(i));
    auto spec = drs_api::batch_status_request("0549a6a31000d4e82f56c00c3b6e0b8a", ids);
    auth::sign_input in;
    in.method = spec.method;
    in.host = "drs.ap-southeast-1.myhuaweicloud.com";
    in.path = spec.path;
    in.query = spec.query;
    in.headers = {
        {"Content-Type", "application/json"},
        {"User-Agent", "drs-monitor/0.1.0"},
        {"X-Project-Id", "0549a6a31000d4e82f56c00c3b6e0b8a"},
        {"X-Language", "en-us"}};
    in.body = spec.body;
    const auth::credentials creds{"HPUASIMACCESSKEY0001", "simSecretKey+/0123456789", ""};
    for (auto _ : st)
    {
        auto out = auth::sign(in, creds, t0);
        benchmark::DoNotOptimize(out);
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

}  // namespace

BENCHMARK(BM_ParseBatchStatus);
BENCHMARK(BM_ParseBatchProgress);
BENCHMARK(BM_ParseBatchDetail);
BENCHMARK(BM_ParseBatchPrecheckResult);
BENCHMARK(BM_ParseBatchStructProcess);
BENCHMARK(BM_ParseBatchStructDetail);
BENCHMARK(BM_ParseJobList);
BENCHMARK(BM_ParseAsyncJobDetail);
BENCHMARK(BM_StateApplyUpdateRound)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StateDiff)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StateDiffRebuilt)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SerializeState)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RenderMetrics)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CompressMetrics)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SignBatchRequest)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
