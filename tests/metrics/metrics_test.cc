#include "metrics/metrics.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>

#include "test_util.h"

namespace alertgate {
namespace {

using std::chrono::seconds;

const Timestamp kT0 = FromUnixMillis(1'770'022'800'000);  // 2026-02-02T09:00:00Z

DrillResult PassedDrill() {
  DrillResult r;
  r.drill = Drill{"2026-W5-game-day-1", {}, kT0, kT0 + std::chrono::minutes(30), {}};
  r.verdict = DrillVerdict::kPass;
  InjectionResult ir;
  ir.injection.drill = r.drill.id;
  ir.injection.id = "A-1";
  ir.injection.scenario = "A";
  ir.injection.injected_at = kT0 + seconds(60);
  ir.injection.cleared_at = kT0 + seconds(300);
  ir.gate = seconds(60);
  ir.window = seconds(180);
  ir.verdict = InjectionVerdict::kPass;
  ir.time_to_alert = Millis(12'300);
  ExpectationResult e;
  e.name = "PostgresPrimaryDown";
  e.status = ExpectationStatus::kOnTime;
  e.time_to_notify = Millis(12'300);
  e.time_to_fire = Millis(8'100);
  ir.expectations.push_back(e);
  r.injections.push_back(ir);
  r.unexpected.push_back(AlertRef{"DiskFull", "abc", {}, kT0, kT0});
  return r;
}

class MetricsTest : public ::testing::Test {
 protected:
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  Metrics metrics_{registry_};
};

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST_F(MetricsTest, PublishesResultsOfADrill) {
  metrics_.PublishDrill(PassedDrill());
  const std::string text = metrics_.Serialize();
  EXPECT_TRUE(
      Contains(text, R"(alertgate_drill_verdict{drill="2026-W5-game-day-1",verdict="pass"} 1)"));
  EXPECT_TRUE(
      Contains(text, R"(alertgate_drill_verdict{drill="2026-W5-game-day-1",verdict="fail"} 0)"));
  EXPECT_TRUE(Contains(
      text,
      R"(alertgate_injection_time_to_alert_seconds{drill="2026-W5-game-day-1",injection="A-1",scenario="A"} 12.3)"));
  EXPECT_TRUE(Contains(
      text,
      R"(alertgate_expectation_time_to_fire_seconds{drill="2026-W5-game-day-1",expectation="PostgresPrimaryDown",injection="A-1",scenario="A"} 8.1)"));
  EXPECT_TRUE(Contains(text, R"(alertgate_drill_unexpected_alerts{drill="2026-W5-game-day-1"} 1)"));
  EXPECT_TRUE(Contains(text, R"(alertgate_time_to_alert_seconds_count{scenario="A"} 1)"));
  EXPECT_TRUE(Contains(text, R"(alertgate_time_to_alert_seconds_bucket{scenario="A",le="15"} 1)"));
  EXPECT_TRUE(Contains(text, R"(alertgate_time_to_alert_seconds_bucket{scenario="A",le="10"} 0)"));
}

TEST_F(MetricsTest, DecidedInjectionIsObservedOnceHoweverOftenPublished) {
  metrics_.PublishDrill(PassedDrill());
  metrics_.PublishDrill(PassedDrill());
  const std::string text = metrics_.Serialize();
  EXPECT_TRUE(Contains(text, R"(alertgate_time_to_alert_seconds_count{scenario="A"} 1)"));
  EXPECT_TRUE(
      Contains(text, R"(alertgate_injection_verdicts_total{scenario="A",verdict="pass"} 1)"));
}

TEST_F(MetricsTest, PendingInjectionIsNotObservedInHistogram) {
  DrillResult r = PassedDrill();
  r.injections[0].verdict = InjectionVerdict::kPending;
  metrics_.PublishDrill(r);
  EXPECT_FALSE(Contains(metrics_.Serialize(), "alertgate_time_to_alert_seconds_count"));
}

TEST_F(MetricsTest, SeriesThatNoLongerApplyAreRemoved) {
  metrics_.PublishDrill(PassedDrill());
  DrillResult r = PassedDrill();
  r.injections[0].time_to_alert.reset();
  r.injections[0].expectations[0].time_to_notify.reset();
  r.injections[0].expectations[0].time_to_fire.reset();
  r.injections[0].verdict = InjectionVerdict::kPending;
  metrics_.PublishDrill(r);
  const std::string text = metrics_.Serialize();
  EXPECT_FALSE(Contains(text, "alertgate_injection_time_to_alert_seconds{"));
  EXPECT_FALSE(Contains(text, "alertgate_expectation_time_to_notify_seconds{"));
  EXPECT_TRUE(Contains(
      text,
      R"(alertgate_injection_verdict{drill="2026-W5-game-day-1",injection="A-1",scenario="A",verdict="pending"} 1)"));
}

TEST_F(MetricsTest, CountsWebhooksNotificationsAndStorageErrors) {
  metrics_.CountHttpRequest("/api/v1/webhook", 200, 0.001);
  metrics_.CountHttpRequest("/api/v1/webhook", 503, 0.002);
  metrics_.CountHttpRequest("/api/v1/drills", 503, 0.002);  // not a webhook
  Notification n;
  n.status = AlertStatus::kFiring;
  metrics_.CountNotifications({n, n}, 3);
  metrics_.CountStorageError("webhook");
  const std::string text = metrics_.Serialize();
  EXPECT_TRUE(Contains(text, R"(alertgate_webhook_requests_total{code="503"} 1)"));
  EXPECT_TRUE(
      Contains(text, R"(alertgate_http_requests_total{code="503",handler="/api/v1/drills"} 1)"));
  EXPECT_TRUE(Contains(
      text, R"(alertgate_http_request_duration_seconds_count{handler="/api/v1/webhook"} 2)"));
  EXPECT_TRUE(Contains(text, R"(alertgate_notifications_total{status="firing"} 2)"));
  EXPECT_TRUE(Contains(text, "alertgate_notifications_duplicate_total 3"));
  EXPECT_TRUE(Contains(text, R"(alertgate_storage_errors_total{operation="webhook"} 1)"));
  EXPECT_TRUE(Contains(text, "alertgate_storage_healthy 0"));
}

// `promtool check metrics` (the real one, from Debian's prometheus package)
// must find nothing to complain about in the exposition.
TEST_F(MetricsTest, PromtoolCheckMetricsReportsNothing) {
  metrics_.PublishDrill(PassedDrill());
  metrics_.CountHttpRequest("/api/v1/webhook", 200, 0.001);
  metrics_.SetHttpConnections(3);
  metrics_.CountHttpConnectionRejected();
  metrics_.SetConfigReload(true, kT0);
  test::TempDir dir;
  const std::string in = dir.File("metrics.txt");
  test::WriteFile(in, metrics_.Serialize());
  const test::CommandResult r = test::RunCommand("promtool check metrics < " + in);
  const std::string out = r.output();
  EXPECT_EQ(r.exit_code, 0) << out;
  EXPECT_EQ(out, "") << out;
}

}  // namespace
}  // namespace alertgate
