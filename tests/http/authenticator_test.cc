#include "http/authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "http/api.h"
#include "http/routes.h"
#include "http/web_fixture.h"
#include "test_util.h"

namespace alertgate {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace alertgate::test;  // NOLINT(google-build-using-namespace): the fixture's names

// What the API's route table requires of `method target` (kAdmin for
// requests it does not declare, and for targets that do not parse).
Access AccessOf(const std::string& method, const std::string& target) {
  static const Router router(ApiRoutes(nullptr, nullptr, nullptr));
  auto t = ParseTarget(target);
  if (!t.ok()) return Access::kAdmin;
  return router.Find(method, t->segments).access;
}

// The server's decision for one request.
Status AuthorizeRequest(const Authenticator& auth, const std::string& method,
                        const std::string& target, const std::string& header) {
  return auth.Authorize(AccessOf(method, target), method, target.substr(0, target.find('?')),
                        header);
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

// An unknown name pays the cost of a configured user's wrong password, the
// same one each time, so timing cannot tell an unknown user from a known one.
TEST(AuthenticatorTest, UnknownUserCostsWhatAConfiguredUsersWrongPasswordCosts) {
  WebConfig one;
  one.basic_auth_users["ops"] = "$2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy";
  one.roles["ops"] = Role::kAdmin;
  EXPECT_EQ(Authenticator(one).CostFor("mallory"), 4);

  const Authenticator mixed(FixtureConfig());  // costs 10, 4, 4, 4
  EXPECT_EQ(mixed.CostFor("alertmanager"), 10);
  EXPECT_EQ(mixed.CostFor("ops"), 4);
  int tens = 0;
  for (int i = 0; i < 64; ++i) {
    const std::string name = "user" + std::to_string(i);
    const int cost = mixed.CostFor(name);
    EXPECT_TRUE(cost == 4 || cost == 10) << name << ": " << cost;
    EXPECT_EQ(mixed.CostFor(name), cost) << "a name always costs the same";
    tens += cost == 10;
  }
  // Spread over the configured users, not pinned to the most costly one.
  EXPECT_GT(tens, 0);
  EXPECT_LT(tens, 64);
}

TEST(AuthenticatorTest, RequiresBcryptOnlyForUncachedPasswords) {
  Authenticator auth(FixtureConfig());
  const std::string ops = BasicHeader("ops", kOpsPassword);
  EXPECT_TRUE(auth.RequiresBcrypt(ops));
  EXPECT_TRUE(auth.RequiresBcrypt(BasicHeader("ops", "wrong")));
  EXPECT_TRUE(auth.RequiresBcrypt(BasicHeader("mallory", "guess")));
  EXPECT_FALSE(auth.RequiresBcrypt(BearerHeader(kAmTlsToken)));
  EXPECT_FALSE(auth.RequiresBcrypt(BearerHeader("nope")));
  EXPECT_FALSE(auth.RequiresBcrypt("Basic !!!"));
  EXPECT_FALSE(auth.RequiresBcrypt(""));
  ASSERT_TRUE(auth.Authenticate(ops).ok());
  EXPECT_FALSE(auth.RequiresBcrypt(ops));  // cached now
  EXPECT_TRUE(auth.RequiresBcrypt(BasicHeader("ops", "wrong")));
  EXPECT_FALSE(Authenticator(WebConfig{}).RequiresBcrypt(ops));  // authentication off
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
                  "unsupported authorization scheme (use Basic or Bearer)", "s3cret"},
        // A token pasted without "Bearer ": the whole header is the secret.
        BadHeader{"SecretWithoutScheme", kAmTlsToken, "unsupported authorization scheme",
                  kAmTlsToken},
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
  EXPECT_TRUE(AuthorizeRequest(auth, "POST", "/-/reload", "").ok());
  EXPECT_TRUE(AuthorizeRequest(auth, "POST", "/api/v1/webhook", "Basic garbage").ok());
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

// Every endpoint of the API's route table, and near misses that must not
// inherit their permissions.
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
    {"GET", "/metrics?x=1", kReaders, false},  // the query is not part of the path
    {"POST", "/metrics", kAdminBit, false},
    {"PUT", "/-/reload", kAdminBit, false},
    {"GET", "/", kAdminBit, false},
    {"GET", "", kAdminBit, false},
};

TEST(AuthorizationTest, AllowedMatchesTheRoleMatrix) {
  for (const Route& r : kRoutes) {
    for (Role role : {Role::kWebhook, Role::kRunner, Role::kViewer, Role::kAdmin}) {
      EXPECT_EQ(Permits(role, AccessOf(r.method, r.path)), (r.roles & Bit(role)) != 0)
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
      const Status s = AuthorizeRequest(auth, r.method, r.path, bad);
      if (r.open) {
        EXPECT_TRUE(s.ok()) << where;
      } else {
        EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << where;
        EXPECT_FALSE(IsForbidden(s)) << where << ": " << s.message();
      }
    }
    for (const Caller& c : callers) {
      const Status s = AuthorizeRequest(auth, r.method, r.path, c.header);
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
  const Status s =
      AuthorizeRequest(auth, "POST", "/-/reload", BasicHeader("grafana", kGrafanaPassword));
  ASSERT_TRUE(IsForbidden(s));
  EXPECT_EQ(s.message(), "forbidden: \"grafana\" (role viewer) may not POST /-/reload");
  EXPECT_FALSE(IsForbidden(Status::Ok()));
  EXPECT_FALSE(IsForbidden(Status(StatusCode::kUnauthenticated, "missing credentials")));
}

TEST(AuthorizationTest, PublicMetricsNeedNoCredentials) {
  WebConfig cfg = FixtureConfig();
  cfg.metrics_public = true;
  Authenticator auth(cfg);
  EXPECT_TRUE(AuthorizeRequest(auth, "GET", "/metrics", "").ok());
  EXPECT_TRUE(AuthorizeRequest(auth, "HEAD", "/metrics", "").ok());
  // Bad credentials on a public endpoint are not checked either.
  EXPECT_TRUE(AuthorizeRequest(auth, "GET", "/metrics", BasicHeader("ops", "wrong")).ok());
  EXPECT_EQ(AuthorizeRequest(auth, "POST", "/metrics", "").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(AuthorizeRequest(auth, "GET", "/api/v1/drills", "").code(),
            StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace alertgate
