#include "cli/http_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/yaml.h"

namespace alertgate {
namespace {

class Reader {
 public:
  explicit Reader(std::string path)
      : path_(std::move(path)), dir_(std::filesystem::path(path_).parent_path()) {}

  Status Error(const YAML::Node& n, const std::string& what) const {
    std::string where = path_;
    if (n.IsDefined() && n.Mark().line >= 0) {
      where += ':';  // two appends: GCC 12 -O3 reports a false -Wrestrict on "a" + b here
      where += std::to_string(n.Mark().line + 1);
    }
    return InvalidArgument(where + ": " + what);
  }

  Status Keys(const YAML::Node& map, const std::string& ctx, const std::set<std::string>& ok) {
    if (!map.IsMap()) return Error(map, ctx + ": expected a mapping");
    for (const auto& kv : map) {
      const std::string k = kv.first.as<std::string>();
      if (ok.count(k) == 0) return Error(kv.first, "unknown field \"" + k + "\" in " + ctx);
    }
    return Status::Ok();
  }

  std::string Resolve(const std::string& file) const {
    std::filesystem::path p(file);
    return p.is_absolute() || dir_.empty() ? file : (dir_ / p).string();
  }

  // The trimmed contents of a secret file (a trailing newline is not part of it).
  Result<std::string> ReadSecret(const YAML::Node& n, const std::string& field) const {
    const std::string file = Resolve(n.as<std::string>());
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error(n, field + ": cannot read " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.empty()) return Error(n, field + ": " + file + " is empty");
    return s;
  }

  Result<HttpClientConfig> Load(const YAML::Node& root) {
    HttpClientConfig c;
    if (!root.IsDefined() || root.IsNull()) return c;
    AG_RETURN_IF_ERROR(Keys(root, "the top level", {"basic_auth", "authorization", "tls_config"}));
    if (const auto b = root["basic_auth"]) {
      AG_RETURN_IF_ERROR(Keys(b, "basic_auth", {"username", "password", "password_file"}));
      if (!b["username"]) return Error(b, "basic_auth.username: missing");
      c.basic_user = b["username"].as<std::string>();
      if (b["password_file"]) {
        auto s = ReadSecret(b["password_file"], "basic_auth.password_file");
        if (!s.ok()) return s.status();
        c.basic_password = *s;
      } else if (b["password"]) {
        c.basic_password = b["password"].as<std::string>();
      } else {
        return Error(b, "basic_auth: password or password_file is required");
      }
    }
    if (const auto a = root["authorization"]) {
      AG_RETURN_IF_ERROR(Keys(a, "authorization", {"type", "credentials", "credentials_file"}));
      if (a["type"] && a["type"].as<std::string>() != "Bearer") {
        return Error(a["type"], "authorization.type: only Bearer is supported");
      }
      if (a["credentials_file"]) {
        auto s = ReadSecret(a["credentials_file"], "authorization.credentials_file");
        if (!s.ok()) return s.status();
        c.bearer_token = *s;
      } else if (a["credentials"]) {
        c.bearer_token = a["credentials"].as<std::string>();
      } else {
        return Error(a, "authorization: credentials or credentials_file is required");
      }
    }
    if (!c.basic_user.empty() && !c.bearer_token.empty()) {
      return Error(root, "basic_auth and authorization are mutually exclusive");
    }
    if (const auto t = root["tls_config"]) {
      AG_RETURN_IF_ERROR(
          Keys(t, "tls_config", {"ca_file", "cert_file", "key_file", "insecure_skip_verify"}));
      if (t["ca_file"]) c.ca_file = Resolve(t["ca_file"].as<std::string>());
      if (t["cert_file"]) c.cert_file = Resolve(t["cert_file"].as<std::string>());
      if (t["key_file"]) c.key_file = Resolve(t["key_file"].as<std::string>());
      if (t["insecure_skip_verify"]) c.insecure_skip_verify = t["insecure_skip_verify"].as<bool>();
      if (c.cert_file.empty() != c.key_file.empty()) {
        return Error(t, "tls_config: cert_file and key_file go together");
      }
    }
    return c;
  }

 private:
  std::string path_;
  std::filesystem::path dir_;
};

}  // namespace

Result<HttpClientConfig> LoadHttpClientConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot read the http config file");
  std::stringstream ss;
  ss << in.rdbuf();
  Reader reader(path);
  return ParseYamlWith(ss.str(), path, [&](const YAML::Node& root) { return reader.Load(root); });
}

}  // namespace alertgate
