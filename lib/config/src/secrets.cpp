#include "drsmon/config/secrets.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace drsmon::config {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t max_secret_bytes = 64 * 1024;

class reader
{
public:
    reader(const auth_config& auth, const env_lookup& env) : auth_(auth), env_(env) {}

    // Reads one secret from whichever of file_name / env_name is set. Returns false when
    // neither is set (the secret is optional or not of this auth type).
    core::result<bool> read(
        std::string_view key,
        const std::string& file_name,
        const std::string& env_name,
        std::string& out
    )
    {
        if (!file_name.empty())
        {
            auto r = read_file(std::string(key) + "_file", file_name, out);
            if (!r)
                return r.error();
            return true;
        }
        if (!env_name.empty())
        {
            auto r = read_env(std::string(key) + "_env", env_name, out);
            if (!r)
                return r.error();
            return true;
        }
        return false;
    }

    std::vector<std::string> warnings;

private:
    std::string key(std::string_view leaf) const
    {
        return auth_.key_path.empty() ? std::string(leaf) : auth_.key_path + "." + std::string(leaf);
    }

    core::error fail(const std::string& where, std::string_view leaf, std::string_view message) const
    {
        return core::make_error(
            core::errc::config,
            where,
            where + ": " + key(leaf) + ": " + std::string(message),
            key(leaf)
        );
    }

    fs::path resolve(const std::string& name) const
    {
        const fs::path p(name);
        if (p.is_absolute())
            return p;
        // systemd's LoadCredential= puts files there; relative names then refer to it.
        if (const auto dir = env_("CREDENTIALS_DIRECTORY"); dir && !dir->empty())
            return fs::path(*dir) / p;
        return auth_.config_dir.empty() ? p : fs::path(auth_.config_dir) / p;
    }

    core::result<void> read_file(const std::string& leaf, const std::string& name, std::string& out)
    {
        const fs::path path = resolve(name);
        const std::string shown = path.string();
        std::error_code ec;
        const auto st = fs::status(path, ec);
        if (ec || !fs::exists(st))
            return fail(
                shown,
                leaf,
                "cannot read: " + (ec ? ec.message() : std::string("No such file or directory"))
            );
        if (!fs::is_regular_file(st))
            return fail(shown, leaf, "cannot read: not a regular file");
        const auto size = fs::file_size(path, ec);
        if (ec)
            return fail(shown, leaf, "cannot read: " + ec.message());
        if (size > max_secret_bytes)
            return fail(shown, leaf, "is larger than 64 KiB; it must hold only the secret");

        std::ifstream in(path, std::ios::binary);
        if (!in)
            return fail(shown, leaf, std::string("cannot read: ") + std::strerror(errno));
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad())
            return fail(shown, leaf, "cannot read: I/O error");

        constexpr auto loose = fs::perms::group_read | fs::perms::others_read;
        if ((st.permissions() & loose) != fs::perms::none)
            warnings.push_back(
                key(leaf) + ": " + shown + " is readable by group or others; restrict it with chmod 600"
            );
        if (auto r = check(shown, leaf, content); !r)
            return r.error();
        out = std::move(content);
        return {};
    }

    core::result<void> read_env(const std::string& leaf, const std::string& name, std::string& out)
    {
        auto value = env_(name);
        if (!value)
            return fail(name, leaf, "environment variable " + name + " is not set");
        if (auto r = check(name, leaf, *value); !r)
            return r.error();
        out = std::move(*value);
        return {};
    }

    // Trims one trailing line end (files written by echo or editors) and refuses values that
    // cannot be a single credential.
    core::result<void> check(const std::string& where, std::string_view leaf, std::string& value) const
    {
        if (value.ends_with('\n'))
            value.pop_back();
        if (value.ends_with('\r'))
            value.pop_back();
        if (value.empty())
            return fail(where, leaf, "is empty");
        if (value.find_first_of("\r\n") != std::string::npos)
            return fail(where, leaf, "holds more than one line; it must hold only the secret");
        return {};
    }

    const auth_config& auth_;
    const env_lookup& env_;
};

}  // namespace

core::result<secret_load> load_secrets(const auth_config& auth, const env_lookup& env)
{
    reader r(auth, env);
    secret_load out;
    auto& v = out.values;
    // The secrets of the auth type: key, where it is read from, where it goes, and whether it is
    // required.
    struct wanted
    {
        std::string_view key;
        const std::string* file;
        const std::string* env;
        std::string* value;
        bool required = true;
    };
    std::vector<wanted> secrets;
    switch (auth.type)
    {
    case auth_type::aksk:
        secrets = {
            {"access_key", &auth.access_key_file, &auth.access_key_env, &v.access_key},
            {"secret_key", &auth.secret_key_file, &auth.secret_key_env, &v.secret_key},
            {"security_token", &auth.security_token_file, &auth.security_token_env, &v.security_token, false},
        };
        break;
    case auth_type::token: secrets = {{"token", &auth.token_file, &auth.token_env, &v.token}}; break;
    case auth_type::password:
        secrets = {{"password", &auth.password_file, &auth.password_env, &v.password}};
        break;
    }
    for (const auto& w : secrets)
    {
        const auto got = r.read(w.key, *w.file, *w.env, *w.value);
        if (!got)
            return got.error();
        // A missing required secret means the auth_config did not come from the loader.
        if (!*got && w.required)
            return core::make_error(
                core::errc::config,
                auth.key_path,
                auth.key_path + ": " + std::string(w.key) + "_file or " + std::string(w.key) +
                    "_env is required",
                auth.key_path
            );
    }
    out.warnings = std::move(r.warnings);
    return out;
}

}  // namespace drsmon::config
