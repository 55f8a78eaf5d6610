// drs-monitor: Prometheus monitoring for Huawei Cloud DRS jobs.
// main() only parses the command line, loads the configuration and hands over
// to the application; exit codes: 0 ok, 1 runtime failure, 2 bad flags or config.

#include "drsmon/app/application.hpp"
#include "drsmon/app/logging.hpp"
#include "drsmon/config/cli.hpp"
#include "drsmon/config/config.hpp"
#include "drsmon/config/secrets.hpp"
#include "drsmon/core/version.hpp"

#include <boost/version.hpp>

#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

int main(int argc, char** argv)
{
    using namespace drsmon;
    std::vector<std::string_view> args(argv + 1, argv + argc);
    auto cli = config::parse_cli(args);
    if (!cli)
    {
        std::cerr << "drs-monitor: " << cli.error().to_string() << "\n\n" << config::cli_usage();
        return 2;
    }
    if (cli->help)
    {
        std::cout << config::cli_usage();
        return 0;
    }
    if (cli->version)
    {
        std::cout << "drs-monitor, version " << core::version << " (revision: " << core::revision << ")\n"
                  << "  build: " << __VERSION__ << ", boost " << BOOST_LIB_VERSION << "\n";
        return 0;
    }
    auto cfg = config::load_file(cli->config_file);
    if (!cfg)
    {
        // The detail already starts with "<file>:<line>: <key>:".
        std::cerr << "drs-monitor: " << cfg.error().detail << "\n";
        return 2;
    }
    if (cli->config_check)
    {
        std::size_t jobs = 0;
        for (const auto& p : cfg->projects)
        {
            jobs += p.jobs.size();
            // Secrets from the environment are only known at this point.
            auto s = config::load_secrets(p.auth, config::process_env());
            if (!s)
            {
                std::cerr << "drs-monitor: project " << p.name << ": " << s.error().detail << "\n";
                return 2;
            }
            for (const auto& w : s->warnings)
                std::cerr << "drs-monitor: warning: project " << p.name << ": " << w << "\n";
        }
        std::cout << "drs-monitor: " << cli->config_file << " is valid (" << cfg->projects.size()
                  << " project(s), " << jobs << " job(s))\n";
        return 0;
    }
    try
    {
        auto log = app::make_logger(config::to_string(cli->format), config::to_string(cli->level));
        const bool once = cli->once;
        app::application application(std::move(*cli), std::move(*cfg), log);
        return once ? application.run_once(std::cout) : application.run();
    }
    catch (const std::exception& e)
    {
        std::cerr << "drs-monitor: fatal: " << e.what() << "\n";
        return 1;
    }
}
