// drsmon_bench_floor: the floor that drs-monitor's CPU per request is judged against (issue 16,
// scripts/bench-floor). A minimal single-purpose synchronous client: one keep-alive TLS
// connection with certificate verification, AK/SK signing (drsmon::auth, because the API gateway
// and drs-sim verify signatures), batch-status then batch-progress for every batch of 10 jobs,
// round after round, each response body parsed with boost::json::parse. Nothing else of the
// daemon: no retries, no state, no metrics. Built from tests/bench, never installed.
//
//   drsmon_bench_floor --url https://127.0.0.1:PORT --ca FILE --jobs-file FILE --ak-file F --sk-file F
//                      --requests N [--batch-size 10] [--warmup-rounds 1]
//
// Prints one line "requests=N cpu_s=S wall_s=W errors=E bytes=B": the utime+stime of this process
// (/proc/self/stat) over the N measured requests, after the TLS handshake and the warm-up rounds.
#include "drsmon/auth/signer.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct options
{
    std::string host = "127.0.0.1";
    std::string port;
    std::string ca_file;
    std::string jobs_file;
    std::string ak_file;
    std::string sk_file;
    long requests = 0;
    std::size_t batch_size = 10;
    int warmup_rounds = 1;
};

[[noreturn]] void usage(const std::string& error)
{
    std::cerr << "drsmon_bench_floor: " << error << "\n"
              << "usage: drsmon_bench_floor --url https://HOST:PORT --ca FILE --jobs-file FILE --ak-file F "
                 "--sk-file F --requests N [--batch-size 10] [--warmup-rounds 1]\n";
    std::exit(2);
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

// utime + stime of this process in seconds, as scripts/bench reads them for the daemon.
double cpu_seconds()
{
    std::ifstream in("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the command name in parentheses: state is field 3, utime 14, stime 15.
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i)
    {
        if (i == 14)
            utime = std::stod(field);
        if (i == 15)
            stime = std::stod(field);
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The bodies as drs_api::batch_status_request / batch_progress_request write them:
// {"jobs":[ids],"page_req":{"cur_page":1,"per_page":N}} and {"jobs":[ids]} (job IDs need no escaping).
std::string jobs_body(const std::vector<std::string>& ids, bool paged)
{
    std::string body = "{\"jobs\":[";
    for (std::size_t i = 0; i < ids.size(); ++i)
    {
        if (i > 0)
            body += ',';
        body += '"';
        body += ids[i];
        body += '"';
    }
    body += ']';
    if (paged)
        body += ",\"page_req\":{\"cur_page\":1,\"per_page\":" + std::to_string(ids.size()) + "}";
    body += '}';
    return body;
}

class floor_client
{
public:
    floor_client(const options& o, std::string project_id, drsmon::auth::credentials creds)
        : project_id_(std::move(project_id)),
          creds_(std::move(creds)),
          host_header_(o.host + ":" + o.port),
          ctx_(asio::ssl::context::tls_client),
          stream_(ioc_, ctx_)
    {
        ctx_.load_verify_file(o.ca_file);
        ctx_.set_verify_mode(asio::ssl::verify_peer);
        // The certificate must name the host: an IP address against the IP SANs, a name against
        // the DNS names (and sent as SNI).
        SSL* ssl = stream_.native_handle();
        const bool ip = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), o.host.c_str()) == 1;
        if (!ip &&
            (SSL_set1_host(ssl, o.host.c_str()) != 1 || SSL_set_tlsext_host_name(ssl, o.host.c_str()) != 1))
            throw std::runtime_error("cannot set the host name to verify");
        tcp::resolver resolver(ioc_);
        beast::get_lowest_layer(stream_).connect(resolver.resolve(o.host, o.port));
        stream_.handshake(asio::ssl::stream_base::client);
    }

    // One signed POST; false on a transport error or a status other than 200/202 or a body
    // that is not JSON.
    bool call(std::string_view leaf, std::string body)
    {
        drsmon::auth::sign_input in{
            .method = "POST",
            .host = host_header_,
            .path = "/v3/" + project_id_ + "/jobs/" + std::string(leaf),
            .query = {},
            .headers =
                {{"Content-Type", "application/json"},
                 {"User-Agent", "drsmon-bench-floor"},
                 {"X-Language", "en-us"},
                 {"X-Project-Id", project_id_}},
            .body = body,
        };
        auto signed_request = drsmon::auth::sign(in, creds_, std::chrono::system_clock::now());
        http::request<http::string_body> req(http::verb::post, signed_request.target, 11);
        for (const auto& h : signed_request.headers)
            req.set(h.name, h.value);
        req.body() = std::move(body);
        req.prepare_payload();
        http::write(stream_, req);
        http::response<http::string_body> res;
        http::read(stream_, buffer_, res);
        bytes_ += res.body().size();
        boost::system::error_code ec;
        auto doc = boost::json::parse(res.body(), ec);
        return !ec && doc.is_object() && (res.result_int() == 200 || res.result_int() == 202);
    }

    std::size_t bytes() const { return bytes_; }

private:
    std::string project_id_;
    drsmon::auth::credentials creds_;
    std::string host_header_;
    asio::io_context ioc_;
    asio::ssl::context ctx_;
    beast::ssl_stream<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
    std::size_t bytes_ = 0;
};

}  // namespace

