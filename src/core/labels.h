#pragma once

#include <map>
#include <string>

namespace alertgate {

// A Prometheus label set, ordered by name.
using Labels = std::map<std::string, std::string>;

}  // namespace alertgate
