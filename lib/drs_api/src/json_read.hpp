#pragma once

// Private helpers shared by the parsers: tolerant field readers over boost::json
// values, and a lazily rendered JSON path for error messages.

#include "drsmon/core/error.hpp"
#include "drsmon/drs_api/api.hpp"
#include "drsmon/drs_api/models.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace drsmon::drs_api::detail {

namespace json = boost::json;

// A JSON path kept as a chain of stack frames; rendered ("$.results[2].status") only
// when an error is reported, so the happy path never allocates for it.
struct jpath
{
    static constexpr std::size_t no_index = static_cast<std::size_t>(-1);

    const jpath* parent = nullptr;
    std::string_view key;
    std::size_t index = no_index;

    // Children point at their parent: never derive one from a temporary.
    jpath child(std::string_view k) const& noexcept { return jpath{this, k, no_index}; }
    jpath at(std::size_t i) const& noexcept { return jpath{this, {}, i}; }
    jpath child(std::string_view k) const&& = delete;
    jpath at(std::size_t i) const&& = delete;
    std::string str() const;
};

// "$", the parent of every path.
inline constexpr jpath root_path{};

// Numeric text as the API sends it: a JSON number, or a string with optional spaces and
// an optional trailing '%'. Nullopt for anything else, NaN or infinity.
std::optional<double> to_number(const json::value& v) noexcept;

// Parses "12", " 12.5 % ", "-1" (no JSON involved).
std::optional<double> parse_number_text(std::string_view s) noexcept;

// A timestamp: epoch milliseconds as a number or digit string, or ISO 8601
// ("2022-11-07T16:15:18Z", "2020-09-01 18:50:20.200", with optional offset; no offset
// means UTC). 0 and negative values mean unset.
std::optional<core::wall_time> to_time(const json::value& v) noexcept;

// Reads one response document. The first failure is recorded; after it every reader
// returns empty values, and the parser returns take_error().
class reader
{
public:
    explicit reader(api which) noexcept : which_(which) {}

    bool ok() const noexcept { return !error_.has_value(); }
    void fail(const jpath& at, std::string_view detail);
    core::error take_error();

    // The value of key: exact match first, then a case-insensitive match
    // ("src_DB" / "src_db"). Null when absent.
    static const json::value* find(const json::object& o, std::string_view key) noexcept;
    // The first present, non-null key of the list.
    static const json::value* find_any(
        const json::object& o,
        std::initializer_list<std::string_view> keys
    ) noexcept;

    // The root object of the document, or a recorded failure.
    const json::object* root(const json::value& v);

    // A required list: missing or wrong type is a failure, null is an empty list.
    const json::array* required_array(const json::object& o, std::string_view key, const jpath& at);
    // An optional list: absent or null gives nullptr, a non-array is a failure.
    const json::array* optional_array(const json::object& o, std::string_view key, const jpath& at);
    // An optional object: absent or null gives nullptr, a non-object is a failure.
    const json::object* optional_object(const json::object& o, std::string_view key, const jpath& at);
    // An element of a list that must be an object.
    const json::object* element(const json::value& v, const jpath& at);

    // A string whose type is checked: absent or null gives "", a non-string is a failure.
    std::string strict_text(const json::object& o, std::string_view key, const jpath& at);
    // A descriptive string: anything but a string gives "".
    static std::string text(const json::object& o, std::string_view key);
    static std::string text_any(const json::object& o, std::initializer_list<std::string_view> keys);

    static std::optional<double> number(const json::object& o, std::string_view key) noexcept;
    static std::optional<std::int64_t> integer(const json::object& o, std::string_view key) noexcept;
    // A percentage (0..100, with or without '%') as a ratio 0..1.
    static std::optional<double> ratio(const json::object& o, std::string_view key) noexcept;
    // A duration in seconds; negative values ("-1" = not applicable) give nullopt.
    static std::optional<double> seconds(const json::object& o, std::string_view key) noexcept;
    static std::optional<core::wall_time> time(const json::object& o, std::string_view key) noexcept;
    // true/false as JSON booleans or the strings "true"/"false".
    static std::optional<bool> boolean(const json::object& o, std::string_view key) noexcept;
    // error_code with error_message or error_msg; nullopt when neither is non-empty.
    static std::optional<item_error> item_err(const json::object& o);

    // The id of a batch item; missing is a failure unless the item reports an error.
    std::string item_id(
        const json::object& o,
        std::initializer_list<std::string_view> keys,
        const std::optional<item_error>& err,
        const jpath& at
    );

private:
    // o[key] when it is of the given kind; nullptr when absent or null, or (recording failure) when
    // of another kind.
    const json::value* optional_member(
        const json::object& o,
        std::string_view key,
        const jpath& at,
        json::kind kind,
        std::string_view failure
    );

    api which_;
    std::optional<core::error> error_;
};

// Parses body into a document held by a monotonic arena and calls
// fn(reader&, const json::object& root); returns its value or the recorded error.
template <class T, class Fn>
core::result<T> read_document(api which, std::string_view body, Fn&& fn);

}  // namespace drsmon::drs_api::detail

#include "json_read_impl.hpp"
