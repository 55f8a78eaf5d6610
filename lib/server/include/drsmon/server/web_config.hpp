#pragma once

#include "drsmon/core/error.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace drsmon::server {

// The Prometheus exporter-toolkit web configuration (--web.config.file), the subset this server
// implements: TLS with files, client certificates, basic auth with bcrypt, response headers.
struct web_config
{
    struct tls
    {
        std::string cert_file;         // PEM certificate chain (required)
        std::string key_file;          // PEM private key (required)
        std::string client_ca_file;    // CA bundle for client certificates
        std::string client_auth_type;  // NoClientCert | RequestClientCert | RequireAnyClientCert |
                                       // VerifyClientCertIfGiven | RequireAndVerifyClientCert
        std::string min_version;       // TLS12 | TLS13
    };
    std::optional<tls> tls_server_config;
    std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
    struct
    {
        std::vector<std::pair<std::string, std::string>> headers;  // added to every response
    } http_server_config;
};

// Reads and validates a web config file. Relative file names are resolved against the file's
// directory, as exporter-toolkit does. Unknown or unsupported keys, bad enum values, missing
// key_file/cert_file, unreadable files and hashes that are not bcrypt are errors
// (errc::config) whose where is "file:line" and whose path is the key ("tls_server_config.min_version").
// An empty file is a valid, empty config.
core::result<web_config> load_web_config(const std::string& path);

// Checks a config built in code with the same rules as load_web_config (without line numbers).
core::result<void> validate_web_config(const web_config& cfg);

}  // namespace drsmon::server
