// End-to-end storage fault (issue #7): another process (the sqlite3 shell)
// holds a write lock on alertgate's database while a real alert fires.
// alertgate, with --storage.busy-timeout=100ms, answers Alertmanager's
// webhook 503; Alertmanager counts the failure and retries with backoff.
// Once the lock is released the retry is stored, once, and it is the
// measure: time_to_notify is the retry's receipt, after the release.
//
// This test has its own environment (one alertgate, one Alertmanager,
// Prometheus, the exporter): see harness.h.
#include <gtest/gtest.h>

#include <iostream>

#include "core/time.h"
#include "harness.h"

namespace alertgate::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A generous gate: the notification arrives only after the lock is
// released and Alertmanager's next retry (backoff from 0.5 s, x1.5 each
// attempt), so the verdict is pass when the retry lands within it.
constexpr double kGateSeconds = 25;
// --storage.busy-timeout: how long a write waits for the lock.
constexpr double kBusyTimeoutSeconds = 0.1;
constexpr const char* kAlertgateConfig = R"(# Written by the alertgate e2e harness.
global:
  gate: 10s
  window: 30s
  skew_tolerance: 2s
scenarios:
  - id: storage
    name: Database locked by another process while the alert fires
    expect: ['alertname="E2EStorageLocked"']
    gate: 25s
    window: 40s
)";

constexpr const char* kRules = R"(# Written by the alertgate e2e harness.
groups:
  - name: alertgate-e2e-storage
    interval: 1s
    rules:
      - alert: E2EStorageLocked
        expr: e2e_fault{case="storage"} == 1
        for: 0s
)";

EnvOptions Options() {
  EnvOptions o;
  o.alertgate_config = kAlertgateConfig;
  o.rules = kRules;
  o.rule_count = 1;
  o.initial_series.push_back({"e2e_fault", {{"case", "storage"}}, 0});
  o.alertmanagers = 1;
  o.alertgate_args = {"--storage.busy-timeout=100ms"};  // kBusyTimeoutSeconds
  return o;
}

double Metric(const std::string& exposition, const std::string& name,
              const std::map<std::string, std::string>& labels = {}) {
  return MetricValue(exposition, name, labels).value_or(0);
}

// The position of the first log line with `msg` at or after `from`, or npos.
size_t FindLogLine(const std::string& log, const std::string& msg, size_t from = 0) {
  return log.find("msg=\"" + msg + "\"", from);
}

// The whole log line around `pos`.
std::string LineAt(const std::string& log, size_t pos) {
  if (pos == std::string::npos) return "";
  const size_t begin = log.rfind('\n', pos);
  const size_t end = log.find('\n', pos);
  return log.substr(begin == std::string::npos ? 0 : begin + 1,
                    end == std::string::npos ? std::string::npos
                                             : end - (begin == std::string::npos ? 0 : begin + 1));
}

class StorageE2E : public EnvTest {
 protected:
  void SetUp() override { StartEnv(Options()); }

  std::string Metrics() {
    const HttpReply r = HttpGet(env_->alertgate_port(), "/metrics");
    EXPECT_EQ(r.status, 200) << r.error;
    return r.body;
  }

  std::string AmMetrics() {
    const HttpReply r = HttpGet(env_->am1_port(), "/metrics");
    EXPECT_EQ(r.status, 200) << r.error;
    return r.body;
  }

  void Results(const std::string& drill, rapidjson::Document* doc) {
    const HttpReply r = HttpGet(env_->alertgate_port(), "/api/v1/drills/" + drill);
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    *doc = ParseJson(r.body);
    ASSERT_TRUE(doc->IsObject()) << r.body;
  }
};

