#include "http/web_config.h"

#include <openssl/crypto.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <optional>

#include "core/file.h"
#include "core/text.h"
#include "core/yaml.h"

namespace alertgate {
namespace {

// bcrypt's own base64 alphabet.
constexpr std::string_view kBcryptAlphabet =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// "$2a$", "$2b$" or "$2y$", a two-digit cost 04-31, "$", 22 characters of
// salt and 31 of hash: 60 characters in all.
constexpr size_t kBcryptLength = 60;

// A warning when `path` can be read by users other than its owner.
std::optional<std::string> PermissionWarning(const std::string& path, const std::string& what) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  if ((st.st_mode & 077) == 0) return std::nullopt;
  char mode[8];
  snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return what + " " + path + " is accessible to group or others (mode " + mode + "); chmod 0600 it";
}

class WebConfigLoader : public YamlSource {
 public:
  using YamlSource::YamlSource;

  // A mapping whose keys are names chosen by the operator (users, tokens):
  // strings, unique.
  Status CheckNames(const YAML::Node& map, const std::string& context) const {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) return Error(kv.first, context + ": names must be strings");
      const std::string name = kv.first.Scalar();
      if (!seen.insert(name).second) {
        return Error(kv.first, context + ": duplicate entry " + QuoteForMessage(name));
      }
    }
    return Status::Ok();
  }

  Status CheckName(const YAML::Node& key, const std::string& context) const {
    const std::string& name = key.Scalar();
    if (name.empty()) return Error(key, context + ": empty name");
    if (name.size() > 256) return Error(key, context + ": name longer than 256 characters");
    for (unsigned char c : name) {
      if (c < 0x20 || c == 0x7f) return Error(key, context + ": control character in name");
      if (c == ':') {
        return Error(key, context + "." + name + ": names cannot contain ':' (basic auth " +
                              "separates user and password with it)");
      }
    }
    return Status::Ok();
  }

  Result<WebConfig> Load(const YAML::Node& root) const {
    WebConfig cfg;
    cfg.source = filename();
    if (!root.IsDefined() || root.IsNull()) return cfg;  // empty file: the defaults
    if (!root.IsMap()) return Error(root, "expected a mapping");
    AG_RETURN_IF_ERROR(CheckKeys(
        root, "the top level",
        {"tls_server_config", "basic_auth_users", "bearer_tokens", "roles", "metrics_public"},
        {"http_server_config", "rate_limit"}));

    if (const YAML::Node tls = root["tls_server_config"]; tls.IsDefined() && !tls.IsNull()) {
      auto t = LoadTls(tls);
      if (!t.ok()) return t.status();
      cfg.tls = std::move(t).value();
      if (auto w = PermissionWarning(cfg.tls.key_file, "tls_server_config.key_file")) {
        cfg.warnings.push_back(*w);
      }
    }

    if (const YAML::Node users = root["basic_auth_users"]; users.IsDefined() && !users.IsNull()) {
      if (!users.IsMap()) return Error(users, "basic_auth_users: expected a mapping user: hash");
      AG_RETURN_IF_ERROR(CheckNames(users, "basic_auth_users"));
      for (const auto& kv : users) {
        AG_RETURN_IF_ERROR(CheckName(kv.first, "basic_auth_users"));
        const std::string user = kv.first.Scalar();
        const std::string ctx = "basic_auth_users." + user;
        auto hash = String(kv.second, ctx);
        if (!hash.ok()) return hash.status();
        if (!BcryptCost(*hash)) {
          // Never print the value: an operator may have pasted a password.
          return Error(kv.second, ctx +
                                      ": not a bcrypt hash (expected $2a$, $2b$ or $2y$, a cost "
                                      "04-31 and 53 characters; e.g. htpasswd -nBC 10 " +
                                      user + ")");
        }
        cfg.basic_auth_users.emplace(user, *hash);
      }
    }

    if (const YAML::Node tokens = root["bearer_tokens"]; tokens.IsDefined() && !tokens.IsNull()) {
      if (!tokens.IsMap()) return Error(tokens, "bearer_tokens: expected a mapping name: {...}");
      AG_RETURN_IF_ERROR(CheckNames(tokens, "bearer_tokens"));
      for (const auto& kv : tokens) {
        AG_RETURN_IF_ERROR(CheckName(kv.first, "bearer_tokens"));
        const std::string name = kv.first.Scalar();
        if (cfg.basic_auth_users.count(name) != 0) {
          return Error(kv.first, "bearer_tokens." + name +
                                     ": the name is already a basic_auth_users entry; roles "
                                     "would be ambiguous");
        }
        auto digest = LoadToken(kv.second, "bearer_tokens." + name, &cfg.warnings);
        if (!digest.ok()) return digest.status();
        cfg.bearer_tokens.emplace(name, *digest);
      }
    }

    if (const YAML::Node roles = root["roles"]; roles.IsDefined() && !roles.IsNull()) {
      if (!roles.IsMap()) return Error(roles, "roles: expected a mapping name: role");
      AG_RETURN_IF_ERROR(CheckNames(roles, "roles"));
      for (const auto& kv : roles) {
        const std::string name = kv.first.Scalar();
        const std::string ctx = "roles." + name;
        if (cfg.basic_auth_users.count(name) == 0 && cfg.bearer_tokens.count(name) == 0) {
          return Error(kv.first, ctx + ": no basic_auth_users or bearer_tokens entry is named " +
                                     QuoteForMessage(name));
        }
        auto text = String(kv.second, ctx);
        if (!text.ok()) return text.status();
        auto role = ParseRole(*text);
        if (!role.ok()) return Error(kv.second, ctx + ": " + role.status().message());
        cfg.roles.emplace(name, *role);
      }
    }
    for (const auto& [user, hash] : cfg.basic_auth_users) {
      if (cfg.roles.count(user) == 0) {
        return Error(root["basic_auth_users"][user],
                     "basic_auth_users." + user + ": no role; add \"" + user +
                         ": webhook|runner|viewer|admin\" under roles");
      }
    }
    for (const auto& [name, digest] : cfg.bearer_tokens) {
      if (cfg.roles.count(name) == 0) {
        return Error(root["bearer_tokens"][name],
                     "bearer_tokens." + name + ": no role; add \"" + name +
                         ": webhook|runner|viewer|admin\" under roles");
      }
    }

    if (const YAML::Node mp = root["metrics_public"]; mp.IsDefined() && !mp.IsNull()) {
      bool value = true;
      if (!mp.IsScalar() || !YAML::convert<bool>::decode(mp, value)) {
        return Error(mp, "metrics_public: expected true or false");
      }
      cfg.metrics_public = value;
    }

    if (cfg.auth_enabled() && !cfg.tls.enabled()) {
      cfg.warnings.push_back(
          "credentials are configured without tls_server_config: passwords and tokens cross "
          "the network in clear text");
    }
    return cfg;
  }

  Result<TlsServerConfig> LoadTls(const YAML::Node& node) const {
    if (!node.IsMap()) return Error(node, "tls_server_config: expected a mapping");
    AG_RETURN_IF_ERROR(CheckKeys(
        node, "tls_server_config", {"cert_file", "key_file", "client_auth_type", "client_ca_file"},
        {"cert", "key", "client_ca", "cipher_suites", "curve_preferences", "min_version",
         "max_version", "prefer_server_cipher_suites", "client_allowed_sans"}));
    TlsServerConfig tls;
    const YAML::Node cert = node["cert_file"];
    const YAML::Node key = node["key_file"];
    const YAML::Node auth = node["client_auth_type"];
    const YAML::Node ca = node["client_ca_file"];
    const bool any = cert.IsDefined() || key.IsDefined() || auth.IsDefined() || ca.IsDefined();
    if (!any) return tls;  // an empty section: TLS off, as in exporter-toolkit
    if (!cert.IsDefined()) return Error(node, "tls_server_config.cert_file: missing");
    if (!key.IsDefined()) return Error(node, "tls_server_config.key_file: missing");

    auto cert_file = File(cert, "tls_server_config.cert_file");
    if (!cert_file.ok()) return cert_file.status();
    auto key_file = File(key, "tls_server_config.key_file");
    if (!key_file.ok()) return key_file.status();
    tls.cert_file = *cert_file;
    tls.key_file = *key_file;

    auto certs = CountCertificates(tls.cert_file);
    if (!certs.ok()) return Error(cert, "tls_server_config.cert_file: " + certs.status().message());
    if (*certs == 0) {
      return Error(cert, "tls_server_config.cert_file: no PEM certificate in " + tls.cert_file);
    }
    if (Status s = CheckKeyPair(tls.cert_file, tls.key_file); !s.ok()) {
      return Error(key, "tls_server_config.key_file: " + s.message());
    }

    if (auth.IsDefined() && !auth.IsNull()) {
      auto text = String(auth, "tls_server_config.client_auth_type");
      if (!text.ok()) return text.status();
      auto type = ParseClientAuthType(*text);
      if (!type.ok()) {
        return Error(auth, "tls_server_config.client_auth_type: " + type.status().message());
      }
      tls.client_auth_type = *type;
    }
    if (ca.IsDefined() && !ca.IsNull()) {
      if (tls.client_auth_type == ClientAuthType::kNoClientCert) {
        return Error(ca,
                     "tls_server_config.client_ca_file: set, but client_auth_type is "
                     "NoClientCert; choose VerifyClientCertIfGiven or RequireAndVerifyClientCert");
      }
      auto ca_file = File(ca, "tls_server_config.client_ca_file");
      if (!ca_file.ok()) return ca_file.status();
      tls.client_ca_file = *ca_file;
      auto ca_certs = CountCertificates(tls.client_ca_file);
      if (!ca_certs.ok()) {
        return Error(ca, "tls_server_config.client_ca_file: " + ca_certs.status().message());
      }
      if (*ca_certs == 0) {
        return Error(
            ca, "tls_server_config.client_ca_file: no PEM certificate in " + tls.client_ca_file);
      }
    }
    if ((tls.client_auth_type == ClientAuthType::kVerifyClientCertIfGiven ||
         tls.client_auth_type == ClientAuthType::kRequireAndVerifyClientCert) &&
        tls.client_ca_file.empty()) {
      return Error(auth, std::string("tls_server_config.client_ca_file: required by "
                                     "client_auth_type ") +
                             ClientAuthTypeName(tls.client_auth_type));
    }
    return tls;
  }

  // One bearer_tokens entry: {sha256: <64 hex>} or {file: <path>}.
  Result<Sha256Digest> LoadToken(const YAML::Node& node, const std::string& ctx,
                                 std::vector<std::string>* warnings) const {
    if (!node.IsMap()) return Error(node, ctx + ": expected a mapping with sha256 or file");
    AG_RETURN_IF_ERROR(CheckKeys(node, ctx, {"sha256", "file"}));
    const YAML::Node sha = node["sha256"];
    const YAML::Node file = node["file"];
    if (sha.IsDefined() == file.IsDefined()) {
      return Error(node, ctx + ": set exactly one of sha256 and file");
    }
    Sha256Digest digest{};
    if (sha.IsDefined()) {
      auto hex = String(sha, ctx + ".sha256");
      if (!hex.ok()) return hex.status();
      auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      bool ok = hex->size() == 64;
      for (size_t i = 0; ok && i < 32; ++i) {
        const int hi = nibble((*hex)[2 * i]);
        const int lo = nibble((*hex)[2 * i + 1]);
        ok = hi >= 0 && lo >= 0;
        if (ok) digest[i] = static_cast<unsigned char>(hi << 4 | lo);
      }
      if (!ok) {
        return Error(sha, ctx +
                              ".sha256: expected 64 hex digits (the output of "
                              "sha256sum over the token, without its newline)");
      }
      return digest;
    }
    auto path = File(file, ctx + ".file");
    if (!path.ok()) return path.status();
    auto contents = ReadFile(*path);
    if (!contents.ok()) return Error(file, ctx + ".file: " + contents.status().message());
    // As Prometheus does for credentials_file: surrounding whitespace,
    // including the final newline, is not part of the token.
    const std::string_view token = TrimSpace(*contents);
    if (token.empty()) {
      return Error(file, ctx + ".file: " + *path + " is empty");
    }
    digest = Sha256(token);
    if (token.size() < 16) {
      warnings->push_back(ctx + ": the token in " + *path + " is only " +
                          std::to_string(token.size()) +
                          " bytes; use at least 32 random bytes (openssl rand -hex 32)");
    }
    OPENSSL_cleanse(contents->data(), contents->size());
    if (auto w = PermissionWarning(*path, ctx + ".file")) warnings->push_back(*w);
    return digest;
  }
};

}  // namespace

std::optional<int> BcryptCost(std::string_view hash) {
  if (hash.size() != kBcryptLength) return std::nullopt;
  if (hash.substr(0, 3) != "$2a" && hash.substr(0, 3) != "$2b" && hash.substr(0, 3) != "$2y") {
    return std::nullopt;
  }
  if (hash[3] != '$' || hash[6] != '$') return std::nullopt;
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return std::nullopt;
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return std::nullopt;
  for (char c : hash.substr(7)) {
    if (kBcryptAlphabet.find(c) == std::string_view::npos) return std::nullopt;
  }
  return cost;
}

Result<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& filename) {
  const WebConfigLoader loader(filename);
  return loader.Parse(yaml, [&](const YAML::Node& root) { return loader.Load(root); });
}

Result<WebConfig> LoadWebConfig(const std::string& path) {
  const WebConfigLoader loader(path);
  return loader.Read([&](const YAML::Node& root) { return loader.Load(root); });
}

}  // namespace alertgate
