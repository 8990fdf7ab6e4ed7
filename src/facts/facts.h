// The stored facts alertgate reasons about. Verdicts are never stored: they
// are derived from these by Evaluate() (correlate/evaluate.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/labels.h"
#include "core/matcher.h"

namespace alertgate {

// One game-day session.
struct Drill {
  std::string id;                     // "2026-W5-game-day-1"
  std::vector<std::string> matchers;  // label matchers scoping the drill, as given
  Timestamp started_at;
  std::optional<Timestamp> finished_at;
};

// One moment a scenario's fault was applied in a drill.
struct Injection {
  std::string drill;
  std::string id;  // "<scenario>-<n>", n counting that scenario's injections in the drill
  std::string scenario;
  Timestamp injected_at;
  std::optional<Timestamp> cleared_at;
  std::string key;        // idempotency key; empty when none was given
  Timestamp recorded_at;  // when alertgate stored it (differs from injected_at with "at")
};

// One alert inside one Alertmanager delivery: the first receipt of a
// (fingerprint, startsAt, status); later resends are not stored as rows.
struct Notification {
  int64_t id = 0;
  int64_t webhook_id = 0;
  Timestamp received_at;  // alertgate's clock at arrival
  std::string fingerprint;
  Timestamp starts_at;  // Prometheus's FiredAt
  Timestamp ends_at;    // ZeroTime() while firing
  std::string status;   // "firing" or "resolved"
  Labels labels;
  std::string receiver;

  std::string AlertName() const {
    auto it = labels.find("alertname");
    return it == labels.end() ? std::string() : it->second;
  }
};

}  // namespace alertgate
