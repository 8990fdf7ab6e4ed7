#include "core/yaml.h"

#include "core/duration.h"
#include "core/file.h"
#include "core/text.h"

namespace alertgate {

Result<std::string> YamlSource::ReadText() const { return ReadFile(filename_); }

Status YamlSource::Exception(const YAML::Exception& e) const {
  return InvalidArgument(filename_ + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
}

SourceRef YamlSource::Ref(const YAML::Node& node) const {
  SourceRef ref{filename_, 0};
  if (node.IsDefined() && node.Mark().line >= 0) ref.line = node.Mark().line + 1;
  return ref;
}

Status YamlSource::Error(const YAML::Node& node, const std::string& what) const {
  return InvalidArgument(Ref(node).ToString() + ": " + what);
}

Status YamlSource::RequireMapping(const YAML::Node& root) const {
  if (!Has(root)) return InvalidArgument(filename_ + ":1: the file is empty");
  if (!root.IsMap()) return Error(root, "expected a mapping at the top level");
  return Status::Ok();
}

Status YamlSource::CheckKeys(const YAML::Node& map, const std::string& context,
                             const std::set<std::string>& allowed,
                             const std::set<std::string>& unsupported) const {
  if (!map.IsMap()) return Error(map, context + ": expected a mapping");
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) return Error(kv.first, context + ": keys must be strings");
    const std::string& key = kv.first.Scalar();
    if (!seen.insert(key).second) {
      return Error(kv.first, "duplicate field " + QuoteForMessage(key) + " in " + context);
    }
    if (unsupported.count(key) != 0) {
      return Error(kv.first, QuoteForMessage(key) + " in " + context +
                                 " is an exporter-toolkit option alertgate does not support");
    }
    if (allowed.count(key) == 0) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return Error(kv.first, "unknown field " + QuoteForMessage(key) + " in " + context +
                                 " (known: " + list + ")");
    }
  }
  return Status::Ok();
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
  return Error(node, field + ": expected true or false, got " + QuoteForMessage(s));
}

Result<int> YamlSource::Int(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) return Error(node, field + ": expected an integer");
  try {
    size_t used = 0;
    const int v = std::stoi(node.Scalar(), &used);
    if (used == node.Scalar().size()) return v;
  } catch (const std::exception&) {
  }
  return Error(node, field + ": expected an integer, got " + QuoteForMessage(node.Scalar()));
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

Result<std::string> YamlSource::File(const YAML::Node& node, const std::string& field) const {
  auto text = String(node, field);
  if (!text.ok()) return text.status();
  if (text->empty()) return Error(node, field + ": empty path");
  const std::string path = ResolveAgainst(filename_, *text);
  if (auto readable = ReadFile(path); !readable.ok()) {
    return Error(node, field + ": " + readable.status().message());
  }
  return path;
}

Result<std::string> YamlSource::Secret(const YAML::Node& node, const std::string& field) const {
  auto path = String(node, field);
  if (!path.ok()) return path.status();
  const std::string file = ResolveAgainst(filename_, *path);
  auto text = ReadFile(file);
  if (!text.ok()) return Error(node, field + ": " + text.status().message());
  // As Prometheus reads credentials_file: surrounding whitespace, the
  // final newline included, is not part of the secret.
  const std::string_view secret = TrimSpace(*text);
  if (secret.empty()) return Error(node, field + ": " + file + " is empty");
  return std::string(secret);
}

}  // namespace alertgate
