#include "cli/http_config.h"

#include <yaml-cpp/yaml.h>

#include <utility>

#include "core/file.h"
#include "core/yaml.h"

namespace alertgate {
namespace {

class Reader : public YamlSource {
 public:
  using YamlSource::YamlSource;

  // Resolves relative paths against the file's directory, as Prometheus does.
  Result<std::string> Path(const YAML::Node& n, const std::string& field) const {
    auto text = String(n, field);
    if (!text.ok()) return text.status();
    return ResolveAgainst(filename(), *text);
  }

  Result<HttpClientConfig> Load(const YAML::Node& root) const {
    HttpClientConfig c;
    if (!root.IsDefined() || root.IsNull()) return c;
    AG_RETURN_IF_ERROR(
        CheckKeys(root, "the top level", {"basic_auth", "authorization", "tls_config"}));
    if (const auto b = root["basic_auth"]) {
      AG_RETURN_IF_ERROR(CheckKeys(b, "basic_auth", {"username", "password", "password_file"}));
      if (!b["username"]) return Error(b, "basic_auth.username: missing");
      auto user = String(b["username"], "basic_auth.username");
      if (!user.ok()) return user.status();
      c.basic_user = *user;
      if (b["password_file"]) {
        auto s = Secret(b["password_file"], "basic_auth.password_file");
        if (!s.ok()) return s.status();
        c.basic_password = *s;
      } else if (b["password"]) {
        auto s = String(b["password"], "basic_auth.password");
        if (!s.ok()) return s.status();
        c.basic_password = *s;
      } else {
        return Error(b, "basic_auth: password or password_file is required");
      }
    }
    if (const auto a = root["authorization"]) {
      AG_RETURN_IF_ERROR(
          CheckKeys(a, "authorization", {"type", "credentials", "credentials_file"}));
      if (a["type"]) {
        auto type = String(a["type"], "authorization.type");
        if (!type.ok()) return type.status();
        if (*type != "Bearer")
          return Error(a["type"], "authorization.type: only Bearer is supported");
      }
      if (a["credentials_file"]) {
        auto s = Secret(a["credentials_file"], "authorization.credentials_file");
        if (!s.ok()) return s.status();
        c.bearer_token = *s;
      } else if (a["credentials"]) {
        auto s = String(a["credentials"], "authorization.credentials");
        if (!s.ok()) return s.status();
        c.bearer_token = *s;
      } else {
        return Error(a, "authorization: credentials or credentials_file is required");
      }
    }
    if (!c.basic_user.empty() && !c.bearer_token.empty()) {
      return Error(root, "basic_auth and authorization are mutually exclusive");
    }
    if (const auto t = root["tls_config"]) {
      AG_RETURN_IF_ERROR(
          CheckKeys(t, "tls_config", {"ca_file", "cert_file", "key_file", "insecure_skip_verify"}));
      for (auto [field, out] :
           {std::pair{"ca_file", &c.ca_file}, std::pair{"cert_file", &c.cert_file},
            std::pair{"key_file", &c.key_file}}) {
        if (!t[field]) continue;
        auto path = Path(t[field], std::string("tls_config.") + field);
        if (!path.ok()) return path.status();
        *out = *path;
      }
      if (t["insecure_skip_verify"]) {
        auto skip = Bool(t["insecure_skip_verify"], "tls_config.insecure_skip_verify");
        if (!skip.ok()) return skip.status();
        c.insecure_skip_verify = *skip;
      }
      if (c.cert_file.empty() != c.key_file.empty()) {
        return Error(t, "tls_config: cert_file and key_file go together");
      }
    }
    return c;
  }
};

}  // namespace

Result<HttpClientConfig> LoadHttpClientConfig(const std::string& path) {
  const Reader reader(path);
  return reader.Read([&](const YAML::Node& root) { return reader.Load(root); });
}

}  // namespace alertgate
