// HTTP API tests against the real server, in-process on an ephemeral
// loopback port, with a fake clock and a real SQLite file.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "app/app.h"
#include "app_fixture.h"
#include "core/text.h"
#include "core/time.h"
#include "ingest/webhook.h"
#include "service/service.h"
#include "test_util.h"

namespace alertgate {
namespace {

using std::chrono::seconds;
using test::Eventually;
using test::ReadFixture;
using test::TempDir;
using test::WriteFile;

// The first alert of a captured payload in fixtures/webhooks/.
WebhookAlert FixtureAlert(const std::string& file) {
  auto msg = ParseWebhook(ReadFixture("webhooks/" + file));
  EXPECT_TRUE(msg.ok()) << msg.status().ToString();
  return msg->alerts.at(0);
}

const WebhookAlert& Single() {
  static const WebhookAlert a = FixtureAlert("firing-single.json");
  return a;
}

// Scenario A expects the alert of firing-single.json; B an alert never sent.
std::string TestConfig() {
  return R"(global:
  gate: 60s
  window: 5m
  skew_tolerance: 2s
scenarios:
  - id: A
    name: Fixture alert
    runbook: docs/runbooks/example.md
    expect:
      - 'alertname=")" +
         Single().labels.at("alertname") + R"("'
    window: 3m
  - id: B
    name: Never alerts
    expect:
      - 'alertname="NeverSent"'
)";
}

Timestamp FixtureStartsAt() { return Single().starts_at; }

rapidjson::Document Json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  EXPECT_FALSE(d.HasParseError()) << body;
  return d;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : clock_(FixtureStartsAt() - seconds(60)) {}

  void SetUp() override {
    WriteFile(dir_.File("alertgate.yml"), TestConfig());
    ServeOptions opts;
    opts.config_file = dir_.File("alertgate.yml");
    opts.storage_path = dir_.File("data");
    opts.listen_address = "127.0.0.1:0";
    opts.http.max_body_bytes = 64 * 1024;
    opts.tick_interval = std::chrono::milliseconds(10);
    Start(opts);
  }

  void Start(const ServeOptions& opts) {
    opts_ = opts;
    app_ = test::RunningApp::Start(opts, &clock_, &log_);
    ASSERT_NE(app_, nullptr);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
  }

  void Stop() { app_.reset(); }

  void TearDown() override { Stop(); }

  // Answers, never null: a request that gets no response fails the test.
  test::Answer Post(const std::string& path, const std::string& body) {
    return client_->Post(path.c_str(), body, "application/json");
  }
  test::Answer Get(const std::string& path) { return client_->Get(path.c_str()); }

  // Starts drill d1 and injects scenario A at `at`; returns the injection id.
  std::string StartAndInject(Timestamp at) {
    auto r = Post("/api/v1/drills", R"({"id":"d1"})");
    EXPECT_EQ(r->status, 201) << r->body;
    r = Post("/api/v1/drills/d1/injections",
             R"({"scenario":"A","at":")" + FormatRfc3339(at) + R"("})");
    EXPECT_EQ(r->status, 201) << r->body;
    return Json(r->body)["id"].GetString();
  }

  std::string Verdict(const std::string& drill = "d1") {
    auto r = Get("/api/v1/drills/" + drill);
    EXPECT_EQ(r->status, 200) << r->body;
    auto d = Json(r->body);
    return d["injections"][0]["verdict"].GetString();
  }

  std::string Metrics() { return Get("/metrics")->body; }

  TempDir dir_;
  FakeClock clock_;
  test::LogCapture log_;
  ServeOptions opts_;
  std::unique_ptr<test::RunningApp> app_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerTest, TimelyAlertIsPass) {
  const Timestamp inj = FixtureStartsAt() - seconds(5);
  clock_.Set(inj);
  StartAndInject(inj);
  clock_.Set(FixtureStartsAt() + seconds(7));  // receipt 12 s after the fault
  auto r = Post("/api/v1/webhook", ReadFixture("webhooks/firing-single.json"));
  ASSERT_EQ(r->status, 200) << r->body;

  auto doc = Json(Get("/api/v1/drills/d1")->body);
  EXPECT_STREQ(doc["verdict"].GetString(), "pending");  // the drill is still open
  const auto& ir = doc["injections"][0];
  EXPECT_STREQ(ir["verdict"].GetString(), "pass");
  EXPECT_STREQ(ir["acceptance"].GetString(), "pass");
  EXPECT_DOUBLE_EQ(ir["time_to_alert_seconds"].GetDouble(), 12.0);
  const auto& e = ir["expectations"][0];
  EXPECT_STREQ(e["status"].GetString(), "on_time");
  EXPECT_EQ(e["fingerprint"].GetString(), Single().fingerprint);
  EXPECT_EQ(e["starts_at"].GetString(), FormatRfc3339(Single().starts_at));
  EXPECT_DOUBLE_EQ(e["time_to_fire_seconds"].GetDouble(), 5.0);
}

