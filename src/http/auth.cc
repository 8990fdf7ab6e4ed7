#include "http/auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "core/yaml.h"

namespace alertgate {
namespace {

// The "forbidden" outcome (→ 403).
constexpr const char* kForbiddenPrefix = "forbidden: ";
Status Forbidden(const std::string& what) {
  return Status(StatusCode::kPermissionDenied, kForbiddenPrefix + what);
}

Status Unauthenticated(const std::string& what) {
  return Status(StatusCode::kUnauthenticated, what);
}

// Text a client sent, fit for a message or a log line: printable ASCII
// (others become '?'), at most `limit` characters.
std::string Printable(std::string_view s, size_t limit) {
  std::string out;
  const size_t n = std::min<size_t>(s.size(), limit);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += c < 0x20 || c >= 0x7f ? '?' : static_cast<char>(c);
  }
  if (s.size() > n) out += "...";
  return out;
}

// Printable(s), quoted, with " and \ escaped.
std::string Quoted(std::string_view s, size_t limit = 64) {
  std::string out = "\"";
  for (char c : Printable(s, limit)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string_view TrimSpace(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Standard base64 (RFC 4648 §4) with padding, as RFC 7617 requires; nullopt
// on anything else.
std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    int pad = 0;
    if (last && in[i + 3] == '=') pad = in[i + 2] == '=' ? 2 : 1;
    uint32_t bits = 0;
    for (size_t j = 0; j < 4; ++j) {
      int v = 0;
      if (j >= 4 - static_cast<size_t>(pad)) {
        if (in[i + j] != '=') return std::nullopt;
      } else {
        v = value(in[i + j]);
        if (v < 0) return std::nullopt;
      }
      bits = bits << 6 | static_cast<uint32_t>(v);
    }
    out += static_cast<char>(bits >> 16 & 0xff);
    if (pad < 2) out += static_cast<char>(bits >> 8 & 0xff);
    if (pad < 1) out += static_cast<char>(bits & 0xff);
  }
  return out;
}

// bcrypt's own base64 alphabet.
constexpr std::string_view kBcryptAlphabet =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// "$2a$", "$2b$" or "$2y$", a two-digit cost 04-31, "$", 22 characters of
// salt and 31 of hash: 60 characters in all.
constexpr size_t kBcryptLength = 60;
constexpr size_t kBcryptSettingLength = 29;  // "$2b$10$" and the salt

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

std::string ResolvePath(const std::string& config_file, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  const std::filesystem::path dir = std::filesystem::path(config_file).parent_path();
  if (dir.empty()) return path;
  return (dir / path).string();
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + path + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read " + path);
  return ss.str();
}

// A warning when `path` can be read by users other than its owner.
std::optional<std::string> PermissionWarning(const std::string& path, const std::string& what) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  if ((st.st_mode & 077) == 0) return std::nullopt;
  char mode[8];
  snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return what + " " + path + " is accessible to group or others (mode " + mode + "); chmod 0600 it";
}

// Drains OpenSSL's error queue into one line.
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

// A PEM password callback that never prompts: encrypted keys fail to load
// instead of blocking on the terminal.
int NoPassword(char*, int, int, void*) { return -1; }

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Reads every PEM certificate in `pem`.
std::vector<X509Ptr> ReadCertificates(const std::string& pem) {
  std::vector<X509Ptr> out;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return out;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr)) {
    out.emplace_back(x);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  return out;
}

Result<PkeyPtr> ReadPrivateKey(const std::string& path) {
  auto pem = ReadWholeFile(path);
  if (!pem.ok()) return pem.status();
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr) : nullptr);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!key) {
    ERR_clear_error();
    return InvalidArgument("no usable PEM private key in " + path +
                           " (encrypted keys are not supported)");
  }
  return key;
}

// Carries the file name so every error can say "file:line: ...".
class WebConfigLoader {
 public:
  explicit WebConfigLoader(std::string filename) : filename_(std::move(filename)) {}

  Status Error(const YAML::Node& node, const std::string& what) const {
    std::string where = filename_;
    if (node.IsDefined() && node.Mark().line >= 0) {
      where += ":" + std::to_string(node.Mark().line + 1);
    }
    return InvalidArgument(where + ": " + what);
  }

