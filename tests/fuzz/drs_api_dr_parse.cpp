// The parsers of the disaster-recovery reads (dr_parse.hpp) on arbitrary bytes. Contract checked:
// never throws, never crashes, every failure is errc::bad_response naming the API, and no figure
// that parsed is negative, NaN or infinite (absent is std::nullopt, never a fake value).

#include "drsmon/drs_api/dr_parse.hpp"

#include "fuzz_common.hpp"

#include <cmath>
#include <optional>

namespace {

namespace api = drsmon::drs_api;

template <class Result>
bool check_error(const Result& r)
{
    if (!r.has_value())
    {
        DRSMON_FUZZ_CHECK(r.error().kind() == drsmon::core::errc::bad_response);
        DRSMON_FUZZ_CHECK(!r.error().where.empty());
        DRSMON_FUZZ_CHECK(!r.error().path.empty());
        return false;
    }
    return true;
}

void check_figure(const std::optional<double>& v)
{
    if (v)
        DRSMON_FUZZ_CHECK(std::isfinite(*v) && *v >= 0);
}

void check_side(const api::dr_side& s)
{
    check_figure(s.delay_seconds);
    check_figure(s.rows_per_second);
    check_figure(s.io);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto body = drsmon::fuzz::as_view(data, size);
    check_figure(api::parse_delay_text(body));
    if (const auto r = api::parse_batch_rpo_rto(body); check_error(r))
    {
        for (const auto& j : r->results)
        {
            if (j.rpo)
                check_figure(j.rpo->delay_seconds);
            if (j.rto)
                check_figure(j.rto->delay_seconds);
        }
    }
    if (const auto r = api::parse_dr_monitoring(body); check_error(r))
    {
        for (const auto& j : r->results)
        {
            if (!j.monitor)
                continue;
            check_side(j.monitor->source);
            check_side(j.monitor->target);
            check_figure(j.monitor->cpu_used_ratio);
            check_figure(j.monitor->memory_used_bytes);
            check_figure(j.monitor->volume_used_bytes);
            check_figure(j.monitor->node_memory_bytes);
            check_figure(j.monitor->node_volume_bytes);
            check_figure(j.monitor->transferred_bytes);
        }
    }
    if (const auto r = api::parse_increment_components(body); check_error(r))
    {
        for (const auto& c : r->components)
            check_figure(c.delay_seconds);
    }
    check_error(api::parse_job_actions(body));
    return 0;
}
