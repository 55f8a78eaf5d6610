#include "drsmon/core/json_writer.hpp"
#include "drsmon/state/persist.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace drsmon::state {

namespace json = boost::json;
namespace fs = std::filesystem;
using core::json_writer;

namespace {

constexpr std::string_view format_name = "drs-monitor-state";
constexpr std::int64_t format_version = 1;

// Times are stored as integer nanoseconds since the Unix epoch so they round-trip exactly.
std::int64_t to_ns(core::wall_time t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

core::wall_time from_ns(std::int64_t ns)
{
    return core::wall_time(std::chrono::duration_cast<core::wall_time::duration>(std::chrono::nanoseconds(ns))
    );
}

// The members below are written in the order (and with the omissions) of the first format
// version, which built a boost::json::object per job: the text is the same byte for byte.
void put(json_writer& w, std::string_view k, const std::string& v)
{
    if (!v.empty())
    {
        w.key(k);
        w.string(v);
    }
}
void put(json_writer& w, std::string_view k, const std::optional<double>& v)
{
    // JSON has no NaN or infinity; such a value carries no information anyway.
    if (v && std::isfinite(*v))
    {
        w.key(k);
        w.dbl(*v);
    }
}
void put(json_writer& w, std::string_view k, const std::optional<core::wall_time>& v)
{
    if (v)
    {
        w.key(k);
        w.int64(to_ns(*v));
    }
}
void put(json_writer& w, std::string_view k, const std::optional<std::int64_t>& v)
{
    if (v)
    {
        w.key(k);
        w.int64(*v);
    }
}
void put(json_writer& w, std::string_view k, const std::optional<int>& v)
{
    if (v)
    {
        w.key(k);
        w.int64(*v);
    }
}
void put(json_writer& w, std::string_view k, const std::optional<bool>& v)
{
    if (v)
    {
        w.key(k);
        w.boolean(*v);
    }
}

void write_job(json_writer& w, const job_key& key, const job_state& s)
{
    w.begin_object();
    w.key("project");
    w.string(key.project);
    w.key("job_id");
    w.string(key.job_id);

    w.key("metadata");
    w.begin_object();
    put(w, "name", s.metadata.name);
    put(w, "db_use_type", s.metadata.db_use_type);
    put(w, "engine_type", s.metadata.engine_type);
    put(w, "task_type", s.metadata.task_type);
    put(w, "job_direction", s.metadata.job_direction);
    put(w, "parent_id", s.metadata.parent_id);
    put(w, "async_job_id", s.metadata.async_job_id);
    put(w, "created_ns", s.metadata.created);
    w.end_object();

    put(w, "status", s.status);
    put(w, "status_changed_at_ns", s.status_changed_at);
    w.key("status_changes");
    w.uint64(s.status_changes);
    put(w, "progress_ratio", s.progress_ratio);
    w.key("phases");
    w.begin_object();
    for (const auto& [phase, ratio] : s.phases)
        if (std::isfinite(ratio))
        {
            w.key(phase);
            w.dbl(ratio);
        }
    w.end_object();
    put(w, "delay_seconds", s.delay_seconds);
    put(w, "remaining_seconds", s.remaining_seconds);

    w.key("precheck");
    w.begin_object();
    w.key("present");
    w.boolean(s.precheck.present);
    w.key("complete");
    w.boolean(s.precheck.complete);
    put(w, "passed", s.precheck.passed);
    put(w, "passed_ratio", s.precheck.passed_ratio);
    put(w, "progress_ratio", s.precheck.progress_ratio);
    w.key("items");
    w.begin_array();
    for (const auto& i : s.precheck.items)
    {
        w.begin_object();
        w.key("item");
        w.string(i.item);
        w.key("group");
        w.string(i.group);
        w.key("result");
        w.string(i.result);
        w.end_object();
    }
    w.end_array();
    w.end_object();

    w.key("init");
    w.begin_object();
    for (const auto& [type, obj] : s.init)
    {
        w.key(type);
        w.begin_object();
        put(w, "status", obj.status);
        put(w, "src_count", obj.src_count);
        put(w, "dst_count", obj.dst_count);
        put(w, "detail_complete", obj.detail_complete);
        put(w, "detail_in_progress", obj.detail_in_progress);
        w.end_object();
    }
    w.end_object();

    w.key("node");
    w.begin_object();
    put(w, "cpu_ratio", s.node.cpu_ratio);
    put(w, "memory_ratio", s.node.memory_ratio);
    put(w, "apply_rows_per_second", s.node.apply_rows_per_second);
    put(w, "apply_transactions_per_second", s.node.apply_transactions_per_second);
    put(w, "network_receive_bytes_per_second", s.node.network_receive_bytes_per_second);
    put(w, "network_transmit_bytes_per_second", s.node.network_transmit_bytes_per_second);
    put(w, "disk_read_bytes_per_second", s.node.disk_read_bytes_per_second);
    put(w, "disk_write_bytes_per_second", s.node.disk_write_bytes_per_second);
    w.end_object();

    w.key("collect");
    w.begin_object();
    put(w, "status", s.collect.status);
    put(w, "last_success_ns", s.collect.last_success);
    put(w, "query_id", s.collect.query_id);
    w.end_object();

    w.key("api_error");
    w.begin_object();
    put(w, "code", s.api_error.code);
    put(w, "message_short", s.api_error.message_short);
    w.end_object();

    w.key("source");
    w.string(s.source);
    put(w, "last_refresh_ns", s.last_refresh);
    put(w, "last_change_ns", s.last_change);
    w.key("stale");
    w.boolean(s.stale);
    w.end_object();
}

// Reads typed fields and remembers the first type mismatch with its JSON path.
class reader
{
public:
    std::optional<std::string> failure;

    const json::object* object(const json::object& o, std::string_view k, const std::string& path)
    {
        auto* v = o.if_contains(k);
        if (!v)
            return nullptr;
        if (!v->is_object())
        {
            fail(path + "." + std::string(k), "expected an object");
            return nullptr;
        }
        return &v->as_object();
    }

    void get(const json::object& o, std::string_view k, std::string& out, const std::string& path)
    {
        if (auto* v = o.if_contains(k))
        {
            if (v->is_string())
                out = std::string(v->as_string());
            else
                fail(path + "." + std::string(k), "expected a string");
        }
    }
    void get(const json::object& o, std::string_view k, bool& out, const std::string& path)
    {
        if (auto* v = o.if_contains(k))
        {
            if (v->is_bool())
                out = v->as_bool();
            else
                fail(path + "." + std::string(k), "expected a boolean");
        }
    }
    void get(const json::object& o, std::string_view k, std::optional<bool>& out, const std::string& path)
    {
        if (o.contains(k))
        {
            bool b = false;
            get(o, k, b, path);
            out = b;
        }
    }
    template <class N>
    std::optional<N> number(const json::value& v, const std::string& path)
    {
        boost::system::error_code ec;
        N n = v.is_number() ? v.to_number<N>(ec) : N{};
        if (!v.is_number() || ec)
        {
            fail(path, "expected a number");
            return std::nullopt;
        }
        return n;
    }
    template <class N>
    void get(const json::object& o, std::string_view k, std::optional<N>& out, const std::string& path)
    {
        if (auto* v = o.if_contains(k))
            out = number<N>(*v, path + "." + std::string(k));
    }
    void get(const json::object& o, std::string_view k, std::uint64_t& out, const std::string& path)
    {
        std::optional<std::uint64_t> n;
        get(o, k, n, path);
        if (n)
            out = *n;
    }
    void get_time(
        const json::object& o,
        std::string_view k,
        std::optional<core::wall_time>& out,
        const std::string& path
    )
    {
        std::optional<std::int64_t> ns;
        get(o, k, ns, path);
        if (ns)
            out = from_ns(*ns);
    }

    void fail(std::string path, std::string what)
    {
        if (!failure)
            failure = path + ": " + what;
    }
};

std::optional<std::pair<job_key, job_state>> job_from_json(
    const json::value& v,
    const std::string& path,
    reader& r
)
{
    if (!v.is_object())
    {
        r.fail(path, "expected an object");
        return std::nullopt;
    }
    const auto& o = v.as_object();
    job_key key;
    r.get(o, "project", key.project, path);
    r.get(o, "job_id", key.job_id, path);
    if (key.project.empty() || key.job_id.empty())
    {
        r.fail(path, "project and job_id are required");
        return std::nullopt;
    }

    job_state s;
    if (auto* m = r.object(o, "metadata", path))
    {
        const auto mp = path + ".metadata";
        r.get(*m, "name", s.metadata.name, mp);
        r.get(*m, "db_use_type", s.metadata.db_use_type, mp);
        r.get(*m, "engine_type", s.metadata.engine_type, mp);
        r.get(*m, "task_type", s.metadata.task_type, mp);
        r.get(*m, "job_direction", s.metadata.job_direction, mp);
        r.get(*m, "parent_id", s.metadata.parent_id, mp);
        r.get(*m, "async_job_id", s.metadata.async_job_id, mp);
        r.get_time(*m, "created_ns", s.metadata.created, mp);
    }
    r.get(o, "status", s.status, path);
    r.get_time(o, "status_changed_at_ns", s.status_changed_at, path);
    r.get(o, "status_changes", s.status_changes, path);
    r.get(o, "progress_ratio", s.progress_ratio, path);
    if (auto* phases = r.object(o, "phases", path))
        for (const auto& kv : *phases)
            if (auto n = r.number<double>(kv.value(), path + ".phases." + std::string(kv.key())))
                s.phases[std::string(kv.key())] = *n;
    r.get(o, "delay_seconds", s.delay_seconds, path);
    r.get(o, "remaining_seconds", s.remaining_seconds, path);

    if (auto* pc = r.object(o, "precheck", path))
    {
        const auto pp = path + ".precheck";
        r.get(*pc, "present", s.precheck.present, pp);
        r.get(*pc, "complete", s.precheck.complete, pp);
        r.get(*pc, "passed", s.precheck.passed, pp);
        r.get(*pc, "passed_ratio", s.precheck.passed_ratio, pp);
        r.get(*pc, "progress_ratio", s.precheck.progress_ratio, pp);
        if (auto* items = pc->if_contains("items"))
        {
            if (!items->is_array())
                r.fail(pp + ".items", "expected an array");
            else
                for (std::size_t i = 0; i < items->as_array().size(); ++i)
                {
                    const auto& iv = items->as_array()[i];
                    const auto ip = pp + ".items[" + std::to_string(i) + "]";
                    if (!iv.is_object())
                    {
                        r.fail(ip, "expected an object");
                        continue;
                    }
                    precheck_item item;
                    r.get(iv.as_object(), "item", item.item, ip);
                    r.get(iv.as_object(), "group", item.group, ip);
                    r.get(iv.as_object(), "result", item.result, ip);
                    s.precheck.items.push_back(std::move(item));
                }
        }
    }

    if (auto* init = r.object(o, "init", path))
        for (const auto& kv : *init)
        {
            const auto ip = path + ".init." + std::string(kv.key());
            if (!kv.value().is_object())
            {
                r.fail(ip, "expected an object");
                continue;
            }
            const auto& io = kv.value().as_object();
            init_object obj;
            r.get(io, "status", obj.status, ip);
            r.get(io, "src_count", obj.src_count, ip);
            r.get(io, "dst_count", obj.dst_count, ip);
            r.get(io, "detail_complete", obj.detail_complete, ip);
            r.get(io, "detail_in_progress", obj.detail_in_progress, ip);
            s.init[std::string(kv.key())] = obj;
        }

    if (auto* node = r.object(o, "node", path))
    {
        const auto np = path + ".node";
        r.get(*node, "cpu_ratio", s.node.cpu_ratio, np);
        r.get(*node, "memory_ratio", s.node.memory_ratio, np);
        r.get(*node, "apply_rows_per_second", s.node.apply_rows_per_second, np);
        r.get(*node, "apply_transactions_per_second", s.node.apply_transactions_per_second, np);
        r.get(*node, "network_receive_bytes_per_second", s.node.network_receive_bytes_per_second, np);
        r.get(*node, "network_transmit_bytes_per_second", s.node.network_transmit_bytes_per_second, np);
        r.get(*node, "disk_read_bytes_per_second", s.node.disk_read_bytes_per_second, np);
        r.get(*node, "disk_write_bytes_per_second", s.node.disk_write_bytes_per_second, np);
    }
    if (auto* c = r.object(o, "collect", path))
    {
        r.get(*c, "status", s.collect.status, path + ".collect");
        r.get_time(*c, "last_success_ns", s.collect.last_success, path + ".collect");
        r.get(*c, "query_id", s.collect.query_id, path + ".collect");
    }
    if (auto* e = r.object(o, "api_error", path))
    {
        r.get(*e, "code", s.api_error.code, path + ".api_error");
        r.get(*e, "message_short", s.api_error.message_short, path + ".api_error");
    }
    r.get(o, "source", s.source, path);
    r.get_time(o, "last_refresh_ns", s.last_refresh, path);
    r.get_time(o, "last_change_ns", s.last_change, path);
    r.get(o, "stale", s.stale, path);
    return std::pair{std::move(key), std::move(s)};
}

core::error io_error(const std::string& path, const std::string& step, int err)
{
    return core::make_error(core::errc::io, path, step + ": " + std::strerror(err));
}

}  // namespace

namespace {

// Writes the state document to `out`; when `chunk` is not 0, hands it to sink(std::string_view)
// whenever more than `chunk` bytes are pending (and at the end), so the whole text never has to be
// in memory at once.
template <class Sink>
void write_state(
    const store& s,
    std::uint64_t next_event_seq,
    std::string& out,
    std::size_t chunk,
    Sink&& sink
)
{
    json_writer w(out);
    w.begin_object();
    w.key("format");
    w.string(format_name);
    w.key("version");
    w.int64(format_version);
    w.key("next_event_seq");
    w.uint64(next_event_seq);
    w.key("jobs");
    w.begin_array();
    s.for_each([&](const job_key& k, const job_state& st) {
        write_job(w, k, st);
        if (chunk != 0 && w.size() > chunk)
            w.drain(sink);
    });
    w.end_array();
    w.end_object();
    if (chunk != 0)
        w.drain(sink);
    w.finish();
}

}  // namespace

std::string serialize_state(const store& s, std::uint64_t next_event_seq)
{
    std::string text;
    write_state(s, next_event_seq, text, 0, [](std::string_view) {});
    return text;
}

namespace {

// Boost.JSON 1.81 reads numbers with a fast algorithm that is not always correctly rounded (there
// is no number_precision::precise before 1.82): "3.3E50", the shortest text of a double, reads
// back one unit in the last place off, so the value would drift with every save and load. The
// state file and the journal are therefore read by Boost.JSON's parser with a handler that builds
// the same document but reads each double from its text with std::from_chars (correctly rounded),
// so that what the writer wrote comes back exactly (tests/fuzz/state_file.cpp checks the fixed point).
class exact_handler
{
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    json::value_stack st;