  // Rejects keys outside `allowed`; keys in `unsupported` (exporter-toolkit
  // options alertgate does not implement) get a message saying so.
  Status CheckKeys(const YAML::Node& map, const std::string& context,
                   const std::set<std::string>& allowed,
                   const std::set<std::string>& unsupported = {}) const {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) return Error(kv.first, context + ": keys must be strings");
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        return Error(kv.first, "duplicate field \"" + key + "\" in " + context);
      }
      if (unsupported.count(key) != 0) {
        return Error(kv.first, "\"" + key + "\" in " + context +
                                   " is an exporter-toolkit option alertgate does not support");
      }
      if (allowed.count(key) == 0) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return Error(kv.first,
                     "unknown field \"" + key + "\" in " + context + " (known: " + list + ")");
      }
    }
    return Status::Ok();
  }

  // A mapping whose keys are names chosen by the operator (users, tokens):
  // strings, unique.
  Status CheckNames(const YAML::Node& map, const std::string& context) const {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) return Error(kv.first, context + ": names must be strings");
      const std::string name = kv.first.Scalar();
      if (!seen.insert(name).second) {
        return Error(kv.first, context + ": duplicate entry " + Quoted(name));
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

  Result<std::string> String(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) return Error(node, field + ": expected a string");
    return node.Scalar();
  }

  // A file path: resolved against the config's directory and readable.
  Result<std::string> File(const YAML::Node& node, const std::string& field) const {
    auto text = String(node, field);
    if (!text.ok()) return text.status();
    if (text->empty()) return Error(node, field + ": empty path");
    const std::string path = ResolvePath(filename_, *text);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Error(node, field + ": cannot read " + path + ": " + std::strerror(errno));
    }
    return path;
  }

  Result<WebConfig> Load(const YAML::Node& root) const {
    WebConfig cfg;
    cfg.source = filename_;
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
                                     Quoted(name));
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

    auto cert_pem = ReadWholeFile(tls.cert_file);
    if (!cert_pem.ok())
      return Error(cert, "tls_server_config.cert_file: " + cert_pem.status().message());
    auto certs = ReadCertificates(*cert_pem);
    if (certs.empty()) {
      return Error(cert, "tls_server_config.cert_file: no PEM certificate in " + tls.cert_file);
    }
    auto pkey = ReadPrivateKey(tls.key_file);
    if (!pkey.ok()) return Error(key, "tls_server_config.key_file: " + pkey.status().message());
    if (X509_check_private_key(certs.front().get(), pkey->get()) != 1) {
      ERR_clear_error();
      return Error(key, "tls_server_config.key_file: " + tls.key_file +
                            " is not the key of the certificate in " + tls.cert_file);
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
      auto ca_pem = ReadWholeFile(tls.client_ca_file);
      if (!ca_pem.ok())
        return Error(ca, "tls_server_config.client_ca_file: " + ca_pem.status().message());
      if (ReadCertificates(*ca_pem).empty()) {
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
    auto contents = ReadWholeFile(*path);
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

 private:
  std::string filename_;
};

// The endpoints as authorization sees them.
enum class Endpoint {
  kHealth,      // /-/healthy, /-/ready
  kWebhook,     // POST /api/v1/webhook
  kReadDrills,  // GET /api/v1/drills, /api/v1/drills/{d}, /api/v1/drills/{d}/report
  kRunDrills,   // POST drills, finish, injections, clear
  kMetrics,     // GET /metrics
  kOther,       // reload, and anything not above
};

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Mirrors the routes in http/server.cc: a segment is what `([^/]+)` matches.
Endpoint Classify(const std::string& method_in, const std::string& path) {
  if (path == "/-/healthy" || path == "/-/ready") return Endpoint::kHealth;
  const std::string method = method_in == "HEAD" ? "GET" : method_in;
  const bool get = method == "GET";
  const bool post = method == "POST";
  if (path == "/metrics") return get ? Endpoint::kMetrics : Endpoint::kOther;
  if (path == "/api/v1/webhook") return post ? Endpoint::kWebhook : Endpoint::kOther;

  const auto s = Segments(path);
  if (s.size() < 3 || s[0] != "api" || s[1] != "v1" || s[2] != "drills") return Endpoint::kOther;
  for (size_t i = 3; i < s.size(); ++i) {
    if (s[i].empty()) return Endpoint::kOther;
  }
  switch (s.size()) {
    case 3:  // /api/v1/drills
      if (get) return Endpoint::kReadDrills;
      if (post) return Endpoint::kRunDrills;
      break;
    case 4:  // /api/v1/drills/{d}
      if (get) return Endpoint::kReadDrills;
      break;
    case 5:  // /api/v1/drills/{d}/report|finish|injections
      if (get && s[4] == "report") return Endpoint::kReadDrills;
      if (post && (s[4] == "finish" || s[4] == "injections")) return Endpoint::kRunDrills;
      break;
    case 7:  // /api/v1/drills/{d}/injections/{i}/clear
      if (post && s[4] == "injections" && s[6] == "clear") return Endpoint::kRunDrills;
      break;
    default:
      break;
  }
  return Endpoint::kOther;
}

std::string Describe(const Principal& p) {
  return Quoted(p.name) + " (role " + RoleName(p.role) + ")";
}

// Accepts any client certificate: RequireAnyClientCert asks for one without
// verifying it (OpenSSL still checks the client holds its private key).
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kWebhook:
      return "webhook";
    case Role::kRunner:
      return "runner";
    case Role::kViewer:
      return "viewer";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

Result<Role> ParseRole(const std::string& text) {
  for (Role r : {Role::kWebhook, Role::kRunner, Role::kViewer, Role::kAdmin}) {
    if (text == RoleName(r)) return r;
  }
  return InvalidArgument("unknown role " + Quoted(text) +
                         " (known: webhook, runner, viewer, admin)");
}

const char* ClientAuthTypeName(ClientAuthType type) {
  switch (type) {
    case ClientAuthType::kNoClientCert:
      return "NoClientCert";
    case ClientAuthType::kRequireAnyClientCert:
      return "RequireAnyClientCert";
    case ClientAuthType::kVerifyClientCertIfGiven:
      return "VerifyClientCertIfGiven";
    case ClientAuthType::kRequireAndVerifyClientCert:
      return "RequireAndVerifyClientCert";
  }
  return "unknown";
}

Result<ClientAuthType> ParseClientAuthType(const std::string& text) {
  if (text.empty()) return ClientAuthType::kNoClientCert;
  if (text == "RequireClientCert") return ClientAuthType::kRequireAnyClientCert;  // old alias
  for (ClientAuthType t :
       {ClientAuthType::kNoClientCert, ClientAuthType::kRequireAnyClientCert,
        ClientAuthType::kVerifyClientCertIfGiven, ClientAuthType::kRequireAndVerifyClientCert}) {
    if (text == ClientAuthTypeName(t)) return t;
  }
  return InvalidArgument("unknown " + Quoted(text) +
                         " (known: NoClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
                         "RequireAndVerifyClientCert)");
}

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

Result<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& filename) {
  WebConfigLoader loader(filename);
  return ParseYamlWith(yaml, filename, [&](const YAML::Node& root) { return loader.Load(root); });
}

