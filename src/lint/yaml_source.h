// Helpers for reading the Prometheus and Alertmanager YAML files lint checks:
// every error and every finding names "file:line".
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace alertgate {

// A place in a config file, for messages: "rules/x.rules.yml:31".
struct SourceRef {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown

  std::string ToString() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

// Reads one YAML file and turns yaml-cpp's exceptions and type mismatches
// into InvalidArgument statuses of the form "<file>:<line>: <what>".
// Unknown fields are ignored: lint models only the fields that shape timing
// and routing, and the tools themselves validate the rest.
class YamlSource {
 public:
  explicit YamlSource(std::string filename) : filename_(std::move(filename)) {}

  const std::string& filename() const { return filename_; }

  // Parses `text`; an empty document is an error.
  Result<YAML::Node> Parse(const std::string& text) const;
  // Reads and parses the file named filename().
  Result<YAML::Node> Load() const;

  SourceRef Ref(const YAML::Node& node) const;
  Status Error(const YAML::Node& node, const std::string& what) const;

  // Typed accessors; `field` names the field in the message.
  Result<std::string> String(const YAML::Node& node, const std::string& field) const;
  Result<Duration> Dur(const YAML::Node& node, const std::string& field) const;
  Result<bool> Bool(const YAML::Node& node, const std::string& field) const;
  Result<int> Int(const YAML::Node& node, const std::string& field) const;
  // A mapping of strings to strings (labels).
  Status StringMap(const YAML::Node& node, const std::string& field,
                   std::map<std::string, std::string>* out) const;
  // A list of strings.
  Status StringList(const YAML::Node& node, const std::string& field,
                    std::vector<std::string>* out) const;

 private:
  std::string filename_;
};

// True when the node is present and not null.
inline bool Has(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

}  // namespace alertgate
