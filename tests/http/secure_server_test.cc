// The real server with --web.config.file: HTTPS with the test PKI, basic
// auth and bearer tokens with roles. 401 without or with wrong credentials,
// 403 with the wrong role, and a refused request changes nothing.
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "app/app.h"
#include "app_fixture.h"
#include "http/web_fixture.h"
#include "test_util.h"

namespace alertgate {
namespace {

using test::kAlertmanagerPassword;
using test::kAmTlsToken;
using test::kGrafanaPassword;
using test::kRunnerPassword;

class SecureServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string web = test::FixturePath("web/");
    test::WriteFile(dir_.File("alertgate.yml"),
                    "scenarios:\n  - id: A\n    expect: ['alertname=\"X\"']\n");
    // The fixture's users, tokens and roles, with TLS that verifies a client
    // certificate when one is given (Alertmanager may or may not send one).
    test::WriteFile(dir_.File("web.yml"), "tls_server_config:\n  cert_file: " + web +
                                              "server.crt\n  key_file: " + web +
                                              "server.key\n  client_auth_type: "
                                              "VerifyClientCertIfGiven\n  client_ca_file: " +
                                              web + "ca.crt\n" + UsersAndRoles());
    ServeOptions opts;
    opts.config_file = dir_.File("alertgate.yml");
    opts.storage_path = dir_.File("data");
    opts.listen_address = "127.0.0.1:0";
    opts.web_config_file = dir_.File("web.yml");
    // localhost, not 127.0.0.1: the client checks the certificate's DNS name.
    app_ = test::RunningApp::Start(opts, &clock_, &log_, [this](int port) {
      url_ = "https://localhost:" + std::to_string(port);
      auto r = Client()->Get("/-/healthy");
      return r && r->status == 200;
    });
    ASSERT_NE(app_, nullptr);
  }

  static std::string UsersAndRoles() {
    std::string yml;
    std::ifstream in(test::FixturePath("web/web-config.yml"));
    std::string line;
    bool keep = false;
    while (std::getline(in, line)) {
      if (line.rfind("basic_auth_users:", 0) == 0) keep = true;
      if (keep) yml += line + "\n";
    }
    return yml;
  }

  std::unique_ptr<httplib::Client> Client() {
    auto c = std::make_unique<httplib::Client>(url_);
    c->set_ca_cert_path(test::FixturePath("web/ca.crt"));
    c->enable_server_certificate_verification(true);
    return c;
  }

  // Answers, never null: a request that gets no response (e.g. localhost
  // does not resolve, or the TLS handshake fails) fails the test.
  test::Answer Post(const std::string& path, const std::string& body,
                    const std::function<void(httplib::Client&)>& auth = nullptr) {
    auto c = Client();
    if (auth) auth(*c);
    return c->Post(path.c_str(), body, "application/json");
  }
  test::Answer Get(const std::string& path,
                   const std::function<void(httplib::Client&)>& auth = nullptr) {
    auto c = Client();
    if (auth) auth(*c);
    return c->Get(path.c_str());
  }

  static std::function<void(httplib::Client&)> Basic(const char* user, const char* password) {
    return [=](httplib::Client& c) { c.set_basic_auth(user, password); };
  }

  test::TempDir dir_;
  SystemClock clock_;
  test::LogCapture log_;
  std::string url_;
  std::unique_ptr<test::RunningApp> app_;
};

TEST_F(SecureServerTest, EachRoleDoesOnlyItsJob) {
  const auto runner = Basic("runner", kRunnerPassword);
  const auto am = Basic("alertmanager", kAlertmanagerPassword);
  auto r = Post("/api/v1/drills", R"({"id":"d1"})", runner);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  // Alertmanager may post webhooks, but not start drills.
  r = Post("/api/v1/drills", R"({"id":"d2"})", am);
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_NE(r->body.find("\"errorType\":\"forbidden\""), std::string::npos) << r->body;
  const std::string body = test::ReadFixture("webhooks/firing-single.json");
  EXPECT_EQ(Post("/api/v1/webhook", body, am)->status, 200);
  // The runner may not post webhooks.
  EXPECT_EQ(Post("/api/v1/webhook", body, runner)->status, 403);
  // A bearer token with the webhook role.
  r = Post("/api/v1/webhook", body,
           [](httplib::Client& c) { c.set_bearer_token_auth(kAmTlsToken); });
  EXPECT_EQ(r->status, 200) << r->body;
  // The viewer reads results and metrics (metrics_public: false in the fixture).
  const auto viewer = Basic("grafana", kGrafanaPassword);
  EXPECT_EQ(Get("/api/v1/drills/d1", viewer)->status, 200);
  EXPECT_EQ(Get("/metrics", viewer)->status, 200);
  EXPECT_EQ(Get("/metrics")->status, 401);
  // Health checks stay open.
  EXPECT_EQ(Get("/-/healthy")->status, 200);
}

