#pragma once

#include "drsmon/config/cli.hpp"
#include "drsmon/config/config.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <ostream>

namespace spdlog {
class logger;
}

namespace drsmon::app {

// The composition root: wires configuration, per-project DRS clients and
// pollers, the state store and event log, metrics and the HTTP server on one
// single-threaded io_context, and handles signals (SIGHUP reloads, SIGINT and
// SIGTERM stop), reloads, state persistence and systemd notifications.
class application
{
public:
    application(config::cli_options cli, config::config cfg, std::shared_ptr<spdlog::logger> log);
    ~application();
    application(const application&) = delete;
    application& operator=(const application&) = delete;

    // Runs the daemon until SIGINT/SIGTERM. Returns the process exit code:
    // 0 after a clean stop, 1 when the listener cannot be bound, 2 when a
    // project cannot be set up (a secret missing, unreadable or empty, an
    // endpoint that is not a URL), as docs/configuration.md lists them.
    int run();

    // One round of every API for every project, then prints the whole state
    // as JSON to `out`. Returns 0 when every call succeeded, 1 otherwise, 2 as
    // run() when a project cannot be set up.
    int run_once(std::ostream& out);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace drsmon::app
