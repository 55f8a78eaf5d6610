// Every parser of a successful DRS response body, on the same arbitrary bytes. The parsers share
// the JSON layer, so one corpus of real response bodies covers all of them. Contract checked
// (parse.hpp): never throws, never crashes, and every failure is errc::bad_response naming the API.

#include "drsmon/drs_api/parse.hpp"

#include "fuzz_common.hpp"

namespace {

template <class Result>
void check(const Result& r)
{
    if (!r.has_value())
    {
        DRSMON_FUZZ_CHECK(r.error().kind() == drsmon::core::errc::bad_response);
        DRSMON_FUZZ_CHECK(!r.error().where.empty());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace api = drsmon::drs_api;
    const auto body = drsmon::fuzz::as_view(data, size);
    check(api::parse_batch_status(body));
    check(api::parse_batch_progress(body));
    check(api::parse_batch_detail(body));
    check(api::parse_batch_precheck_result(body));
    check(api::parse_batch_struct_process(body));
    check(api::parse_batch_struct_detail(body));
    check(api::parse_job_list(body));
    check(api::parse_job_list_v5(body));
    check(api::parse_async_job_detail(body));
    check(api::parse_db_objects_collect(body));
    check(api::parse_collection_status(body));
    return 0;
}
