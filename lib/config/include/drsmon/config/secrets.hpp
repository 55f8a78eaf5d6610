#pragma once

#include "drsmon/config/config.hpp"
#include "drsmon/config/env.hpp"
#include "drsmon/core/error.hpp"

#include <string>
#include <vector>

namespace drsmon::config {

// A project's credentials. Only the fields of the project's auth type are filled.
struct secrets
{
    std::string access_key, secret_key, security_token, token, password;
};

struct secret_load
{
    secrets values;
    // Non-fatal findings for the caller to log, e.g. a secret file readable by group or
    // others. They name files and keys, never contents.
    std::vector<std::string> warnings;
};

// Reads the secrets auth names: each *_file (one trailing CR/LF trimmed; relative paths
// resolved against $CREDENTIALS_DIRECTORY from env when set, else auth.config_dir) or each
// *_env variable. Errors (errc::config, where = the file or variable): a missing or
// unreadable file, an unset variable, an empty value, a value with a line break inside, a
// file over 64 KiB. Error texts and warnings never contain a secret.
core::result<secret_load> load_secrets(const auth_config& auth, const env_lookup& env);

}  // namespace drsmon::config
