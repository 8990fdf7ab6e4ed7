// Checking credentials (basic auth with bcrypt, bearer tokens) and deciding
// whether a caller may use a route, for one WebConfig.
//
// bcrypt is deliberately slow, so the server never runs it on an I/O
// thread: RequiresBcrypt() says which requests need it, and those are
// checked on a small bounded pool (http/server.h). Cached credentials and
// bearer tokens are checked inline in microseconds.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/mutex.h"
#include "core/sha256.h"
#include "core/status.h"
#include "http/roles.h"
#include "http/web_config.h"

namespace alertgate {

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

// Immutable after construction apart from its cache; all methods are
// thread-safe. Build a new one on reload.
class Authenticator {
 public:
  explicit Authenticator(const WebConfig& config, AuthenticatorOptions options = {});
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  bool enabled() const { return enabled_; }
  bool metrics_public() const { return metrics_public_; }

  // Checks an Authorization header value ("Basic <base64>" or
  // "Bearer <token>"; the scheme is case-insensitive). Errors are
  // kUnauthenticated: "missing credentials" when the header is empty,
  // otherwise "invalid credentials ..." naming the user when there is one,
  // never the secret. With authentication off, every caller is
  // Principal{"", kAdmin}.
  //
  // Basic: bcrypt via crypt_r, the result compared in constant time. An
  // unknown user costs one bcrypt with the cost of a configured user (the
  // same one for the same name), so timing does not tell which users exist.
  // Bearer: the SHA-256 of the token is compared in constant time with
  // every configured digest.
  Result<Principal> Authenticate(const std::string& authorization_header) const;

  // True when Authenticate(header) would run bcrypt: basic credentials that
  // are not cached (including unknown users). False for bearer tokens,
  // cached credentials, malformed headers and when authentication is off.
  bool RequiresBcrypt(const std::string& authorization_header) const;

  // The whole decision for a request to a route that requires `access`
  // (`method` and `path` only name the request in messages). OK when the
  // access is kPublic, authentication is off, the access is kMetrics and
  // metrics are public, or the credentials authenticate and the role
  // Permits the access. Otherwise kUnauthenticated (answer 401 with
  // Challenge()), or, for valid credentials lacking the role,
  // kPermissionDenied "forbidden: ..." (answer 403).
  Status Authorize(Access access, const std::string& method, const std::string& path,
                   const std::string& authorization_header) const;
  // Authorize for an outcome of Authenticate that is already known.
  Status Authorize(Access access, const std::string& method, const std::string& path,
                   const Result<Principal>& principal) const;
  // Whether Authorize needs credentials at all for this access.
  bool NeedsCredentials(Access access) const;

  // The WWW-Authenticate value to send with a 401, e.g. `Basic realm="alertgate"`.
  std::string Challenge() const;

  // The bcrypt cost a check of `user`'s password pays: the user's own, or
  // for an unknown name the cost of its stand-in, a configured user.
  int CostFor(const std::string& user) const;

  // bcrypt computations so far (cache misses, including those for unknown
  // users). For tests and debugging.
  uint64_t bcrypt_calls() const { return bcrypt_calls_.load(std::memory_order_relaxed); }

 private:
  struct BasicCredentials {
    std::string user;
    std::string password;
  };
  // The decoded user and password of a "Basic" header's value, or nullopt.
  static std::optional<BasicCredentials> DecodeBasic(std::string_view credentials);
  // SHA-256 over (user, password, bcrypt hash): the cache key, never the password.
  static Sha256Digest CacheKey(const BasicCredentials& c, const std::string& hash);
  Result<Principal> AuthenticateBasic(std::string_view credentials) const;
  Result<Principal> AuthenticateBearer(std::string_view token) const;
  // The hash whose cost an unknown user's check pays: a configured user's,
  // chosen by a keyed hash of the name so that a name always costs the same.
  const std::string& StandInHash(const std::string& user) const;
  // Returns whether crypt_r(password, hash) equals `expected`, in constant time.
  bool BcryptMatches(const std::string& password, const std::string& hash,
                     std::string_view expected) const;
  bool CacheContains(const Sha256Digest& key) const;
  void CacheInsert(const Sha256Digest& key) const;

  bool enabled_;
  bool metrics_public_;
  AuthenticatorOptions options_;
  std::map<std::string, std::string> users_;  // name -> bcrypt hash
  std::vector<std::string> hashes_;           // users_' hashes, for StandInHash
  std::vector<std::pair<std::string, Sha256Digest>> tokens_;
  std::map<std::string, Role> roles_;
  std::string stand_in_key_;  // random per process: keys StandInHash
  mutable std::atomic<uint64_t> bcrypt_calls_{0};

  struct DigestHash {
    size_t operator()(const Sha256Digest& d) const;
  };
  mutable Mutex cache_mu_;
  mutable std::unordered_set<Sha256Digest, DigestHash> cache_ AG_GUARDED_BY(cache_mu_);
  mutable std::deque<Sha256Digest> cache_order_ AG_GUARDED_BY(cache_mu_);  // oldest first
};

// True for the "forbidden" outcome of Authorize (→ 403), whichever code
// carries it.
bool IsForbidden(const Status& status);

}  // namespace alertgate
