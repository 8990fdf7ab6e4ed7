// Authentication and authorization for the HTTP API, configured by the file
// given to --web.config.file (docs/security.md).
//
// The file uses the format of Prometheus exporters (exporter-toolkit's web
// config: tls_server_config, basic_auth_users with bcrypt hashes) plus three
// alertgate extensions: bearer_tokens, roles and metrics_public. Unknown keys
// are rejected with file:line, so a typo cannot silently leave the API open.
//
// Secrets: the config holds bcrypt hashes and SHA-256 digests of tokens only.
// No message produced here contains a password or a token; they name the user
// or the token's configured name.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/status.h"

struct crypt_data;  // <crypt.h>
struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace alertgate {

// What a caller may do. Ordered by nothing: use Allowed(), not comparisons.
enum class Role {
  kWebhook,  // POST /api/v1/webhook only (Alertmanager)
  kRunner,   // start/finish drills, inject, clear, plus everything kViewer may
  kViewer,   // GET drills, results, reports, /metrics
  kAdmin,    // everything, including POST /-/reload
};

const char* RoleName(Role role);                  // "webhook", "runner", ...
Result<Role> ParseRole(const std::string& text);  // the inverse of RoleName

// exporter-toolkit's names, which are Go's tls.ClientAuthType names.
enum class ClientAuthType {
  kNoClientCert,                // never ask for a client certificate
  kRequireAnyClientCert,        // a certificate is required but not verified
  kVerifyClientCertIfGiven,     // optional; verified against client_ca_file if sent
  kRequireAndVerifyClientCert,  // required and verified against client_ca_file
};

const char* ClientAuthTypeName(ClientAuthType type);
Result<ClientAuthType> ParseClientAuthType(const std::string& text);

// tls_server_config. Paths are already resolved: relative ones in the file
// are taken against the web config file's directory.
struct TlsServerConfig {
  std::string cert_file;  // PEM, the server certificate (then its chain)
  std::string key_file;   // PEM, unencrypted private key
  ClientAuthType client_auth_type = ClientAuthType::kNoClientCert;
  std::string client_ca_file;  // PEM bundle; required by the Verify* types

  // TLS is on when cert_file (and therefore key_file) is set.
  bool enabled() const { return !cert_file.empty(); }
};

using Sha256Digest = std::array<unsigned char, 32>;

// Returns the SHA-256 of `data`.
Sha256Digest Sha256(std::string_view data);

struct WebConfig {
  std::string source;  // the file it came from; empty for the default config
  TlsServerConfig tls;
  // basic_auth_users: user name -> bcrypt hash ($2a$, $2b$ or $2y$).
  std::map<std::string, std::string> basic_auth_users;
  // bearer_tokens: token name -> SHA-256 of the token. A token given as a
  // file is read and hashed at load time; the token itself is not kept.
  std::map<std::string, Sha256Digest> bearer_tokens;
  // roles: user or token name -> role. Every user and token has one.
  std::map<std::string, Role> roles;
  bool metrics_public = true;  // GET /metrics without credentials
  // Things that load but deserve a log line at warn level, e.g. a token file
  // readable by other users, or credentials configured without TLS. They
  // never contain secrets.
  std::vector<std::string> warnings;

  // Authentication is on when at least one user or token is configured;
  // with none, every request is allowed (the default, as in exporters).
  bool auth_enabled() const { return !basic_auth_users.empty() || !bearer_tokens.empty(); }
};

// Parses and validates a web config. `filename` is used in "file:line: "
// error prefixes and relative paths in the file resolve against its
// directory. Referenced files (certificates, keys, CA bundles, token files)
// are read and checked here, so a config that loads can be served.
// An empty document is the default config (no TLS, no auth).
Result<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& filename);

// Reads `path` and parses it with ParseWebConfig.
Result<WebConfig> LoadWebConfig(const std::string& path);

// Applies `tls` (which must be enabled()) to an OpenSSL server context:
// certificate chain and key, TLS 1.2 minimum, and the client certificate
// policy of client_auth_type. Meant for cpp-httplib's
//   httplib::SSLServer([&](SSL_CTX& ctx) { return ConfigureTlsContext(tls, &ctx).ok(); })
// The files are re-read, so a certificate rotated on disk is picked up by
// building a new context (on restart; httplib keeps one context per server).
Status ConfigureTlsContext(const TlsServerConfig& tls, ssl_ctx_st* ctx);

