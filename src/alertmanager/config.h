// The parts of an Alertmanager 0.25 configuration that decide where an alert
// goes and when it is sent: the route tree with its inherited timers, the
// receivers (webhook URLs), and inhibition rules. Alertmanager's config/.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/labels.h"
#include "core/matcher.h"
#include "core/status.h"
#include "core/yaml.h"

namespace alertgate {

struct AmRoute {
  std::string path;               // "route", "route.routes[0]", "route.routes[0].routes[2]"
  SourceRef where;                // the route's first line
  std::vector<Matcher> matchers;  // match, match_re and matchers together
  bool continue_matching = false;
  // Effective options after inheritance from the parent (or the defaults).
  std::string receiver;
  bool receiver_set = false;  // set on this route itself (not inherited)
  std::vector<std::string> group_by;
  bool group_by_all = false;  // group_by: ['...']
  Duration group_wait = std::chrono::seconds(30);
  Duration group_interval = std::chrono::minutes(5);
  Duration repeat_interval = std::chrono::hours(4);
  bool group_wait_set = false;  // set on this route itself
  bool group_interval_set = false;
  SourceRef group_wait_where;  // where the effective value was set; the route when default
  SourceRef group_interval_where;
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  std::vector<AmRoute> routes;

  // "route.routes[0] (receiver alertgate)".
  std::string Describe() const;
  // The matchers as {a="b", c=~"d"}, or "{}" for a catch-all.
  std::string MatchersText() const;
};

struct AmWebhook {
  std::string url;  // empty when given by url_file
  std::string url_file;
  int max_alerts = 0;  // 0: no truncation
  SourceRef where;
};

struct AmReceiver {
  std::string name;
  std::vector<AmWebhook> webhooks;
  int other_integrations = 0;  // email, slack, pagerduty, ... configs
  SourceRef where;
};

struct AmInhibitRule {
  std::vector<Matcher> source;
  std::vector<Matcher> target;
  std::vector<std::string> equal;
  SourceRef where;
};

struct AlertmanagerSetup {
  std::string file;
  AmRoute root;
  std::vector<AmReceiver> receivers;
  std::vector<AmInhibitRule> inhibit_rules;

  // Returns nullptr when no receiver has this name.
  const AmReceiver* FindReceiver(const std::string& name) const;
};

// Parses an Alertmanager configuration and validates what Alertmanager
// itself refuses (no route, a root route without receiver or with matchers
// or continue, undefined receivers, bad matchers). Errors are
// InvalidArgument "<file>:<line>: <what>".
Result<AlertmanagerSetup> ParseAlertmanagerSetup(const std::string& yaml,
                                                 const std::string& filename);
Result<AlertmanagerSetup> LoadAlertmanagerSetup(const std::string& path);

}  // namespace alertgate
