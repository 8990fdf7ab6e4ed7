// Realistic inputs for the benchmarks (bench/), built from the real captured
// Alertmanager payloads in fixtures/webhooks/ and the example scenario config
// rules/examples/alertgate.yml. Shared by the micro-benchmarks and the data
// generator (alertgate-bench-gen). Not part of alertgate itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "facts/facts.h"

namespace alertgate::bench {

// Absolute path below the source tree (ALERTGATE_SOURCE_DIR).
std::string SourcePath(const std::string& relative);

// The example config with scenarios A-E; aborts if it does not load.
const Config& ExampleConfig();

// The alerts of every fixtures/webhooks/*.json payload, in file order
// (8 real alerts from 5 deliveries), each as its JSON text.
const std::vector<std::string>& FixtureAlertsJson();

// A webhook body in Alertmanager's format (envelope of
// fixtures/webhooks/firing-group-3.json) carrying `alerts` alerts cycled from
// FixtureAlertsJson(). Alert i gets the unique fingerprint Fingerprint(seq + i),
// startsAt = `starts_at` and, when resolved, endsAt = starts_at + 1 min, so
// every body stores new notifications instead of being deduplicated.
std::string WebhookBody(size_t alerts, uint64_t seq, Timestamp starts_at);

// 16 hex digits, as Alertmanager prints fingerprints.
std::string Fingerprint(uint64_t n);

// The notifications WebhookBody(alerts, seq, starts_at) stores when received at
// `received_at` (what Service::IngestWebhook hands to the store).
std::vector<Notification> WebhookNotifications(size_t alerts, uint64_t seq, Timestamp starts_at,
                                               Timestamp received_at);

// A drill's stored facts, shaped like a real game day:
//   - injections cycle through the scenarios every `spacing`;
//   - each expected alert of an injection fires once (about 80 % inside the
//     gate, 10 % late, 10 % missing) and resolves a few minutes later;
//   - `noise` unrelated firing alerts (realistic label sets, none expected by
//     any scenario) are spread evenly over the whole drill.
struct DrillShape {
  std::string id = "bench-drill";
  Timestamp started_at;
  size_t injections = 10;
  Duration spacing = std::chrono::seconds(10);
  // Time from the drill start to the first injection (history inside the
  // drill before anything is open); noise covers it too.
  Duration lead = std::chrono::seconds(0);
  size_t noise = 0;
  bool finished = true;
  uint64_t seed = 1;
};
struct DrillData {
  Drill drill;
  std::vector<Injection> injections;
  std::vector<Notification> notifications;  // sorted by (received_at, id); ids 1..n
  Timestamp end;                            // last injection's window end
};
DrillData MakeDrill(const Config& config, const DrillShape& shape);

// `n` unrelated notifications received evenly over [from, to), ids from `first_id`.
std::vector<Notification> MakeNoise(size_t n, Timestamp from, Timestamp to, uint64_t first_id);

}  // namespace alertgate::bench
