// The arithmetic of `alertgate lint`: the stages of the worst-case time
// from a fault to alertgate's webhook for one rule on one route, and what to
// change when their sum exceeds a gate (the formula is in lint/lint.h).
#pragma once

#include <string>
#include <vector>

#include "lint/lint.h"

namespace alertgate {

// `d` rounded up to whole `step`s (0 when either is not positive): a `for`
// is served in whole evaluations.
Duration RoundUp(Duration d, Duration step);

// What Prometheus is known to put on every alert of `rule`: its static
// labels (templated values are unknown), alertname, and the external labels
// (added by the notifier where the alert does not carry the label already).
Labels KnownAlertLabels(const PrometheusSetup& prom, const AlertingRule& rule);

// The scrape a rule waits for: the slowest job its expression selects, or
// the global interval, assumed, with `assumption` saying so.
struct ScrapeChoice {
  Duration interval{0};
  Duration timeout{0};
  std::string detail;
  SourceRef where;
  std::string assumption;  // non-empty when lint had to assume the interval
};

ScrapeChoice ChooseScrape(const PrometheusSetup& prom, const AlertingRule& rule);

// The Alertmanager POST timeout: the largest over the configured Alertmanagers.
LintStage SendStage(const PrometheusSetup& prom);

// Alertmanagers listed in static_configs (the HA peers).
int AlertmanagerPeers(const PrometheusSetup& prom);

// True when another alert can share this alert's group on `route`, so that
// the alert may wait for the group's next flush (group_interval).
bool CanJoinGroup(const AmRoute& route);
// The route's group_by as written: [a, b], or ['...'].
std::string GroupByText(const AmRoute& route);

// The stages, in pipeline order, for `rule` delivered over `route`.
std::vector<LintStage> ComputeStages(const LintInput& in, const AlertingRule& rule,
                                     const ScrapeChoice& scrape, const AmRoute& route);
Duration Sum(const std::vector<LintStage>& st);
// The group_wait or group_interval stage.
const LintStage& GroupStage(const std::vector<LintStage>& st);
// What to change for one stage, with the value the shipped examples use.
std::string FixFor(const LintStage& s, const std::vector<LintStage>& all);
// The largest stages that together make up the excess `over` the gate.
std::vector<const LintStage*> Culprits(const std::vector<LintStage>& st, Duration over);

}  // namespace alertgate
