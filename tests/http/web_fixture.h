// The web config fixture (fixtures/web/web-config.yml), its secrets and
// header builders, shared by the web config, authenticator and TLS tests.
#pragma once

#include <openssl/evp.h>

#include <string>

#include "http/web_config.h"
#include "test_util.h"

namespace alertgate::test {

// The secrets behind fixtures/web/web-config.yml. They live here only.
inline constexpr const char* kAlertmanagerPassword = "am-webhook-password";  // $2y$10$
inline constexpr const char* kRunnerPassword = "runner-password";            // $2b$04$
inline constexpr const char* kGrafanaPassword = "grafana-password";          // $2a$04$
inline constexpr const char* kOpsPassword = "ops-password";                  // $2b$04$
inline constexpr const char* kAmTlsToken = "am-tls-token-6f1c2b0e9d8a7c5b4e3f2a1d0c9b8a77";

inline std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

inline std::string BasicHeader(const std::string& user, const std::string& password) {
  return "Basic " + Base64(user + ":" + password);
}

inline std::string BearerHeader(const std::string& token) { return "Bearer " + token; }

inline WebConfig FixtureConfig() {
  Result<WebConfig> cfg = LoadWebConfig(FixturePath("web/web-config.yml"));
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg.ok() ? *cfg : WebConfig();
}

// Replaces every "$FIX" in `yaml` with the absolute fixtures/web directory.
inline std::string WithFixtures(std::string yaml) {
  const std::string dir = FixturePath("web");
  for (size_t at = yaml.find("$FIX"); at != std::string::npos; at = yaml.find("$FIX", at)) {
    yaml.replace(at, 4, dir);
    at += dir.size();
  }
  return yaml;
}

}  // namespace alertgate::test
