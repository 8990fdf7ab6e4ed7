// Loading YAML with yaml-cpp behind a Status: every exception yaml-cpp
// throws (syntax while parsing, bad conversions while reading) becomes
// InvalidArgument "<filename>:<line>: <what>" at this one boundary.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace alertgate {

inline Status YamlError(const std::string& filename, const YAML::Exception& e) {
  return InvalidArgument(filename + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
}

// Parses `yaml` and hands the root node to `load` (which returns a
// Result<T>), catching yaml-cpp's exceptions from both steps.
template <typename Load>
auto ParseYamlWith(std::string_view yaml, const std::string& filename, Load&& load)
    -> decltype(load(YAML::Node())) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return YamlError(filename, e);
  }
  try {
    return load(root);
  } catch (const YAML::Exception& e) {
    return YamlError(filename, e);
  }
}

}  // namespace alertgate
