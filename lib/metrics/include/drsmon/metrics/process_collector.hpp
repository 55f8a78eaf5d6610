#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drsmon::metrics {

// The fields of /proc/<pid>/stat the process collector uses.
struct proc_stat
{
    std::uint64_t utime_ticks = 0;
    std::uint64_t stime_ticks = 0;
    std::uint64_t start_ticks = 0;  // since boot
    std::uint64_t vsize_bytes = 0;
    std::int64_t rss_pages = 0;
};

// Parses the contents of /proc/<pid>/stat (the command name may contain spaces and ')').
std::optional<proc_stat> parse_proc_stat(std::string_view text);

// The `btime` line of /proc/stat (boot time, Unix seconds).
std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat_text);

// The standard process_* families (cpu seconds, resident and virtual memory, open and max fds,
// start time) read from /proc/self at scrape time. A value that cannot be read is left out.
// This is the only file I/O of the metrics module.
class process_collector : public prometheus::Collectable
{
public:
    explicit process_collector(std::string proc_root = "/proc");

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    std::string proc_root_;
};

}  // namespace drsmon::metrics
