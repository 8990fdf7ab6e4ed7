// Reading the files alertgate is pointed at (configs, certificates, token
// and password files): the one place a file becomes a string.
#pragma once

#include <string>

#include "core/status.h"

namespace alertgate {

// The whole file, bytes as they are. InvalidArgument "cannot read <path>:
// <reason>" when it cannot be opened or read.
Result<std::string> ReadFile(const std::string& path);

// `path` as written in the config file `config_file`: relative paths are
// taken against that file's directory, as Prometheus does; absolute and
// empty paths are returned as they are.
std::string ResolveAgainst(const std::string& config_file, const std::string& path);

}  // namespace alertgate