TEST_F(ServerTest, SlowAlertIsLate) {
  const Timestamp inj = FixtureStartsAt() - seconds(5);
  clock_.Set(inj);
  StartAndInject(inj);
  clock_.Set(inj + seconds(75));
  ASSERT_EQ(Post("/api/v1/webhook", ReadFixture("webhooks/firing-single.json"))->status, 200);
  EXPECT_EQ(Verdict(), "late");
  EXPECT_EQ(Json(Get("/api/v1/drills/d1")->body)["verdict"].GetString(), std::string("fail"));
}

TEST_F(ServerTest, WindowClosesToSilentInMetricsWithoutAnyRequest) {
  const Timestamp inj = clock_.Now();
  StartAndInject(inj);
  EXPECT_TRUE(Eventually([this] {
    return Metrics().find(
               R"(alertgate_injection_verdict{drill="d1",injection="A-1",scenario="A",verdict="pending"} 1)") !=
           std::string::npos;
  }));
  clock_.Advance(std::chrono::minutes(3));
  // Only the ticker can have decided this: no API call since the injection.
  EXPECT_TRUE(Eventually([this] {
    return Metrics().find(
               R"(alertgate_injection_verdict{drill="d1",injection="A-1",scenario="A",verdict="silent"} 1)") !=
           std::string::npos;
  }));
  EXPECT_NE(log_.str().find("msg=\"injection decided\" drill=d1 scenario=A injection=A-1 "
                            "verdict=silent"),
            std::string::npos)
      << log_.str();
}

TEST_F(ServerTest, DuplicateDeliveryIsCountedOnce) {
  const Timestamp inj = FixtureStartsAt() - seconds(5);
  clock_.Set(inj);
  StartAndInject(inj);
  clock_.Set(FixtureStartsAt() + seconds(7));
  const std::string body = ReadFixture("webhooks/firing-single.json");
  auto first = Json(Post("/api/v1/webhook", body)->body);
  EXPECT_EQ(first["stored"].GetInt(), 1);
  clock_.Advance(seconds(30));  // a retry / HA peer resend, later
  auto again = Json(Post("/api/v1/webhook", body)->body);
  EXPECT_EQ(again["stored"].GetInt(), 0);
  EXPECT_EQ(again["duplicates"].GetInt(), 1);
  auto doc = Json(Get("/api/v1/drills/d1")->body);
  EXPECT_DOUBLE_EQ(doc["injections"][0]["time_to_alert_seconds"].GetDouble(), 12.0);
  EXPECT_NE(Metrics().find("alertgate_notifications_duplicate_total 1"), std::string::npos);
}

TEST_F(ServerTest, ResolvedNotificationSetsResolvedAt) {
  const Timestamp inj = FixtureStartsAt() - seconds(5);
  clock_.Set(inj);
  StartAndInject(inj);
  clock_.Set(FixtureStartsAt() + seconds(7));
  ASSERT_EQ(Post("/api/v1/webhook", ReadFixture("webhooks/firing-single.json"))->status, 200);
  clock_.Advance(seconds(20));
  ASSERT_EQ(Post("/api/v1/webhook", ReadFixture("webhooks/resolved-single.json"))->status, 200);
  auto doc = Json(Get("/api/v1/drills/d1")->body);
  EXPECT_EQ(std::string(doc["injections"][0]["expectations"][0]["resolved_at"].GetString()),
            FormatRfc3339(clock_.Now()));
}

TEST_F(ServerTest, AlertWithoutInjectionIsUnexpected) {
  ASSERT_EQ(Post("/api/v1/drills", R"({"id":"d1"})")->status, 201);
  clock_.Set(FixtureStartsAt() + seconds(3));
  ASSERT_EQ(Post("/api/v1/webhook", ReadFixture("webhooks/firing-group-3.json"))->status, 200);
  auto doc = Json(Get("/api/v1/drills/d1")->body);
  EXPECT_EQ(doc["unexpected_alerts"].Size(), 3u);
  EXPECT_EQ(doc["unexpected_alerts"][0]["alertname"].GetString(),
            FixtureAlert("firing-group-3.json").labels.at("alertname"));
}

