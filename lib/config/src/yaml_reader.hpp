#pragma once

// The YAML walker shared by the config loader's sections (config.cpp, discovery_section.cpp):
// values with their key path and line, scalar readers that fail with both, and mappings whose
// keys are checked. Internal to drsmon::config.

#include "drsmon/config/duration.hpp"
#include "drsmon/config/env.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/core/names.hpp"
#include "drsmon/core/text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace drsmon::config::detail {

// The walker below is deeply nested and stops at the first problem. One internal exception
// type keeps each check on one line; it never leaves this file (load_string catches it).
struct invalid
{
    core::error err;
};

// One value in the document with where it came from.
struct field
{
    std::string path;  // "projects[0].auth.type"
    int line;          // 1-based
    YAML::Node node;
};

inline std::string in_quotes(std::string_view s)
{
    // Built by appending: GCC 12 at -O2 warns (-Wrestrict, a false positive) about "\"" + string.
    std::string out;
    out.reserve(s.size() + 2);
    out.append(1, '"').append(s).append(1, '"');
    return out;
}

// Keys that would put a credential into the file itself, and the key family to use instead.
inline const char* inline_secret_family(std::string_view key) noexcept
{
    static constexpr std::pair<std::string_view, const char*> names[] = {
        {"access_key", "access_key"},
        {"ak", "access_key"},
        {"access_key_id", "access_key"},
        {"secret_key", "secret_key"},
        {"sk", "secret_key"},
        {"secret", "secret_key"},
        {"secret_access_key", "secret_key"},
        {"security_token", "security_token"},
        {"token", "token"},
        {"password", "password"},
        {"passwd", "password"},
    };
    for (const auto& [name, family] : names)
        if (key == name)
            return family;
    return nullptr;
}

class parser
{
public:
    parser(std::string source, const env_lookup& env) : source_(std::move(source)), env_(env) {}

    [[noreturn]] void fail(int line, const std::string& path, std::string_view message) const
    {
        std::string detail = source_ + ":" + std::to_string(line) + ": " + path + ": " + std::string(message);
        throw invalid{core::make_error(core::errc::config, source_, std::move(detail), path)};
    }
    [[noreturn]] void fail(const field& f, std::string_view message) const { fail(f.line, f.path, message); }

    static int line_of(const YAML::Node& n, int fallback)
    {
        const auto m = n.Mark();
        return m.is_null() || m.line < 0 ? fallback : m.line + 1;
    }

    const std::string& source() const { return source_; }
    std::optional<std::string> env(std::string_view name) const
    {
        auto v = env_(name);
        if (v && v->empty())
            return std::nullopt;
        return v;
    }

    // --- scalar readers: each fails with the key path and line of f ---

    std::string text(const field& f, bool allow_empty = false) const
    {
        if (f.node.IsMap())
            fail(f, "must be a single value, not a mapping");
        if (f.node.IsSequence())
            fail(f, "must be a single value, not a list");
        if (!f.node.IsScalar())
            fail(f, "must have a value");
        const std::string& s = f.node.Scalar();
        if (s.empty() && !allow_empty)
            fail(f, "must not be empty");
        return s;
    }

    long long integer(const field& f, long long min, long long max) const
    {
        const std::string s = text(f);
        const auto parsed = core::parse_number<long long>(s);
        if (!parsed)
            fail(f, "must be an integer (got " + in_quotes(s) + ")");
        const long long v = *parsed;
        if (v < min || v > max)
            fail(
                f,
                "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " + s + ")"
            );
        return v;
    }

    double number(const field& f, double min, double max) const
    {
        const std::string s = text(f);
        const auto parsed = core::parse_number<double>(s);
        const double v = parsed.value_or(0);
        if (!parsed || !(v >= min && v <= max))
        {
            std::ostringstream range;
            range << "must be a number between " << min << " and " << max << " (got " << in_quotes(s) << ")";
            fail(f, range.str());
        }
        return v;
    }

    bool boolean(const field& f) const
    {
        const std::string s = text(f);
        const std::string l = core::lower(s);
        if (l == "true")
            return true;
        if (l == "false")
            return false;
        fail(f, "must be true or false (got " + in_quotes(s) + ")");
    }

