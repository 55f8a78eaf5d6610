#include "drsmon/sim/world.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace drsmon::sim {

namespace {

std::uint64_t splitmix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

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

// The generator draws from one stream so the same seed always gives the same account.
struct rng
{
    std::uint64_t& state;
    double uniform() { return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; }
    double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int integer(int lo, int hi) { return lo + static_cast<int>(uniform() * (hi - lo + 1)); }
    template <class T, std::size_t N>
    const T& pick(const T (&items)[N])
    {
        return items[static_cast<std::size_t>(uniform() * N)];
    }
};

bool is_incremental(std::string_view status)
{
    return status == "INCRE_TRANSFER_STARTED" || status == "INCRE_TRANSFER_FAILED";
}

const char* const db_names[] =
    {"orders", "billing", "crm", "inventory", "audit", "payments", "users", "catalog"};

}  // namespace

std::string percent_string(double v, bool with_percent)
{
    int n = static_cast<int>(std::floor(std::clamp(v, 0.0, 100.0)));
    return std::to_string(n) + (with_percent ? "%" : "");
}

std::vector<precheck_item> standard_precheck_items()
{
    // Item names and groups of the documented MySQL migration example, plus one network item.
    static const std::pair<const char*, const char*> items[] = {
        {"dstDbDiskSize", "db_disk_size"},
        {"checkIncreSrcDbExistedInDstDb", "db_params"},
        {"dbCharacterSetConsistency", "db_params"},
        {"dbClockConsistency", "db_params"},
        {"dbCollationServerConsistency", "db_params"},
        {"dbIsolationLevelConsistency", "db_params"},
        {"dbParamConsistency", "db_params"},
        {"dbServerUuidConsistency", "db_params"},
        {"dstMaxAllowedPacketCheck", "db_params"},
        {"hasForeignKeyOnUnselectedTable", "db_params"},
        {"innodbStrictModeConsistency", "db_params"},
        {"isUserRequireSslLink", "db_params"},
        {"sqlModeConsistency", "db_params"},
        {"sqlModeNoEngine", "db_params"},
        {"srcBinlogFormatCheck", "db_params"},
        {"srcBinlogRowImageCheck", "db_params"},
        {"srcDbBinlogExpireLogsDays", "db_params"},
        {"srcDbBinlogIsOff", "db_params"},
        {"srcDbExistUnsupportEngineTable", "db_params"},
        {"srcDbIndexKeyLength", "db_params"},
        {"srcDbNameContainsUnsupportedSymbols", "db_params"},
        {"srcDbServerIdCheck", "db_params"},
        {"srcDstTableNameCaseSensitiveCheck", "db_params"},
        {"srcHasNoPkTableWhenTgtHasInvisiblePk", "db_params"},
        {"srcRoutinesWithoutPrivilegeCheck", "db_params"},
        {"srcTableNameContainsNonAscii", "db_params"},
        {"srcTriggerAndEventCheck", "db_params"},
        {"srcViewNameContainsNonAscii", "db_params"},
        {"srclogSlaveUpdatesCheck", "db_params"},
        {"userRequirementIsEnoughForDefiner", "db_params"},
        {"userSelectObjectsCheck", "db_params"},
        {"dstStatusCheck", "db_target_status"},
        {"dstDbPrivilegesIsEnough", "db_user_privilege"},
        {"srcDbPrivilegesIsEnoughForIncre", "db_user_privilege"},
        {"dbVersionMeetRequirement", "db_version"},
        {"dstDbVersionSupport", "db_version"},
        {"srcDbVersionSupport", "db_version"},
        {"dstDbConnection", "network"},
        {"srcDbConnection", "network"},
        {"srcDbNetworkLatency", "network"},
    };
    std::vector<precheck_item> out;
    for (const auto& [item, group] : items)
        out.push_back({item, group, "PASSED", "", ""});
    return out;
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

void world::generate()
{
    for (int i = 0; i < opts_.jobs; ++i)
        add_job(opts_.estate == "realistic" ? generate_realistic_job(i) : generate_job(i));
    // Async batches (v5) group the generated jobs four by four.
    for (std::size_t i = 0; i < jobs_.size(); i += 4)
    {
        async_batch b;
        b.id = make_id("as501");
        for (std::size_t j = i; j < std::min(jobs_.size(), i + 4); ++j)
            b.job_ids.push_back(jobs_[j].id);
        batches_.push_back(std::move(b));
    }
}

job_spec world::generate_job(int index)
{
    rng r{rng_state_};
    static const char* const use_types[] = {"migration", "sync", "cloudDataGuard", "migration"};
    job_spec j;
    j.db_use_type = use_types[index % 4];
    bool dr = j.db_use_type == "cloudDataGuard";
    j.id = make_id(dr ? "jb502" : j.db_use_type == "sync" ? "jb201" : "jb101");
    if (j.db_use_type == "migration")
    {
        static const char* const engines[] = {"mysql", "mongodb", "redis-to-gaussredis", "postgresql"};
        j.engine_type = r.pick(engines);
        double m = r.uniform();
        j.task_type = m < 0.6 ? "FULL_INCR_TRANS" : m < 0.85 ? "FULL_TRANS" : "INCR_TRANS";
    }
    else if (j.db_use_type == "sync")
    {
        static const char* const engines[] = {
            "mysql",
            "oracle-to-gaussdbv5",
            "mysql-to-kafka",
            "gaussdbv5-to-mysql"};
        j.engine_type = r.pick(engines);
        j.task_type = r.uniform() < 0.8 ? "FULL_INCR_TRANS" : "INCR_TRANS";
    }
    else
    {
        static const char* const engines[] = {"mysql", "gaussdbv5"};
        j.engine_type = r.pick(engines);
        j.task_type = "FULL_INCR_TRANS";
    }
    static const char* const nets[] = {"eip", "vpc", "vpn"};
    static const char* const dirs[] = {"up", "up", "down", "non-dbs"};
    j.net_type = r.pick(nets);
    j.job_direction = r.pick(dirs);
    const char* db = db_names[static_cast<std::size_t>(r.uniform() * std::size(db_names))];
    const char* prefix = dr ? "dr" : j.db_use_type == "sync" ? "sync" : "mig";
    char name[96];
    std::snprintf(name, sizeof name, "%s-%s-%s-%02d", prefix, db, j.engine_type.c_str(), index + 1);
    j.name = name;
    j.description = std::string("simulated ") + j.db_use_type + " job for " + db;
    j.db_password = "sim-db-password-" + j.id.substr(0, 8);

    int dbs = r.integer(1, 5);
    int tables = r.integer(20, 300);
    j.object_counts = {
        dbs,
        j.engine_type == "gaussdbv5" ? dbs : 0,
        tables,
        tables,
        r.integer(10, 200),
        0,
        r.integer(0, 10),
        r.integer(0, 5),
        r.integer(0, 3)};

    auto kf = [&](double at, std::string status) {
        keyframe k;
        k.at = at;
        k.status = std::move(status);
        j.timeline.push_back(k);
        return &j.timeline.back();
    };

    // Jobs were created up to 4 simulated hours ago, so the account starts with a mix of phases.
    double t = -r.uniform() * 4 * 3600;
    j.created_at = t;
    kf(t, "CREATING")->delay = -1;
    t += r.between(20, 60);
    kf(t, "CONFIGURATION");
    j.precheck_start = t + 10;
    j.precheck_duration = r.between(30, 90);
    j.precheck_items = standard_precheck_items();
    static const char* const alarms[] = {
        "SRC_HAS_TTL_INDEXES",
        "SRC_BINLOG_EXPIRE_TOO_SHORT",
        "DST_DISK_SIZE_SMALL"};
    int alarm_count = r.integer(0, 3);
    for (int a = 0; a < alarm_count; ++a)
    {
        auto& item = j.precheck_items[static_cast<std::size_t>(r.uniform() * j.precheck_items.size())];
        item.result = "ALARM";
        item.failed_reason = r.pick(alarms);
    }
    // About one job in eight stays in configuration with a failed pre-check.
    if (r.uniform() < 0.125)
    {
        int failed = r.integer(1, 3);
        for (int f = 0; f < failed; ++f)
        {
            auto& item = j.precheck_items[static_cast<std::size_t>(r.uniform() * j.precheck_items.size())];
            item.result = "FAILED";
            item.failed_reason = "CHECK_FAILED";
            item.data = "{\"reason\":\"simulated failure\"}";
        }
        return j;
    }
    t = *j.precheck_start + j.precheck_duration + r.between(30, 300);
    kf(t, "STARTJOBING");
    t += r.between(20, 60);
    if (j.task_type != "INCR_TRANS")
    {
        double full = dr ? r.between(300, 1800) : r.between(600, 3600);
        kf(t, "FULL_TRANSFER_STARTED")->progress = 0;
        if (r.uniform() < 0.1)
        {
            // A full-phase failure half-way, recovered after a while.
            t += full / 2;
            auto* f = kf(t, "FULL_TRANSFER_FAILED");
            f->progress = 50;
            f->error_message = "Full transfer failed: lost connection to the source database.";
            t += r.between(600, 1800);
            auto* rec = kf(t, "FULL_TRANSFER_STARTED");
            rec->error_message = "";
            full /= 2;
        }
        t += full;
        kf(t, "FULL_TRANSFER_COMPLETE")->progress = 100;
        if (j.task_type == "FULL_TRANS")
        {
            if (r.uniform() < 0.3)
            {
                t += r.between(600, 3600);
                kf(t, "RELEASE_RESOURCE_STARTED");
                kf(t + r.between(60, 180), "RELEASE_RESOURCE_COMPLETE");
            }
            return j;
        }
        t += r.between(30, 90);
    }
    double base = r.between(0.5, 8);
    auto* incr = kf(t, "INCRE_TRANSFER_STARTED");
    incr->progress = 100;
    incr->delay = base;
    incr->delay_jitter = base * 0.8;
    // Incidents over the next three simulated days.
    while (t < 72 * 3600)
    {
        t += r.between(1800, 9000);
        double e = r.uniform();
        if (e < 0.15)
        {
            auto* f = kf(t, "INCRE_TRANSFER_FAILED");
            f->error_message = "Incremental transfer failed: the binlog of the source database was purged.";
            t += r.between(300, 1800);
            auto* rec = kf(t, "INCRE_TRANSFER_STARTED");
            rec->error_message = "";
            rec->delay = base + r.between(60, 300);  // catching up after recovery
            keyframe back;
            back.at = t + 600;
            back.delay = base;
            j.timeline.push_back(back);
            t += 600;
        }
        else if (e < 0.25)
        {
            kf(t, "PAUSING");
            t += r.between(300, 1200);
            kf(t, "INCRE_TRANSFER_STARTED");
        }
        else if (e < 0.35)
        {
            keyframe spike;
            spike.at = t;
            spike.delay = r.between(120, 900);
            j.timeline.push_back(spike);
            keyframe back;
            back.at = t + 600;
            back.delay = base;
            j.timeline.push_back(back);
            t += 600;
        }
        else if (e < 0.40)
        {
            kf(t, "RELEASE_RESOURCE_STARTED")->delay = -1;
            kf(t + r.between(60, 180), "RELEASE_RESOURCE_COMPLETE");
            break;
        }
    }
    return j;
}

job_spec world::generate_realistic_job(int index)
{
    // Identity, objects and pre-check items as in the default estate; the life cycle by slot.
    job_spec j = generate_job(index);
    rng r{rng_state_};
    j.timeline.clear();
    auto kf = [&](double at, std::string status) {
        keyframe k;
        k.at = at;
        k.status = std::move(status);
        j.timeline.push_back(k);
        return &j.timeline.back();
    };
    const int slot = index % 20;
    double t = -r.between(6, 72) * 3600;
    j.created_at = t;
    kf(t, "CREATING")->delay = -1;
    kf(t + 30, "CONFIGURATION");
    j.precheck_start = t + 40;
    j.precheck_duration = 60;
    if (slot == 10 || slot == 11)
    {
        // Configuring: created lately, its pre-check done or running.
        t = -r.between(60, 3600);
        j.timeline.clear();
        j.created_at = t;
        kf(t, "CREATING")->delay = -1;
        kf(t + 30, "CONFIGURATION");
        j.precheck_start = t + 40;
        j.precheck_duration = r.between(30, 600);
        return j;
    }
    kf(t + 300, "STARTJOBING");
    if (slot == 8 || slot == 9)
    {
        // Full transfer under way; it goes incremental later.
        const double started = -r.between(60, 1800);
        kf(started, "FULL_TRANSFER_STARTED")->progress = 0;
        const double done = r.between(1800, 7200);
        kf(done, "FULL_TRANSFER_COMPLETE")->progress = 100;
        auto* incr = kf(done + 60, "INCRE_TRANSFER_STARTED");
        incr->progress = 100;
        incr->delay = r.between(0.5, 8);
        return j;
    }
    kf(t + 360, "FULL_TRANSFER_STARTED")->progress = 0;
    kf(t + 1800, "FULL_TRANSFER_COMPLETE")->progress = 100;
    if ((slot == 15 || slot == 16) && j.db_use_type == "migration")
    {
        j.task_type = "FULL_TRANS";  // a full-only migration, done
        return j;
    }
    const double base = r.between(0.5, 8);
    auto* incr = kf(t + 1900, "INCRE_TRANSFER_STARTED");
    incr->progress = 100;
    incr->delay = base;
    incr->delay_jitter = base * 0.8;
    if (slot >= 12 && slot <= 16)
    {
        // Ended and released hours ago.
        const double ended = -r.between(3600, 5 * 3600);
        kf(ended, "RELEASE_RESOURCE_STARTED")->delay = -1;
        kf(ended + r.between(60, 180), "RELEASE_RESOURCE_COMPLETE");
        return j;
    }
    if (slot == 17 || slot == 18)
    {
        // Failed a while ago and left so until someone retries it hours later.
        auto* f = kf(
            -r.between(600, 5 * 3600),
            slot == 17 ? "INCRE_TRANSFER_FAILED" : "FULL_TRANSFER_FAILED"
        );
        f->error_message = slot == 17
                               ? "Incremental transfer failed: the binlog of the source database was purged."
                               : "Full transfer failed: lost connection to the source database.";
        auto* rec = kf(r.between(6, 24) * 3600, "INCRE_TRANSFER_STARTED");
        rec->error_message = "";
        return j;
    }
    if (slot == 19)
    {
        // Paused by an operator; resumed later.
        kf(-r.between(300, 3600), "PAUSING");
        kf(r.between(1800, 7200), "INCRE_TRANSFER_STARTED");
        return j;
    }
    // Incremental, with an incident now and then.
    if (r.uniform() < 0.3)
    {
        const double at = r.between(600, 7200);
        auto* f = kf(at, "INCRE_TRANSFER_FAILED");
        f->error_message = "Incremental transfer failed: the binlog of the source database was purged.";
        auto* rec = kf(at + r.between(300, 1800), "INCRE_TRANSFER_STARTED");
        rec->error_message = "";
    }
    return j;
}

}  // namespace drsmon::sim
