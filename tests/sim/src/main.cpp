// drs-sim: the DRS simulator as a stand-alone server for demos and benchmarks.
// See tests/sim/README.md for the flags and the control endpoint.
#include "drsmon/sim/simulator.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace drsmon;

namespace {

[[noreturn]] void usage(const std::string& error)
{
    if (!error.empty())
        std::cerr << "drs-sim: " << error << "\n";
    std::cerr << "usage: drs-sim [--listen ADDR:PORT|PORT] [--plain] [--cert FILE --key FILE] [--jobs N] "
                 "[--seed S]\n"
                 "               [--estate mixed|realistic] [--dr-percent P] "
                 "[--not-applicable-as-batch-error] [--speed X] [--scenario FILE] "
                 "[--project-id ID] "
                 "[--ak AK --sk SK]\n"
                 "               [--iam-user NAME --iam-password PW] [--token-lifetime SECONDS]\n"
                 "               [--port-file FILE] [--jobs-file FILE] [--fault SPEC]...\n";
    std::exit(error.empty() ? 0 : 2);
}

}  // namespace

int main(int argc, char** argv)
{
    sim::simulator_options opts;
    opts.world.jobs = 12;
    std::string ak = "HPUASIMACCESSKEY0001", sk = "simSecretKey+/0123456789";
    std::string user = "monitor", password = "monitor-password";
    std::string port_file, jobs_file;
    std::vector<sim::fault> faults;
    try
    {
        std::vector<std::string> args(argv + 1, argv + argc);
        for (std::size_t i = 0; i < args.size(); ++i)
        {
            const std::string& a = args[i];
            auto value = [&]() -> const std::string& {
                if (i + 1 >= args.size())
                    usage(a + " needs a value");
                return args[++i];
            };
            if (a == "--help" || a == "-h")
                usage("");
            else if (a == "--listen")
            {
                std::string v = value();
                auto colon = v.rfind(':');
                if (colon != std::string::npos)
                {
                    opts.address = v.substr(0, colon);
                    if (opts.address.size() > 1 && opts.address.front() == '[')
                        opts.address = opts.address.substr(1, opts.address.size() - 2);
                    v = v.substr(colon + 1);
                }
                opts.port = static_cast<std::uint16_t>(std::stoul(v));
            }
            else if (a == "--plain")
                opts.tls = false;
            else if (a == "--not-applicable-as-batch-error")
                opts.router.not_applicable_fails_batch = true;
            else if (a == "--cert")
                opts.cert_file = value();
            else if (a == "--key")
                opts.key_file = value();
            else if (a == "--jobs")
                opts.world.jobs = std::stoi(value());
            else if (a == "--estate")
            {
                auto e = sim::parse_estate(value());
                if (!e)
                    usage("--estate is mixed or realistic");
                opts.world.estate = *e;
            }
            else if (a == "--dr-percent")
            {
                const int share = std::stoi(value());
                if (share < 0 || share > 100)
                    usage("--dr-percent is 0..100");
                opts.world.dr_percent = share;
            }
            else if (a == "--seed")
                opts.world.seed = std::stoull(value());
            else if (a == "--speed")
                opts.world.speed = std::stod(value());
            else if (a == "--scenario")
                opts.scenario_data = sim::load_scenario(value());
            else if (a == "--project-id")
                opts.world.project_id = value();
            else if (a == "--ak")
                ak = value();
            else if (a == "--sk")
                sk = value();
            else if (a == "--iam-user")
                user = value();
            else if (a == "--iam-password")
                password = value();
            else if (a == "--token-lifetime")
                opts.router.token_lifetime = std::chrono::seconds(std::stoll(value()));
            else if (a == "--port-file")
                port_file = value();
            else if (a == "--jobs-file")
                jobs_file = value();
            else if (a == "--response-delay")
            {
                opts.response_delay = std::chrono::milliseconds(std::stoll(value()));
                if (opts.response_delay.count() < 0)
                    usage("--response-delay is a number of milliseconds >= 0");
            }
            else if (a == "--split-writes")
                opts.split_writes = true;
            else if (a == "--fault")
            {
                std::string error;
                auto f = sim::parse_fault_spec(value(), &error);
                if (!f)
                    usage(error);
                faults.push_back(*f);
            }
            else
                usage("unknown flag " + a);
        }
        opts.router.access_keys = {{ak, sk}};
        opts.router.iam_users = {{user, password}};

        asio::io_context ioc(1);
        sim::simulator s(ioc.get_executor(), opts);
        for (const auto& f : faults)
            s.api().add_fault(f);
        s.start();
        if (!port_file.empty())
            std::ofstream(port_file) << s.port() << "\n";
        if (!jobs_file.empty())
        {
            std::ofstream out(jobs_file);
            out << s.api().project_id() << "\n";
            for (const auto& id : s.api().job_ids())
                out << id << "\n";
        }
        std::cout << "drs-sim listening on " << s.url() << " (project " << s.api().project_id() << ", "
                  << s.api().job_ids().size() << " jobs)" << std::endl;

        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code&, int) {
            s.stop();
            ioc.stop();
        });
        ioc.run();
        std::cout << "drs-sim stopped" << std::endl;
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "drs-sim: " << e.what() << "\n";
        return 1;
    }
}
