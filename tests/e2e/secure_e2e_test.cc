// End-to-end with authentication on (issue #7): alertgate serves HTTPS with
// the test PKI (fixtures/web/) and the users, token and roles of
// fixtures/web/web-config.yml. Two real Alertmanagers deliver the same alert
// over HTTPS, am1 with basic auth (password_file), am2 with a bearer token
// (credentials_file); the harness drives the drill as the runner and reads
// /metrics as the viewer (metrics_public is false). Requests with bad
// credentials or the wrong role are refused and change nothing.
//
// This test has its own environment (one alertgate with --web.config.file,
// two Alertmanagers, Prometheus, the exporter): see harness.h.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/time.h"
#include "harness.h"

namespace alertgate::e2e {
namespace {

using std::chrono::seconds;

// The secrets behind the hashes and the digest in fixtures/web/web-config.yml
// (the same as in tests/http/auth_test.cc).
constexpr const char* kAlertmanagerPassword = "am-webhook-password";  // role webhook
constexpr const char* kAmTlsToken = "am-tls-token-6f1c2b0e9d8a7c5b4e3f2a1d0c9b8a77";  // webhook
constexpr const char* kRunnerPassword = "runner-password";                            // role runner
constexpr const char* kGrafanaPassword = "grafana-password";                          // role viewer

const Credentials kRunner{"runner", kRunnerPassword, ""};
const Credentials kViewer{"grafana", kGrafanaPassword, ""};
const Credentials kAmBasic{"alertmanager", kAlertmanagerPassword, ""};
const Credentials kAmBearer{"", "", kAmTlsToken};

constexpr const char* kAlertgateConfig = R"(# Written by the alertgate e2e harness.
global:
  gate: 10s
  window: 30s
  skew_tolerance: 2s
scenarios:
  - id: secure
    name: Alert delivered over HTTPS by two authenticated Alertmanagers
    expect: ['alertname="E2ESecure"']
)";

constexpr const char* kRules = R"(# Written by the alertgate e2e harness.
groups:
  - name: alertgate-e2e-secure
    interval: 1s
    rules:
      - alert: E2ESecure
        expr: e2e_fault{case="secure"} == 1
        for: 0s
)";

// The harness's measure and alertgate's must agree within this. alertgate
// stamps a delivery after the TLS handshake and the credential check (a
// bcrypt of cost 10 for am1's first request), the capture receiver over
// plain HTTP: allow a little more than the plain-HTTP suite's 0.5 s.
constexpr double kToleranceSeconds = 0.75;

// The repository's fixtures/web/, from this file's path (CMake compiles it
// by absolute path); $ALERTGATE_SOURCE_DIR overrides.
std::string WebFixture(const std::string& name) {
  const char* src = getenv("ALERTGATE_SOURCE_DIR");
  const std::filesystem::path root =
      src != nullptr && *src != '\0'
          ? std::filesystem::path(src)
          : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  return std::filesystem::absolute(root / "fixtures" / "web" / name).string();
}

// TLS with the test PKI, client certificates verified when one is given
// (Alertmanager sends none), and the fixture's users, token, roles and
// metrics_public: false, copied from web-config.yml so that the hashes live
// in one place.
std::string WebConfig(std::string* error) {
  std::ifstream in(WebFixture("web-config.yml"));
  if (!in) {
    *error = "cannot read " + WebFixture("web-config.yml");
    return "";
  }
  std::string users;
  std::string line;
  bool keep = false;
  while (std::getline(in, line)) {
    if (line.rfind("basic_auth_users:", 0) == 0) keep = true;
    if (keep) users += line + "\n";
  }
  if (users.find("metrics_public: false") == std::string::npos) {
    *error = "fixtures/web/web-config.yml no longer has metrics_public: false";
  }
  return "# Written by the alertgate e2e harness.\n"
         "tls_server_config:\n"
         "  cert_file: " +
         WebFixture("server.crt") + "\n  key_file: " + WebFixture("server.key") +
         "\n  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: " +
         WebFixture("ca.crt") + "\n\n" + users;
}

EnvOptions Options(std::string* error) {
  EnvOptions o;
  o.alertgate_config = kAlertgateConfig;
  o.rules = kRules;
  o.rule_count = 1;
  o.initial_series.push_back({"e2e_fault", {{"case", "secure"}}, 0});
  // am1 and am2 both deliver E2ESecure, after the same group_wait.
  o.duplicate_alertname = "E2ESecure";
  o.am1_duplicate_group_wait = "1s";
  o.web_config = WebConfig(error);
  o.alertgate_ca_file = WebFixture("ca.crt");
  o.am_webhook_auth[0] = kAmBasic;
  o.am_webhook_auth[1] = kAmBearer;
  return o;
}

