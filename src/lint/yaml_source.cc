#include "lint/yaml_source.h"

#include <fstream>
#include <sstream>

#include "core/duration.h"

namespace alertgate {

Result<YAML::Node> YamlSource::Parse(const std::string& text) const {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(filename_ + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!Has(root)) return InvalidArgument(filename_ + ":1: the file is empty");
  if (!root.IsMap()) return Error(root, "expected a mapping at the top level");
  return root;
}

Result<YAML::Node> YamlSource::Load() const {
  std::ifstream in(filename_, std::ios::binary);
  if (!in) return InvalidArgument(filename_ + ": cannot read the file");
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str());
}

SourceRef YamlSource::Ref(const YAML::Node& node) const {
  SourceRef ref{filename_, 0};
  if (node.IsDefined() && node.Mark().line >= 0) ref.line = node.Mark().line + 1;
  return ref;
}

Status YamlSource::Error(const YAML::Node& node, const std::string& what) const {
  return InvalidArgument(Ref(node).ToString() + ": " + what);
}

Result<std::string> YamlSource::String(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) return Error(node, field + ": expected a string");
  return node.Scalar();
}

Result<Duration> YamlSource::Dur(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) return Error(node, field + ": expected a duration such as 1m30s");
  auto d = ParseDuration(node.Scalar());
  if (!d.ok()) return Error(node, field + ": " + d.status().message());
  return *d;
}

Result<bool> YamlSource::Bool(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) return Error(node, field + ": expected true or false");
  const std::string& s = node.Scalar();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return Error(node, field + ": expected true or false, got \"" + s + "\"");
}

Result<int> YamlSource::Int(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) return Error(node, field + ": expected an integer");
  try {
    size_t used = 0;
    const int v = std::stoi(node.Scalar(), &used);
    if (used == node.Scalar().size()) return v;
  } catch (const std::exception&) {
  }
  return Error(node, field + ": expected an integer, got \"" + node.Scalar() + "\"");
}

Status YamlSource::StringMap(const YAML::Node& node, const std::string& field,
                             std::map<std::string, std::string>* out) const {
  if (!Has(node)) return Status::Ok();
  if (!node.IsMap()) return Error(node, field + ": expected a mapping of strings");
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) return Error(kv.first, field + ": keys must be strings");
    if (!kv.second.IsScalar() && !kv.second.IsNull()) {
      return Error(kv.second, field + "." + kv.first.Scalar() + ": expected a string");
    }
    (*out)[kv.first.Scalar()] = kv.second.IsNull() ? "" : kv.second.Scalar();
  }
  return Status::Ok();
}

Status YamlSource::StringList(const YAML::Node& node, const std::string& field,
                              std::vector<std::string>* out) const {
  if (!Has(node)) return Status::Ok();
  if (!node.IsSequence()) return Error(node, field + ": expected a list of strings");
  for (size_t i = 0; i < node.size(); ++i) {
    auto s = String(node[i], field + "[" + std::to_string(i) + "]");
    if (!s.ok()) return s.status();
    out->push_back(*s);
  }
  return Status::Ok();
}

}  // namespace alertgate