Result<WebConfig> LoadWebConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument(path + ": cannot read the web config file: " + std::strerror(errno));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseWebConfig(ss.str(), path);
}

Status ConfigureTlsContext(const TlsServerConfig& tls, ssl_ctx_st* ctx) {
  if (!tls.enabled()) return InvalidArgument("TLS is not configured (no cert_file)");
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    return InvalidArgument("cert_file " + tls.cert_file + ": " + OpenSslErrors());
  }
  auto key = ReadPrivateKey(tls.key_file);
  if (!key.ok()) return key.status();
  if (SSL_CTX_use_PrivateKey(ctx, key->get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgument("key_file " + tls.key_file + ": " + OpenSslErrors());
  }
  // Session resumption with client certificates needs a context id.
  static constexpr unsigned char kSessionContext[] = "alertgate";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1);

  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      return InvalidArgument("client_ca_file " + tls.client_ca_file + ": " + OpenSslErrors());
    }
    // Tells clients which CAs are accepted, so they pick the right certificate.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
    if (names == nullptr) {
      return InvalidArgument("client_ca_file " + tls.client_ca_file + ": " + OpenSslErrors());
    }
    SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
  }
  switch (tls.client_auth_type) {
    case ClientAuthType::kNoClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuthType::kRequireAnyClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         AcceptAnyCertificate);
      break;
    case ClientAuthType::kVerifyClientCertIfGiven:
    case ClientAuthType::kRequireAndVerifyClientCert:
      if (tls.client_ca_file.empty()) {
        return InvalidArgument(std::string("client_ca_file is required by client_auth_type ") +
                               ClientAuthTypeName(tls.client_auth_type));
      }
      SSL_CTX_set_verify(ctx,
                         tls.client_auth_type == ClientAuthType::kRequireAndVerifyClientCert
                             ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                             : SSL_VERIFY_PEER,
                         nullptr);
      break;
  }
  return Status::Ok();
}