TEST_F(ServerTest, StartDrillIsIdempotentAndConflictsOnOtherMatchers) {
  auto r = Post("/api/v1/drills", R"({"id":"d1","matchers":["env=\"staging\""]})");
  ASSERT_EQ(r->status, 201) << r->body;
  r = Post("/api/v1/drills", R"({"id":"d1","matchers":["env=\"staging\""]})");
  EXPECT_EQ(r->status, 200);
  r = Post("/api/v1/drills", R"({"id":"d1","matchers":["env=\"prod\""]})");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(r->body.find("already running with other matchers"), std::string::npos);
}

TEST_F(ServerTest, InjectionKeyMakesRetryReturnTheFirstInjection) {
  ASSERT_EQ(Post("/api/v1/drills", R"({"id":"d1"})")->status, 201);
  auto first = Post("/api/v1/drills/d1/injections", R"({"scenario":"A","key":"k1"})");
  ASSERT_EQ(first->status, 201);
  clock_.Advance(seconds(3));
  auto retry = Post("/api/v1/drills/d1/injections", R"({"scenario":"A","key":"k1"})");
  EXPECT_EQ(retry->status, 200);
  EXPECT_EQ(Json(first->body)["id"].GetString(), std::string(Json(retry->body)["id"].GetString()));
  EXPECT_EQ(Json(first->body)["injected_at"].GetString(),
            std::string(Json(retry->body)["injected_at"].GetString()));
  auto doc = Json(Get("/api/v1/drills/d1")->body);
  EXPECT_EQ(doc["injections"].Size(), 1u);
  auto other = Post("/api/v1/drills/d1/injections", R"({"scenario":"B","key":"k1"})");
  EXPECT_EQ(other->status, 409);
}

TEST_F(ServerTest, InjectionIsStampedWithServerClockUnlessAtIsGiven) {
  ASSERT_EQ(Post("/api/v1/drills", R"({"id":"d1"})")->status, 201);
  auto r = Json(Post("/api/v1/drills/d1/injections", R"({"scenario":"B"})")->body);
  EXPECT_EQ(std::string(r["injected_at"].GetString()), FormatRfc3339(clock_.Now()));
  EXPECT_STREQ(r["id"].GetString(), "B-1");
  auto r2 = Json(
      Post("/api/v1/drills/d1/injections", R"({"scenario":"B","at":"2026-11-27T05:48:00.5+01:00"})")
          ->body);
  EXPECT_STREQ(r2["injected_at"].GetString(), "2026-11-27T04:48:00.500Z");
  EXPECT_STREQ(r2["id"].GetString(), "B-2");
}

TEST_F(ServerTest, ClearAndFinish) {
  const std::string id = StartAndInject(clock_.Now());
  clock_.Advance(seconds(40));
  auto r = Post("/api/v1/drills/d1/injections/" + id + "/clear", "");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(std::string(Json(r->body)["cleared_at"].GetString()), FormatRfc3339(clock_.Now()));
  EXPECT_EQ(Post("/api/v1/drills/d1/injections/nope/clear", "")->status, 404);
  r = Post("/api/v1/drills/d1/finish", "");
  ASSERT_EQ(r->status, 200);
  EXPECT_FALSE(Json(r->body)["finished_at"].IsNull());
  r = Post("/api/v1/drills/d1/injections", R"({"scenario":"A"})");
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(Post("/api/v1/drills/nope/finish", "")->status, 404);
}

TEST_F(ServerTest, ListDrills) {
  StartAndInject(clock_.Now());
  auto doc = Json(Get("/api/v1/drills")->body);
  ASSERT_EQ(doc["drills"].Size(), 1u);
  EXPECT_STREQ(doc["drills"][0]["drill"].GetString(), "d1");
  EXPECT_STREQ(doc["drills"][0]["verdict"].GetString(), "pending");
  EXPECT_EQ(doc["drills"][0]["verdicts"]["pending"].GetInt(), 1);
}

struct BadRequest {
  const char* name;
  const char* method;
  const char* path;
  std::string body;
  int status;
  const char* message;  // a fragment of the error
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const BadRequest& r, std::ostream* os) { *os << r.name; }

