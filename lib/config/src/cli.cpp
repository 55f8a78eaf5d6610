#include "drsmon/config/cli.hpp"
#include "drsmon/core/names.hpp"
#include "drsmon/core/text.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <utility>

namespace drsmon::config {

namespace {

constexpr std::string_view where = "command line";

core::error cli_error(std::string detail)
{
    return core::make_error(core::errc::config, std::string(where), std::move(detail));
}

// Flags whose name suggests a credential. They are refused by name so that a secret typed
// on a command line (visible in ps and shell history) is never echoed back either.
bool looks_like_secret(std::string_view name)
{
    constexpr std::array<std::string_view, 6>
        words{"secret", "password", "token", "access-key", "access_key", "passwd"};
    for (auto w : words)
        if (name.find(w) != std::string_view::npos)
            return true;
    return false;
}

std::optional<bool> parse_bool(std::string_view v)
{
    if (v == "true" || v == "1")
        return true;
    if (v == "false" || v == "0")
        return false;
    return std::nullopt;
}

// ":9878", "host:9878", "[::1]:9878"; the port may be 0 (any free port).
bool valid_listen_address(std::string_view a)
{
    const auto colon = a.rfind(':');
    if (colon == std::string_view::npos)
        return false;
    const auto host = a.substr(0, colon);
    const auto port = a.substr(colon + 1);
    if (host.starts_with('[') != host.ends_with(']'))
        return false;
    if (!host.starts_with('[') && host.find(':') != std::string_view::npos)
        return false;
    const auto value = core::parse_number<unsigned>(port);
    return value && *value <= 65535;
}

constexpr auto level_names = core::names<log_level>({
    {log_level::debug, "debug"},
    {log_level::info, "info"},
    {log_level::warn, "warn"},
    {log_level::error, "error"},
});
constexpr auto format_names = core::names<log_format>(
    {{log_format::logfmt, "logfmt"}, {log_format::json, "json"}}
);

// The flags that set one field: booleans (bare, or =true / =false) and strings.
template <class T>
using flag_field = std::pair<std::string_view, T cli_options::*>;
constexpr std::array<flag_field<bool>, 4> switch_flags{{
    {"config.check", &cli_options::config_check},
    {"once", &cli_options::once},
    {"version", &cli_options::version},
    {"help", &cli_options::help},
}};
constexpr std::array<flag_field<std::string>, 4> string_flags{{
    {"config.file", &cli_options::config_file},
    {"web.listen-address", &cli_options::listen_address},
    {"web.config.file", &cli_options::web_config_file},
    {"web.telemetry-path", &cli_options::telemetry_path},
}};

// The field the flag `name` sets, or nullptr when it is not one of `flags`.
template <class T, std::size_t N>
T* target_of(const std::array<flag_field<T>, N>& flags, std::string_view name, cli_options& out)
{
    for (const auto& [flag, field] : flags)
        if (flag == name)
            return &(out.*field);
    return nullptr;
}

}  // namespace

const char* to_string(log_level l) noexcept { return level_names.name(l); }

const char* to_string(log_format f) noexcept { return format_names.name(f); }

core::result<cli_options> parse_cli(std::span<const std::string_view> args)
{
    cli_options out;
    for (std::size_t i = 0; i < args.size(); ++i)
    {
        std::string_view arg = args[i];
        if (arg == "-h")
            arg = "--help";
        if (!arg.starts_with("--") || arg.size() == 2)
            return cli_error("unexpected argument \"" + std::string(arg) + "\" (flags start with --)");
        std::string_view name = arg.substr(2);
        std::optional<std::string_view> inline_value;
        if (const auto eq = name.find('='); eq != std::string_view::npos)
        {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const std::string flag = "--" + std::string(name);
        if (looks_like_secret(name))
            return cli_error(
                flag + ": secrets are not accepted on the command line; use the *_file or *_env keys "
                       "of the config file"
            );

        // Boolean flags: bare, or with an explicit =true / =false.
        bool* switch_target = target_of(switch_flags, name, out);
        if (switch_target)
        {
            if (!inline_value)
            {
                *switch_target = true;
                continue;
            }
            const auto b = parse_bool(*inline_value);
            if (!b)
                return cli_error(
                    flag + ": must be true or false (got \"" + std::string(*inline_value) + "\")"
                );
            *switch_target = *b;
            continue;
        }

        std::string* string_target = target_of(string_flags, name, out);
        if (!string_target && name != "log.level" && name != "log.format")
            return cli_error("unknown flag " + flag + " (see --help)");

        std::string_view value;
        if (inline_value)
            value = *inline_value;
        else if (i + 1 < args.size() && !args[i + 1].starts_with("--"))
            value = args[++i];
        else
            return cli_error(flag + ": expects a value");

        // Keyword flags: the value is one of the names of the flag's enum.
        const auto keyword = [&](const auto& names, auto& target) -> std::optional<std::string> {
            if (const auto v = names.parse(value))
            {
                target = *v;
                return std::nullopt;
            }
            return flag + ": must be one of " + names.choices() + " (got \"" + std::string(value) + "\")";
        };
        if (name == "log.level" || name == "log.format")
        {
            if (auto bad = name == "log.level" ? keyword(level_names, out.level)
                                               : keyword(format_names, out.format))
                return cli_error(std::move(*bad));
            continue;
        }
        if (name == "config.file" && value.empty())
            return cli_error(flag + ": must not be empty");
        if (name == "web.listen-address" && !valid_listen_address(value))
            return cli_error(
                flag + ": must be [host]:port, e.g. :9878 or 127.0.0.1:9878 (got \"" + std::string(value) +
                "\")"
            );
        if (name == "web.telemetry-path" && (!value.starts_with('/') || value == "/"))
            return cli_error(
                flag + ": must start with / and not be / alone (got \"" + std::string(value) + "\")"
            );
        *string_target = std::string(value);
    }
    return out;
}

std::string cli_usage()
{
    return "usage: drs-monitor [flags]\n"
           "\n"
           "Polls the Huawei Cloud DRS API for job status and exposes Prometheus metrics.\n"
           "\n"
           "Flags (--flag=value or --flag value):\n"
           "  --config.file=PATH          configuration file (default /etc/drs-monitor/drs-monitor.yml)\n"
           "  --config.check              validate the configuration and its secrets, then exit\n"
           "  --web.listen-address=ADDR   [host]:port to serve metrics on (default :9878)\n"
           "  --web.config.file=PATH      web configuration (TLS, basic auth); default plain HTTP\n"
           "  --web.telemetry-path=PATH   path of the metrics endpoint (default /metrics)\n"
           "  --log.level=LEVEL           debug, info, warn or error (default info)\n"
           "  --log.format=FORMAT         logfmt or json (default logfmt)\n"
           "  --once                      run one polling round, print the metrics, exit\n"
           "  --version                   print the version and exit\n"
           "  -h, --help                  print this help and exit\n"
           "\n"
           "Exit codes: 0 success, 2 invalid flags or configuration.\n";
}

}  // namespace drsmon::config
