#include "drsmon/core/text.hpp"
#include "drsmon/server/bcrypt.hpp"
#include "drsmon/server/web_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <functional>

namespace drsmon::server {

namespace {

constexpr std::array client_auth_types{
    std::string_view("NoClientCert"),
    std::string_view("RequestClientCert"),
    std::string_view("RequireAnyClientCert"),
    std::string_view("VerifyClientCertIfGiven"),
    std::string_view("RequireAndVerifyClientCert"),
};

// The response headers exporter-toolkit allows, with their accepted values (empty: any).
struct allowed_header
{
    std::string_view name;
    std::array<std::string_view, 2> values;
};
constexpr std::array allowed_headers{
    allowed_header{"Content-Security-Policy", {}},
    allowed_header{"X-Frame-Options", {"deny", "sameorigin"}},
    allowed_header{"X-Content-Type-Options", {"nosniff", {}}},
    allowed_header{"X-XSS-Protection", {}},
    allowed_header{"Strict-Transport-Security", {}},
};

bool readable(const std::string& file)
{
    std::ifstream in(file, std::ios::binary);
    return in.good() && !std::filesystem::is_directory(file);
}

// A problem found by the checks: which key, and why.
struct problem
{
    std::string key;
    std::string message;
};

// The rules shared by the loader and validate_web_config.
std::optional<problem> check(const web_config& cfg)
{
    if (cfg.tls_server_config)
    {
        const auto& tls = *cfg.tls_server_config;
        const std::string base = "tls_server_config.";
        if (tls.cert_file.empty())
            return problem{base + "cert_file", "cert_file is required when tls_server_config is present"};
        if (tls.key_file.empty())
            return problem{base + "key_file", "key_file is required when tls_server_config is present"};
        if (!readable(tls.cert_file))
            return problem{base + "cert_file", "cannot read certificate file " + tls.cert_file};
        if (!readable(tls.key_file))
            return problem{base + "key_file", "cannot read key file " + tls.key_file};
        const std::string auth = tls.client_auth_type.empty() ? "NoClientCert" : tls.client_auth_type;
        if (std::find(client_auth_types.begin(), client_auth_types.end(), auth) == client_auth_types.end())
        {
            return problem{
                base + "client_auth_type",
                "unknown client_auth_type \"" + auth +
                    "\" (expected NoClientCert, RequestClientCert, RequireAnyClientCert, "
                    "VerifyClientCertIfGiven or RequireAndVerifyClientCert)"};
        }
        const bool verifies = auth == "VerifyClientCertIfGiven" || auth == "RequireAndVerifyClientCert";
        if (verifies && tls.client_ca_file.empty())
            return problem{base + "client_auth_type", "client_auth_type " + auth + " needs client_ca_file"};
        if (!tls.client_ca_file.empty() && auth == "NoClientCert")
        {
            return problem{
                base + "client_ca_file",
                "client_ca_file is set but client_auth_type is NoClientCert"};
        }
        if (!tls.client_ca_file.empty() && !readable(tls.client_ca_file))
            return problem{base + "client_ca_file", "cannot read client CA file " + tls.client_ca_file};
        if (!tls.min_version.empty() && tls.min_version != "TLS12" && tls.min_version != "TLS13")
        {
            return problem{
                base + "min_version",
                "unsupported min_version \"" + tls.min_version + "\" (expected TLS12 or TLS13)"};
        }
    }
    for (const auto& [user, hash] : cfg.basic_auth_users)
    {
        const std::string key = "basic_auth_users." + user;
        if (user.empty() || user.find(':') != std::string::npos)
            return problem{key, "a user name must be non-empty and must not contain ':'"};
        if (!is_bcrypt_hash(hash))
            return problem{
                key,
                "the password of user \"" + user + "\" is not a bcrypt hash ($2a$, $2b$ or $2y$)"};
    }
    // Not a structured binding: clang before 16 cannot capture one in the lambdas below.
    for (const auto& header : cfg.http_server_config.headers)
    {
        const auto& name = header.first;
        const auto& value = header.second;
        const std::string key = "http_server_config.headers." + name;
        auto it = std::find_if(allowed_headers.begin(), allowed_headers.end(), [&](const allowed_header& h) {
            return h.name == name;
        });
        if (it == allowed_headers.end())
        {
            return problem{
                key,
                "header \"" + name +
                    "\" cannot be set (allowed: Content-Security-Policy, X-Frame-Options, "
                    "X-Content-Type-Options, X-XSS-Protection, Strict-Transport-Security)"};
        }
        const auto& values = it->values;
        if (!values[0].empty() && !value.empty() &&
            !std::any_of(values.begin(), values.end(), [&](std::string_view v) {
                return !v.empty() && core::iequals(v, value);
            }))
        {
            return problem{key, "invalid value \"" + value + "\" for header " + name};
        }
    }
    return std::nullopt;
}

// Reads one YAML file, remembering each key's line so problems can name it.
class loader
{
public:
    explicit loader(std::string file) : file_(std::move(file)) {}

