// Error-body classification on arbitrary replies. Input: byte 0 picks the API, bytes 1-2 the
// HTTP status (100..599); the rest is "request_id \0 retry_after \0 body".
// Contract checked (errors.hpp): total, where = the API name, http_status kept, detail bounded.

#include "drsmon/drs_api/api.hpp"
#include "drsmon/drs_api/errors.hpp"

#include "fuzz_common.hpp"

#include <chrono>
#include <iterator>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace api = drsmon::drs_api;
    using drsmon::core::errc;
    if (size < 3)
        return 0;
    constexpr auto n_apis = std::size(api::all_apis);
    const api::api which = api::all_apis[data[0] % n_apis];
    const int status = 100 + ((data[1] << 8) | data[2]) % 500;
    const auto parts = drsmon::fuzz::split(drsmon::fuzz::as_view(data + 3, size - 3), '\0', 3);

    // A fixed "now" keeps runs reproducible.
    const drsmon::core::wall_time now{std::chrono::seconds(1'700'000'000)};
    api::reply_view r;
    r.status = status;
    r.request_id = drsmon::fuzz::field(parts, 0);
    r.retry_after = drsmon::fuzz::field(parts, 1);
    r.body = drsmon::fuzz::field(parts, 2);

    const auto e = api::classify_failure(which, r, now);
    DRSMON_FUZZ_CHECK(e.http_status == status);
    DRSMON_FUZZ_CHECK(!e.where.empty());
    DRSMON_FUZZ_CHECK(e.detail.size() <= 1024);
    const auto k = e.kind();
    DRSMON_FUZZ_CHECK(
        k == errc::throttled || k == errc::auth || k == errc::not_found || k == errc::http_status
    );
    if (status == 429)
        DRSMON_FUZZ_CHECK(k == errc::throttled);

    if (const auto code = api::whole_batch_not_found(r.body))
        DRSMON_FUZZ_CHECK(api::is_not_found_code(*code));
    (void)api::parse_retry_after(r.retry_after, now);
    (void)api::is_failed_status(r.body);
    (void)api::is_terminal_status(r.body);
    return 0;
}
