// The YAML configuration loader on arbitrary text, with a fixed fake environment so that
// ${VAR}-style lookups and endpoint overrides are exercised without the process environment.
// Contract checked (config.hpp): never throws; every failure is errc::config.

#include "drsmon/config/config.hpp"

#include "fuzz_common.hpp"

#include <map>
#include <optional>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::map<std::string, std::string, std::less<>> vars = {
        {"DRS_AK", "FUZZACCESSKEY0000001"},
        {"DRS_SK", "fuzz-secret"},
        {"DRS_TOKEN", "fuzz-token"},
        {"DRS_PASSWORD", "fuzz-password"},
        {"HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.example.test"},
        {"HUAWEICLOUD_SDK_DRS_ENDPOINT", "https://drs.example.test"},
        {"EMPTY", ""},
    };
    const drsmon::config::env_lookup env = [](std::string_view name) -> std::optional<std::string> {
        if (const auto it = vars.find(name); it != vars.end())
            return it->second;
        return std::nullopt;
    };
    const auto r = drsmon::config::load_string(
        drsmon::fuzz::as_view(data, size),
        "/etc/drs-monitor/fuzz.yml",
        env
    );
    if (!r.has_value())
        DRSMON_FUZZ_CHECK(r.error().kind() == drsmon::core::errc::config);
    return 0;
}
