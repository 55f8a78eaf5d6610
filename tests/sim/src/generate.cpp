// The generated account: the default (mixed) estate and the realistic one (world_options::estate).
#include "drsmon/sim/world.hpp"

#include "world_detail.hpp"

#include <algorithm>
#include <cstdio>

namespace drsmon::sim {

namespace {

using detail::db_names;
using detail::rng;

const char* const full_failure = "Full transfer failed: lost connection to the source database.";
const char* const
    incremental_failure = "Incremental transfer failed: the binlog of the source database was purged.";

keyframe* add_keyframe(job_spec& j, double at, std::string status)
{
    keyframe k;
    k.at = at;
    k.status = std::move(status);
    j.timeline.push_back(k);
    return &j.timeline.back();
}

// Use type, engine, task type, names and object counts. Every generator draws these first and in
// this order, so that the default estate stays the same for the same seed.
job_spec generate_identity(world& w, rng& r, int index)
{
    static const char* const use_types[] = {"migration", "sync", "cloudDataGuard", "migration"};
    job_spec j;
    j.db_use_type = use_types[index % 4];
    if (const auto& share = w.options().dr_percent)
    {
        // Exactly share % of every 100 consecutive indexes are DR jobs; the others migration or sync.
        const bool dr_job = (index + 1) * *share / 100 != index * *share / 100;
        j.db_use_type = dr_job ? "cloudDataGuard" : index % 2 == 0 ? "migration" : "sync";
    }
    bool dr = j.db_use_type == "cloudDataGuard";
    j.id = w.make_id(dr ? "jb502" : j.db_use_type == "sync" ? "jb201" : "jb101");
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
    return j;
}

// The standard items with up to three alarms.
void add_precheck_items(job_spec& j, rng& r)
{
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
}

void fail_precheck(job_spec& j, rng& r)
{
    int failed = r.integer(1, 3);
    for (int f = 0; f < failed; ++f)
    {
        auto& item = j.precheck_items[static_cast<std::size_t>(r.uniform() * j.precheck_items.size())];
        item.result = "FAILED";
        item.failed_reason = "CHECK_FAILED";
        item.data = "{\"reason\":\"simulated failure\"}";
    }
}

// Creation, configuration, a passed pre-check and STARTJOBING, ending just before `phase`, the
// start of the job's first transfer phase (incremental when `incremental`, else full).
void add_history(job_spec& j, rng& r, double phase, bool incremental)
{
    double t = phase;
    // An incremental phase that follows a full one: the full phase and its completion come first.
    if (incremental && j.task_type != "INCR_TRANS")
    {
        double full = j.db_use_type == "cloudDataGuard" ? r.between(300, 1800) : r.between(600, 3600);
        t -= r.between(30, 90);
        add_keyframe(j, t, "FULL_TRANSFER_COMPLETE")->progress = 100;
        t -= full;
        add_keyframe(j, t, "FULL_TRANSFER_STARTED")->progress = 0;
    }
    t -= r.between(20, 60);
    add_keyframe(j, t, "STARTJOBING");
    j.precheck_duration = r.between(30, 90);
    t -= r.between(30, 300) + j.precheck_duration;
    j.precheck_start = t;
    add_precheck_items(j, r);
    t -= 10;
    add_keyframe(j, t, "CONFIGURATION");
    t -= r.between(20, 60);
    j.created_at = t;
    add_keyframe(j, t, "CREATING")->delay = -1;
}

void start_incremental(job_spec& j, double at, double base)
{
    auto* incr = add_keyframe(j, at, "INCRE_TRANSFER_STARTED");
    incr->progress = 100;
    incr->delay = base;
    incr->delay_jitter = base * 0.8;
}

// Back to incremental after a failure: a catching-up delay for 10 minutes, then the usual one.
void recover_incremental(job_spec& j, rng& r, double at, double base)
{
    auto* rec = add_keyframe(j, at, "INCRE_TRANSFER_STARTED");
    rec->error_message = "";
    rec->delay = base + r.between(60, 300);
    keyframe back;
    back.at = at + 600;
    back.delay = base;
    j.timeline.push_back(back);
}

// Incidents of an incremental job from t until three simulated days: failures, pauses, delay
// spikes, and the end of the job (a release) in about one incident of twenty.
void add_incidents(job_spec& j, rng& r, double t, double base)
{
    while (t < 72 * 3600)
    {
        t += r.between(1800, 9000);
        double e = r.uniform();
        if (e < 0.15)
        {
            add_keyframe(j, t, "INCRE_TRANSFER_FAILED")->error_message = incremental_failure;
            t += r.between(300, 1800);
            recover_incremental(j, r, t, base);
            t += 600;
        }
        else if (e < 0.25)
        {
            add_keyframe(j, t, "PAUSING");
            t += r.between(300, 1200);
            add_keyframe(j, t, "INCRE_TRANSFER_STARTED");
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
            add_keyframe(j, t, "RELEASE_RESOURCE_STARTED")->delay = -1;
            add_keyframe(j, t + r.between(60, 180), "RELEASE_RESOURCE_COMPLETE");
            break;
        }
    }
}

}  // namespace

std::optional<estate_kind> parse_estate(std::string_view name)
{
    if (name == "mixed")
        return estate_kind::mixed;
    if (name == "realistic")
        return estate_kind::realistic;
    return std::nullopt;
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

void world::generate()
{
    for (int i = 0; i < opts_.jobs; ++i)
        add_job(opts_.estate == estate_kind::realistic ? generate_realistic_job(i) : generate_job(i));
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
    job_spec j = generate_identity(*this, r, index);
    bool dr = j.db_use_type == "cloudDataGuard";
    auto kf = [&](double at, std::string status) { return add_keyframe(j, at, std::move(status)); };

    // Jobs were created up to 4 simulated hours ago, so the account starts with a mix of phases.
    double t = -r.uniform() * 4 * 3600;
    j.created_at = t;
    kf(t, "CREATING")->delay = -1;
    t += r.between(20, 60);
    kf(t, "CONFIGURATION");
    j.precheck_start = t + 10;
    j.precheck_duration = r.between(30, 90);
    add_precheck_items(j, r);
    // About one job in eight stays in configuration with a failed pre-check.
    if (r.uniform() < 0.125)
    {
        fail_precheck(j, r);
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
            f->error_message = full_failure;
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
    start_incremental(j, t, base);
    add_incidents(j, r, t, base);
    return j;
}

job_spec world::generate_realistic_job(int index)
{
    rng r{rng_state_};
    job_spec j = generate_identity(*this, r, index);
    bool dr = j.db_use_type == "cloudDataGuard";
    auto kf = [&](double at, std::string status) { return add_keyframe(j, at, std::move(status)); };
    auto full_duration = [&] { return dr ? r.between(300, 1800) : r.between(600, 3600); };
    const double hour = 3600, day = 24 * hour;
    // The slot decides the phase at simulated time 0; times before 0 are the job's history.
    int slot = index % 20;
    if (slot < 8)
    {
        // Incremental for hours or days; incidents (failures, pauses, delay spikes, a release)
        // only from time 0 on, so that the share at time 0 is exact.
        if (j.task_type == "FULL_TRANS")
            j.task_type = "FULL_INCR_TRANS";
        double incr = -r.between(1 * hour, 14 * day);
        add_history(j, r, incr, true);
        double base = r.between(0.5, 8);
        start_incremental(j, incr, base);
        add_incidents(j, r, 0, base);
    }
    else if (slot < 10)
    {
        // Full transfer under way: started a fraction of its duration ago, then incremental.
        j.task_type = "FULL_INCR_TRANS";
        double full = full_duration();
        double start = -full * r.between(0.05, 0.9);
        add_history(j, r, start, false);
        kf(start, "FULL_TRANSFER_STARTED")->progress = 0;
        kf(start + full, "FULL_TRANSFER_COMPLETE")->progress = 100;
        double incr = start + full + r.between(30, 90);
        double base = r.between(0.5, 8);
        start_incremental(j, incr, base);
        add_incidents(j, r, incr, base);
    }
    else if (slot < 12)
    {
        // Being configured: created minutes ago, the pre-check running or done; started after a
        // review of up to an hour, unless the pre-check failed (one in eight, as in the default).
        double t = -r.between(60, 900);
        j.created_at = t;
        kf(t, "CREATING")->delay = -1;
        t += r.between(20, 60);
        kf(t, "CONFIGURATION");
        j.precheck_start = t + 10;
        j.precheck_duration = r.between(30, 90);
        add_precheck_items(j, r);
        if (r.uniform() < 0.125)
        {
            fail_precheck(j, r);
            return j;
        }
        t = std::max(*j.precheck_start + j.precheck_duration, 0.0) + r.between(600, hour);
        kf(t, "STARTJOBING");
        t += r.between(20, 60);
        if (j.task_type != "INCR_TRANS")
        {
            if (j.task_type == "FULL_TRANS")
                j.task_type = "FULL_INCR_TRANS";
            double full = full_duration();
            kf(t, "FULL_TRANSFER_STARTED")->progress = 0;
            t += full;
            kf(t, "FULL_TRANSFER_COMPLETE")->progress = 100;
            t += r.between(30, 90);
        }
        double base = r.between(0.5, 8);
        start_incremental(j, t, base);
        add_incidents(j, r, t, base);
    }
    else if (slot < 17)
    {
        // Finished hours to weeks ago and kept: slot 12 (a migration job by index % 4) is a full
        // migration left at FULL_TRANSFER_COMPLETE, the others were released after incremental.
        double end = -r.between(1 * hour, 21 * day);
        if (slot == 12)
        {
            j.task_type = "FULL_TRANS";
            double full = full_duration();
            add_history(j, r, end - full, false);
            kf(end - full, "FULL_TRANSFER_STARTED")->progress = 0;
            kf(end, "FULL_TRANSFER_COMPLETE")->progress = 100;
        }
        else
        {
            if (j.task_type == "FULL_TRANS")
                j.task_type = "FULL_INCR_TRANS";
            double release = end - r.between(60, 180);
            double incr = release - r.between(1 * hour, 7 * day);
            add_history(j, r, incr, true);
            start_incremental(j, incr, r.between(0.5, 8));
            kf(release, "RELEASE_RESOURCE_STARTED")->delay = -1;
            kf(end, "RELEASE_RESOURCE_COMPLETE");
        }
    }
    else if (slot < 19)
    {
        // Failed up to two hours ago and left so for 3 to 8 hours before someone retries it.
        double failed = -r.between(60, 2 * hour);
        double retry = failed + r.between(3 * hour, 8 * hour);
        double base = r.between(0.5, 8);
        if (slot == 17 && j.task_type != "INCR_TRANS")
        {
            j.task_type = "FULL_INCR_TRANS";
            double full = full_duration();
            double start = failed - full / 2;
            add_history(j, r, start, false);
            kf(start, "FULL_TRANSFER_STARTED")->progress = 0;
            auto* f = kf(failed, "FULL_TRANSFER_FAILED");
            f->progress = 50;
            f->error_message = full_failure;
            auto* rec = kf(retry, "FULL_TRANSFER_STARTED");
            rec->error_message = "";
            kf(retry + full / 2, "FULL_TRANSFER_COMPLETE")->progress = 100;
            double incr = retry + full / 2 + r.between(30, 90);
            start_incremental(j, incr, base);
            add_incidents(j, r, incr, base);
        }
        else
        {
            if (j.task_type == "FULL_TRANS")
                j.task_type = "FULL_INCR_TRANS";
            double incr = failed - r.between(1 * hour, 7 * day);
            add_history(j, r, incr, true);
            start_incremental(j, incr, base);
            kf(failed, "INCRE_TRANSFER_FAILED")->error_message = incremental_failure;
            recover_incremental(j, r, retry, base);
            add_incidents(j, r, retry + 600, base);
        }
    }
    else
    {
        // Paused during incremental minutes ago, resumed within two hours.
        if (j.task_type == "FULL_TRANS")
            j.task_type = "FULL_INCR_TRANS";
        double paused = -r.between(300, hour);
        double incr = paused - r.between(1 * hour, 7 * day);
        add_history(j, r, incr, true);
        double base = r.between(0.5, 8);
        start_incremental(j, incr, base);
        kf(paused, "PAUSING");
        double resume = r.between(600, 2 * hour);
        kf(resume, "INCRE_TRANSFER_STARTED");
        add_incidents(j, r, resume, base);
    }
    return j;
}

}  // namespace drsmon::sim