class BadInputTest : public ServerTest, public ::testing::WithParamInterface<BadRequest> {};

TEST_P(BadInputTest, ClearErrorAndNothingStored) {
  ASSERT_EQ(Post("/api/v1/drills", R"({"id":"d1"})")->status, 201);
  const std::string before_drill = Get("/api/v1/drills/d1")->body;
  const std::string before_list = Get("/api/v1/drills")->body;
  const auto& p = GetParam();
  test::Answer r = std::string(p.method) == "POST" ? Post(p.path, p.body) : Get(p.path);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, p.status) << r->body;
  EXPECT_TRUE(IsValidUtf8(r->body)) << "the error echoes bytes that are not UTF-8: " << r->body;
  auto doc = Json(r->body);
  EXPECT_STREQ(doc["status"].GetString(), "error");
  EXPECT_NE(std::string(doc["error"].GetString()).find(p.message), std::string::npos)
      << doc["error"].GetString();
  EXPECT_EQ(Get("/api/v1/drills/d1")->body, before_drill);
  EXPECT_EQ(Get("/api/v1/drills")->body, before_list);
  EXPECT_NE(Metrics().find("alertgate_notifications_total{status=\"firing\"} 0"),
            std::string::npos);
}

// firing-single.json with the first startsAt value replaced by `value` (raw JSON).
std::string FixtureWithStartsAt(const std::string& value) {
  std::string body = ReadFixture("webhooks/firing-single.json");
  const std::string key = R"("startsAt":")";
  const auto pos = body.find(key);
  EXPECT_NE(pos, std::string::npos);
  const auto end = body.find('"', pos + key.size());
  return body.replace(pos + key.size() - 1, end - (pos + key.size()) + 2, value);
}

