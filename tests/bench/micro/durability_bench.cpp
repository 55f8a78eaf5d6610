// What events.fsync costs: one polling round's event writes (events.jsonl and the state journal)
// under each policy, on the file system of DRSMON_BENCH_STATE_DIR (default: the working
// directory). fdatasync waits for the disk, not the CPU: the figure is wall time per round.

#include "drsmon/state/durable_files.hpp"
#include "drsmon/state/event_log.hpp"
#include "drsmon/state/persist.hpp"
#include "drsmon/state/store.hpp"

#include "fixtures.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace drsmon {
namespace {

namespace fs = std::filesystem;

fs::path bench_dir()
{
    const char* env = std::getenv("DRSMON_BENCH_STATE_DIR");
    const fs::path base = env && *env ? fs::path(env) : fs::current_path();
    return base / ("drsmon-bench-durability." + std::to_string(::getpid()));
}

// Arguments: the policy (0 never, 1 round, 2 always) and the events of one round (one per job
// whose status changed). Each batch of up to 10 events is appended to events.jsonl and its jobs
// journalled, as the daemon's on_events does; the round ends like on_round, with
// durable_files::sync().
void BM_EventsRound(benchmark::State& st)
{
    const auto policy = static_cast<state::fsync_policy>(st.range(0));
    const auto per_round = static_cast<std::size_t>(st.range(1));
    const fs::path dir = bench_dir();
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
        state::durable_files files(policy);
        state::event_log_options o;
        o.state_dir = dir.string();
        o.max_file_bytes = 1ull << 40;  // no rotation inside the measurement
        o.durable = &files;
        state::event_log log(o);
        state::store store;
        std::vector<state::job_key> keys;
        for (std::size_t i = 0; i < per_round; ++i)
        {
            keys.push_back({"bench", bench::job_id(i)});
            store.upsert(keys.back(), bench::populated_job(i));
        }
        const std::string journal = (dir / "state.journal").string();
        const core::wall_time t0{std::chrono::seconds(1'700'000'000)};
        for (auto _ : st)
        {
            // The poller reports events batch by batch (at most 10 jobs per batch call).
            bool ok = true;
            for (std::size_t b = 0; ok && b < keys.size(); b += 10)
            {
                const std::vector<state::job_key> batch(
                    keys.begin() + static_cast<std::ptrdiff_t>(b),
                    keys.begin() + static_cast<std::ptrdiff_t>(std::min(b + 10, keys.size()))
                );
                std::vector<state::event> events;
                for (const auto& k : batch)
                {
                    state::event e;
                    e.time = t0;
                    e.project = k.project;
                    e.job_id = k.job_id;
                    e.job_name = "orders-sync";
                    e.kind = state::event_kind::status_changed;
                    e.from = "INCRE_TRANSFER_STARTED";
                    e.to = "PAUSING";
                    events.push_back(std::move(e));
                }
                ok = log.append(events) &&
                     state::append_journal(store, batch, log.next_seq(), journal, &files);
            }
            if (!ok || !files.sync())
            {
                st.SkipWithError("write or sync failed");
                break;
            }
        }
        st.counters["syncs_per_round"] = static_cast<double>(files.syncs()) /
                                         static_cast<double>(std::max<std::int64_t>(st.iterations(), 1));
    }
    fs::remove_all(dir);
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * per_round));
}

BENCHMARK(BM_EventsRound)
    ->ArgNames({"fsync", "events"})
    ->ArgsProduct({{0, 1, 2}, {1, 10, 100}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace drsmon
