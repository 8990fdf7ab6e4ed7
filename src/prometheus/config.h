// The parts of a Prometheus 2.42 setup that decide how fast an alert can
// fire: scrape and evaluation intervals, the alerting rules (read from the
// rule_files globs), and where alerts are sent.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/labels.h"
#include "core/status.h"
#include "core/yaml.h"

namespace alertgate {

struct ScrapeJob {
  std::string name;
  Duration interval{0};  // resolved: the job's own or the global one
  Duration timeout{0};   // resolved as Prometheus does (capped at the interval)
  SourceRef where;
};

struct AlertingRule {
  std::string name;  // the alert: the alertname label
  std::string expr;
  Duration for_duration{0};
  Duration keep_firing_for{0};
  Labels labels;      // static labels as written (values may be templates)
  std::string group;  // rule group name
  Duration eval{0};   // the group's interval, or the global evaluation_interval
  bool group_interval_set = false;
  SourceRef where;        // the `alert:` line
  SourceRef group_where;  // the group's `name:` line
};

// One alerting.alertmanagers entry.
struct AlertmanagerTarget {
  Duration timeout{std::chrono::seconds(10)};  // the POST timeout: the "send" stage
  int static_targets = 0;                      // targets listed in static_configs
  bool service_discovery = false;              // any *_sd_configs: the count is unknown
  SourceRef where;
};

// A rule_files pattern that matched no file: Prometheus accepts it silently.
struct EmptyGlob {
  std::string pattern;
  SourceRef where;
};

struct PrometheusSetup {
  std::string file;
  Duration scrape_interval = std::chrono::minutes(1);
  Duration scrape_timeout = std::chrono::seconds(10);
  Duration evaluation_interval = std::chrono::minutes(1);
  SourceRef global_where;
  Labels external_labels;
  std::vector<ScrapeJob> jobs;
  std::vector<std::string> rule_files;  // matched files, lexically normalised, sorted per glob
  std::vector<EmptyGlob> empty_globs;
  std::vector<AlertingRule> rules;  // alerting rules only, in file order
  std::vector<AlertmanagerTarget> alertmanagers;
  SourceRef alerting_where;       // the `alerting:` key, or the file when absent
  bool alert_relabeling = false;  // alerting.alert_relabel_configs present

  // Returns nullptr when no scrape config has this job_name.
  const ScrapeJob* FindJob(const std::string& name) const;
};

// Reads the Prometheus config at `path` and every rule file its rule_files
// globs match (relative to the config's directory, as Prometheus resolves
// them). Errors are InvalidArgument "<file>:<line>: <what>".
Result<PrometheusSetup> LoadPrometheusSetup(const std::string& path);

// The job names an expression selects with an equality matcher job="x"
// (a plain text scan: no PromQL parser is involved), in order, without
// duplicates.
std::vector<std::string> JobsInExpr(const std::string& expr);

}  // namespace alertgate
