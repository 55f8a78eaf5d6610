#pragma once

#include "drsmon/config/config.hpp"

#include "yaml_reader.hpp"

#include <string>

namespace drsmon::config::detail {

// Reads and checks projects[].auth (`f`): the type, and for it exactly one source (file or
// environment variable) of each secret; keys of another type are refused. Relative files are
// taken from config_dir. Fails (throws `invalid`) with the key's line and path.
auth_config read_auth(const parser& p, const field& f, const std::string& config_dir);

// Reads projects[].tls (`f`): ca_file (relative to config_dir) and insecure_skip_verify.
tls_config read_tls(const parser& p, const field& f, const std::string& config_dir);

}  // namespace drsmon::config::detail
