#include "drsmon/sim/world.hpp"

#include "world_detail.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace drsmon::sim {

namespace {

using detail::db_names;
using detail::splitmix64;

std::uint64_t fnv1a(std::string_view s)
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s)
    {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

bool is_incremental(std::string_view status)
{
    return status == "INCRE_TRANSFER_STARTED" || status == "INCRE_TRANSFER_FAILED";
}

}  // namespace

std::string percent_string(double v, bool with_percent)
{
    int n = static_cast<int>(std::floor(std::clamp(v, 0.0, 100.0)));
    return std::to_string(n) + (with_percent ? "%" : "");
}

world::world(world_options opts, const core::clock& clock)
    : opts_(std::move(opts)),
      clock_(clock),
      epoch_(opts_.epoch.value_or(clock.now())),
      mono_start_(clock.mono_now()),
      rng_state_(opts_.seed ^ 0x5d5d5d5d12345678ULL)
{
    generate();
}

double world::now() const
{
    std::chrono::duration<double> elapsed = clock_.mono_now() - mono_start_;
    return offset_ + elapsed.count() * opts_.speed;
}

core::wall_time world::wall_at(double t) const
{
    return epoch_ + std::chrono::duration_cast<core::wall_time::duration>(std::chrono::duration<double>(t));
}

void world::advance(std::chrono::duration<double> d)
{
    if (d.count() > 0)
        offset_ += d.count();
}

void world::set_speed(double speed)
{
    offset_ = now();
    mono_start_ = clock_.mono_now();
    opts_.speed = std::max(0.0, speed);
}

const job_spec* world::find(std::string_view id) const
{
    auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const job_spec& j) { return j.id == id; });
    return it == jobs_.end() ? nullptr : &*it;
}

const async_batch* world::find_batch(std::string_view id) const
{
    auto it = std::find_if(batches_.begin(), batches_.end(), [&](const async_batch& b) {
        return b.id == id;
    });
    return it == batches_.end() ? nullptr : &*it;
}

std::string world::add_job(job_spec spec)
{
    if (spec.id.empty())
        spec.id = make_id();
    if (spec.name.empty())
        spec.name = "DRS-" + spec.id.substr(0, 8);
    if (spec.db_password.empty())
        spec.db_password = "sim-db-password-" + spec.id.substr(0, 8);
    std::stable_sort(spec.timeline.begin(), spec.timeline.end(), [](const keyframe& a, const keyframe& b) {
        return a.at < b.at;
    });
    std::string id = spec.id;
    auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const job_spec& j) { return j.id == id; });
    if (it != jobs_.end())
        *it = std::move(spec);
    else
        jobs_.push_back(std::move(spec));
    return id;
}

bool world::remove_job(std::string_view id)
{
    auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const job_spec& j) { return j.id == id; });
    if (it == jobs_.end())
        return false;
    jobs_.erase(it);
    return true;
}

bool world::set_now(std::string_view id, keyframe k)
{
    auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const job_spec& j) { return j.id == id; });
    if (it == jobs_.end())
        return false;
    double t = now();
    // Freeze the interpolated progress at its current value so the job stays where it is.
    if (!k.progress)
        k.progress = snapshot(*it, t).progress;
    k.at = t;
    auto& tl = it->timeline;
    tl.erase(std::remove_if(tl.begin(), tl.end(), [&](const keyframe& f) { return f.at > t; }), tl.end());
    tl.push_back(std::move(k));
    return true;
}

void world::add_batch(async_batch b)
{
    if (b.id.empty())
        b.id = make_id("as501");
    batches_.push_back(std::move(b));
}

job_snapshot world::snapshot(const job_spec& job, std::optional<double> at) const
{
    double t = at.value_or(now());
    job_snapshot s;
    s.status = "CREATING";
    s.updated = job.created_at;
    double delay = 0, jitter = 0;
    bool delay_na = false;
    std::size_t i = 0;
    double progress_at = job.created_at;
    for (; i < job.timeline.size() && job.timeline[i].at <= t; ++i)
    {
        const keyframe& k = job.timeline[i];
        if (k.status)
        {
            s.status = *k.status;
            if (s.status == "STARTJOBING" && !s.started)
                s.started = k.at;
            if (s.status == "FULL_TRANSFER_STARTED" && !s.full_start)
                s.full_start = k.at;
            if (s.status == "FULL_TRANSFER_COMPLETE" && !s.full_end)
                s.full_end = k.at;
            if (s.status == "INCRE_TRANSFER_STARTED" && !s.incr_start)
            {
                s.incr_start = k.at;
                if (s.full_start && !s.full_end)
                    s.full_end = k.at;
            }
        }
        if (k.progress)
        {
            s.progress = *k.progress;
            progress_at = k.at;
        }
        if (k.delay)
        {
            delay_na = *k.delay < 0;
            delay = *k.delay;
        }
        if (k.delay_jitter)
            jitter = *k.delay_jitter;
        if (k.error_code)
            s.error_code = *k.error_code;
        if (k.error_message)
            s.error_message = *k.error_message;
        s.updated = k.at;
    }
    // Progress grows linearly towards the next keyframe's value while the full phase runs.
    if (s.status == "FULL_TRANSFER_STARTED")
    {
        for (std::size_t j = i; j < job.timeline.size(); ++j)
        {
            const keyframe& next = job.timeline[j];
            if (!next.progress)
                continue;
            double span = next.at - progress_at;
            if (span > 0)
            {
                s.progress += (*next.progress - s.progress) * std::clamp((t - progress_at) / span, 0.0, 1.0);
                s.remaining = std::max(0.0, next.at - t);
            }
            break;
        }
    }
    s.progress = std::clamp(s.progress, 0.0, 100.0);
    if (s.status == "FULL_TRANSFER_COMPLETE" || s.incr_start)
        s.progress = std::max(s.progress, s.full_start || s.incr_start ? 100.0 : s.progress);
    bool incremental = is_incremental(s.status) || (s.incr_start && s.status == "PAUSING");
    if (incremental && !delay_na)
    {
        // New noise every 10 simulated seconds: fluctuates, yet is the same for the same seed.
        double n = noise(job.id, 1, static_cast<std::int64_t>(std::floor(t / 10)));
        s.delay = std::max(0.0, delay + jitter * (2 * n - 1));
    }
    if (job.precheck_start && t >= *job.precheck_start)
    {
        double d = std::max(job.precheck_duration, 1e-9);
        s.precheck_process = static_cast<int>(std::clamp((t - *job.precheck_start) / d, 0.0, 1.0) * 100);
    }
    return s;
}