size_t Authenticator::DigestHash::operator()(const Sha256Digest& d) const {
  size_t h = 0;
  std::memcpy(&h, d.data(), sizeof(h));  // already uniformly distributed
  return h;
}

Authenticator::Authenticator(const WebConfig& config, AuthenticatorOptions options)
    : enabled_(config.auth_enabled()),
      metrics_public_(config.metrics_public),
      options_(options),
      users_(config.basic_auth_users),
      tokens_(config.bearer_tokens.begin(), config.bearer_tokens.end()),
      roles_(config.roles),
      crypt_data_(std::make_unique<crypt_data>()) {
  int cost = 4;
  for (const auto& [user, hash] : users_) cost = std::max(cost, BcryptCost(hash).value_or(4));
  char setting[kBcryptSettingLength + 1];
  snprintf(setting, sizeof(setting), "$2b$%02d$%s", cost, "......................");
  dummy_setting_ = setting;
}

Authenticator::~Authenticator() = default;

Result<Principal> Authenticator::Authenticate(const std::string& authorization_header) const {
  if (!enabled_) return Principal{"", Role::kAdmin};
  const std::string_view header = TrimSpace(authorization_header);
  if (header.empty()) return Unauthenticated("missing credentials");
  const auto space = header.find_first_of(" \t");
  const std::string_view scheme = header.substr(0, space);
  const std::string_view rest =
      space == std::string_view::npos ? std::string_view() : TrimSpace(header.substr(space));
  if (EqualsIgnoreCase(scheme, "Basic")) return AuthenticateBasic(rest);
  if (EqualsIgnoreCase(scheme, "Bearer")) return AuthenticateBearer(rest);
  // Never echo what follows the scheme: it is the secret.
  return Unauthenticated("invalid credentials: unsupported authorization scheme " + Quoted(scheme) +
                         " (use Basic or Bearer)");
}

Result<Principal> Authenticator::AuthenticateBasic(std::string_view credentials) const {
  auto decoded = Base64Decode(credentials);
  if (!decoded) return Unauthenticated("invalid credentials: malformed basic credentials");
  struct Cleanse {
    std::string* s;
    ~Cleanse() { OPENSSL_cleanse(s->data(), s->size()); }
  } cleanse{&*decoded};
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) {
    return Unauthenticated("invalid credentials: malformed basic credentials");
  }
  const std::string user = decoded->substr(0, colon);
  std::string password = decoded->substr(colon + 1);
  Cleanse cleanse_password{&password};
  const Status invalid = Unauthenticated("invalid credentials for user " + Quoted(user));

  const auto it = users_.find(user);
  // crypt_r takes a C string: a NUL would cut the password short.
  if (it == users_.end() || password.find('\0') != std::string::npos) {
    BcryptMatches(password, dummy_setting_, "");  // as slow as a known user
    return invalid;
  }
  const std::string& hash = it->second;

  // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
  std::string material;
  for (std::string_view part :
       {std::string_view(user), std::string_view(password), std::string_view(hash)}) {
    const uint32_t n = static_cast<uint32_t>(part.size());
    material.append(reinterpret_cast<const char*>(&n), sizeof(n));
    material += part;
  }
  const Sha256Digest key = Sha256(material);
  OPENSSL_cleanse(material.data(), material.size());

  const auto role = roles_.find(user);
  if (role == roles_.end()) return invalid;  // LoadWebConfig never allows this
  if (!CacheContains(key)) {
    if (!BcryptMatches(password, hash, hash)) return invalid;
    CacheInsert(key);
  }
  return Principal{user, role->second};
}