    core::result<web_config> load()
    {
        YAML::Node root;
        try
        {
            std::ifstream in(file_, std::ios::binary);
            if (!in)
                return fail(0, {}, "cannot open web config file");
            root = YAML::Load(in);
        }
        catch (const YAML::Exception& e)
        {
            return fail(e.mark.is_null() ? 0 : e.mark.line + 1, {}, "invalid YAML: " + e.msg);
        }
        web_config cfg;
        if (root.IsNull())
            return cfg;
        if (!root.IsMap())
            return fail(line_of(root), {}, "the web config must be a mapping");

        try
        {
            if (auto err = read_root(root, cfg))
                return *err;
        }
        catch (const YAML::Exception& e)
        {
            return fail(e.mark.is_null() ? 0 : e.mark.line + 1, {}, e.msg);
        }
        resolve_paths(cfg);
        if (auto p = check(cfg))
            return fail(line_for(p->key), p->key, p->message);
        return cfg;
    }

private:
    using maybe_error = std::optional<core::error>;

    static int line_of(const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

    core::error fail(int line, std::string key, std::string message) const
    {
        // Appends only: `":" + std::to_string(line)` inserts at the front of a temporary, which
        // GCC 12 reports as an overlapping memcpy (-Wrestrict, a false positive) at -O3.
        std::string where = file_;
        if (line > 0)
        {
            where += ':';
            where += std::to_string(line);
        }
        if (!key.empty())
        {
            std::string full = key;
            full += ": ";
            full += message;
            message = std::move(full);
        }
        return core::make_error(core::errc::config, std::move(where), std::move(message), std::move(key));
    }

    // The line of a key, or of its nearest recorded parent.
    int line_for(std::string key) const
    {
        for (;;)
        {
            if (auto it = lines_.find(key); it != lines_.end())
                return it->second;
            const auto dot = key.rfind('.');
            if (dot == std::string::npos)
                return 0;
            key.resize(dot);
        }
    }

    // Walks a mapping: records lines and hands each key to visit; unknown keys are errors.
    maybe_error each(
        const YAML::Node& map,
        const std::string& prefix,
        const std::function<maybe_error(const std::string& key, const std::string& path, const YAML::Node&)>&
            visit
    )
    {
        if (!map.IsMap())
            return maybe_error(fail(line_of(map), prefix, "expected a mapping"));
        for (const auto& kv : map)
        {
            if (!kv.first.IsScalar())
                return fail(line_of(kv.first), prefix, "keys must be strings");
            const std::string key = kv.first.Scalar();
            const std::string path = prefix.empty() ? key : prefix + "." + key;
            lines_[path] = line_of(kv.first);
            if (auto err = visit(key, path, kv.second))
                return err;
        }
        return std::nullopt;
    }

    maybe_error string_value(const std::string& path, const YAML::Node& n, std::string& out)
    {
        if (n.IsNull())
        {
            out.clear();
            return std::nullopt;
        }
        if (!n.IsScalar())
            return fail(lines_[path], path, "expected a string");
        out = n.Scalar();
        return std::nullopt;
    }

    maybe_error unknown(const std::string& path) { return fail(lines_[path], path, "unknown key"); }

    maybe_error unsupported(const std::string& path, std::string_view hint)
    {
        return fail(lines_[path], path, "not supported by drs-monitor" + std::string(hint));
    }

    maybe_error read_root(const YAML::Node& root, web_config& cfg)
    {
        return each(root, "", [&](const std::string& key, const std::string& path, const YAML::Node& v) {
            if (key == "tls_server_config")
            {
                if (v.IsNull())
                    return maybe_error();
                cfg.tls_server_config.emplace();
                return read_tls(path, v, *cfg.tls_server_config);
            }
            if (key == "http_server_config")
                return v.IsNull() ? maybe_error() : read_http(path, v, cfg);
            if (key == "basic_auth_users")
                return v.IsNull() ? maybe_error() : read_users(path, v, cfg);
            if (key == "rate_limit")
                return unsupported(path, "");
            return unknown(path);
        });
    }

    maybe_error read_tls(const std::string& prefix, const YAML::Node& node, web_config::tls& tls)
    {
        return each(node, prefix, [&](const std::string& key, const std::string& path, const YAML::Node& v) {
            if (key == "cert_file")
                return string_value(path, v, tls.cert_file);
            if (key == "key_file")
                return string_value(path, v, tls.key_file);
            if (key == "client_ca_file")
                return string_value(path, v, tls.client_ca_file);
            if (key == "client_auth_type")
                return string_value(path, v, tls.client_auth_type);
            if (key == "min_version")
                return string_value(path, v, tls.min_version);
            if (key == "cert" || key == "key" || key == "client_ca")
                return unsupported(path, " (inline PEM): use " + key + "_file");
            if (key == "max_version" || key == "cipher_suites" || key == "prefer_server_cipher_suites" ||
                key == "curve_preferences" || key == "client_allowed_sans")
                return unsupported(path, "");
            return unknown(path);
        });
    }

    maybe_error read_http(const std::string& prefix, const YAML::Node& node, web_config& cfg)
    {
        return each(node, prefix, [&](const std::string& key, const std::string& path, const YAML::Node& v) {
            if (key == "http2")
            {
                // HTTP/2 is not served; the flag is accepted so shared web configs load unchanged.
                if (!v.IsScalar() || (v.Scalar() != "true" && v.Scalar() != "false"))
                    return maybe_error(fail(lines_[path], path, "expected true or false"));
                return maybe_error();
            }
            if (key != "headers")
                return unknown(path);
            if (v.IsNull())
                return maybe_error();
            return each(
                v,
                path,
                [&](const std::string& name, const std::string& hpath, const YAML::Node& hv) {
                    std::string value;
                    if (auto err = string_value(hpath, hv, value))
                        return err;
                    cfg.http_server_config.headers.emplace_back(name, std::move(value));
                    return maybe_error();
                }
            );
        });
    }

    maybe_error read_users(const std::string& prefix, const YAML::Node& node, web_config& cfg)
    {
        return each(node, prefix, [&](const std::string& user, const std::string& path, const YAML::Node& v) {
            std::string hash;
            if (auto err = string_value(path, v, hash))
                return err;
            cfg.basic_auth_users[user] = std::move(hash);
            return maybe_error();
        });
    }

    void resolve_paths(web_config& cfg) const
    {
        if (!cfg.tls_server_config)
            return;
        const auto dir = std::filesystem::path(file_).parent_path();
        for (std::string* f :
             {&cfg.tls_server_config->cert_file,
              &cfg.tls_server_config->key_file,
              &cfg.tls_server_config->client_ca_file})
        {
            if (!f->empty() && std::filesystem::path(*f).is_relative())
                *f = (dir / *f).string();
        }
    }

    std::string file_;
    std::map<std::string, int> lines_;
};

}  // namespace

core::result<web_config> load_web_config(const std::string& path) { return loader(path).load(); }

core::result<void> validate_web_config(const web_config& cfg)
{
    if (auto p = check(cfg))
        return core::make_error(core::errc::config, "web config", p->key + ": " + p->message, p->key);
    return {};
}

}  // namespace drsmon::server