class SecureE2E : public EnvTest {
 protected:
  void SetUp() override {
    std::string error;
    EnvOptions options = Options(&error);
    ASSERT_TRUE(error.empty()) << error;
    StartEnv(std::move(options));
  }

  // alertgate's /metrics, as the viewer.
  std::string Metrics() {
    const HttpReply r = HttpGet(env_->alertgate(), "/metrics", kViewer);
    EXPECT_EQ(r.status, 200) << r.error << r.body;
    return r.body;
  }

  double Metric(const std::string& exposition, const std::string& name,
                const std::map<std::string, std::string>& labels = {}) {
    return MetricValue(exposition, name, labels).value_or(0);
  }

  // The drill's results as the viewer; the raw body (compared verbatim).
  std::string Results(const std::string& drill, rapidjson::Document* doc = nullptr) {
    const HttpReply r = HttpGet(env_->alertgate(), "/api/v1/drills/" + drill, kViewer);
    EXPECT_EQ(r.status, 200) << r.error << r.body;
    if (doc != nullptr) *doc = ParseJson(r.body);
    return r.body;
  }
};

// A webhook as Alertmanager would send it, for an alert the drill's matcher
// selects but no injection expects: accepted, it would be an unexpected alert.
std::string ForgedWebhook() {
  const std::string now = FormatRfc3339(SystemClock().Now());
  return R"({"version":"4","status":"firing","receiver":"alertgate","groupKey":"{}:{alertname=\"E2ESecureForged\"}",)"
         R"("groupLabels":{"alertname":"E2ESecureForged"},"commonLabels":{},"commonAnnotations":{},)"
         R"("externalURL":"http://127.0.0.1:1","truncatedAlerts":0,"alerts":[{"status":"firing",)"
         R"("labels":{"alertname":"E2ESecureForged","case":"secure"},"annotations":{},"startsAt":")" +
         now +
         R"(","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"0e2e5ec0f0a9ed01"}]})";
}