int main(int argc, char** argv)
{
    options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i)
    {
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size())
                usage(args[i] + " needs a value");
            return args[++i];
        };
        const std::string& a = args[i];
        if (a == "--url")
        {
            // https://HOST:PORT only: this client talks to drs-sim on loopback.
            std::string url = value();
            const std::string scheme = "https://";
            auto colon = url.rfind(':');
            if (url.rfind(scheme, 0) != 0 || colon == std::string::npos || colon < scheme.size())
                usage("--url is https://HOST:PORT");
            o.host = url.substr(scheme.size(), colon - scheme.size());
            o.port = url.substr(colon + 1);
            while (!o.port.empty() && o.port.back() == '/')
                o.port.pop_back();
        }
        else if (a == "--ca")
            o.ca_file = value();
        else if (a == "--jobs-file")
            o.jobs_file = value();
        else if (a == "--ak-file")
            o.ak_file = value();
        else if (a == "--sk-file")
            o.sk_file = value();
        else if (a == "--requests")
            o.requests = std::stol(value());
        else if (a == "--batch-size")
            o.batch_size = std::stoul(value());
        else if (a == "--warmup-rounds")
            o.warmup_rounds = std::stoi(value());
        else
            usage("unknown flag " + a);
    }
    if (o.port.empty() || o.ca_file.empty() || o.jobs_file.empty() || o.ak_file.empty() ||
        o.sk_file.empty() || o.requests <= 0 || o.batch_size == 0)
        usage("--url, --ca, --jobs-file, --ak-file, --sk-file and --requests are required");

    try
    {
        // The jobs file of drs-sim: the project id, then one job id per line.
        std::istringstream lines(read_file(o.jobs_file));
        std::string project_id, line;
        std::getline(lines, project_id);
        std::vector<std::vector<std::string>> batches;
        while (std::getline(lines, line))
        {
            if (line.empty())
                continue;
            if (batches.empty() || batches.back().size() == o.batch_size)
                batches.emplace_back();
            batches.back().push_back(line);
        }
        if (batches.empty())
            throw std::runtime_error("no jobs in " + o.jobs_file);
        std::vector<std::string> status_bodies, progress_bodies;
        for (const auto& b : batches)
        {
            status_bodies.push_back(jobs_body(b, true));
            progress_bodies.push_back(jobs_body(b, false));
        }

        floor_client client(o, project_id, {read_file(o.ak_file), read_file(o.sk_file), ""});
        long errors = 0;
        for (int r = 0; r < o.warmup_rounds; ++r)
        {
            for (std::size_t b = 0; b < batches.size(); ++b)
            {
                errors += !client.call("batch-status", status_bodies[b]);
                errors += !client.call("batch-progress", progress_bodies[b]);
            }
        }

        // Rounds of status + progress per batch until the requested number of requests.
        const double cpu0 = cpu_seconds();
        const auto t0 = std::chrono::steady_clock::now();
        const std::size_t bytes0 = client.bytes();
        long done = 0;
        while (done < o.requests)
        {
            for (std::size_t b = 0; b < batches.size() && done < o.requests; ++b)
            {
                errors += !client.call("batch-status", status_bodies[b]);
                if (++done < o.requests)
                {
                    errors += !client.call("batch-progress", progress_bodies[b]);
                    ++done;
                }
            }
        }
        const double cpu1 = cpu_seconds();
        const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - t0;
        std::printf(
            "requests=%ld cpu_s=%.3f wall_s=%.3f errors=%ld bytes=%zu\n",
            done,
            cpu1 - cpu0,
            wall.count(),
            errors,
            client.bytes() - bytes0
        );
        return errors == 0 ? 0 : 1;
    }
    catch (const std::exception& e)
    {
        std::cerr << "drsmon_bench_floor: " << e.what() << "\n";
        return 1;
    }
}
