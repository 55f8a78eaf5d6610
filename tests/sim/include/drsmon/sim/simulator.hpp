#pragma once

#include "drsmon/sim/router.hpp"
#include "drsmon/sim/scenario.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

// The simulator shell: a router served over HTTP(S) by the shared test server.
namespace drsmon::sim {

struct simulator_options
{
    world_options world;
    router_options router;
    bool tls = true;
    std::string cert_file;  // default: the test PKI's server.pem / server.key
    std::string key_file;
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0 = any free port
    // Applied before the world starts: its project_id/seed/generate override world, then its jobs,
    // batches and faults are added.
    std::optional<scenario> scenario_data;
    // Drives simulated time and the gateway clock; default: the system clock. Must outlive the simulator.
    const core::clock* clock = nullptr;
    // Answering like a remote server (API responses only; /-/sim/ answers at once). Every response
    // waits response_delay before its first byte, on the connection's own timer: other connections
    // are served meanwhile. With split_writes the head and the body go out in two writes split_gap
    // apart (the gap is taken out of response_delay as far as it goes, so the total stays the same).
    std::chrono::milliseconds response_delay{0};
    bool split_writes = false;
    std::chrono::milliseconds split_gap{1};
};

class simulator
{
public:
    // Runs the server on its own thread (started by start()).
    explicit simulator(simulator_options opts);
    // Runs the server on ex (for tests with their own io_context).
    simulator(boost::asio::any_io_executor ex, simulator_options opts);
    // Stops and joins.
    ~simulator();
    simulator(const simulator&) = delete;
    simulator& operator=(const simulator&) = delete;

    // Binding happens in the constructor (throws if the address is unusable); start() begins
    // accepting. stop() closes every connection; both are idempotent.
    void start();
    void stop();

    std::uint16_t port() const;
    // "https://127.0.0.1:<port>" (or http:// when plain).
    std::string url() const;

    // The API state: world, faults, recording. Thread-safe.
    router& api() noexcept;

private:
    class impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace drsmon::sim
