#include "drsmon/sim/simulator.hpp"
#include "drsmon/test/http_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <thread>

namespace drsmon::sim {

namespace asio = boost::asio;

namespace {

world_options resolve(simulator_options& opts)
{
    world_options w = opts.world;
    if (opts.scenario_data)
    {
        const auto& s = *opts.scenario_data;
        if (s.project_id)
            w.project_id = *s.project_id;
        if (s.seed)
            w.seed = *s.seed;
        if (s.generate)
            w.jobs = *s.generate;
    }
    return w;
}

}  // namespace

class simulator::impl
{
public:
    impl(std::optional<asio::any_io_executor> ex, simulator_options opts)
        : opts_(std::move(opts)),
          clock_(opts_.clock ? *opts_.clock : core::system_clock()),
          router_(resolve(opts_), opts_.router, clock_)
    {
        if (opts_.scenario_data)
        {
            router_.with_state([&](world& w, fault_set& faults, recorder&) {
                apply(*opts_.scenario_data, w);
                for (const auto& f : opts_.scenario_data->faults)
                    faults.add(f);
            });
        }
        if (!ex)
        {
            own_ = std::make_unique<asio::io_context>(1);
            ex = own_->get_executor();
        }
        test::server_options so;
        so.tls = opts_.tls;
        so.cert_file = opts_.cert_file;
        so.key_file = opts_.key_file;
        so.address = opts_.address;
        so.port = opts_.port;
        // A head and a body written apart must not wait for the client's delayed ACK.
        so.no_delay = opts_.split_writes;
        server_ = std::make_unique<test::http_server>(*ex, so, [this](const test::raw_request& in) {
            request req{in.method, in.target, in.headers, in.body};
            response r = router_.handle(req);
            test::raw_response out;
            out.status = r.status;
            out.headers = std::move(r.headers);
            out.body = std::move(r.body);
            out.delay = r.delay;
            out.reset_mid_body = r.reset_mid_body;
            out.stall_body = r.stall_body;
            out.close_connection = r.close_connection;
            if (!in.target.starts_with("/-/sim/"))
                shape(out);
            return out;
        });
    }

    ~impl() { stop(); }

    // Applies response_delay and split_writes on top of what a fault asked for.
    void shape(test::raw_response& out) const
    {
        out.delay += opts_.response_delay;
        // A fault's slow body or reset already decides how the body goes out.
        if (!opts_.split_writes || out.stall_body.count() > 0 || out.reset_mid_body)
            return;
        // The test server writes the head, waits stall_body on its timer, then writes the body.
        out.stall_body = std::max(opts_.split_gap, std::chrono::milliseconds(1));
        out.delay = std::max(out.delay - out.stall_body, std::chrono::milliseconds(0));
    }

    void start()
    {
        if (started_)
            return;
        started_ = true;
        server_->start();
        if (own_)
        {
            guard_.emplace(own_->get_executor());
            thread_ = std::thread([this] { own_->run(); });
        }
    }

    void stop()
    {
        if (stopped_)
            return;
        stopped_ = true;
        server_->stop();
        if (own_)
        {
            guard_.reset();
            if (thread_.joinable())
            {
                thread_.join();
            }
        }
    }

    simulator_options opts_;
    const core::clock& clock_;
    router router_;
    std::unique_ptr<asio::io_context> own_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
    std::thread thread_;
    std::unique_ptr<test::http_server> server_;
    bool started_ = false;
    bool stopped_ = false;
};

simulator::simulator(simulator_options opts) : impl_(std::make_unique<impl>(std::nullopt, std::move(opts))) {}

simulator::simulator(asio::any_io_executor ex, simulator_options opts)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(opts)))
{
}

simulator::~simulator() = default;

void simulator::start() { impl_->start(); }

void simulator::stop() { impl_->stop(); }

std::uint16_t simulator::port() const { return impl_->server_->port(); }

std::string simulator::url() const
{
    std::string host = impl_->opts_.address.find(':') != std::string::npos ? "[" + impl_->opts_.address + "]"
                                                                           : impl_->opts_.address;
    return std::string(impl_->opts_.tls ? "https://" : "http://") + host + ":" + std::to_string(port());
}

router& simulator::api() noexcept { return impl_->router_; }

}  // namespace drsmon::sim