std::string FixtureWith(const std::string& from, const std::string& to) {
  std::string body = ReadFixture("webhooks/firing-single.json");
  auto pos = body.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return body.replace(pos, from.size(), to);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadInputTest,
    ::testing::Values(
        BadRequest{"webhook_malformed_json", "POST", "/api/v1/webhook", "{\"version\": ", 400,
                   "JSON"},
        BadRequest{"webhook_missing_alerts", "POST", "/api/v1/webhook",
                   R"({"version":"4","status":"firing","receiver":"r","groupKey":"{}"})", 400,
                   "alerts"},
        BadRequest{"webhook_wrong_version", "POST", "/api/v1/webhook",
                   FixtureWith(R"("version":"4")", R"("version":"3")"), 400, "version"},
        BadRequest{"webhook_mistyped_startsAt", "POST", "/api/v1/webhook",
                   FixtureWithStartsAt("17"), 400, "startsAt"},
        BadRequest{"webhook_huge_body", "POST", "/api/v1/webhook", std::string(70000, ' '), 413,
                   "exceeds"},
        BadRequest{"drill_missing_id", "POST", "/api/v1/drills", R"({"matchers":[]})", 400,
                   "id: missing"},
        BadRequest{"drill_bad_id", "POST", "/api/v1/drills", R"({"id":"a/b c"})", 400,
                   "may contain only"},
        BadRequest{"drill_bad_matcher", "POST", "/api/v1/drills",
                   R"({"id":"d2","matchers":["env=staging"]})", 400, "matchers[0]"},
        BadRequest{"drill_matchers_not_array", "POST", "/api/v1/drills",
                   R"({"id":"d2","matchers":"env=\"x\""})", 400, "matchers: expected"},
        BadRequest{"inject_unknown_drill", "POST", "/api/v1/drills/nope/injections",
                   R"({"scenario":"A"})", 404, "unknown drill"},
        BadRequest{"inject_unknown_scenario", "POST", "/api/v1/drills/d1/injections",
                   R"({"scenario":"Q"})", 404, "unknown scenario \"Q\""},
        BadRequest{"inject_scenario_wrong_type", "POST", "/api/v1/drills/d1/injections",
                   R"({"scenario":5})", 400, "scenario: expected a string"},
        BadRequest{"inject_bad_at", "POST", "/api/v1/drills/d1/injections",
                   R"({"scenario":"A","at":"yesterday"})", 400, "at:"},
        BadRequest{"inject_future_at", "POST", "/api/v1/drills/d1/injections",
                   R"({"scenario":"A","at":"2099-01-01T00:00:00Z"})", 400, "in the future"},
        BadRequest{"inject_at_year_1", "POST", "/api/v1/drills/d1/injections",
                   R"({"scenario":"A","at":"0001-01-01T00:00:00Z"})", 400,
                   "before the drill started"},
        BadRequest{"inject_at_epoch", "POST", "/api/v1/drills/d1/injections",
                   R"({"scenario":"A","at":"1970-01-01T00:00:00Z"})", 400,
                   "more than 1d before the drill started"},
        BadRequest{"drill_id_dot", "POST", "/api/v1/drills", R"({"id":"."})", 400, "not a name"},
        BadRequest{"drill_id_dotdot", "POST", "/api/v1/drills", R"({"id":".."})", 400,
                   "not a name"},
        BadRequest{"webhook_lone_surrogate_label", "POST", "/api/v1/webhook",
                   FixtureWith(R"("env":"staging")", R"("env":"stag\udc00ing")"), 400,
                   "lone UTF-16 surrogate"},
        BadRequest{"webhook_lone_surrogate_key", "POST", "/api/v1/webhook",
                   FixtureWith(R"("env":"staging")", R"("e\ud800nv":"staging")"), 400,
                   "invalid JSON"},
        BadRequest{"drill_matcher_lone_surrogate", "POST", "/api/v1/drills",
                   R"({"id":"d2","matchers":["env=\"\udfff\""]})", 400, "lone UTF-16 surrogate"},
        BadRequest{"inject_key_lone_surrogate", "POST", "/api/v1/drills/d1/injections",
                   R"({"scenario":"A","key":"k\udc00"})", 400, "lone UTF-16 surrogate"},
        BadRequest{"unknown_path_raw_bytes", "GET", "/api/v1/%FF%FE", "", 404,
                   R"(no endpoint GET /api/v1/\xff\xfe)"},
        BadRequest{"webhook_duplicate_key", "POST", "/api/v1/webhook",
                   FixtureWith(R"("version":"4")", R"("version":"4","version":"4")"), 400,
                   "duplicate key"},
        BadRequest{"inject_not_object", "POST", "/api/v1/drills/d1/injections", "[1,2]", 400,
                   "expected a JSON object"},
        BadRequest{"webhook_deeply_nested", "POST", "/api/v1/webhook",
                   FixtureWith(R"("version":"4")", R"("x":)" + std::string(100, '[') +
                                                       std::string(100, ']') + R"(,"version":"4")"),
                   400, "nested deeper than 64 levels"},
        BadRequest{"webhook_invalid_utf8", "POST", "/api/v1/webhook",
                   FixtureWith(R"("env":"staging")", "\"env\":\"stag\xff\xfeing\""), 400,
                   "Invalid encoding"},
        BadRequest{"webhook_nan", "POST", "/api/v1/webhook",
                   FixtureWith(R"("truncatedAlerts":0)", R"("truncatedAlerts":NaN)"), 400,
                   "invalid JSON"},
        BadRequest{"inject_deeply_nested", "POST", "/api/v1/drills/d1/injections",
                   R"({"scenario":"A","x":)" + std::string(100, '[') + std::string(100, ']') + "}",
                   400, "nested deeper than 64 levels"},
        BadRequest{"results_unknown_drill", "GET", "/api/v1/drills/nope", "", 404, "unknown drill"},
        BadRequest{"unknown_path", "GET", "/api/v1/nothing", "", 404, "no endpoint"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST_F(ServerTest, ReloadKeepsOldConfigWhenNewOneIsBad) {
  ASSERT_EQ(Post("/api/v1/drills", R"({"id":"d1"})")->status, 201);
  WriteFile(opts_.config_file, "scenarios: [ {id: A, expect: ['not a matcher']} ]\n");
  auto r = Post("/-/reload", "");
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("alertgate.yml:1"), std::string::npos) << r->body;
  EXPECT_EQ(Post("/api/v1/drills/d1/injections", R"({"scenario":"B"})")->status, 201);
  EXPECT_NE(Metrics().find("alertgate_config_last_reload_successful 0"), std::string::npos);

  WriteFile(opts_.config_file, TestConfig() + R"(  - id: C
    expect: ['alertname="RedisMasterChanged"']
)");
  EXPECT_EQ(Post("/-/reload", "")->status, 200);
  EXPECT_EQ(Post("/api/v1/drills/d1/injections", R"({"scenario":"C"})")->status, 201);
  EXPECT_NE(Metrics().find("alertgate_config_last_reload_successful 1"), std::string::npos);
}

