#include "http/authenticator.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>

#include "core/text.h"

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

// Standard base64 (RFC 4648 §4) with padding, as RFC 7617 requires; nullopt
// on anything else. OpenSSL decodes; the checks make it strict.
std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && in[in.size() - 1 - pad] == '=') ++pad;
  for (size_t i = 0; i < in.size() - pad; ++i) {
    const char c = in[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return std::nullopt;
  }
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - pad);
  return out;
}

// Wipes a string holding a secret when it goes out of scope.
struct Cleanse {
  std::string* s;
  ~Cleanse() { OPENSSL_cleanse(s->data(), s->size()); }
};

constexpr size_t kBcryptLength = 60;

}  // namespace

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
      roles_(config.roles) {
  for (const auto& [user, hash] : users_) hashes_.push_back(hash);
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) std::memset(key, 0, sizeof key);  // still consistent
  stand_in_key_.assign(reinterpret_cast<const char*>(key), sizeof key);
}

std::optional<Authenticator::BasicCredentials> Authenticator::DecodeBasic(
    std::string_view credentials) {
  auto decoded = Base64Decode(credentials);
  if (!decoded) return std::nullopt;
  Cleanse cleanse{&*decoded};
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

Sha256Digest Authenticator::CacheKey(const BasicCredentials& c, const std::string& hash) {
  // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
  std::string material;
  for (std::string_view part :
       {std::string_view(c.user), std::string_view(c.password), std::string_view(hash)}) {
    const uint32_t n = static_cast<uint32_t>(part.size());
    material.append(reinterpret_cast<const char*>(&n), sizeof(n));
    material += part;
  }
  const Sha256Digest key = Sha256(material);
  OPENSSL_cleanse(material.data(), material.size());
  return key;
}

namespace {

// Splits "Scheme rest" of an Authorization header.
std::pair<std::string_view, std::string_view> SplitScheme(std::string_view header) {
  header = TrimSpace(header);
  const auto space = header.find_first_of(" \t");
  if (space == std::string_view::npos) return {header, {}};
  return {header.substr(0, space), TrimSpace(header.substr(space))};
}

}  // namespace

Result<Principal> Authenticator::Authenticate(const std::string& authorization_header) const {
  if (!enabled_) return Principal{"", Role::kAdmin};
  const auto [scheme, rest] = SplitScheme(authorization_header);
  if (scheme.empty()) return Unauthenticated("missing credentials");
  if (EqualsIgnoreCase(scheme, "Basic")) return AuthenticateBasic(rest);
  if (EqualsIgnoreCase(scheme, "Bearer")) return AuthenticateBearer(rest);
  // Never echo the header: sent without a scheme, the "scheme" is the secret.
  return Unauthenticated(
      "invalid credentials: unsupported authorization scheme (use Basic or Bearer)");
}

bool Authenticator::RequiresBcrypt(const std::string& authorization_header) const {
  if (!enabled_) return false;
  const auto [scheme, rest] = SplitScheme(authorization_header);
  if (!EqualsIgnoreCase(scheme, "Basic")) return false;
  auto c = DecodeBasic(rest);
  if (!c) return false;
  Cleanse cleanse{&c->password};
  const auto it = users_.find(c->user);
  if (it == users_.end() || c->password.find('\0') != std::string::npos) return true;
  return !CacheContains(CacheKey(*c, it->second));
}

const std::string& Authenticator::StandInHash(const std::string& user) const {
  const Sha256Digest d = Sha256(stand_in_key_ + user);
  uint64_t pick = 0;
  std::memcpy(&pick, d.data(), sizeof pick);
  return hashes_[pick % hashes_.size()];
}

int Authenticator::CostFor(const std::string& user) const {
  const auto it = users_.find(user);
  if (it != users_.end()) return BcryptCost(it->second).value_or(0);
  return hashes_.empty() ? 0 : BcryptCost(StandInHash(user)).value_or(0);
}

Result<Principal> Authenticator::AuthenticateBasic(std::string_view credentials) const {
  auto c = DecodeBasic(credentials);
  if (!c) return Unauthenticated("invalid credentials: malformed basic credentials");
  Cleanse cleanse{&c->password};
  const Status invalid =
      Unauthenticated("invalid credentials for user " + QuoteForMessage(c->user));

  const auto it = users_.find(c->user);
  // crypt_r takes a C string: a NUL would cut the password short.
  if (it == users_.end() || c->password.find('\0') != std::string::npos) {
    if (!hashes_.empty()) {
      BcryptMatches(c->password.substr(0, c->password.find('\0')), StandInHash(c->user), "");
    }
    return invalid;
  }
  const std::string& hash = it->second;
  const auto role = roles_.find(c->user);
  if (role == roles_.end()) return invalid;  // LoadWebConfig never allows this
  const Sha256Digest key = CacheKey(*c, hash);
  if (!CacheContains(key)) {
    if (!BcryptMatches(c->password, hash, hash)) return invalid;
    CacheInsert(key);
  }
  return Principal{c->user, role->second};
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
    return Unauthenticated("invalid credentials: bearer token " + QuoteForMessage(match->first) +
                           " has no role");
  }
  return Principal{match->first, role->second};
}

bool Authenticator::BcryptMatches(const std::string& password, const std::string& hash,
                                  std::string_view expected) const {
  bcrypt_calls_.fetch_add(1, std::memory_order_relaxed);
  // 32 KiB of scratch per thread; the server runs bcrypt on a small pool.
  thread_local std::unique_ptr<crypt_data> data = std::make_unique<crypt_data>();
  const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
  // Compared as text, in constant time, as Go's bcrypt does: the output
  // repeats the setting (algorithm, cost, salt) and appends the hash.
  const bool equal = out != nullptr && expected.size() == kBcryptLength &&
                     std::strlen(out) == kBcryptLength &&
                     CRYPTO_memcmp(out, expected.data(), kBcryptLength) == 0;
  // crypt_data holds state derived from the password.
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return equal;
}

bool Authenticator::CacheContains(const Sha256Digest& key) const {
  MutexLock lock(&cache_mu_);
  return cache_.count(key) != 0;
}

void Authenticator::CacheInsert(const Sha256Digest& key) const {
  if (options_.cache_capacity == 0) return;
  MutexLock lock(&cache_mu_);
  if (!cache_.insert(key).second) return;
  cache_order_.push_back(key);
  while (cache_order_.size() > options_.cache_capacity) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

bool Authenticator::NeedsCredentials(Access access) const {
  if (!enabled_ || access == Access::kPublic) return false;
  return !(access == Access::kMetrics && metrics_public_);
}

Status Authenticator::Authorize(Access access, const std::string& method, const std::string& path,
                                const std::string& authorization_header) const {
  if (!NeedsCredentials(access)) return Status::Ok();
  return Authorize(access, method, path, Authenticate(authorization_header));
}

Status Authenticator::Authorize(Access access, const std::string& method, const std::string& path,
                                const Result<Principal>& principal) const {
  if (!NeedsCredentials(access)) return Status::Ok();
  if (!principal.ok()) return principal.status();
  if (!Permits(principal->role, access)) {
    return Forbidden(QuoteForMessage(principal->name) + " (role " + RoleName(principal->role) +
                     ") may not " + EscapeForMessage(method, 16) + " " + EscapeForMessage(path));
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
