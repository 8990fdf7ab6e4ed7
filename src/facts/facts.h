// The stored facts alertgate reasons about. Verdicts are never stored: they
// are derived from these by Evaluate() (correlate/evaluate.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/labels.h"
#include "core/matcher.h"

namespace alertgate {

// An alert's state in one delivery, as Alertmanager reports it.
enum class AlertStatus { kFiring, kResolved };

// "firing" or "resolved": the spelling of the webhook, the store and the metrics.
constexpr std::string_view AlertStatusName(AlertStatus status) {
  return status == AlertStatus::kFiring ? "firing" : "resolved";
}

// The status spelled `name`; nullopt for anything else.
constexpr std::optional<AlertStatus> ParseAlertStatus(std::string_view name) {
  if (name == "firing") return AlertStatus::kFiring;
  if (name == "resolved") return AlertStatus::kResolved;
  return std::nullopt;
}

// One game-day session.
struct Drill {
  std::string id;                     // "2026-W5-game-day-1"
  std::vector<std::string> matchers;  // label matchers scoping the drill, as given
  Timestamp started_at;
  std::optional<Timestamp> finished_at;
  // The plan: scenario ids that must each be injected at least once before
  // the drill can pass; empty when none was given.
  std::vector<std::string> scenarios;
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
  AlertStatus status = AlertStatus::kFiring;
  Labels labels;
  std::string receiver;

  std::string AlertName() const {
    auto it = labels.find("alertname");
    return it == labels.end() ? std::string() : it->second;
  }
};

}  // namespace alertgate
