#pragma once

#include "drsmon/sim/faults.hpp"
#include "drsmon/sim/world.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Scenario files (YAML, or JSON since JSON is YAML) that pin exact jobs and time lines:
//
//   project_id: 0123456789abcdef0123456789abcdef   # optional
//   seed: 7                                       # optional
//   generate: 0                                   # extra generated jobs, optional
//   jobs:
//     - id: 3f0c2a10-4d2b-4c55-9e3a-1b2c3d4jb201
//       name: orders-sync
//       db_use_type: sync
//       engine_type: mysql
//       task_type: FULL_INCR_TRANS
//       objects: {database: 2, table: 40}          # DR object counts per type
//       precheck: {start: 10, duration: 30, alarm: [srcDbBinlogExpireLogsDays], failed: []}
//       timeline:
//         - {at: 0, status: CONFIGURATION}
//         - {at: 2m, status: FULL_TRANSFER_STARTED, progress: 0}
//         - {at: 12m, status: FULL_TRANSFER_COMPLETE, progress: 100}
//         - {at: 13m, status: INCRE_TRANSFER_STARTED, delay: 3, delay_jitter: 1}
//   batches:
//     - {id: 6c1d0b2e-..., jobs: [3f0c2a10-...]}
//   faults: ["429:count=2"]
//
// Times ("at", "start", "duration") are simulated seconds: a number or "30s", "5m", "2h".
namespace drsmon::sim {

struct scenario
{
    std::optional<std::string> project_id;
    std::optional<std::uint64_t> seed;
    std::optional<int> generate;
    std::vector<job_spec> jobs;
    std::vector<async_batch> batches;
    std::vector<fault> faults;
};

// Parses scenario text. Throws std::runtime_error naming the line and the key on bad input
// (a fatal start-up error for drs-sim, a test bug in-process).
scenario parse_scenario(std::string_view text);
// Reads and parses a file; the error message names the file.
scenario load_scenario(const std::string& path);

// One job as in the "jobs" list, given as YAML or JSON text (the control endpoint uses it).
job_spec parse_job_spec(std::string_view text);
// One keyframe as in a "timeline" list, without "at" (applied "now" by the control endpoint).
keyframe parse_keyframe(std::string_view text);

// Seconds from "90", "90s", "5m", "2h", "1.5h". nullopt when unparseable.
std::optional<double> parse_seconds(std::string_view s);

// Adds the scenario's jobs and batches to w.
void apply(const scenario& s, world& w);

}  // namespace drsmon::sim