TEST_F(ServerTest, ResultsSurviveRestart) {
  const Timestamp inj = FixtureStartsAt() - seconds(5);
  clock_.Set(inj);
  StartAndInject(inj);
  clock_.Set(FixtureStartsAt() + seconds(7));
  ASSERT_EQ(Post("/api/v1/webhook", ReadFixture("webhooks/firing-single.json"))->status, 200);
  const std::string before = Get("/api/v1/drills/d1")->body;
  Stop();
  Start(opts_);
  EXPECT_EQ(Get("/api/v1/drills/d1")->body, before);
  EXPECT_NE(
      Metrics().find(
          R"(alertgate_injection_verdict{drill="d1",injection="A-1",scenario="A",verdict="pass"} 1)"),
      std::string::npos);
}

TEST_F(ServerTest, RetentionDropsOldFinishedDrillsAtStartup) {
  StartAndInject(clock_.Now());
  ASSERT_EQ(Post("/api/v1/drills/d1/finish", "")->status, 200);
  ASSERT_EQ(Post("/api/v1/drills", R"({"id":"d2"})")->status, 201);  // still open: kept
  Stop();
  clock_.Advance(std::chrono::hours(24 * 31));
  Start(opts_);  // default --storage.retention=30d
  EXPECT_EQ(Get("/api/v1/drills/d1")->status, 404);
  EXPECT_EQ(Get("/api/v1/drills/d2")->status, 200);
  EXPECT_EQ(Metrics().find(R"(drill="d1")"), std::string::npos);
  EXPECT_NE(log_.str().find("msg=\"retention applied\""), std::string::npos) << log_.str();
}

TEST_F(ServerTest, SlowClientCannotHoldTheOnlyWorker) {
  Stop();
  ServeOptions opts = opts_;
  opts.http.threads = 1;
  opts.http.read_timeout = std::chrono::milliseconds(200);
  Start(opts);
  // A client that promises a body and never sends it.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(app_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string partial =
      "POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{";
  ASSERT_EQ(send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  // The one worker is freed by the read timeout, so others are served.
  httplib::Client other("127.0.0.1", app_->port());
  other.set_read_timeout(5);
  EXPECT_TRUE(Eventually([&] {
    auto r = other.Get("/-/healthy");
    return r && r->status == 200;
  }));
  // The request ran out of time: answered 408 with the JSON error, then closed.
  std::string answer;
  char buf[512];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, n);
  EXPECT_NE(answer.find("HTTP/1.1 408 "), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("errorType":"timeout")"), std::string::npos) << answer;
  close(fd);
  EXPECT_NE(Metrics().find(R"(alertgate_notifications_total{status="firing"} 0)"),
            std::string::npos);
}

TEST_F(ServerTest, WebhookOverTheAlertLimitIs413AndStoresNothing) {
  Stop();
  ServeOptions opts = opts_;
  opts.webhook.max_alerts = 2;
  Start(opts);
  auto r = Post("/api/v1/webhook", ReadFixture("webhooks/firing-group-3.json"));
  EXPECT_EQ(r->status, 413) << r->body;
  EXPECT_NE(r->body.find("3 alerts exceed the limit of 2"), std::string::npos) << r->body;
  EXPECT_NE(Metrics().find(R"(alertgate_webhook_requests_total{code="413"} 1)"), std::string::npos);
  EXPECT_NE(Metrics().find(R"(alertgate_notifications_total{status="firing"} 0)"),
            std::string::npos);
}

TEST_F(ServerTest, WebhookOverTheBodyLimitIsCountedAs413) {
  auto r = Post("/api/v1/webhook", std::string(opts_.http.max_body_bytes + 1, ' '));
  EXPECT_EQ(r->status, 413) << r->body;
  EXPECT_NE(Metrics().find(R"(alertgate_webhook_requests_total{code="413"} 1)"), std::string::npos)
      << Metrics();
}

TEST_F(ServerTest, HealthReadyAndMetricsEndpoints) {
  auto h = Get("/-/healthy");
  EXPECT_EQ(h->status, 200);
  auto rd = Get("/-/ready");
  EXPECT_EQ(rd->status, 200);
  auto m = Get("/metrics");
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m->body.find("alertgate_build_info"), std::string::npos);
}

}  // namespace
}  // namespace alertgate
