// `alertgate lint`: a static check that each expectation of each scenario
// can be raised, routed to alertgate's webhook and notified within its gate,
// computed from the Prometheus, rule and Alertmanager files alone, with the
// pipeline's worst case (docs/lint.md, "The model"):
//
//   worst case = scrape_interval (+ scrape_timeout for a hanging target)
//              + evaluation_interval
//              + ceil(for / evaluation_interval) x evaluation_interval
//              + send (the Alertmanager POST timeout, default 10s)
//              + group_wait for a new group, or up to group_interval when the
//                alert can join a group that already notified
//              + (peers - 1) x peer_timeout with an Alertmanager HA cluster.
//
// Pure: no clock, no network, no files (the loaders in prometheus/config.h
// and alertmanager/config.h read them). lint/budget.h holds the arithmetic.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "alertmanager/config.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/labels.h"
#include "core/yaml.h"
#include "prometheus/config.h"

namespace alertgate {

enum class LintSeverity { kError, kWarning, kNote };
const char* Name(LintSeverity s);  // "error", "warning", "note"

// One thing lint wants changed, about one place in one file.
struct LintFinding {
  LintSeverity severity = LintSeverity::kNote;
  std::string kind;     // stable identifier, e.g. "exceeds_gate" (docs/lint.md lists them)
  SourceRef where;      // the file and line the finding is about
  std::string subject;  // "rule PostgresPrimaryDown", "route.routes[0] (receiver oncall)"
  std::string message;  // what is wrong
  std::string fix;      // what to change
  std::vector<std::string> expectations;  // "A/1", ... it applies to; empty: the whole setup

  bool SameAs(const LintFinding& o) const {
    return severity == o.severity && kind == o.kind && where.file == o.where.file &&
           where.line == o.where.line && subject == o.subject && message == o.message &&
           fix == o.fix;
  }
};

// One term of the worst-case sum.
struct LintStage {
  std::string name;  // scrape, scrape_timeout, evaluation, for, send, group_wait,
                     // group_interval, ha_peer_wait
  Duration value{0};
  std::string detail;   // where the value comes from, e.g. `job "postgres"`
  std::string subject;  // what to change for it, e.g. `job "postgres"`, `rule X`
  SourceRef where;      // where it is configured (the file when a default applies)
};

// A route an alert lands on (one element of dispatch.Route.Match's answer).
struct LintRouteHit {
  std::string path;
  SourceRef where;
  std::string receiver;
  bool alertgate = false;  // the receiver has a webhook to alertgate
};

// An alerting rule that can produce an alert matching the expectation.
struct LintCandidate {
  std::string rule;
  SourceRef where;
  bool certain = true;                      // false: some matcher is on a label the rule
  std::vector<std::string> unknown_labels;  // does not set statically ("may match")
  Labels alert_labels;  // what is known of an alert that matches the expectation
  std::set<std::string> routing_depends_on;  // unknown labels the routing depends on
  std::vector<LintRouteHit> routes;  // where it lands (the worst outcome reaching alertgate,
                                     // else the first outcome)
  bool reaches_alertgate = false;    // in at least one routing outcome
  bool always_reaches_alertgate = false;
  std::vector<LintStage> stages;  // of the slowest route that delivers to alertgate
  Duration bound{0};              // sum of stages; meaningful when reaches_alertgate
};

// The measured value from a drill's results document (--drill).
struct LintMeasurement {
  std::string drill;
  std::string injection;                 // the injection with the largest time_to_notify
  std::optional<double> time_to_notify;  // seconds; nullopt when missing everywhere
  int injections = 0;                    // injections of this scenario in the drill
  bool above_bound = false;
};

struct LintExpectation {
  std::string ref;       // "A/1"
  std::string matchers;  // canonical text, as in the results document
  SourceRef where;       // the expect entry in the alertgate config
  Duration gate{0};
  bool ok = false;             // can meet its gate
  std::optional<size_t> best;  // index into candidates: the fastest reaching alertgate
  std::vector<LintCandidate> candidates;
  std::optional<LintMeasurement> measured;
};

struct LintScenario {
  std::string id;
  std::string name;
  Duration gate{0};
  std::vector<LintExpectation> expectations;
};

struct LintReport {
  std::string config_file;
  std::string prometheus_file;
  std::string alertmanager_file;
  std::vector<std::string> rule_files;
  size_t alerting_rules = 0;
  size_t routes = 0;
  size_t receivers = 0;
  std::vector<std::string> alertgate_receivers;
  std::vector<LintScenario> scenarios;
  std::vector<LintFinding> findings;  // deduplicated, errors first

  bool ok() const;  // every expectation can meet its gate
  size_t ExpectationCount() const;
  size_t FailingCount() const;
};

struct LintInput {
  Config config;
  PrometheusSetup prometheus;
  AlertmanagerSetup alertmanager;
  std::string alertgate_url;  // optional: a receiver URL under it is alertgate's
  Duration peer_timeout = std::chrono::seconds(15);  // Alertmanager --cluster.peer-timeout
};

// Runs every check. Deterministic: same input, same report.
LintReport Lint(const LintInput& input);

// True when a webhook URL delivers to alertgate: it ends in /api/v1/webhook,
// or it starts with `alertgate_url` (when given).
bool IsAlertgateWebhook(const std::string& url, const std::string& alertgate_url);

// Attaches the measured time_to_notify of each expectation from a results
// document (docs/results.md) and adds a finding for each measurement above
// its bound. Errors name what is malformed.
Status AttachMeasurements(const std::string& results_json, LintReport* report);

}  // namespace alertgate
