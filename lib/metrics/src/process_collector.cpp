#include "drsmon/metrics/process_collector.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace drsmon::metrics {

namespace {

std::optional<std::string> read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

template <class N>
bool to_number(std::string_view s, N& out)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

prometheus::MetricFamily gauge(const char* name, const char* help, double value, bool counter = false)
{
    prometheus::MetricFamily f;
    f.name = name;
    f.help = help;
    f.type = counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge;
    prometheus::ClientMetric m;
    if (counter)
        m.counter.value = value;
    else
        m.gauge.value = value;
    f.metric.push_back(m);
    return f;
}

}  // namespace

std::optional<proc_stat> parse_proc_stat(std::string_view text)
{
    // The command name is in parentheses and may itself contain ')': split at the last one.
    const auto close = text.rfind(')');
    if (close == std::string_view::npos)
        return std::nullopt;
    std::vector<std::string_view> fields;
    std::size_t pos = close + 1;
    while (pos < text.size())
    {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n'))
            ++pos;
        const auto end = text.find_first_of(" \n", pos);
        if (pos < text.size())
            fields.push_back(text.substr(pos, end == std::string_view::npos ? text.size() - pos : end - pos));
        pos = end == std::string_view::npos ? text.size() : end;
    }
    // fields[0] is field 3 (state) of proc(5); utime is field 14, rss field 24.
    auto field = [&](int n) { return fields[static_cast<std::size_t>(n - 3)]; };
    if (fields.size() < 22)
        return std::nullopt;
    proc_stat s;
    if (!to_number(field(14), s.utime_ticks) || !to_number(field(15), s.stime_ticks) ||
        !to_number(field(22), s.start_ticks) || !to_number(field(23), s.vsize_bytes) ||
        !to_number(field(24), s.rss_pages))
        return std::nullopt;
    return s;
}

std::optional<std::uint64_t> parse_boot_time(std::string_view text)
{
    std::size_t pos = 0;
    while (pos < text.size())
    {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        const auto line = text.substr(pos, end - pos);
        if (line.starts_with("btime "))
        {
            std::uint64_t v = 0;
            if (to_number(line.substr(6), v))
                return v;
            return std::nullopt;
        }
        pos = end + 1;
    }
    return std::nullopt;
}

process_collector::process_collector(std::string proc_root) : proc_root_(std::move(proc_root)) {}

std::vector<prometheus::MetricFamily> process_collector::Collect() const
{
    std::vector<prometheus::MetricFamily> out;
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));

    const auto stat_text = read_file(proc_root_ + "/self/stat");
    const auto stat = stat_text ? parse_proc_stat(*stat_text) : std::nullopt;
    if (stat && ticks > 0)
    {
        out.push_back(gauge(
            "process_cpu_seconds_total",
            "Total user and system CPU time spent in seconds.",
            static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks,
            true
        ));
        out.push_back(gauge(
            "process_resident_memory_bytes",
            "Resident memory size in bytes.",
            static_cast<double>(stat->rss_pages) * page
        ));
        out.push_back(gauge(
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes.",
            static_cast<double>(stat->vsize_bytes)
        ));
        const auto proc_stat_text = read_file(proc_root_ + "/stat");
        if (const auto boot = proc_stat_text ? parse_boot_time(*proc_stat_text) : std::nullopt)
            out.push_back(gauge(
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                static_cast<double>(*boot) + static_cast<double>(stat->start_ticks) / ticks
            ));
    }

    std::error_code ec;
    std::size_t fds = 0;
    for (auto it = std::filesystem::directory_iterator(proc_root_ + "/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator();
         it.increment(ec))
        ++fds;
    if (!ec)
        out.push_back(gauge("process_open_fds", "Number of open file descriptors.", static_cast<double>(fds))
        );

    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0)
        out.push_back(gauge(
            "process_max_fds",
            "Maximum number of open file descriptors.",
            lim.rlim_cur == RLIM_INFINITY ? 1e18 : static_cast<double>(lim.rlim_cur)
        ));
    return out;
}

}  // namespace drsmon::metrics
