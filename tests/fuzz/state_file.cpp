// The persisted state: state.json (parse_state) and events.jsonl lines (from_json_line), both
// read back after a crash or an operator's edit. Input: the whole text goes to parse_state, and
// each line to from_json_line.
// Properties checked: what parses also re-serialises to a document that parses to the same text
// (serialize_state / to_json_line are fixed points after one round).

#include "drsmon/state/event_log.hpp"
#include "drsmon/state/persist.hpp"

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace state = drsmon::state;
    const auto text = drsmon::fuzz::as_view(data, size);

    if (auto s = state::parse_state(text, "fuzz"))
    {
        const auto once = state::serialize_state(s->jobs, s->next_event_seq);
        auto again = state::parse_state(once, "fuzz");
        DRSMON_FUZZ_CHECK(again.has_value());
        DRSMON_FUZZ_CHECK(state::serialize_state(again->jobs, again->next_event_seq) == once);
    }
    else
    {
        DRSMON_FUZZ_CHECK(s.error().kind() == drsmon::core::errc::bad_response);
    }

    for (const auto line : drsmon::fuzz::split(text, '\n', 64))
    {
        if (auto e = state::from_json_line(line))
        {
            const auto once = state::to_json_line(*e);
            auto again = state::from_json_line(once);
            DRSMON_FUZZ_CHECK(again.has_value());
            DRSMON_FUZZ_CHECK(state::to_json_line(*again) == once);
            (void)state::to_logfmt(*e);
        }
    }
    return 0;
}
