// The fixed drill every report renderer is tested on, built from facts (no
// clock), and the golden files it must render to: shared by the
// per-renderer tests in tests/report/. Header-only: the build compiles
// tests/**/*_test.cc and nothing else here.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/time.h"
#include "correlate/evaluate.h"
#include "store/sqlite_store.h"
#include "test_util.h"

namespace alertgate::test {

inline const Timestamp kReportT0 = *ParseRfc3339("2026-02-02T09:00:00Z");

inline Notification ReportAlert(int64_t id, const std::string& name, Timestamp starts,
                                Timestamp received, AlertStatus status = AlertStatus::kFiring,
                                Labels extra = {}) {
  Notification n;
  n.id = id;
  n.received_at = received;
  n.starts_at = starts;
  n.ends_at = ZeroTime();
  n.status = status;
  n.labels = std::move(extra);
  n.labels["alertname"] = name;
  n.labels["env"] = "staging";
  n.fingerprint = "fp" + std::to_string(std::hash<std::string>()(name) % 100000);
  return n;
}

inline Injection ReportInjection(const std::string& id, const std::string& scenario, Timestamp at,
                                 std::optional<Timestamp> cleared = std::nullopt) {
  Injection i;
  i.drill = "2026-W5-game-day-1";
  i.id = id;
  i.scenario = scenario;
  i.injected_at = at;
  i.recorded_at = at;
  i.cleared_at = cleared;
  return i;
}

// The stored facts of a drill with one of everything: pass (with resolve
// and clear), late, incomplete, silent with a pre-existing alert, pending,
// and an unexpected alert; evaluated at `now`.
struct ReportFacts {
  Config config;
  Drill drill;
  std::vector<Injection> injections;
  std::vector<Notification> notifications;
  Timestamp now;
};

inline ReportFacts FixedReportFacts() {
  auto cfg = ParseConfig(R"(
global: {gate: 60s, window: 5m, skew_tolerance: 2s}
scenarios:
  - id: A
    name: Postgres primary failover
    runbook: docs/runbooks/db-failover.md
    expect: ['alertname="PostgresPrimaryDown"', 'alertname="PostgresReplicaPromoted"']
    window: 3m
  - id: B
    name: HAProxy backend-api 1 fail-over
    runbook: docs/runbooks/haproxy-backend-down.md
    expect: ['alertname="HAProxyServerDown", proxy="backend-api"']
    window: 3m
  - id: C
    name: Redis Sentinel master promotion
    runbook: docs/runbooks/redis-down.md
    expect: ['alertname="RedisSentinelMasterChanged"', 'alertname="RedisDown"']
    window: 3m
  - id: D
    name: MinIO 2-node loss <EC:2> & "reconstruction"
    expect: ['alertname="MinioNodesOffline"']
    window: 3m
  - id: E
    name: RabbitMQ outage backend stays up
    runbook: docs/runbooks/rabbitmq-outage.md
    expect: ['alertname="RabbitMQDown"']
)",
                         "golden.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  Drill drill{"2026-W5-game-day-1",
              {"env=\"staging\""},
              kReportT0,
              kReportT0 + std::chrono::minutes(30),
              {}};
  const Timestamp a = kReportT0 + std::chrono::minutes(1), b = kReportT0 + std::chrono::minutes(5),
                  c = kReportT0 + std::chrono::minutes(10),
                  d = kReportT0 + std::chrono::minutes(15),
                  e = kReportT0 + std::chrono::minutes(27);
  std::vector<Injection> injections = {
      ReportInjection("A-1", "A", a, a + std::chrono::minutes(2)),
      ReportInjection("B-1", "B", b, b + std::chrono::minutes(2)), ReportInjection("C-1", "C", c),
      ReportInjection("D-1", "D", d), ReportInjection("E-1", "E", e)};
  std::vector<Notification> ns = {
      ReportAlert(1, "PostgresPrimaryDown", a + Millis(8'100), a + Millis(12'300)),
      ReportAlert(2, "PostgresReplicaPromoted", a + std::chrono::seconds(20), a + Millis(31'500)),
      ReportAlert(3, "PostgresPrimaryDown", a + Millis(8'100), a + std::chrono::seconds(150),
                  AlertStatus::kResolved),
      ReportAlert(4, "HAProxyServerDown", b + std::chrono::seconds(55), b + Millis(74'200),
                  AlertStatus::kFiring, {{"proxy", "backend-api"}}),
      ReportAlert(5, "RedisSentinelMasterChanged", c + std::chrono::seconds(9),
                  c + std::chrono::seconds(14)),
      ReportAlert(6, "MinioNodesOffline", d - std::chrono::minutes(10),
                  d + std::chrono::seconds(30)),
      ReportAlert(7, "DiskWillFillIn4Hours", kReportT0 + std::chrono::minutes(20),
                  kReportT0 + std::chrono::minutes(20) + std::chrono::seconds(5),
                  AlertStatus::kFiring, {{"instance", "minio-2:9000"}, {"severity", "warning"}}),
  };
  for (auto& n : ns) {
    if (n.status == AlertStatus::kResolved) n.fingerprint = ns[0].fingerprint;
  }
  return {*cfg, drill, injections, ns, kReportT0 + std::chrono::minutes(28)};
}

inline DrillResult FixedDrill() {
  const ReportFacts f = FixedReportFacts();
  return Evaluate(f.drill, f.injections, f.notifications, f.config, f.now);
}

// The same facts written to a real SQLite file through the Store, then read
// back and evaluated as the server does.
inline DrillResult StoredFixedDrill() {
  const ReportFacts f = FixedReportFacts();
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("alertgate.db"));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  EXPECT_TRUE((*store)->InsertDrill(f.drill).ok());
  for (const auto& inj : f.injections) EXPECT_TRUE((*store)->InsertInjection(inj).ok());
  for (const auto& n : f.notifications) {
    EXPECT_TRUE((*store)->InsertWebhook(n.received_at, "{}", {n}).ok());
  }
  auto drill = (*store)->GetDrill(f.drill.id);
  auto injections = (*store)->ListInjections(f.drill.id);
  EXPECT_TRUE(drill.ok() && drill->has_value() && injections.ok());
  if (!drill.ok() || !drill->has_value() || !injections.ok()) return {};
  const TimeRange range = NotificationRange(**drill, *injections, f.config, f.now);
  auto notifications = (*store)->ListNotifications(range.from, range.to);
  EXPECT_TRUE(notifications.ok());
  if (!notifications.ok()) return {};
  return Evaluate(**drill, *injections, *notifications, f.config, f.now);
}

// Compares with tests/report/golden/<name>; UPDATE_GOLDEN=1 rewrites it instead.
inline void ExpectReportGolden(const std::string& name, const std::string& got) {
  ExpectGoldenFile("tests/report/golden/" + name, got);
}

}  // namespace alertgate::test