Result<Principal> Authenticator::AuthenticateBearer(std::string_view token) const {
  if (token.empty()) return Unauthenticated("invalid credentials: empty bearer token");
  const Sha256Digest digest = Sha256(token);
  // Compare with every digest, without stopping at a match.
  const std::pair<std::string, Sha256Digest>* match = nullptr;
  for (const auto& entry : tokens_) {
    const bool equal = CRYPTO_memcmp(digest.data(), entry.second.data(), digest.size()) == 0;
    if (equal) match = &entry;
  }
  if (match == nullptr) return Unauthenticated("invalid credentials: unknown bearer token");
  const auto role = roles_.find(match->first);
  if (role == roles_.end()) {
    return Unauthenticated("invalid credentials: bearer token " + Quoted(match->first) +
                           " has no role");
  }
  return Principal{match->first, role->second};
}

bool Authenticator::BcryptMatches(const std::string& password, const std::string& setting,
                                  const std::string& hash) const {
  std::lock_guard<std::mutex> lock(bcrypt_mu_);
  bcrypt_calls_.fetch_add(1, std::memory_order_relaxed);
  const char* out = crypt_r(password.c_str(), setting.c_str(), crypt_data_.get());
  // Compared as text, in constant time, as Go's bcrypt does: the output
  // repeats the setting (algorithm, cost, salt) and appends the hash.
  const bool equal = out != nullptr && hash.size() == kBcryptLength &&
                     std::strlen(out) == kBcryptLength &&
                     CRYPTO_memcmp(out, hash.data(), kBcryptLength) == 0;
  // crypt_data holds state derived from the password.
  OPENSSL_cleanse(crypt_data_.get(), sizeof(crypt_data));
  return equal;
}

bool Authenticator::CacheContains(const Sha256Digest& key) const {
  std::lock_guard<std::mutex> lock(cache_mu_);
  return cache_.count(key) != 0;
}

void Authenticator::CacheInsert(const Sha256Digest& key) const {
  if (options_.cache_capacity == 0) return;
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (!cache_.insert(key).second) return;
  cache_order_.push_back(key);
  while (cache_order_.size() > options_.cache_capacity) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

bool Authenticator::Allowed(Role role, const std::string& method, const std::string& path) {
  const Endpoint e = Classify(method, path);
  if (e == Endpoint::kHealth || role == Role::kAdmin) return true;
  switch (e) {
    case Endpoint::kWebhook:
      return role == Role::kWebhook;
    case Endpoint::kReadDrills:
    case Endpoint::kMetrics:
      return role == Role::kViewer || role == Role::kRunner;
    case Endpoint::kRunDrills:
      return role == Role::kRunner;
    case Endpoint::kHealth:
    case Endpoint::kOther:
      break;
  }
  return false;
}

Status Authenticator::Authorize(const std::string& method, const std::string& path,
                                const std::string& authorization_header) const {
  const Endpoint e = Classify(method, path);
  if (e == Endpoint::kHealth || !enabled_) return Status::Ok();
  if (e == Endpoint::kMetrics && metrics_public_) return Status::Ok();
  auto principal = Authenticate(authorization_header);
  if (!principal.ok()) return principal.status();
  if (!Allowed(principal->role, method, path)) {
    return Forbidden(Describe(*principal) + " may not " + Printable(method, 16) + " " +
                     Printable(path, 256));
  }
  return Status::Ok();
}

std::string Authenticator::Challenge() const {
  std::string out;
  if (!users_.empty()) out = "Basic realm=\"alertgate\", charset=\"UTF-8\"";
  if (!tokens_.empty()) out += std::string(out.empty() ? "" : ", ") + "Bearer realm=\"alertgate\"";
  return out;
}

bool IsForbidden(const Status& status) {
  return !status.ok() && status.message().rfind(kForbiddenPrefix, 0) == 0;
}

}  // namespace alertgate