    std::chrono::milliseconds duration(const field& f) const
    {
        const std::string s = text(f);
        const auto d = parse_duration(s);
        if (!d)
            fail(f, "must be a duration like 30s, 1m30s, 500ms or 1d (got " + in_quotes(s) + ")");
        if (d->count() <= 0)
            fail(f, "must be greater than zero (got " + in_quotes(s) + ")");
        return *d;
    }

    std::uint64_t size(const field& f) const
    {
        const std::string s = text(f);
        const auto v = parse_size(s);
        if (!v)
            fail(f, "must be a size like 16MiB, 10MB or 1048576 (got " + in_quotes(s) + ")");
        if (*v == 0)
            fail(f, "must be greater than zero (got " + in_quotes(s) + ")");
        return *v;
    }

    // A path; relative ones are anchored at the config file's directory.
    std::string path(const field& f, const std::string& config_dir) const
    {
        namespace fs = std::filesystem;
        const fs::path p(text(f));
        if (p.is_absolute() || config_dir.empty())
            return p.lexically_normal().string();
        return (fs::path(config_dir) / p).lexically_normal().string();
    }

    std::vector<field> list(const field& f) const
    {
        std::vector<field> out;
        if (f.node.IsNull())
            return out;
        if (!f.node.IsSequence())
            fail(f, "must be a list");
        for (std::size_t i = 0; i < f.node.size(); ++i)
        {
            const YAML::Node item = f.node[i];
            out.push_back({f.path + "[" + std::to_string(i) + "]", line_of(item, f.line), item});
        }
        return out;
    }

private:
    std::string source_;
    const env_lookup& env_;
};

// The value that the keyword at f names, from its enum's name table.
template <class E, std::size_t N>
E read_name(const parser& p, const field& f, const core::name_table<E, N>& names)
{
    const std::string v = p.text(f);
    if (const auto e = names.parse(v))
        return *e;
    p.fail(f, "must be one of " + names.choices() + " (got " + in_quotes(v) + ")");
}

// A mapping whose keys are checked against a fixed set: unknown keys (typos) and duplicate
// keys are errors with their own line. A null node (a key with nothing after it) is an
// empty mapping.
class section
{
public:
    section(const parser& p, field f, std::initializer_list<std::string_view> allowed)
        : p_(p), self_(std::move(f))
    {
        if (self_.node.IsNull())
            return;
        if (!self_.node.IsMap())
            p_.fail(self_, "must be a mapping");
        for (auto it = self_.node.begin(); it != self_.node.end(); ++it)
        {
            const int line = parser::line_of(it->first, self_.line);
            if (!it->first.IsScalar())
                p_.fail(line, self_.path, "keys must be plain names");
            const std::string key = it->first.Scalar();
            const std::string path = child_path(key);
            if (const char* family = inline_secret_family(key))
                p_.fail(
                    line,
                    path,
                    std::string("secrets must not be written in the config file; use ") + family +
                        "_file or " + family + "_env"
                );
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            {
                std::string names;
                for (auto a : allowed)
                    names += (names.empty() ? "" : ", ") + std::string(a);
                p_.fail(line, path, "unknown key (allowed: " + names + ")");
            }
            if (const auto seen = lines_.find(key); seen != lines_.end())
                p_.fail(line, path, "duplicate key (first at line " + std::to_string(seen->second) + ")");
            lines_.emplace(key, line);
            // Block values start on the next line; the key's line is where a reader looks.
            fields_.emplace(key, field{path, line, it->second});
        }
    }

    std::optional<field> get(std::string_view key) const
    {
        const auto it = fields_.find(key);
        if (it == fields_.end())
            return std::nullopt;
        return it->second;
    }

    field require(std::string_view key) const
    {
        auto f = get(key);
        if (!f)
            p_.fail(self_, std::string(key) + " is required");
        return *f;
    }

    bool has(std::string_view key) const { return fields_.contains(std::string(key)); }
    const field& self() const { return self_; }
    std::string child_path(std::string_view key) const
    {
        return self_.path == "(root)" ? std::string(key) : self_.path + "." + std::string(key);
    }

private:
    const parser& p_;
    field self_;
    std::map<std::string, field, std::less<>> fields_;
    std::map<std::string, int, std::less<>> lines_;
};

}  // namespace drsmon::config::detail
