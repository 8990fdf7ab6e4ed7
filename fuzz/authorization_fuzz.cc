// libFuzzer target: the Authorization header parser (basic credentials with
// bcrypt, bearer tokens). Invariants: nothing crashes, only the configured
// secrets authenticate, and a refusal is one of the fixed messages or names
// the basic-auth user (never a password or a token), in valid UTF-8.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text.h"
#include "http/authenticator.h"

namespace {

const alertgate::Authenticator& Auth() {
  static const alertgate::Authenticator* auth = [] {
    alertgate::WebConfig cfg;
    // bcrypt cost 4 of "ops-password"; a token "fuzz-token-0123456789abcdef".
    cfg.basic_auth_users["ops"] = "$2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy";
    cfg.bearer_tokens["ci"] = alertgate::Sha256("fuzz-token-0123456789abcdef");
    cfg.roles["ops"] = alertgate::Role::kAdmin;
    cfg.roles["ci"] = alertgate::Role::kRunner;
    return new alertgate::Authenticator(cfg, alertgate::AuthenticatorOptions{.cache_capacity = 0});
  }();
  return *auth;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // headers are bounded by the server long before this
  const std::string header(reinterpret_cast<const char*>(data), size);
  (void)Auth().RequiresBcrypt(header);
  const auto p = Auth().Authenticate(header);
  if (p.ok()) {
    const bool ops = p->name == "ops" && p->role == alertgate::Role::kAdmin;
    const bool ci = p->name == "ci" && p->role == alertgate::Role::kRunner;
    if (!ops && !ci) std::abort();
    return 0;
  }
  const std::string& msg = p.status().message();
  if (!alertgate::IsValidUtf8(msg)) std::abort();
  static const char* const kFixed[] = {
      "missing credentials",
      "invalid credentials: malformed basic credentials",
      "invalid credentials: unsupported authorization scheme (use Basic or Bearer)",
      "invalid credentials: empty bearer token",
      "invalid credentials: unknown bearer token",
  };
  for (const char* fixed : kFixed) {
    if (msg == fixed) return 0;
  }
  if (msg.rfind("invalid credentials for user \"", 0) != 0) std::abort();
  return 0;
}