std::vector<struct_progress> world::struct_process(const job_spec& job, std::optional<double> at) const
{
    double t = at.value_or(now());
    job_snapshot s = snapshot(job, t);
    std::vector<struct_progress> out;
    if (!s.full_start)
        return out;
    double p = s.full_end ? 100.0 : s.progress;
    // Types are initialised one after another, each taking an equal share of the full phase.
    double n = static_cast<double>(object_types.size());
    for (std::size_t i = 0; i < object_types.size(); ++i)
    {
        double lo = 100.0 * static_cast<double>(i) / n, hi = 100.0 * static_cast<double>(i + 1) / n;
        double f = std::clamp((p - lo) / (hi - lo), 0.0, 1.0);
        struct_progress sp;
        sp.type = object_types[i];
        sp.src_count = job.object_counts[i];
        sp.dst_count = static_cast<int>(std::floor(f * sp.src_count));
        sp.status = f >= 1.0 ? 2 : 1;
        sp.start = *s.full_start;
        if (sp.status == 2)
        {
            double span = s.full_end ? *s.full_end - *s.full_start
                                     : (t - *s.full_start) * hi / std::max(p, 1e-9);
            sp.end = *s.full_start + span * hi / 100.0;
        }
        out.push_back(std::move(sp));
    }
    return out;
}

std::vector<struct_item> world::struct_detail(
    const job_spec& job,
    std::string_view type,
    std::optional<double> at
) const
{
    std::vector<struct_item> out;
    auto pos = std::find(object_types.begin(), object_types.end(), type);
    if (pos == object_types.end())
        return out;
    std::size_t ti = static_cast<std::size_t>(pos - object_types.begin());
    auto process = struct_process(job, at);
    double f = 0;
    if (!process.empty())
    {
        const auto& sp = process[ti];
        // Finer than dst_count: the item being worked on shows a partial progress.
        job_snapshot s = snapshot(job, at);
        double p = s.full_end ? 100.0 : s.progress;
        double n = static_cast<double>(object_types.size());
        double lo = 100.0 * static_cast<double>(ti) / n, hi = 100.0 * static_cast<double>(ti + 1) / n;
        f = sp.status == 2 ? 1.0 : std::clamp((p - lo) / (hi - lo), 0.0, 1.0);
    }
    int count = job.object_counts[ti];
    int dbs = std::max(1, job.object_counts[0]);
    for (int j = 0; j < count; ++j)
    {
        struct_item it;
        it.progress = static_cast<int>(std::clamp((f * count - j) * 100.0, 0.0, 100.0));
        std::string db = std::string(db_names[static_cast<std::size_t>(j % dbs) % std::size(db_names)]);
        if (j % dbs >= static_cast<int>(std::size(db_names)))
            db += "_" + std::to_string(j % dbs);
        char name[64];
        if (type == "database")
            std::snprintf(name, sizeof name, "%s", db.c_str());
        else
            std::snprintf(name, sizeof name, "%s_%04d", std::string(type).c_str(), j + 1);
        it.src_db = db;
        it.src_tb = name;
        it.dst_db = db;
        it.dst_tb = name;
        out.push_back(std::move(it));
    }
    return out;
}

double world::noise(std::string_view job_id, std::uint64_t salt, std::int64_t bucket) const
{
    std::uint64_t st = opts_.seed ^ fnv1a(job_id) ^ (salt * 0x9e3779b97f4a7c15ULL) ^
                       (static_cast<std::uint64_t>(bucket) * 0xc2b2ae3d27d4eb4fULL);
    return static_cast<double>(splitmix64(st) >> 11) * 0x1.0p-53;
}

std::string world::make_id(std::string_view suffix)
{
    static const char hex[] = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 32; ++i)
    {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            id += '-';
        id += hex[splitmix64(rng_state_) & 15];
    }
    if (suffix.size() <= 12)
        id.replace(id.size() - suffix.size(), suffix.size(), suffix);
    return id;
}

}  // namespace drsmon::sim