// Who made a request. `name` is the basic-auth user or the bearer token's
// configured name.
struct Principal {
  std::string name;
  Role role = Role::kViewer;
};

struct AuthenticatorOptions {
  // Successful (user, password) checks remembered, so that a client sending
  // the same credentials on every request pays for bcrypt once. Oldest
  // entries are evicted first. 0 disables the cache.
  size_t cache_capacity = 1024;
};

// Checks credentials and permissions for one WebConfig. Immutable after
// construction apart from its cache; all methods are thread-safe. Build a new
// one on reload.
class Authenticator {
 public:
  explicit Authenticator(const WebConfig& config, AuthenticatorOptions options = {});
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  bool enabled() const { return enabled_; }

  // Checks an Authorization header value ("Basic <base64>" or
  // "Bearer <token>"; the scheme is case-insensitive). Errors are
  // kUnauthenticated: "missing credentials" when the header is empty,
  // otherwise "invalid credentials ..." naming the user when there is one.
  // With authentication off, every caller is Principal{"", kAdmin}.
  //
  // Basic: bcrypt via crypt_r, the result compared in constant time. An
  // unknown user costs a bcrypt too, so timing does not reveal which users
  // exist. At most one bcrypt runs at a time (a flood of wrong passwords
  // uses one core); cached credentials do not wait for it.
  // Bearer: the SHA-256 of the token is compared in constant time with
  // every configured digest.
  Result<Principal> Authenticate(const std::string& authorization_header) const;

  // Whether `role` may call `method` `path`. `path` is the decoded request
  // path without the query string, as cpp-httplib routes it (req.path);
  // HEAD counts as GET. Paths outside the API are allowed for kAdmin only.
  // /-/healthy and /-/ready are allowed for every role.
  static bool Allowed(Role role, const std::string& method, const std::string& path);

  // The whole decision for one request. OK when:
  //   - the path is /-/healthy or /-/ready, or
  //   - authentication is off, or
  //   - the request is GET/HEAD /metrics and metrics_public, or
  //   - the credentials authenticate and the principal's role is Allowed.
  // Otherwise kUnauthenticated (answer 401 with WWW-Authenticate), or, for
  // valid credentials lacking the role, kPermissionDenied (answer 403) with a
  // message starting "forbidden: ".
  Status Authorize(const std::string& method, const std::string& path,
                   const std::string& authorization_header) const;

  // The WWW-Authenticate value to send with a 401, e.g. `Basic realm="alertgate"`.
  std::string Challenge() const;

  // bcrypt computations so far (cache misses, including those for unknown
  // users). For tests and debugging.
  uint64_t bcrypt_calls() const { return bcrypt_calls_.load(std::memory_order_relaxed); }

 private:
  Result<Principal> AuthenticateBasic(std::string_view credentials) const;
  Result<Principal> AuthenticateBearer(std::string_view token) const;
  // Returns whether crypt_r(password, setting) equals `hash`, in constant
  // time. `setting` is usually `hash` itself.
  bool BcryptMatches(const std::string& password, const std::string& setting,
                     const std::string& hash) const;
  bool CacheContains(const Sha256Digest& key) const;
  void CacheInsert(const Sha256Digest& key) const;

  bool enabled_;
  bool metrics_public_;
  AuthenticatorOptions options_;
  std::map<std::string, std::string> users_;  // name -> bcrypt hash
  std::vector<std::pair<std::string, Sha256Digest>> tokens_;
  std::map<std::string, Role> roles_;
  // A bcrypt setting as costly as the most costly user hash, computed for
  // unknown users so that they take as long as known ones.
  std::string dummy_setting_;

  mutable std::mutex bcrypt_mu_;
  std::unique_ptr<crypt_data> crypt_data_;  // GUARDED_BY(bcrypt_mu_); 32 KiB
  mutable std::atomic<uint64_t> bcrypt_calls_{0};

  struct DigestHash {
    size_t operator()(const Sha256Digest& d) const;
  };
  mutable std::mutex cache_mu_;
  // SHA-256 over (user, password, bcrypt hash) of successful checks; never
  // the password itself. GUARDED_BY(cache_mu_).
  mutable std::unordered_set<Sha256Digest, DigestHash> cache_;
  mutable std::deque<Sha256Digest> cache_order_;  // insertion order, oldest first
};

// True for the "forbidden" outcome of Authorize (→ 403), whichever code
// carries it.
bool IsForbidden(const Status& status);

}  // namespace alertgate
