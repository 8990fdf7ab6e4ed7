#include "http/web_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ostream>
#include <string>

#include "http/web_fixture.h"
#include "test_util.h"

namespace alertgate {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace alertgate::test;  // NOLINT(google-build-using-namespace): the fixture's names

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
    EXPECT_FALSE(cfg->metrics_public);  // protected once credentials are configured
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
  EXPECT_THAT(cfg.status().message(), HasSubstr("cannot read /nonexistent/web.yml"));
}

}  // namespace
}  // namespace alertgate