TEST_F(StorageE2E, LockedDatabaseMeans503ThenAlertmanagerRetries) {
  const std::string drill = "e2e-storage";
  const int ag = env_->alertgate_port();
  HttpReply r =
      HttpPost(ag, "/api/v1/drills",
               "{\"id\":" + JsonQuote(drill) + ",\"matchers\":[\"case=\\\"storage\\\"\"]}");
  ASSERT_EQ(r.status, 201) << r.error << r.body;
  r = HttpPost(ag, "/api/v1/drills/" + drill + "/injections", R"({"scenario":"storage"})");
  ASSERT_EQ(r.status, 201) << r.error << r.body;
  const rapidjson::Document injected = ParseJson(r.body);
  ASSERT_EQ(Str(injected, "id"), "storage-1") << r.body;
  const Timestamp injected_at = ParseTime(Str(injected, "injected_at"));

  const std::string before = Metrics();
  const double ok_before = Metric(before, "alertgate_webhook_requests_total", {{"code", "200"}});
  const double unavailable_before =
      Metric(before, "alertgate_webhook_requests_total", {{"code", "503"}});
  const double errors_before =
      Metric(before, "alertgate_storage_errors_total", {{"operation", "webhook"}});
  const double stored_before =
      Metric(before, "alertgate_notifications_total", {{"status", "firing"}});
  const double dup_before = Metric(before, "alertgate_notifications_duplicate_total");
  const std::string am_before = AmMetrics();
  const double am_failed_before =
      Metric(am_before, "alertmanager_notifications_failed_total", {{"integration", "webhook"}});
  const double am_attempts_failed_before = Metric(
      am_before, "alertmanager_notification_requests_failed_total", {{"integration", "webhook"}});
  ASSERT_EQ(HttpGet(ag, "/-/ready").status, 200);

  // Lock the database, then let the alert fire.
  DatabaseLock lock(env_->alertgate_db(), env_->dir());
  const std::string locked = lock.Acquire(After(seconds(10)));
  ASSERT_EQ(locked, "") << locked;
  env_->Note("sqlite3 holds BEGIN EXCLUSIVE on " + env_->alertgate_db());
  ASSERT_EQ(env_->SetGauge("e2e_fault", {{"case", "storage"}}, 1), "");

  // alertgate refuses the delivery with 503 and says why.
  std::string m;
  const bool refused = PollUntil(After(seconds(20)), [&] {
    if (!env_->DeadProcesses().empty()) return true;
    m = Metrics();
    return Metric(m, "alertgate_webhook_requests_total", {{"code", "503"}}) >=
               unavailable_before + 1 &&
           Metric(m, "alertgate_storage_errors_total", {{"operation", "webhook"}}) >=
               errors_before + 1;
  });
  ASSERT_TRUE(env_->DeadProcesses().empty()) << env_->DeadProcesses();
  ASSERT_TRUE(refused) << "no 503 to a webhook while the database is locked:\n"
                       << m.substr(0, 4000);
  env_->Note("alertgate answered 503 to the webhook");
  EXPECT_EQ(Metric(m, "alertgate_storage_healthy"), 0);
  const HttpReply not_ready = HttpGet(ag, "/-/ready");
  EXPECT_EQ(not_ready.status, 503) << not_ready.error << not_ready.body;
  EXPECT_NE(not_ready.body.find("the last storage write failed"), std::string::npos)
      << not_ready.body;
  // Alertmanager saw the failed attempt, and keeps retrying (backoff from
  // 0.5 s) until the flush's deadline (max(group_interval, 10 s)) ends the
  // notification as failed: alertmanager_notifications_failed_total counts
  // notifications, not attempts. Keep the lock until then.
  std::string am;
  const bool am_attempt_failed = PollUntil(After(seconds(5)), [&] {
    am = AmMetrics();
    return Metric(am, "alertmanager_notification_requests_failed_total",
                  {{"integration", "webhook"}}) > am_attempts_failed_before;
  });
  EXPECT_TRUE(am_attempt_failed)
      << "alertmanager_notification_requests_failed_total{integration=\"webhook\"} did not rise";
  const bool am_failed = PollUntil(After(seconds(15)), [&] {
    am = AmMetrics();
    return Metric(am, "alertmanager_notifications_failed_total", {{"integration", "webhook"}}) >
           am_failed_before;
  });
  EXPECT_TRUE(am_failed) << "alertmanager_notifications_failed_total{integration=\"webhook\"} "
                            "did not rise while the database was locked";
  env_->Note(
      "Alertmanager gave the notification up as failed after " +
      std::to_string(static_cast<int>(Metric(am, "alertmanager_notification_requests_failed_total",
                                             {{"integration", "webhook"}}) -
                                      am_attempts_failed_before)) +
      " failed attempts");
  // alertgate is still not ready: every attempt failed.
  EXPECT_EQ(HttpGet(ag, "/-/ready").status, 503);
  // ... while the capture receiver (another route of the same Alertmanager)
  // got the alert at once: the first attempt, the one alertgate refused.
  std::optional<CapturedAlert> first_attempt;
  PollUntil(After(seconds(10)), [&] {
    first_attempt = env_->capture().First("E2EStorageLocked", "firing");
    return first_attempt.has_value();
  });
  ASSERT_TRUE(first_attempt.has_value()) << "the capture receiver never got E2EStorageLocked";
  // Nothing was stored: reads still work, and the injection is pending.
  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(Results(drill, &doc));
  EXPECT_EQ(Str(Get(doc, "injections", 0), "verdict"), "pending") << ToJson(doc);
  EXPECT_TRUE(Get(doc, "injections", 0, "expectations", 0, "notified_at").IsNull()) << ToJson(doc);

  // Release the lock. The release happens after this instant.
  const double attempts_failed_at_release = Metric(
      AmMetrics(), "alertmanager_notification_requests_failed_total", {{"integration", "webhook"}});
  const SysTime released_at = std::chrono::system_clock::now();
  const std::string released = lock.Release(After(seconds(10)));
  ASSERT_EQ(released, "") << released;
  env_->Note("sqlite3 committed and exited; waiting for Alertmanager's retry");

  // Alertmanager retries; the notification arrives and decides the injection.
  std::string last;
  const bool decided = PollUntil(
      After(seconds(30)),
      [&] {
        if (!env_->DeadProcesses().empty()) return true;
        const HttpReply res = HttpGet(ag, "/api/v1/drills/" + drill);
        last = res.body;
        doc = ParseJson(res.body);
        const std::string v = Str(Get(doc, "injections", 0), "verdict");
        return res.status == 200 && !v.empty() && v != "pending";
      },
      milliseconds(100));
  const SysTime decided_seen = std::chrono::system_clock::now();
  ASSERT_TRUE(env_->DeadProcesses().empty()) << env_->DeadProcesses();
  ASSERT_TRUE(decided) << "no verdict after the lock was released; last results: " << last;
  const rapidjson::Value& ir = Get(doc, "injections", 0);
  EXPECT_EQ(Str(ir, "verdict"), "pass") << ToJson(ir);
  EXPECT_EQ(Number(ir, "gate_seconds"), kGateSeconds) << ToJson(ir);
  ASSERT_EQ(Size(Get(ir, "expectations")), 1) << ToJson(ir);
  const rapidjson::Value& e = Get(ir, "expectations", 0);
  EXPECT_EQ(Str(e, "status"), "on_time") << ToJson(e);
  EXPECT_EQ(Str(e, "fingerprint"), first_attempt->fingerprint);

  // The measure is the retry's receipt, not the refused first attempt's:
  // alertgate stamps a webhook when it arrives, before its write waits for
  // the lock, so the attempt that succeeded may have arrived up to
  // --storage.busy-timeout before the release and waited it out.
  const double ttn = Number(e, "time_to_notify_seconds");
  const SysTime notified = ToSysTime(ParseTime(Str(e, "notified_at")));
  EXPECT_NEAR(ttn, SecondsBetween(ToSysTime(injected_at), notified), 0.002) << ToJson(e);
  EXPECT_GT(SecondsBetween(released_at, notified), -kBusyTimeoutSeconds - 0.01)
      << "time_to_notify is not the retry's receipt: notified_at is before the lock was released; "
      << ToJson(e);
  EXPECT_GT(ttn, SecondsBetween(ToSysTime(injected_at), released_at) - kBusyTimeoutSeconds - 0.01)
      << ToJson(e);
  EXPECT_LE(SecondsBetween(notified, decided_seen), 1.0) << ToJson(e);
  // The lock outlived Alertmanager's first notification (10 s of retries).
  EXPECT_GT(SecondsBetween(first_attempt->received_at, notified), 5)
      << "the refused first attempt (captured at the same time) is not the measure";
  EXPECT_LT(ttn, kGateSeconds) << ToJson(e);
  env_->Note("E2EStorageLocked: first attempt at +" +
             std::to_string(SecondsBetween(ToSysTime(injected_at), first_attempt->received_at)) +
             "s (503), lock released at +" +
             std::to_string(SecondsBetween(ToSysTime(injected_at), released_at)) +
             "s, stored retry at +" + std::to_string(ttn) + "s");

  // Alertmanager's log: the delivery that succeeded, after the release, is
  // the one alertgate measured (stamped on arrival, answered once stored).
  const std::string am_log = env_->AlertmanagerLog(0);
  const size_t success =
      am_log.rfind("receiver=alertgate integration=webhook[0] msg=\"Notify success\"");
  ASSERT_NE(success, std::string::npos) << "Alertmanager did not log its delivery to alertgate";
  const std::string success_line = LineAt(am_log, success);
  const SysTime delivered =
      ToSysTime(ParseTime(success_line.substr(3, success_line.find(' ') - 3)));
  EXPECT_GT(SecondsBetween(released_at, delivered), 0) << success_line;
  EXPECT_GE(SecondsBetween(notified, delivered), -0.002) << success_line << "\n" << ToJson(e);
  EXPECT_LT(SecondsBetween(notified, delivered), 0.5) << success_line << "\n" << ToJson(e);
  env_->Note("Alertmanager: " + success_line.substr(success_line.find("msg=")));

  // Stored once: one 200, one notification, no duplicate.
  std::string after;
  PollUntil(After(seconds(5)), [&] {
    after = Metrics();
    return Metric(after, "alertgate_webhook_requests_total", {{"code", "200"}}) >= ok_before + 1;
  });
  EXPECT_EQ(Metric(after, "alertgate_webhook_requests_total", {{"code", "200"}}), ok_before + 1);
  EXPECT_EQ(Metric(after, "alertgate_notifications_total", {{"status", "firing"}}),
            stored_before + 1);
  EXPECT_EQ(Metric(after, "alertgate_notifications_duplicate_total"), dup_before);
  EXPECT_EQ(Metric(after, "alertgate_storage_healthy"), 1);
  EXPECT_GE(Metric(after, "alertgate_webhook_requests_total", {{"code", "503"}}),
            unavailable_before + 1);
  const HttpReply ready = HttpGet(ag, "/-/ready");
  EXPECT_EQ(ready.status, 200) << ready.error << ready.body;

  // alertgate logged the failure, then the recovery.
  const std::string log = env_->AlertgateLog();
  const size_t failed = FindLogLine(log, "storage failed");
  ASSERT_NE(failed, std::string::npos) << "no msg=\"storage failed\" in alertgate's log";
  EXPECT_NE(LineAt(log, failed).find("operation=webhook"), std::string::npos)
      << LineAt(log, failed);
  EXPECT_NE(LineAt(log, failed).find("level=error"), std::string::npos) << LineAt(log, failed);
  const size_t recovered = FindLogLine(log, "storage recovered", failed);
  EXPECT_NE(recovered, std::string::npos)
      << "no msg=\"storage recovered\" after msg=\"storage failed\" in alertgate's log";
  EXPECT_EQ(FindLogLine(log, "storage failed", recovered), std::string::npos)
      << "storage failed again after it recovered: " << LineAt(log, recovered);
  // The notification was stored after the recovery, and only once.
  const size_t stored = log.find("msg=\"notification stored\" alertname=E2EStorageLocked");
  EXPECT_NE(stored, std::string::npos) << "alertgate did not log the stored notification";
  EXPECT_GT(stored, failed);
  EXPECT_EQ(log.find("msg=\"notification stored\" alertname=E2EStorageLocked", stored + 1),
            std::string::npos);

  // Alertmanager's view: a failed notification, then a successful one (its
  // retry after the release) - no more failures after the release.
  am = AmMetrics();
  EXPECT_GT(Metric(am, "alertmanager_notifications_failed_total", {{"integration", "webhook"}}),
            am_failed_before);
  EXPECT_LE(
      Metric(am, "alertmanager_notification_requests_failed_total", {{"integration", "webhook"}}),
      attempts_failed_at_release + 1)
      << "Alertmanager's deliveries still fail after the release";
}

}  // namespace
}  // namespace alertgate::e2e
