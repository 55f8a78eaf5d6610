#pragma once

#include "drsmon/core/error.hpp"

#include <span>
#include <string>
#include <string_view>

namespace drsmon::config {

enum class log_level
{
    debug,
    info,
    warn,
    error
};

enum class log_format
{
    logfmt,
    json
};

const char* to_string(log_level l) noexcept;
const char* to_string(log_format f) noexcept;

// The daemon's command line, Prometheus-exporter style.
struct cli_options
{
    std::string config_file = "/etc/drs-monitor/drs-monitor.yml";  // --config.file
    bool config_check = false;                                     // --config.check: validate and exit
    std::string listen_address = ":9878";                          // --web.listen-address
    std::string web_config_file;                                   // --web.config.file, empty = plain HTTP
    std::string telemetry_path = "/metrics";                       // --web.telemetry-path
    log_level level = log_level::info;                             // --log.level
    log_format format = log_format::logfmt;                        // --log.format
    bool once = false;     // --once: one polling round, print the metrics, exit
    bool version = false;  // --version
    bool help = false;     // --help / -h
};

// Parses the arguments after the program name. Accepts "--flag=value" and "--flag value";
// boolean flags also take "=true" / "=false". Errors (errc::config, where = "command line"):
// unknown flag, missing or invalid value, positional argument. Flags that look like
// secrets are refused without echoing their value.
core::result<cli_options> parse_cli(std::span<const std::string_view> args);

// The --help text.
std::string cli_usage();

}  // namespace drsmon::config
