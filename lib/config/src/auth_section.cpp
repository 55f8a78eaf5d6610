#include "drsmon/core/names.hpp"

#include "auth_section.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace drsmon::config {

namespace detail {

namespace {

constexpr auto auth_type_names = core::names<auth_type>({
    {auth_type::aksk, "aksk"},
    {auth_type::token, "token"},
    {auth_type::password, "password"},
});
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool valid_env_name(std::string_view s) noexcept
{
    if (s.empty() || is_digit(s.front()))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    });
}

// One secret of an auth section: exactly one of <name>_file and <name>_env, or neither when
// optional. Returns the line of the key given, for messages.
void read_secret_source(
    const parser& p,
    const section& s,
    std::string_view name,
    bool required,
    std::string_view type_name,
    std::string& file,
    std::string& env
)
{
    const std::string file_key = std::string(name) + "_file";
    const std::string env_key = std::string(name) + "_env";
    const auto f = s.get(file_key);
    const auto e = s.get(env_key);
    if (f && e)
        p.fail(*e, "set either " + file_key + " or " + env_key + ", not both");
    if (f)
        file = p.text(*f);
    if (e)
    {
        env = p.text(*e);
        if (!valid_env_name(env))
            p.fail(*e, "must be an environment variable name like DRS_SK (got " + in_quotes(env) + ")");
    }
    if (!f && !e && required)
        p.fail(s.self(), file_key + " or " + env_key + " is required for type " + std::string(type_name));
}

}  // namespace

auth_config read_auth(const parser& p, const field& f, const std::string& config_dir)
{
    const section s(
        p,
        f,
        {"type",
         "access_key_file",
         "access_key_env",
         "secret_key_file",
         "secret_key_env",
         "security_token_file",
         "security_token_env",
         "token_file",
         "token_env",
         "user",
         "domain",
         "password_file",
         "password_env"}
    );
    auth_config a;
    a.config_dir = config_dir;
    a.key_path = f.path;
    a.type = read_name(p, s.require("type"), auth_type_names);
    const std::string t = to_string(a.type);

    // Keys of the other types are refused: a half-edited section must not pass.
    // (vectors, not initializer_lists: the arrays behind initializer_lists in a
    // pair would not outlive this initialisation)
    const std::pair<auth_type, std::vector<std::string_view>> own[] = {
        {auth_type::aksk,
         {"access_key_file",
          "access_key_env",
          "secret_key_file",
          "secret_key_env",
          "security_token_file",
          "security_token_env"}},
        {auth_type::token, {"token_file", "token_env"}},
        {auth_type::password, {"user", "domain", "password_file", "password_env"}},
    };
    for (const auto& [owner, keys] : own)
        if (owner != a.type)
            for (auto key : keys)
                if (auto v = s.get(key))
                    p.fail(*v, "does not apply to type " + t);

    switch (a.type)
    {
    case auth_type::aksk:
        read_secret_source(p, s, "access_key", true, t, a.access_key_file, a.access_key_env);
        read_secret_source(p, s, "secret_key", true, t, a.secret_key_file, a.secret_key_env);
        read_secret_source(p, s, "security_token", false, t, a.security_token_file, a.security_token_env);
        break;
    case auth_type::token: read_secret_source(p, s, "token", true, t, a.token_file, a.token_env); break;
    case auth_type::password:
        a.user = p.text(s.require("user"));
        a.domain = p.text(s.require("domain"));
        read_secret_source(p, s, "password", true, t, a.password_file, a.password_env);
        break;
    }
    return a;
}

tls_config read_tls(const parser& p, const field& f, const std::string& config_dir)
{
    const section s(p, f, {"ca_file", "insecure_skip_verify"});
    tls_config t;
    if (auto v = s.get("ca_file"))
        t.ca_file = p.path(*v, config_dir);
    if (auto v = s.get("insecure_skip_verify"))
        t.insecure_skip_verify = p.boolean(*v);
    return t;
}

}  // namespace detail

const char* to_string(auth_type t) noexcept { return detail::auth_type_names.name(t); }

}  // namespace drsmon::config
