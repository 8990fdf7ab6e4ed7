// The file given to --web.config.file (docs/security.md): TLS, users, tokens
// and roles.
//
// The format is that of Prometheus exporters (exporter-toolkit's web config:
// tls_server_config, basic_auth_users with bcrypt hashes) plus three
// alertgate extensions: bearer_tokens, roles and metrics_public. Unknown keys
// are rejected with file:line, so a typo cannot silently leave the API open.
//
// Secrets: the config holds bcrypt hashes and SHA-256 digests of tokens only.
// No message produced here contains a password or a token; they name the user
// or the token's configured name.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/sha256.h"
#include "core/status.h"
#include "http/roles.h"
#include "http/tls.h"

namespace alertgate {

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
  // GET /metrics without credentials. Off by default: once credentials are
  // configured, everything is protected, as Prometheus and exporter-toolkit do.
  bool metrics_public = false;
  // Things that load but deserve a log line at warn level, e.g. a token file
  // readable by other users, or credentials configured without TLS. They
  // never contain secrets.
  std::vector<std::string> warnings;

  // Authentication is on when at least one user or token is configured;
  // with none, every request is allowed (the default, as in exporters).
  bool auth_enabled() const { return !basic_auth_users.empty() || !bearer_tokens.empty(); }
};

// The cost of a bcrypt hash ("$2b$10$..." → 10), or nullopt when `hash` is
// not a bcrypt hash alertgate can check ($2a$, $2b$ or $2y$, cost 04-31).
std::optional<int> BcryptCost(std::string_view hash);

// Parses and validates a web config. `filename` is used in "file:line: "
// error prefixes and relative paths in the file resolve against its
// directory. Referenced files (certificates, keys, CA bundles, token files)
// are read and checked here, so a config that loads can be served.
// An empty document is the default config (no TLS, no auth).
Result<WebConfig> ParseWebConfig(std::string_view yaml, const std::string& filename);

// Reads `path` and parses it with ParseWebConfig.
Result<WebConfig> LoadWebConfig(const std::string& path);

}  // namespace alertgate
