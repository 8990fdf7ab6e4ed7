// The correlation engine: injections × notifications → verdicts.
//
// Evaluate() is a pure function of stored facts, the config and an explicit
// "now"; it never reads a clock, so the same inputs always give the same
// document, before and after a restart.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "facts/facts.h"

namespace alertgate {

enum class ExpectationStatus { kOnTime, kLate, kMissing, kPending };
enum class InjectionVerdict { kPass, kLate, kIncomplete, kSilent, kPending };
enum class DrillVerdict { kPass, kFail, kPending };
// An injection's verdict over every gate it has: the alert gate (verdict)
// and, when configured, availability (not yet configurable: every
// injection's availability is not_configured, so acceptance follows the
// alert gate).
enum class Acceptance { kPass, kFail, kPending };

const char* Name(ExpectationStatus s);  // "on_time", "late", "missing", "pending"
const char* Name(InjectionVerdict v);   // "pass", "late", "incomplete", "silent", "pending"
const char* Name(DrillVerdict v);       // "pass", "fail", "pending"
const char* Name(Acceptance a);         // "pass", "fail", "pending"
inline constexpr InjectionVerdict kAllInjectionVerdicts[] = {
    InjectionVerdict::kPass, InjectionVerdict::kLate, InjectionVerdict::kIncomplete,
    InjectionVerdict::kSilent, InjectionVerdict::kPending};
inline constexpr DrillVerdict kAllDrillVerdicts[] = {DrillVerdict::kPass, DrillVerdict::kFail,
                                                     DrillVerdict::kPending};

// An alert as reported in the document (unexpected or pre-existing).
struct AlertRef {
  std::string alertname;
  std::string fingerprint;
  Labels labels;
  Timestamp starts_at;
  Timestamp notified_at;
};

struct ExpectationResult {
  std::string matchers;  // canonical matcher text
  std::string name;      // alertname of the expectation, or its matcher text
  ExpectationStatus status = ExpectationStatus::kPending;
  // Set when a matching notification arrived inside the window.
  std::optional<AlertRef> alert;
  std::optional<Timestamp> resolved_at;    // first resolved notification of that alert
  std::optional<Duration> time_to_fire;    // startsAt - injected_at (Prometheus's clock)
  std::optional<Duration> time_to_notify;  // received_at - injected_at (alertgate's clock)
  // startsAt later than receipt by more than skew_tolerance: Prometheus's
  // clock is ahead of alertgate's, so time_to_fire is not trustworthy.
  bool clock_skew = false;
};

struct InjectionResult {
  Injection injection;
  std::string name;  // scenario name
  std::string runbook;
  Duration gate{0};
  Duration window{0};
  Timestamp window_end;
  InjectionVerdict verdict = InjectionVerdict::kPending;
  // pass when verdict is pass; fail when it is late, incomplete or silent;
  // pending while the verdict is.
  Acceptance acceptance = Acceptance::kPending;
  std::optional<Duration> time_to_alert;  // earliest time_to_notify
  std::vector<ExpectationResult> expectations;
  // Matching alerts that were already firing before the fault (startsAt
  // earlier than injected_at - skew_tolerance): not counted as detection.
  std::vector<AlertRef> pre_existing;
  std::string error;  // e.g. the scenario is no longer in the config
};

struct DrillResult {
  Drill drill;
  // pass only once the drill is finished, every planned scenario was
  // injected and every injection's acceptance is pass; fail as soon as one
  // acceptance is fail, or at finish when a planned scenario never ran (or
  // nothing was injected at all); pending otherwise: an open drill is never
  // pass.
  DrillVerdict verdict = DrillVerdict::kPending;
  std::vector<InjectionResult> injections;
  // Planned scenarios (drill.scenarios) without an injection, once the drill
  // is finished; in plan order.
  std::vector<std::string> not_run;
  // Firing alerts received while the drill was open that match the drill's
  // matchers but no expectation of an injection whose window was open.
  std::vector<AlertRef> unexpected;
};

// Derives every verdict of one drill.
//   injections: the drill's injections, any order.
//   notifications: every stored notification received while any of this
//     drill's windows or the drill itself was open, sorted by (received_at, id).
//   now: the evaluation instant; windows ending at or before it are closed.
// REQUIRES: the drill's matchers parse (they were validated when stored).
DrillResult Evaluate(const Drill& drill, const std::vector<Injection>& injections,
                     const std::vector<Notification>& notifications, const Config& config,
                     Timestamp now);

// The span of receipt times Evaluate() needs notifications for, so callers
// can load no more than that: [from, to] inclusive.
struct TimeRange {
  Timestamp from;
  Timestamp to;
};
TimeRange NotificationRange(const Drill& drill, const std::vector<Injection>& injections,
                            const Config& config, Timestamp now);

// True while the drill can still change by the passing of time alone: it is
// not finished, or some injection window is still open.
bool IsLive(const DrillResult& result);

}  // namespace alertgate
