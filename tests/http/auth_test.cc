#include "http/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace alertgate {
namespace {

using ::testing::AllOf;
using testing::FixturePath;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing::TempDir;
using testing::WriteFile;

// The secrets behind fixtures/web/web-config.yml. They live here only.
constexpr const char* kAlertmanagerPassword = "am-webhook-password";  // $2y$10$
constexpr const char* kRunnerPassword = "runner-password";            // $2b$04$
constexpr const char* kGrafanaPassword = "grafana-password";          // $2a$04$
constexpr const char* kOpsPassword = "ops-password";                  // $2b$04$
constexpr const char* kAmTlsToken = "am-tls-token-6f1c2b0e9d8a7c5b4e3f2a1d0c9b8a77";

std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string BasicHeader(const std::string& user, const std::string& password) {
  return "Basic " + Base64(user + ":" + password);
}

std::string BearerHeader(const std::string& token) { return "Bearer " + token; }

WebConfig FixtureConfig() {
  Result<WebConfig> cfg = LoadWebConfig(FixturePath("web/web-config.yml"));
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg.ok() ? *cfg : WebConfig();
}

// Replaces every "$FIX" in `yaml` with the absolute fixtures/web directory.
std::string WithFixtures(std::string yaml) {
  const std::string dir = FixturePath("web");
  for (size_t at = yaml.find("$FIX"); at != std::string::npos; at = yaml.find("$FIX", at)) {
    yaml.replace(at, 4, dir);
    at += dir.size();
  }
  return yaml;
}

// --- Loading -----------------------------------------------------------------

TEST(WebConfigTest, LoadsTheFixture) {
  const WebConfig cfg = FixtureConfig();
  EXPECT_EQ(cfg.source, FixturePath("web/web-config.yml"));
  // Relative paths resolve against the config file's directory, not the cwd.
  EXPECT_EQ(cfg.tls.cert_file, FixturePath("web/server.crt"));
  EXPECT_EQ(cfg.tls.key_file, FixturePath("web/server.key"));
  EXPECT_EQ(cfg.tls.client_ca_file, FixturePath("web/ca.crt"));
  EXPECT_EQ(cfg.tls.client_auth_type, ClientAuthType::kRequireAndVerifyClientCert);
  EXPECT_TRUE(cfg.tls.enabled());
  EXPECT_EQ(cfg.basic_auth_users.size(), 4u);
  ASSERT_EQ(cfg.bearer_tokens.count("am-tls"), 1u);
  EXPECT_EQ(cfg.bearer_tokens.at("am-tls"), Sha256(kAmTlsToken));
  EXPECT_EQ(cfg.roles.at("alertmanager"), Role::kWebhook);
  EXPECT_EQ(cfg.roles.at("am-tls"), Role::kWebhook);
  EXPECT_EQ(cfg.roles.at("runner"), Role::kRunner);
  EXPECT_EQ(cfg.roles.at("grafana"), Role::kViewer);
  EXPECT_EQ(cfg.roles.at("ops"), Role::kAdmin);
  EXPECT_FALSE(cfg.metrics_public);
  EXPECT_TRUE(cfg.auth_enabled());
}

TEST(WebConfigTest, EmptyFileIsTheDefaultWithAuthOff) {
  for (const char* yaml : {"", "# nothing\n", "tls_server_config:\n"}) {
    Result<WebConfig> cfg = ParseWebConfig(yaml, "web.yml");
    ASSERT_TRUE(cfg.ok()) << yaml << ": " << cfg.status().ToString();
    EXPECT_FALSE(cfg->auth_enabled());
    EXPECT_FALSE(cfg->tls.enabled());
    EXPECT_TRUE(cfg->metrics_public);
    EXPECT_TRUE(cfg->warnings.empty());
  }
}

TEST(WebConfigTest, TokenFileResolvesAgainstConfigDirectoryAndIsHashed) {
  TempDir dir;
  ASSERT_EQ(mkdir(dir.File("etc").c_str(), 0700), 0);
  WriteFile(dir.File("etc/am.token"), std::string(kAmTlsToken) + "\n");
  ASSERT_EQ(chmod(dir.File("etc/am.token").c_str(), 0600), 0);
  WriteFile(dir.File("etc/web.yml"), R"yaml(bearer_tokens:
  am-tls:
    file: am.token
roles:
  am-tls: webhook
)yaml");
  Result<WebConfig> cfg = LoadWebConfig(dir.File("etc/web.yml"));
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  // The trailing newline is not part of the token (as credentials_file).
  EXPECT_EQ(cfg->bearer_tokens.at("am-tls"), Sha256(kAmTlsToken));
  // Only the no-TLS warning: the file is 0600 and the token long enough.
  ASSERT_EQ(cfg->warnings.size(), 1u);
  EXPECT_THAT(cfg->warnings[0], HasSubstr("without tls_server_config"));
}

TEST(WebConfigTest, WarnsAboutReadableOrShortTokenFilesWithoutQuotingThem) {
  TempDir dir;
  WriteFile(dir.File("am.token"), "short-secret\n");
  ASSERT_EQ(chmod(dir.File("am.token").c_str(), 0644), 0);
  WriteFile(dir.File("web.yml"), "bearer_tokens:\n  t:\n    file: am.token\nroles:\n  t: admin\n");
  Result<WebConfig> cfg = LoadWebConfig(dir.File("web.yml"));
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  std::string all;
  for (const auto& w : cfg->warnings) all += w + "\n";
  EXPECT_THAT(all, HasSubstr("mode 0644"));
  EXPECT_THAT(all, HasSubstr("only 12 bytes"));
  EXPECT_THAT(all, HasSubstr("clear text"));
  EXPECT_THAT(all, Not(HasSubstr("short-secret")));
}

struct BadWebConfig {
  const char* name;
  const char* yaml;   // "$FIX" is the fixtures/web directory
  const char* error;  // expected in the message, which starts with "web.yml:<line>: "
  int line;
  const char* absent = "";  // must not appear in the message (a secret)
};

void PrintTo(const BadWebConfig& c, std::ostream* os) { *os << c.name; }

class BadWebConfigTest : public ::testing::TestWithParam<BadWebConfig> {};

TEST_P(BadWebConfigTest, IsRejectedWithFileAndLine) {
  const BadWebConfig& c = GetParam();
  Result<WebConfig> cfg = ParseWebConfig(WithFixtures(c.yaml), "web.yml");
  ASSERT_FALSE(cfg.ok()) << "accepted:\n" << c.yaml;
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(cfg.status().message(),
              AllOf(StartsWith("web.yml:" + std::to_string(c.line) + ": "), HasSubstr(c.error)));
  if (*c.absent != '\0') {
    EXPECT_THAT(cfg.status().message(), Not(HasSubstr(c.absent)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadWebConfigTest,
    ::testing::Values(
        BadWebConfig{"MalformedYaml", "basic_auth_users:\n  a: [\n", "end of sequence", 3},
        BadWebConfig{"NotAMapping", "- a\n", "expected a mapping", 1},
        BadWebConfig{"UnknownTopLevelKey", "metrics_public: true\nbasic_auth_user:\n  a: b\n",
                     "unknown field \"basic_auth_user\" in the top level", 2},
        BadWebConfig{"ExporterOptionNotSupported", "rate_limit:\n  burst: 1\n",
                     "exporter-toolkit option alertgate does not support", 1},
        BadWebConfig{"UnknownTlsKey",
                     "tls_server_config:\n  cert_file: $FIX/server.crt\n"
                     "  key_file: $FIX/server.key\n  cert_fil: x\n",
                     "unknown field \"cert_fil\" in tls_server_config", 4},
        BadWebConfig{"UnsupportedTlsKey",
                     "tls_server_config:\n  cert_file: $FIX/server.crt\n"
                     "  key_file: $FIX/server.key\n  min_version: TLS13\n",
                     "\"min_version\" in tls_server_config is an exporter-toolkit option", 4},
        BadWebConfig{"CertWithoutKey", "tls_server_config:\n  cert_file: $FIX/server.crt\n",
                     "tls_server_config.key_file: missing", 2},
        BadWebConfig{"KeyWithoutCert", "tls_server_config:\n  key_file: $FIX/server.key\n",
                     "tls_server_config.cert_file: missing", 2},
        BadWebConfig{"ClientAuthWithoutCert",
                     "tls_server_config:\n  client_auth_type: RequireAnyClientCert\n",
                     "tls_server_config.cert_file: missing", 2},
        BadWebConfig{"UnreadableCert",
                     "tls_server_config:\n  cert_file: $FIX/nope.crt\n"
                     "  key_file: $FIX/server.key\n",
                     "tls_server_config.cert_file: cannot read", 2},
        BadWebConfig{"CertIsNotPem",
                     "tls_server_config:\n  cert_file: $FIX/README.md\n"
                     "  key_file: $FIX/server.key\n",
                     "no PEM certificate", 2},
        BadWebConfig{"KeyOfAnotherCert",
                     "tls_server_config:\n  cert_file: $FIX/server.crt\n"
                     "  key_file: $FIX/client.key\n",
                     "is not the key of the certificate", 3},
        BadWebConfig{"UnknownClientAuthType",
                     "tls_server_config:\n  cert_file: $FIX/server.crt\n"
                     "  key_file: $FIX/server.key\n  client_auth_type: Sometimes\n",
                     "unknown \"Sometimes\" (known: NoClientCert", 4},
        BadWebConfig{"VerifyIfGivenNeedsCa",
                     "tls_server_config:\n  cert_file: $FIX/server.crt\n"
                     "  key_file: $FIX/server.key\n  client_auth_type: VerifyClientCertIfGiven\n",
                     "client_ca_file: required by client_auth_type VerifyClientCertIfGiven", 4},
        BadWebConfig{"RequireAndVerifyNeedsCa",
                     "tls_server_config:\n  cert_file: $FIX/server.crt\n"
                     "  key_file: $FIX/server.key\n"
                     "  client_auth_type: RequireAndVerifyClientCert\n",
                     "required by client_auth_type RequireAndVerifyClientCert", 4},
        BadWebConfig{"CaWithoutClientAuth",
                     "tls_server_config:\n  cert_file: $FIX/server.crt\n"
                     "  key_file: $FIX/server.key\n  client_ca_file: $FIX/ca.crt\n",
                     "client_auth_type is NoClientCert", 4},
        BadWebConfig{"PlaintextPasswordInsteadOfHash",
                     "basic_auth_users:\n  ops: hunter2-plaintext\nroles:\n  ops: admin\n",
                     "basic_auth_users.ops: not a bcrypt hash", 2, "hunter2-plaintext"},
        BadWebConfig{"BcryptCostTooLow",
                     "basic_auth_users:\n"
                     "  ops: $2b$03$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy\n",
                     "not a bcrypt hash", 2},
        BadWebConfig{"BcryptTruncated",
                     "basic_auth_users:\n  ops: $2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBv\n",
                     "not a bcrypt hash", 2},
        BadWebConfig{"UnknownBcryptVariant",
                     "basic_auth_users:\n"
                     "  ops: $2x$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy\n",
                     "not a bcrypt hash", 2},
        BadWebConfig{"DuplicateUser",
                     "basic_auth_users:\n"
                     "  ops: $2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy\n"
                     "  ops: $2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy\n",
                     "basic_auth_users: duplicate entry \"ops\"", 3},
        BadWebConfig{"UserNameWithColon",
                     "basic_auth_users:\n"
                     "  'a:b': $2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy\n",
                     "names cannot contain ':'", 2},
        BadWebConfig{"UserWithoutRole",
                     "basic_auth_users:\n"
                     "  ops: $2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy\n",
                     "basic_auth_users.ops: no role", 2},
        BadWebConfig{"TokenWithoutRole",
                     "bearer_tokens:\n  am:\n    sha256: "
                     "23fe168e3b8eaa087111b77e55c6e07e4e6fafb4a5acbe6c712242440892a0ec\n",
                     "bearer_tokens.am: no role", 3},
        BadWebConfig{"RoleForNobody", "roles:\n  ghost: admin\n",
                     "roles.ghost: no basic_auth_users or bearer_tokens entry", 2},
        BadWebConfig{"UnknownRole",
                     "basic_auth_users:\n"
                     "  ops: $2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy\n"
                     "roles:\n  ops: superuser\n",
                     "roles.ops: unknown role \"superuser\"", 4},
        BadWebConfig{"TokenBothShaAndFile",
                     "bearer_tokens:\n  am:\n    sha256: "
                     "23fe168e3b8eaa087111b77e55c6e07e4e6fafb4a5acbe6c712242440892a0ec\n"
                     "    file: /etc/hostname\n",
                     "set exactly one of sha256 and file", 3},
        BadWebConfig{"TokenNeitherShaNorFile", "bearer_tokens:\n  am: {}\n",
                     "set exactly one of sha256 and file", 2},
        BadWebConfig{"TokenAsPlainString", "bearer_tokens:\n  am: my-secret-token\n",
                     "expected a mapping with sha256 or file", 2, "my-secret-token"},
        BadWebConfig{"TokenShaNotHex",
                     "bearer_tokens:\n  am:\n    sha256: not-a-digest-but-the-token-itself\n",
                     "expected 64 hex digits", 3, "not-a-digest"},
        BadWebConfig{"TokenFileMissing", "bearer_tokens:\n  am:\n    file: $FIX/none.token\n",
                     "bearer_tokens.am.file: cannot read", 3},
        BadWebConfig{"TokenNameIsAUser",
                     "basic_auth_users:\n"
                     "  ops: $2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy\n"
                     "bearer_tokens:\n  ops:\n    sha256: "
                     "23fe168e3b8eaa087111b77e55c6e07e4e6fafb4a5acbe6c712242440892a0ec\n",
                     "already a basic_auth_users entry", 4},
        BadWebConfig{"MetricsPublicNotABool", "metrics_public: sometimes\n",
                     "metrics_public: expected true or false", 1}),
    [](const ::testing::TestParamInfo<BadWebConfig>& p) { return std::string(p.param.name); });

TEST(WebConfigTest, EmptyTokenFileIsRejected) {
  TempDir dir;
  WriteFile(dir.File("am.token"), " \n");
  WriteFile(dir.File("web.yml"), "bearer_tokens:\n  am:\n    file: am.token\n");
  Result<WebConfig> cfg = LoadWebConfig(dir.File("web.yml"));
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(),
              AllOf(StartsWith(dir.File("web.yml") + ":3: "), HasSubstr("is empty")));
}

TEST(WebConfigTest, MissingFileIsAnError) {
  Result<WebConfig> cfg = LoadWebConfig("/nonexistent/web.yml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("/nonexistent/web.yml: cannot read"));
}

// --- Authentication ----------------------------------------------------------

struct Login {
  const char* user;
  const char* password;
  Role role;
};

TEST(AuthenticatorTest, BasicAuthAcceptsEveryBcryptVariant) {
  Authenticator auth(FixtureConfig());
  for (const Login& l : {Login{"alertmanager", kAlertmanagerPassword, Role::kWebhook},
                         Login{"runner", kRunnerPassword, Role::kRunner},
                         Login{"grafana", kGrafanaPassword, Role::kViewer},
                         Login{"ops", kOpsPassword, Role::kAdmin}}) {
    Result<Principal> p = auth.Authenticate(BasicHeader(l.user, l.password));
    ASSERT_TRUE(p.ok()) << l.user << ": " << p.status().ToString();
    EXPECT_EQ(p->name, l.user);
    EXPECT_EQ(p->role, l.role);
  }
}

// A hash made by Go's bcrypt (exporter-toolkit's decoy for unknown users, of
// "fakepassword"), so verification agrees with the ecosystem's hashes.
TEST(AuthenticatorTest, VerifiesHashesFromGoBcrypt) {
  const std::string go_hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
  struct Case {
    std::string hash;
    std::string password;
    bool accepted;
  };
  for (const Case& c : {Case{go_hash, "fakepassword", true}, Case{go_hash, "fakepassworD", false},
                        Case{go_hash, "fakepassword ", false},
                        Case{go_hash.substr(0, 59) + "m", "fakepassword", false}}) {
    WebConfig cfg;
    cfg.basic_auth_users["u"] = c.hash;
    cfg.roles["u"] = Role::kViewer;
    Authenticator auth(cfg);
    EXPECT_EQ(auth.Authenticate(BasicHeader("u", c.password)).ok(), c.accepted)
        << c.hash << " " << c.password;
  }
}

TEST(AuthenticatorTest, WrongPasswordIsRejectedNamingTheUserOnly) {
  Authenticator auth(FixtureConfig());
  Result<Principal> p = auth.Authenticate(BasicHeader("grafana", "grafana-passwore"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(p.status().message(), "invalid credentials for user \"grafana\"");
}

TEST(AuthenticatorTest, UnknownUserLooksLikeAWrongPasswordAndCostsABcrypt) {
  Authenticator auth(FixtureConfig());
  Result<Principal> p = auth.Authenticate(BasicHeader("mallory", "guess"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(p.status().message(), "invalid credentials for user \"mallory\"");
  EXPECT_EQ(auth.bcrypt_calls(), 1u);  // timing does not tell users apart
}

// crypt_r reads a C string: without the check, "ops-password\0anything"
// would verify as "ops-password".
TEST(AuthenticatorTest, PasswordWithNulIsRejected) {
  Authenticator auth(FixtureConfig());
  EXPECT_TRUE(auth.Authenticate(BasicHeader("ops", kOpsPassword)).ok());
  EXPECT_FALSE(
      auth.Authenticate(BasicHeader("ops", std::string(kOpsPassword) + std::string(1, '\0') + "x"))
          .ok());
}

struct BadHeader {
  const char* name;
  std::string header;
  const char* error;
  const char* absent;  // a secret that must not be echoed
};

void PrintTo(const BadHeader& c, std::ostream* os) { *os << c.name; }

class BadHeaderTest : public ::testing::TestWithParam<BadHeader> {};

TEST_P(BadHeaderTest, IsUnauthenticatedWithoutEchoingSecrets) {
  Authenticator auth(FixtureConfig());
  Result<Principal> p = auth.Authenticate(GetParam().header);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr(GetParam().error));
  EXPECT_THAT(p.status().message(), Not(HasSubstr(GetParam().absent)));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadHeaderTest,
    ::testing::Values(
        BadHeader{"Empty", "", "missing credentials", "\x01"},
        BadHeader{"Blank", "  ", "missing credentials", "\x01"},
        BadHeader{"BasicWithoutCredentials", "Basic", "malformed basic credentials", "\x01"},
        BadHeader{"BasicNotBase64", "Basic c2VjcmV0!!!", "malformed basic credentials", "c2VjcmV0"},
        BadHeader{"BasicWithoutColon", "Basic " + Base64("ops-password"),
                  "malformed basic credentials", "ops-password"},
        BadHeader{"WrongPassword", BasicHeader("ops", "hunter2"), "invalid credentials", "hunter2"},
        BadHeader{"OtherScheme", "Digest username=\"ops\", response=\"s3cret\"",
                  "unsupported authorization scheme \"Digest\"", "s3cret"},
        BadHeader{"BearerEmpty", "Bearer ", "empty bearer token", "\x01"},
        BadHeader{"BearerWrong", "Bearer am-tls-token-wrong", "unknown bearer token",
                  "am-tls-token-wrong"},
        BadHeader{"BearerIsAPassword", BearerHeader(kOpsPassword), "unknown bearer token",
                  kOpsPassword}),
    [](const ::testing::TestParamInfo<BadHeader>& p) { return std::string(p.param.name); });

TEST(AuthenticatorTest, BearerTokenFromSha256) {
  Authenticator auth(FixtureConfig());
  Result<Principal> p = auth.Authenticate(BearerHeader(kAmTlsToken));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "am-tls");
  EXPECT_EQ(p->role, Role::kWebhook);
  EXPECT_EQ(auth.bcrypt_calls(), 0u);
}

TEST(AuthenticatorTest, BearerTokenFromFile) {
  TempDir dir;
  WriteFile(dir.File("runner.token"), "runner-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9\n");
  ASSERT_EQ(chmod(dir.File("runner.token").c_str(), 0600), 0);
  WriteFile(dir.File("web.yml"),
            "bearer_tokens:\n  ci:\n    file: runner.token\nroles:\n  ci: runner\n");
  Result<WebConfig> cfg = LoadWebConfig(dir.File("web.yml"));
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  Authenticator auth(*cfg);
  Result<Principal> p =
      auth.Authenticate(BearerHeader("runner-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "ci");
  EXPECT_EQ(p->role, Role::kRunner);
  EXPECT_FALSE(
      auth.Authenticate(BearerHeader("runner-token-0a1b2c3d4e5f60718293a4b5c6d7e8f")).ok());
}

TEST(AuthenticatorTest, SchemeIsCaseInsensitiveAndSpacesAreTrimmed) {
  Authenticator auth(FixtureConfig());
  EXPECT_TRUE(auth.Authenticate("basic " + Base64(std::string("ops:") + kOpsPassword)).ok());
  EXPECT_TRUE(auth.Authenticate(" BEARER   " + std::string(kAmTlsToken) + " ").ok());
}

TEST(AuthenticatorTest, CacheMakesTheSecondCheckSkipBcrypt) {
  Authenticator auth(FixtureConfig());
  const std::string header = BasicHeader("alertmanager", kAlertmanagerPassword);
  ASSERT_TRUE(auth.Authenticate(header).ok());
  EXPECT_EQ(auth.bcrypt_calls(), 1u);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(auth.Authenticate(header).ok());
  EXPECT_EQ(auth.bcrypt_calls(), 1u);
}

TEST(AuthenticatorTest, FailuresAreNotCached) {
  Authenticator auth(FixtureConfig());
  const std::string header = BasicHeader("runner", "not-the-password");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(auth.Authenticate(header).ok());
  EXPECT_EQ(auth.bcrypt_calls(), 3u);
  // A cached success does not let another password in.
  ASSERT_TRUE(auth.Authenticate(BasicHeader("runner", kRunnerPassword)).ok());
  EXPECT_FALSE(auth.Authenticate(header).ok());
  EXPECT_EQ(auth.bcrypt_calls(), 5u);
}

TEST(AuthenticatorTest, CacheIsBoundedOldestFirst) {
  Authenticator auth(FixtureConfig(), AuthenticatorOptions{.cache_capacity = 1});
  const std::string ops = BasicHeader("ops", kOpsPassword);
  const std::string runner = BasicHeader("runner", kRunnerPassword);
  ASSERT_TRUE(auth.Authenticate(ops).ok());
  ASSERT_TRUE(auth.Authenticate(ops).ok());
  EXPECT_EQ(auth.bcrypt_calls(), 1u);
  ASSERT_TRUE(auth.Authenticate(runner).ok());  // evicts ops
  ASSERT_TRUE(auth.Authenticate(ops).ok());
  EXPECT_EQ(auth.bcrypt_calls(), 3u);
}

TEST(AuthenticatorTest, CacheCanBeDisabled) {
  Authenticator auth(FixtureConfig(), AuthenticatorOptions{.cache_capacity = 0});
  const std::string ops = BasicHeader("ops", kOpsPassword);
  ASSERT_TRUE(auth.Authenticate(ops).ok());
  ASSERT_TRUE(auth.Authenticate(ops).ok());
  EXPECT_EQ(auth.bcrypt_calls(), 2u);
}

TEST(AuthenticatorTest, ConcurrentChecksAgree) {
  Authenticator auth(FixtureConfig());
  std::atomic<int> wrong_outcomes{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const bool good = (t + i) % 2 == 0;
        const auto p = auth.Authenticate(
            BasicHeader(t % 2 == 0 ? "ops" : "runner",
                        good ? (t % 2 == 0 ? kOpsPassword : kRunnerPassword) : "nope"));
        if (p.ok() != good) ++wrong_outcomes;
        if (!auth.Authenticate(BearerHeader(kAmTlsToken)).ok()) ++wrong_outcomes;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong_outcomes.load(), 0);
}

TEST(AuthenticatorTest, WithoutUsersOrTokensEverythingIsAllowed) {
  Authenticator auth(WebConfig{});
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.Authorize("POST", "/-/reload", "").ok());
  EXPECT_TRUE(auth.Authorize("POST", "/api/v1/webhook", "Basic garbage").ok());
  Result<Principal> p = auth.Authenticate("");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->role, Role::kAdmin);
}

TEST(AuthenticatorTest, ChallengeNamesTheConfiguredSchemes) {
  EXPECT_EQ(Authenticator(FixtureConfig()).Challenge(),
            "Basic realm=\"alertgate\", charset=\"UTF-8\", Bearer realm=\"alertgate\"");
  WebConfig tokens_only;
  tokens_only.bearer_tokens["t"] = Sha256("x");
  tokens_only.roles["t"] = Role::kWebhook;
  EXPECT_EQ(Authenticator(tokens_only).Challenge(), "Bearer realm=\"alertgate\"");
}

// --- Authorization -----------------------------------------------------------

constexpr unsigned kWebhookBit = 1, kRunnerBit = 2, kViewerBit = 4, kAdminBit = 8;
constexpr unsigned kEveryone = kWebhookBit | kRunnerBit | kViewerBit | kAdminBit;
constexpr unsigned kReaders = kRunnerBit | kViewerBit | kAdminBit;

unsigned Bit(Role r) {
  switch (r) {
    case Role::kWebhook:
      return kWebhookBit;
    case Role::kRunner:
      return kRunnerBit;
    case Role::kViewer:
      return kViewerBit;
    case Role::kAdmin:
      return kAdminBit;
  }
  return 0;
}

struct Route {
  const char* method;
  const char* path;
  unsigned roles;  // who may call it
  bool open;       // answered without credentials (metrics_public: false)
};

// Every endpoint of http/server.cc, and near misses that must not inherit
// their permissions.
const Route kRoutes[] = {
    {"POST", "/api/v1/webhook", kWebhookBit | kAdminBit, false},
    {"POST", "/api/v1/drills", kRunnerBit | kAdminBit, false},
    {"POST", "/api/v1/drills/d1/finish", kRunnerBit | kAdminBit, false},
    {"POST", "/api/v1/drills/d1/injections", kRunnerBit | kAdminBit, false},
    {"POST", "/api/v1/drills/d1/injections/A-1/clear", kRunnerBit | kAdminBit, false},
    {"GET", "/api/v1/drills", kReaders, false},
    {"HEAD", "/api/v1/drills", kReaders, false},
    {"GET", "/api/v1/drills/d1", kReaders, false},
    {"GET", "/api/v1/drills/d1/report", kReaders, false},
    {"GET", "/metrics", kReaders, false},
    {"POST", "/-/reload", kAdminBit, false},
    {"GET", "/-/healthy", kEveryone, true},
    {"GET", "/-/ready", kEveryone, true},
    {"HEAD", "/-/ready", kEveryone, true},
    // Near misses: admin only.
    {"GET", "/api/v1/webhook", kAdminBit, false},
    {"PUT", "/api/v1/webhook", kAdminBit, false},
    {"POST", "/api/v1/webhook/x", kAdminBit, false},
    {"DELETE", "/api/v1/drills/d1", kAdminBit, false},
    {"POST", "/api/v1/drills/d1", kAdminBit, false},
    {"GET", "/api/v1/drills/d1/finish", kAdminBit, false},
    {"POST", "/api/v1/drills/d1/report", kAdminBit, false},
    {"GET", "/api/v1/drills/d1/injections/A-1/clear", kAdminBit, false},
    {"POST", "/api/v1/drills/d1/injections/A-1", kAdminBit, false},
    {"POST", "/api/v1/drills/d1/injections/A-1/clear/x", kAdminBit, false},
    {"POST", "/api/v1/drills/", kAdminBit, false},
    {"GET", "/api/v1/drills//report", kAdminBit, false},
    {"POST", "/api/v1/drills/d1/../../../-/reload", kAdminBit, false},
    {"post", "/api/v1/drills", kAdminBit, false},
    {"GET", "/metrics?x=1", kAdminBit, false},
    {"POST", "/metrics", kAdminBit, false},
    {"PUT", "/-/reload", kAdminBit, false},
    {"GET", "/", kAdminBit, false},
    {"GET", "", kAdminBit, false},
};

TEST(AuthorizationTest, AllowedMatchesTheRoleMatrix) {
  for (const Route& r : kRoutes) {
    for (Role role : {Role::kWebhook, Role::kRunner, Role::kViewer, Role::kAdmin}) {
      EXPECT_EQ(Authenticator::Allowed(role, r.method, r.path), (r.roles & Bit(role)) != 0)
          << RoleName(role) << " " << r.method << " " << r.path;
    }
  }
}

struct Caller {
  const char* who;
  std::string header;
  Role role;
};

TEST(AuthorizationTest, AuthorizeAnswersOkUnauthenticatedOrForbidden) {
  Authenticator auth(FixtureConfig());
  const std::vector<Caller> callers = {
      {"alertmanager", BasicHeader("alertmanager", kAlertmanagerPassword), Role::kWebhook},
      {"am-tls", BearerHeader(kAmTlsToken), Role::kWebhook},
      {"runner", BasicHeader("runner", kRunnerPassword), Role::kRunner},
      {"grafana", BasicHeader("grafana", kGrafanaPassword), Role::kViewer},
      {"ops", BasicHeader("ops", kOpsPassword), Role::kAdmin},
  };
  for (const Route& r : kRoutes) {
    const std::string where = std::string(r.method) + " " + r.path;
    for (const std::string& bad : {std::string(), BasicHeader("ops", "wrong")}) {
      const Status s = auth.Authorize(r.method, r.path, bad);
      if (r.open) {
        EXPECT_TRUE(s.ok()) << where;
      } else {
        EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << where;
        EXPECT_FALSE(IsForbidden(s)) << where << ": " << s.message();
      }
    }
    for (const Caller& c : callers) {
      const Status s = auth.Authorize(r.method, r.path, c.header);
      if (r.roles & Bit(c.role)) {
        EXPECT_TRUE(s.ok()) << c.who << " " << where << ": " << s.ToString();
      } else {
        EXPECT_TRUE(IsForbidden(s)) << c.who << " " << where << ": " << s.ToString();
        EXPECT_THAT(s.message(),
                    HasSubstr(std::string("\"") + c.who + "\" (role " + RoleName(c.role) + ")"));
      }
    }
  }
}

TEST(AuthorizationTest, ForbiddenIsDistinctAndNamesNoSecret) {
  Authenticator auth(FixtureConfig());
  const Status s = auth.Authorize("POST", "/-/reload", BasicHeader("grafana", kGrafanaPassword));
  ASSERT_TRUE(IsForbidden(s));
  EXPECT_EQ(s.message(), "forbidden: \"grafana\" (role viewer) may not POST /-/reload");
  EXPECT_FALSE(IsForbidden(Status::Ok()));
  EXPECT_FALSE(IsForbidden(Status(StatusCode::kUnauthenticated, "missing credentials")));
}

TEST(AuthorizationTest, PublicMetricsNeedNoCredentials) {
  WebConfig cfg = FixtureConfig();
  cfg.metrics_public = true;
  Authenticator auth(cfg);
  EXPECT_TRUE(auth.Authorize("GET", "/metrics", "").ok());
  EXPECT_TRUE(auth.Authorize("HEAD", "/metrics", "").ok());
  // Bad credentials on a public endpoint are not checked either.
  EXPECT_TRUE(auth.Authorize("GET", "/metrics", BasicHeader("ops", "wrong")).ok());
  EXPECT_EQ(auth.Authorize("POST", "/metrics", "").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.Authorize("GET", "/api/v1/drills", "").code(), StatusCode::kUnauthenticated);
}

// --- TLS ---------------------------------------------------------------------

struct SslCtxDeleter {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslDeleter {
  void operator()(SSL* s) const { SSL_free(s); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

struct Handshake {
  bool server_ok = false;        // the server completed the handshake
  bool client_verified = false;  // the client verified the server as "localhost"
  bool server_saw_cert = false;  // the server received a client certificate
};

// Runs a TLS handshake in memory between a server configured by `tls` and a
// client presenting `client` (fixtures/web/<client>.crt/.key; "" for none).
Handshake RunHandshake(const TlsServerConfig& tls, const std::string& client) {
  Handshake out;
  SslCtxPtr sctx(SSL_CTX_new(TLS_server_method()));
  const Status st = ConfigureTlsContext(tls, sctx.get());
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return out;

  SslCtxPtr cctx(SSL_CTX_new(TLS_client_method()));
  EXPECT_EQ(SSL_CTX_load_verify_locations(cctx.get(), FixturePath("web/ca.crt").c_str(), nullptr),
            1);
  SSL_CTX_set_verify(cctx.get(), SSL_VERIFY_PEER, nullptr);
  if (!client.empty()) {
    EXPECT_EQ(SSL_CTX_use_certificate_file(
                  cctx.get(), FixturePath("web/" + client + ".crt").c_str(), SSL_FILETYPE_PEM),
              1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(cctx.get(), FixturePath("web/" + client + ".key").c_str(),
                                          SSL_FILETYPE_PEM),
              1);
  }

  SslPtr server(SSL_new(sctx.get()));
  SslPtr cl(SSL_new(cctx.get()));
  SSL_set1_host(cl.get(), "localhost");
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_bio(cl.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(cl.get());

  auto pending = [](SSL* ssl, int rc) {
    const int e = SSL_get_error(ssl, rc);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
  };
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 50 && !(client_done && server_done); ++round) {
    if (!client_done) {
      const int rc = SSL_do_handshake(cl.get());
      if (rc == 1) {
        client_done = true;
      } else if (!pending(cl.get(), rc)) {
        break;
      }
    }
    if (!server_done) {
      const int rs = SSL_do_handshake(server.get());
      if (rs == 1) {
        server_done = true;
      } else if (!pending(server.get(), rs)) {
        break;
      }
    }
  }
  ERR_clear_error();
  out.server_ok = server_done;
  out.client_verified = client_done && SSL_get_verify_result(cl.get()) == X509_V_OK;
  X509* peer = SSL_get1_peer_certificate(server.get());
  out.server_saw_cert = peer != nullptr;
  X509_free(peer);
  return out;
}

struct TlsCase {
  const char* name;
  ClientAuthType type;
  bool with_ca;
  const char* client;  // "", "client" (signed by ca.crt) or "untrusted-client"
  bool server_ok;
  bool server_saw_cert;
};

void PrintTo(const TlsCase& c, std::ostream* os) { *os << c.name; }

class ClientAuthTest : public ::testing::TestWithParam<TlsCase> {};

TEST_P(ClientAuthTest, HandshakeFollowsClientAuthType) {
  const TlsCase& c = GetParam();
  TlsServerConfig tls;
  tls.cert_file = FixturePath("web/server.crt");
  tls.key_file = FixturePath("web/server.key");
  tls.client_auth_type = c.type;
  if (c.with_ca) tls.client_ca_file = FixturePath("web/ca.crt");
  const Handshake h = RunHandshake(tls, c.client);
  EXPECT_EQ(h.server_ok, c.server_ok);
  if (c.server_ok) {
    EXPECT_TRUE(h.client_verified);
    EXPECT_EQ(h.server_saw_cert, c.server_saw_cert);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClientAuthTest,
    ::testing::Values(
        TlsCase{"NoClientCertWithout", ClientAuthType::kNoClientCert, false, "", true, false},
        TlsCase{"NoClientCertIgnoresOne", ClientAuthType::kNoClientCert, false, "client", true,
                false},
        TlsCase{"RequireAnyWithout", ClientAuthType::kRequireAnyClientCert, false, "", false,
                false},
        TlsCase{"RequireAnyTakesUntrusted", ClientAuthType::kRequireAnyClientCert, false,
                "untrusted-client", true, true},
        TlsCase{"VerifyIfGivenWithout", ClientAuthType::kVerifyClientCertIfGiven, true, "", true,
                false},
        TlsCase{"VerifyIfGivenTrusted", ClientAuthType::kVerifyClientCertIfGiven, true, "client",
                true, true},
        TlsCase{"VerifyIfGivenUntrusted", ClientAuthType::kVerifyClientCertIfGiven, true,
                "untrusted-client", false, false},
        TlsCase{"RequireAndVerifyWithout", ClientAuthType::kRequireAndVerifyClientCert, true, "",
                false, false},
        TlsCase{"RequireAndVerifyTrusted", ClientAuthType::kRequireAndVerifyClientCert, true,
                "client", true, true},
        TlsCase{"RequireAndVerifyUntrusted", ClientAuthType::kRequireAndVerifyClientCert, true,
                "untrusted-client", false, false}),
    [](const ::testing::TestParamInfo<TlsCase>& p) { return std::string(p.param.name); });

TEST(TlsTest, FixtureConfigServesVerifiedClients) {
  const WebConfig cfg = FixtureConfig();
  EXPECT_TRUE(RunHandshake(cfg.tls, "client").server_ok);
  EXPECT_FALSE(RunHandshake(cfg.tls, "").server_ok);
}

TEST(TlsTest, VerifyTypeWithoutCaIsRefused) {
  TlsServerConfig tls;
  tls.cert_file = FixturePath("web/server.crt");
  tls.key_file = FixturePath("web/server.key");
  tls.client_auth_type = ClientAuthType::kRequireAndVerifyClientCert;
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  const Status s = ConfigureTlsContext(tls, ctx.get());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("client_ca_file is required"));
}

}  // namespace
}  // namespace alertgate
