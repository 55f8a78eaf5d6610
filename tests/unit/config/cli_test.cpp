#include "drsmon/config/cli.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace drsmon::config;

namespace {

drsmon::core::result<cli_options> parse(std::vector<std::string_view> args) { return parse_cli(args); }

std::string error_of(std::vector<std::string_view> args)
{
    auto r = parse(std::move(args));
    EXPECT_FALSE(r.has_value());
    if (r.has_value())
        return {};
    EXPECT_EQ(r.error().kind(), drsmon::core::errc::config);
    EXPECT_EQ(r.error().where, "command line");
    return r.error().detail;
}

}  // namespace

TEST(ParseCli, UsesExporterDefaultsWithoutArguments)
{
    auto r = parse({});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->config_file, "/etc/drs-monitor/drs-monitor.yml");
    EXPECT_FALSE(r->config_check);
    EXPECT_EQ(r->listen_address, ":9878");
    EXPECT_EQ(r->web_config_file, "");
    EXPECT_EQ(r->telemetry_path, "/metrics");
    EXPECT_EQ(r->level, log_level::info);
    EXPECT_EQ(r->format, log_format::logfmt);
    EXPECT_FALSE(r->once);
    EXPECT_FALSE(r->version);
    EXPECT_FALSE(r->help);
}

TEST(ParseCli, AcceptsValuesAfterEqualsOrAsTheNextArgument)
{
    auto r = parse(
        {"--config.file=/tmp/a.yml",
         "--web.listen-address",
         "127.0.0.1:0",
         "--web.config.file=/etc/web.yml",
         "--web.telemetry-path",
         "/m",
         "--log.level=debug",
         "--log.format",
         "json"}
    );
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->config_file, "/tmp/a.yml");
    EXPECT_EQ(r->listen_address, "127.0.0.1:0");
    EXPECT_EQ(r->web_config_file, "/etc/web.yml");
    EXPECT_EQ(r->telemetry_path, "/m");
    EXPECT_EQ(r->level, log_level::debug);
    EXPECT_EQ(r->format, log_format::json);
}

TEST(ParseCli, SetsBooleanFlagsBareOrExplicitly)
{
    auto r = parse({"--config.check", "--once", "--version", "-h"});
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->config_check);
    EXPECT_TRUE(r->once);
    EXPECT_TRUE(r->version);
    EXPECT_TRUE(r->help);
    auto off = parse({"--once=true", "--once=false", "--help=true"});
    ASSERT_TRUE(off.has_value());
    EXPECT_FALSE(off->once);
    EXPECT_TRUE(off->help);
}

TEST(ParseCli, AcceptsBracketedIpv6ListenAddresses)
{
    auto r = parse({"--web.listen-address=[::1]:9878"});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->listen_address, "[::1]:9878");
}

TEST(ParseCli, RejectsUnknownFlags)
{
    EXPECT_EQ(error_of({"--config.fil=/x"}), "unknown flag --config.fil (see --help)");
}

TEST(ParseCli, RejectsPositionalArguments)
{
    EXPECT_EQ(error_of({"drs.yml"}), "unexpected argument \"drs.yml\" (flags start with --)");
    EXPECT_EQ(error_of({"-v"}), "unexpected argument \"-v\" (flags start with --)");
}

TEST(ParseCli, RejectsAMissingValue)
{
    EXPECT_EQ(error_of({"--config.file"}), "--config.file: expects a value");
    EXPECT_EQ(error_of({"--log.level", "--once"}), "--log.level: expects a value");
}

TEST(ParseCli, RejectsInvalidValues)
{
    EXPECT_EQ(
        error_of({"--log.level=trace"}),
        "--log.level: must be one of debug, info, warn, error (got \"trace\")"
    );
    EXPECT_EQ(error_of({"--log.format=text"}), "--log.format: must be one of logfmt, json (got \"text\")");
    EXPECT_EQ(
        error_of({"--web.listen-address=9878"}),
        "--web.listen-address: must be [host]:port, e.g. :9878 or 127.0.0.1:9878 (got \"9878\")"
    );
    EXPECT_EQ(
        error_of({"--web.listen-address=:70000"}),
        "--web.listen-address: must be [host]:port, e.g. :9878 or 127.0.0.1:9878 (got \":70000\")"
    );
    EXPECT_EQ(
        error_of({"--web.telemetry-path=metrics"}),
        "--web.telemetry-path: must start with / and not be / alone (got \"metrics\")"
    );
    EXPECT_EQ(error_of({"--once=yes"}), "--once: must be true or false (got \"yes\")");
    EXPECT_EQ(error_of({"--config.file="}), "--config.file: must not be empty");
}

TEST(ParseCli, RefusesSecretsWithoutEchoingThem)
{
    for (std::string_view flag :
         {"--secret-key=abc123", "--auth.password=abc123", "--token", "--access-key=abc123"})
    {
        const std::string detail = error_of({flag});
        EXPECT_NE(detail.find("secrets are not accepted on the command line"), std::string::npos) << detail;
        EXPECT_EQ(detail.find("abc123"), std::string::npos) << detail;
    }
}

TEST(CliUsage, ListsEveryFlagAndTheExitCodes)
{
    const std::string usage = cli_usage();
    for (const char* flag :
         {"--config.file",
          "--config.check",
          "--web.listen-address",
          "--web.config.file",
          "--web.telemetry-path",
          "--log.level",
          "--log.format",
          "--once",
          "--version",
          "--help"})
        EXPECT_NE(usage.find(flag), std::string::npos) << flag;
    EXPECT_NE(usage.find("2 invalid flags or configuration"), std::string::npos);
}