TEST_F(SecureServerTest, BadCredentialsGet401AndChangeNothing) {
  ASSERT_EQ(Post("/api/v1/drills", R"({"id":"d1"})", Basic("runner", kRunnerPassword))->status,
            201);
  const auto viewer = Basic("grafana", kGrafanaPassword);
  const test::Answer before = Get("/api/v1/drills", viewer);
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200) << before->body;
  for (const auto& auth :
       {std::function<void(httplib::Client&)>(nullptr), Basic("runner", "wrong"),
        Basic("nobody", "x"), std::function<void(httplib::Client&)>([](httplib::Client& c) {
          c.set_bearer_token_auth("not-the-token");
        })}) {
    auto r = Post("/api/v1/drills/d1/injections", R"({"scenario":"A"})", auth);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << r->body;
    EXPECT_FALSE(r->get_header_value("WWW-Authenticate").empty());
    auto webhook = Post("/api/v1/webhook", test::ReadFixture("webhooks/firing-single.json"), auth);
    ASSERT_TRUE(webhook);
    EXPECT_EQ(webhook->status, 401) << webhook->body;
  }
  EXPECT_EQ(Get("/api/v1/drills", viewer)->body, before->body);
  EXPECT_EQ(log_.str().find(kRunnerPassword), std::string::npos) << "a secret reached the log";
  EXPECT_EQ(log_.str().find("wrong"), std::string::npos);
}

TEST_F(SecureServerTest, PlainHttpIsNotServed) {
  httplib::Client plain("http://localhost:" + std::to_string(app_->port()));
  plain.set_connection_timeout(2);
  plain.set_read_timeout(2);
  auto r = plain.Get("/-/healthy");
  EXPECT_TRUE(!r || r->status != 200);
}

// An --http.config.file for `user` (its password in a file next to it),
// trusting the test CA.
std::string HttpConfigFor(const test::TempDir& dir, const std::string& user,
                          const std::string& password) {
  test::WriteFile(dir.File(user + ".pass"), password + "\n");
  test::WriteFile(dir.File(user + ".yml"),
                  "basic_auth:\n  username: " + user + "\n  password_file: " + user +
                      ".pass\ntls_config:\n  ca_file: " + test::FixturePath("web/ca.crt") + "\n");
  return dir.File(user + ".yml");
}

TEST_F(SecureServerTest, RunnerCliUsesHttpConfigFile) {
  const std::string runner = HttpConfigFor(dir_, "runner", kRunnerPassword);
  test::CommandResult run =
      test::RunAlertgate("drill start --drill=cli --url=" + url_ + " --http.config.file=" + runner);
  EXPECT_EQ(run.exit_code, 0) << run.output();
  EXPECT_EQ(run.output().rfind("drill cli started", 0), 0u) << run.output();
  // Without credentials the same call is refused (exit 1, rejected).
  test::WriteFile(dir_.File("ca-only.yml"),
                  "tls_config:\n  ca_file: " + test::FixturePath("web/ca.crt") + "\n");
  run = test::RunAlertgate("drill start --drill=cli2 --url=" + url_ +
                           " --http.config.file=" + dir_.File("ca-only.yml"));
  EXPECT_EQ(run.exit_code, 1) << run.output();
  EXPECT_NE(run.output().find("HTTP 401"), std::string::npos) << run.output();
}

// A viewer's credentials are enough for the report and for lint --drill;
// without them both say 401 and exit 2.
TEST_F(SecureServerTest, ReportAndLintReadResultsWithHttpConfigFile) {
  const std::string runner = HttpConfigFor(dir_, "runner", kRunnerPassword);
  ASSERT_EQ(
      test::RunAlertgate("drill start --drill=cli --url=" + url_ + " --http.config.file=" + runner)
          .exit_code,
      0);
  const std::string viewer = HttpConfigFor(dir_, "grafana", kGrafanaPassword);
  test::WriteFile(dir_.File("ca-only.yml"),
                  "tls_config:\n  ca_file: " + test::FixturePath("web/ca.crt") + "\n");
  const std::string report = "report --drill=cli --format=json --url=" + url_;
  test::CommandResult run = test::RunAlertgate(report + " --http.config.file=" + viewer);
  EXPECT_EQ(run.exit_code, 4) << run.output();  // an open drill with no injections is pending
  EXPECT_NE(run.output().find(R"("drill": "cli")"), std::string::npos) << run.output();
  run = test::RunAlertgate(report + " --http.config.file=" + dir_.File("ca-only.yml"));
  EXPECT_EQ(run.exit_code, 2) << run.output();
  EXPECT_NE(run.output().find("401"), std::string::npos) << run.output();

  const std::string examples = test::FixturePath("../rules/examples/");
  const std::string lint = "lint --config.file=" + examples +
                           "alertgate.yml --prometheus.config=" + examples +
                           "prometheus.yml --alertmanager.config=" + examples +
                           "alertmanager.yml --alertgate.url=" + url_ + " --drill=cli";
  run = test::RunAlertgate(lint + " --http.config.file=" + viewer);
  EXPECT_EQ(run.exit_code, 0) << run.output();
  run = test::RunAlertgate(lint + " --http.config.file=" + dir_.File("ca-only.yml"));
  EXPECT_EQ(run.exit_code, 2) << run.output();
  EXPECT_NE(run.output().find("401"), std::string::npos) << run.output();
}

}  // namespace
}  // namespace alertgate
