// Reading a YAML file with yaml-cpp: the one place its exceptions are
// caught, and the typed accessors every config loader shares. Every error
// is InvalidArgument "<file>:<line>: <what>".
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
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

// True when the node is present and not null.
inline bool Has(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

// One YAML file. Loaders derive from it, or hold one, and read fields
// through its accessors, so that a wrong type or value reads the same in
// every file alertgate takes.
class YamlSource {
 public:
  explicit YamlSource(std::string filename) : filename_(std::move(filename)) {}

  const std::string& filename() const { return filename_; }

  // Parses `text` and hands the root node (undefined for an empty
  // document) to `load`, which returns a Result or Status; yaml-cpp's
  // exceptions from either step become errors with the file and line.
  template <typename Load>
  auto Parse(std::string_view text, Load&& load) const -> decltype(load(YAML::Node())) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      return Exception(e);
    }
    try {
      return load(root);
    } catch (const YAML::Exception& e) {
      return Exception(e);
    }
  }
  // Reads the file named filename(), then Parse.
  template <typename Load>
  auto Read(Load&& load) const -> decltype(load(YAML::Node())) {
    auto text = ReadText();
    if (!text.ok()) return text.status();
    return Parse(*text, std::forward<Load>(load));
  }

  SourceRef Ref(const YAML::Node& node) const;
  Status Error(const YAML::Node& node, const std::string& what) const;

  // A mapping at the top level; an empty document is an error.
  Status RequireMapping(const YAML::Node& root) const;

  // Rejects non-string, duplicate and unknown keys (listing the known
  // ones); keys in `unsupported` get a message saying alertgate does not
  // implement them.
  Status CheckKeys(const YAML::Node& map, const std::string& context,
                   const std::set<std::string>& allowed,
                   const std::set<std::string>& unsupported = {}) const;

  // Typed accessors; `field` names the field in the message.
  Result<std::string> String(const YAML::Node& node, const std::string& field) const;
  Result<Duration> Dur(const YAML::Node& node, const std::string& field) const;
  Result<bool> Bool(const YAML::Node& node, const std::string& field) const;
  Result<int> Int(const YAML::Node& node, const std::string& field) const;
  // A mapping of strings to strings (labels). Absent: nothing added.
  Status StringMap(const YAML::Node& node, const std::string& field,
                   std::map<std::string, std::string>* out) const;
  // A list of strings. Absent: nothing added.
  Status StringList(const YAML::Node& node, const std::string& field,
                    std::vector<std::string>* out) const;
  // A path, resolved against this file's directory, that can be read.
  Result<std::string> File(const YAML::Node& node, const std::string& field) const;
  // The contents of the file a path names (resolved as File), without
  // surrounding whitespace; empty is an error (a password or token file).
  Result<std::string> Secret(const YAML::Node& node, const std::string& field) const;

 private:
  Result<std::string> ReadText() const;
  Status Exception(const YAML::Exception& e) const;

  std::string filename_;
};

}  // namespace alertgate