    bool on_document_begin(boost::system::error_code&)
    {
        st.reset();
        return true;
    }
    bool on_document_end(boost::system::error_code&) { return true; }
    bool on_object_begin(boost::system::error_code&) { return true; }
    bool on_object_end(std::size_t n, boost::system::error_code&)
    {
        st.push_object(n);
        return true;
    }
    bool on_array_begin(boost::system::error_code&) { return true; }
    bool on_array_end(std::size_t n, boost::system::error_code&)
    {
        st.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&)
    {
        st.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, boost::system::error_code&)
    {
        st.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&)
    {
        st.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, boost::system::error_code&)
    {
        st.push_string(s);
        return true;
    }
    bool on_number_part(json::string_view s, boost::system::error_code&)
    {
        number_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, boost::system::error_code&)
    {
        number_.clear();
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, boost::system::error_code&)
    {
        number_.clear();
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, json::string_view s, boost::system::error_code&)
    {
        number_.append(s.data(), s.size());
        double exact = 0;
        const auto* const end = number_.data() + number_.size();
        const auto r = std::from_chars(number_.data(), end, exact);
        // Out of range (an exponent beyond the double's): keep what Boost.JSON made of it.
        st.push_double(r.ec == std::errc{} && r.ptr == end ? exact : d);
        number_.clear();
        return true;
    }
    bool on_bool(bool b, boost::system::error_code&)
    {
        st.push_bool(b);
        return true;
    }
    bool on_null(boost::system::error_code&)
    {
        st.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
    bool on_comment(json::string_view, boost::system::error_code&) { return true; }

private:
    std::string number_;
};

// json::parse with doubles read exactly (see exact_handler).
json::value parse_exact(std::string_view text, boost::system::error_code& ec)
{
    json::basic_parser<exact_handler> p{json::parse_options{}};
    const auto n = p.write_some(false, text.data(), text.size(), ec);
    if (!ec && n != text.size())
        ec = json::error::extra_data;
    if (ec)
        return nullptr;
    return p.handler().st.release();
}

}  // namespace

core::result<loaded_state> parse_state(std::string_view text, const std::string& origin)
{
    boost::system::error_code ec;
    json::value v = parse_exact(text, ec);
    if (ec)
        return core::make_error(core::errc::bad_response, origin, "not valid JSON: " + ec.message());
    if (!v.is_object())
        return core::make_error(core::errc::bad_response, origin, "expected a JSON object", "$");
    const auto& doc = v.as_object();
    auto* fmt = doc.if_contains("format");
    if (!fmt || !fmt->is_string() || fmt->as_string() != format_name)
        return core::make_error(core::errc::bad_response, origin, "not a drs-monitor state file", "$.format");
    auto* ver = doc.if_contains("version");
    if (!ver || !ver->is_int64() || ver->as_int64() != format_version)
        return core::make_error(
            core::errc::bad_response,
            origin,
            "unsupported state file version",
            "$.version"
        );

    reader r;
    loaded_state out;
    r.get(doc, "next_event_seq", out.next_event_seq, "$");
    auto* jobs = doc.if_contains("jobs");
    if (!jobs || !jobs->is_array())
        return core::make_error(core::errc::bad_response, origin, "expected an array", "$.jobs");
    for (std::size_t i = 0; i < jobs->as_array().size(); ++i)
    {
        if (auto job = job_from_json(jobs->as_array()[i], "$.jobs[" + std::to_string(i) + "]", r))
            out.jobs.upsert(job->first, std::move(job->second));
        if (r.failure)
            break;
    }
    if (r.failure)
    {
        const auto colon = r.failure->find(": ");
        return core::make_error(
            core::errc::bad_response,
            origin,
            r.failure->substr(colon + 2),
            r.failure->substr(0, colon)
        );
    }
    return out;
}

// Writes all of `text` to `fd`, retrying on EINTR and short writes. Returns 0 or the errno.
static int write_all(int fd, std::string_view text)
{
    std::size_t written = 0;
    while (written < text.size())
    {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0)
        {
            if (errno == EINTR)
                continue;
            return errno;
        }
        written += static_cast<std::size_t>(n);
    }
    return 0;
}

core::result<void> save(const store& s, std::uint64_t next_event_seq, const std::string& path)
{
    const std::string tmp = path + ".tmp";

    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return io_error(tmp, "open", errno);
    // Written in chunks of about 256 kB as it is produced: the whole document (megabytes at
    // thousands of jobs) is never held in memory.
    std::string buffer;
    int write_error = 0;
    write_state(s, next_event_seq, buffer, 256 * 1024, [&](std::string_view chunk) {
        if (write_error == 0)
            write_error = write_all(fd, chunk);
    });
    if (const int err = write_error; err != 0)
    {
        ::close(fd);
        ::unlink(tmp.c_str());
        return io_error(tmp, "write", err);
    }
    if (::fsync(fd) != 0)
    {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return io_error(tmp, "fsync", err);
    }
    if (::close(fd) != 0)
    {
        const int err = errno;
        ::unlink(tmp.c_str());
        return io_error(tmp, "close", err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0)
    {
        const int err = errno;
        ::unlink(tmp.c_str());
        return io_error(path, "rename", err);
    }
    // The rename is durable only once the directory entry is on disk.
    std::string dir = fs::path(path).parent_path().string();
    if (dir.empty())
        dir = ".";
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return io_error(dir, "open directory", errno);
    const int rc = ::fsync(dfd);
    const int err = errno;
    ::close(dfd);
    if (rc != 0)
        return io_error(dir, "fsync directory", err);
    return {};
}

core::result<loaded_state> load(const std::string& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        return core::make_error(core::errc::not_found, path, "no state file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return core::make_error(core::errc::io, path, "cannot open for reading");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad())
        return core::make_error(core::errc::io, path, "read failed");
    return parse_state(buf.str(), path);
}

core::result<std::string> move_aside(const std::string& path, core::wall_time now)
{
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    const std::string target = path + ".corrupt-" + stamp;
    if (::rename(path.c_str(), target.c_str()) != 0)
        return io_error(path, "rename to " + target, errno);
    return target;
}

core::result<void> append_journal(
    const store& s,
    const std::vector<job_key>& keys,
    std::uint64_t next_event_seq,
    const std::string& path
)
{
    if (keys.empty())
        return {};
    std::string text;
    for (const auto& k : keys)
    {
        json_writer w(text);
        w.begin_object();
        w.key("next_event_seq");
        w.uint64(next_event_seq);
        if (const auto* st = s.find(k))
        {
            w.key("job");
            write_job(w, k, *st);
        }
        else
        {
            w.key("removed");
            w.begin_object();
            w.key("project");
            w.string(k.project);
            w.key("job_id");
            w.string(k.job_id);
            w.end_object();
        }
        w.end_object();
        w.finish();
        text += '\n';
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return io_error(path, "open", errno);
    if (const int err = write_all(fd, text); err != 0)
    {
        ::close(fd);
        return io_error(path, "write", err);
    }
    if (::close(fd) != 0)
        return io_error(path, "close", errno);
    return {};
}

std::size_t replay_journal(const std::string& path, loaded_state& into)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return 0;
    const std::uint64_t saved_seq = into.next_event_seq;
    std::size_t applied = 0;
    for (std::string text; std::getline(in, text);)
    {
        boost::system::error_code ec;
        json::value v = parse_exact(text, ec);
        if (ec || !v.is_object())
            break;
        const auto& o = v.as_object();
        reader r;
        std::uint64_t seq = 0;
        r.get(o, "next_event_seq", seq, "$");
        if (r.failure)
            break;
        if (seq <= saved_seq)
            continue;
        if (const auto* job = o.if_contains("job"))
        {
            auto parsed = job_from_json(*job, "$.job", r);
            if (!parsed || r.failure)
                break;
            into.jobs.upsert(parsed->first, std::move(parsed->second));
        }
        else if (const auto* removed = o.if_contains("removed"); removed && removed->is_object())
        {
            const auto* p = removed->as_object().if_contains("project");
            const auto* j = removed->as_object().if_contains("job_id");
            if (!p || !j || !p->is_string() || !j->is_string())
                break;
            into.jobs.erase({std::string(p->as_string()), std::string(j->as_string())});
        }
        else
        {
            break;
        }
        into.next_event_seq = std::max(into.next_event_seq, seq);
        ++applied;
    }
    return applied;
}

core::result<void> clear_journal(const std::string& path)
{
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return io_error(path, "unlink", errno);
    return {};
}

}  // namespace drsmon::state