TEST_F(SecureE2E, AuthenticatedDeliveriesOverHttps) {
  const Endpoint ag = env_->alertgate();
  const std::string drill = "e2e-secure";

  // Authentication is on: anonymous callers are refused, even for /metrics;
  // plain HTTP on the TLS port gets no HTTP answer at all.
  EXPECT_EQ(HttpGet(ag, "/metrics").status, 401);
  EXPECT_EQ(HttpGet(ag, "/api/v1/drills").status, 401);
  EXPECT_EQ(HttpGet(Endpoint{ag.port, ""}, "/-/healthy").status, 0);

  const std::string before = Metrics();
  const auto ok_before = MetricValue(before, "alertgate_webhook_requests_total", {{"code", "200"}});
  ASSERT_TRUE(ok_before.has_value()) << "alertgate_webhook_requests_total{code=\"200\"} is absent";
  const double stored_before =
      Metric(before, "alertgate_notifications_total", {{"status", "firing"}});
  const double dup_before = Metric(before, "alertgate_notifications_duplicate_total");
  const double refused_before =
      Metric(before, "alertgate_webhook_requests_total", {{"code", "401"}}) +
      Metric(before, "alertgate_webhook_requests_total", {{"code", "403"}});

  // The runner drives the drill over HTTPS with basic auth.
  HttpReply r =
      HttpPost(ag, "/api/v1/drills",
               "{\"id\":" + JsonQuote(drill) + ",\"matchers\":[\"case=\\\"secure\\\"\"]}", kRunner);
  ASSERT_EQ(r.status, 201) << r.error << r.body;
  r = HttpPost(ag, "/api/v1/drills/" + drill + "/injections", R"({"scenario":"secure"})", kRunner);
  ASSERT_EQ(r.status, 201) << r.error << r.body;
  const rapidjson::Document injected = ParseJson(r.body);
  ASSERT_EQ(Str(injected, "id"), "secure-1") << r.body;
  const Timestamp injected_at = ParseTime(Str(injected, "injected_at"));
  ASSERT_EQ(env_->SetGauge("e2e_fault", {{"case", "secure"}}, 1), "");

  // Verdict pass.
  rapidjson::Document doc;
  std::string last;
  bool decided = PollUntil(After(seconds(30)), [&] {
    if (!env_->DeadProcesses().empty()) return true;
    last = Results(drill, &doc);
    const std::string v = Str(Get(doc, "injections", 0), "verdict");
    return !v.empty() && v != "pending";
  });
  ASSERT_TRUE(env_->DeadProcesses().empty()) << env_->DeadProcesses();
  ASSERT_TRUE(decided) << "no verdict for secure-1; last results: " << last;
  const rapidjson::Value& ir = Get(doc, "injections", 0);
  EXPECT_EQ(Str(ir, "verdict"), "pass") << ToJson(ir);
  ASSERT_EQ(Size(Get(ir, "expectations")), 1) << ToJson(ir);
  const rapidjson::Value& e = Get(ir, "expectations", 0);
  EXPECT_EQ(Str(e, "status"), "on_time") << ToJson(e);
  EXPECT_EQ(Str(e, "alertname"), "E2ESecure");

  // Both Alertmanagers delivered it (the capture receiver saw both), and
  // both deliveries were accepted: two 200s, one stored notification, the
  // other copy a duplicate.
  std::optional<CapturedAlert> am1;
  std::optional<CapturedAlert> am2;
  PollUntil(After(seconds(15)), [&] {
    am1 = env_->capture().First("E2ESecure", "firing", "am1");
    am2 = env_->capture().First("E2ESecure", "firing", "am2");
    return am1 && am2;
  });
  ASSERT_TRUE(am1 && am2) << "the capture receiver did not get E2ESecure from both Alertmanagers";
  ASSERT_EQ(am1->fingerprint, am2->fingerprint);
  std::string after;
  PollUntil(After(seconds(15)), [&] {
    after = Metrics();
    return Metric(after, "alertgate_webhook_requests_total", {{"code", "200"}}) >= *ok_before + 2 &&
           Metric(after, "alertgate_notifications_duplicate_total") >= dup_before + 1;
  });
  EXPECT_GE(Metric(after, "alertgate_webhook_requests_total", {{"code", "200"}}), *ok_before + 2)
      << "both Alertmanagers' deliveries were accepted";
  EXPECT_GE(Metric(after, "alertgate_notifications_duplicate_total"), dup_before + 1);
  EXPECT_EQ(Metric(after, "alertgate_notifications_total", {{"status", "firing"}}),
            stored_before + 1)
      << "two deliveries, one stored notification";
  EXPECT_EQ(Metric(after, "alertgate_webhook_requests_total", {{"code", "401"}}) +
                Metric(after, "alertgate_webhook_requests_total", {{"code", "403"}}),
            refused_before)
      << "an Alertmanager's delivery was refused";
  // Each Alertmanager's own view: every webhook it sent (to alertgate and to
  // the capture) succeeded.
  for (const int port : {env_->am1_port(), env_->am2_port()}) {
    const HttpReply m = HttpGet(port, "/metrics");
    ASSERT_EQ(m.status, 200) << m.error;
    EXPECT_GE(Metric(m.body, "alertmanager_notifications_total", {{"integration", "webhook"}}), 2)
        << "Alertmanager on :" << port;
    EXPECT_EQ(
        Metric(m.body, "alertmanager_notifications_failed_total", {{"integration", "webhook"}}), 0)
        << "Alertmanager on :" << port << " failed to deliver";
  }

  // The measure is the first receipt of either copy.
  const CapturedAlert& first = am1->received_at <= am2->received_at ? *am1 : *am2;
  const double harness = SecondsBetween(ToSysTime(injected_at), first.received_at);
  EXPECT_NEAR(Number(e, "time_to_notify_seconds"), harness, kToleranceSeconds) << ToJson(e);
  EXPECT_EQ(Str(e, "fingerprint"), first.fingerprint);
  EXPECT_EQ(ParseTime(Str(e, "starts_at")), ParseTime(first.starts_at));
  env_->Note("E2ESecure: time_to_notify_seconds " +
             std::to_string(Number(e, "time_to_notify_seconds")) + ", harness " +
             std::to_string(harness) + "; am1 and am2 captured " +
             std::to_string(SecondsBetween(am1->received_at, am2->received_at)) + "s apart");

  // --- Refused requests change nothing ------------------------------------
  const HttpReply list_before = HttpGet(ag, "/api/v1/drills", kViewer);
  ASSERT_EQ(list_before.status, 200) << list_before.error << list_before.body;
  const std::string results_before = Results(drill);
  const std::string metrics_before = Metrics();

  const std::string forged = ForgedWebhook();
  struct Attempt {
    const char* what;
    std::string path;
    std::string body;
    Credentials as;
    int want;
  };
  const std::string drills = "/api/v1/drills/" + drill;
  const std::vector<Attempt> attempts = {
      {"runner, wrong password, starts a drill",
       "/api/v1/drills",
       R"({"id":"e2e-forged"})",
       {"runner", "not-the-runner-password", ""},
       401},
      {"unknown user starts a drill",
       "/api/v1/drills",
       R"({"id":"e2e-forged"})",
       {"intruder", kRunnerPassword, ""},
       401},
      {"anonymous starts a drill", "/api/v1/drills", R"({"id":"e2e-forged"})", {}, 401},
      {"valid webhook token starts a drill", "/api/v1/drills", R"({"id":"e2e-forged"})", kAmBearer,
       403},
      {"valid webhook token injects", drills + "/injections", R"({"scenario":"secure"})", kAmBearer,
       403},
      {"webhook user finishes the drill", drills + "/finish", "", kAmBasic, 403},
      {"viewer clears the injection", drills + "/injections/secure-1/clear", "", kViewer, 403},
      {"viewer reloads the config", "/-/reload", "", kViewer, 403},
      {"alertmanager, wrong password, posts a webhook",
       "/api/v1/webhook",
       forged,
       {"alertmanager", "not-the-password", ""},
       401},
      {"unknown bearer token posts a webhook",
       "/api/v1/webhook",
       forged,
       {"", "", "am-tls-token-00000000000000000000000000000000"},
       401},
      {"anonymous posts a webhook", "/api/v1/webhook", forged, {}, 401},
      {"runner posts a webhook", "/api/v1/webhook", forged, kRunner, 403},
  };
  int webhook_401 = 0;
  int webhook_403 = 0;
  for (const Attempt& a : attempts) {
    const HttpReply got = HttpPost(ag, a.path, a.body, a.as);
    EXPECT_EQ(got.status, a.want) << a.what << ": " << got.error << got.body;
    const char* type =
        a.want == 401 ? "\"errorType\":\"unauthorized\"" : "\"errorType\":\"forbidden\"";
    EXPECT_NE(got.body.find(type), std::string::npos) << a.what << ": " << got.body;
    if (a.path == "/api/v1/webhook") ++(a.want == 401 ? webhook_401 : webhook_403);
  }

  const HttpReply list_after = HttpGet(ag, "/api/v1/drills", kViewer);
  ASSERT_EQ(list_after.status, 200) << list_after.error << list_after.body;
  EXPECT_EQ(list_after.body, list_before.body) << "the drill list changed";
  EXPECT_EQ(Results(drill), results_before) << "the drill's results changed";
  EXPECT_EQ(HttpGet(ag, "/api/v1/drills/e2e-forged", kViewer).status, 404);
  const std::string metrics_after = Metrics();
  for (const auto& [name, labels] :
       std::vector<std::pair<std::string, std::map<std::string, std::string>>>{
           {"alertgate_notifications_total", {{"status", "firing"}}},
           {"alertgate_notifications_duplicate_total", {}},
           {"alertgate_webhook_requests_total", {{"code", "200"}}},
           {"alertgate_config_last_reload_success_timestamp_seconds", {}}}) {
    EXPECT_EQ(Metric(metrics_after, name, labels), Metric(metrics_before, name, labels)) << name;
  }
  // Refused webhooks are counted by their status, nothing else.
  EXPECT_EQ(
      Metric(metrics_after, "alertgate_webhook_requests_total", {{"code", "401"}}),
      Metric(metrics_before, "alertgate_webhook_requests_total", {{"code", "401"}}) + webhook_401);
  EXPECT_EQ(
      Metric(metrics_after, "alertgate_webhook_requests_total", {{"code", "403"}}),
      Metric(metrics_before, "alertgate_webhook_requests_total", {{"code", "403"}}) + webhook_403);

  // Control: the forged webhook is one alertgate would act on. With the
  // webhook user's real password it is stored, and the drill shows it as
  // an unexpected alert - the refusals above are what kept it out.
  r = HttpPost(ag, "/api/v1/webhook", forged, kAmBasic);
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const bool shown = PollUntil(After(seconds(10)), [&] {
    Results(drill, &doc);
    return Size(Get(doc, "unexpected_alerts")) == 1;
  });
  EXPECT_TRUE(shown) << ToJson(doc);
  EXPECT_EQ(Str(Get(doc, "unexpected_alerts", 0), "alertname"), "E2ESecureForged") << ToJson(doc);
}

}  // namespace
}  // namespace alertgate::e2e
