#include "lint/budget.h"

#include <algorithm>

#include "core/duration.h"
#include "core/text.h"

namespace alertgate {

bool CanJoinGroup(const AmRoute& route) { return !route.group_by_all; }

std::string GroupByText(const AmRoute& route) {
  if (route.group_by_all) return "['...']";
  return "[" + Join(route.group_by) + "]";
}

Duration RoundUp(Duration d, Duration step) {
  if (d.count() <= 0 || step.count() <= 0) return Duration(0);
  return step * ((d.count() + step.count() - 1) / step.count());
}

Labels KnownAlertLabels(const PrometheusSetup& prom, const AlertingRule& rule) {
  Labels known = prom.external_labels;
  for (const auto& [k, v] : rule.labels) {
    if (v.find("{{") != std::string::npos) {
      known.erase(k);
    } else {
      known[k] = v;
    }
  }
  known["alertname"] = rule.name;
  return known;
}

ScrapeChoice ChooseScrape(const PrometheusSetup& prom, const AlertingRule& rule) {
  ScrapeChoice c;
  std::vector<std::string> missing;
  std::vector<std::string> found;
  for (const auto& name : JobsInExpr(rule.expr)) {
    const ScrapeJob* job = prom.FindJob(name);
    if (job == nullptr) {
      missing.push_back(QuoteForMessage(name));
      continue;
    }
    found.push_back(QuoteForMessage(name));
    if (job->interval + job->timeout > c.interval + c.timeout) {
      c.interval = job->interval;
      c.timeout = job->timeout;
      c.where = job->where;
    }
  }
  if (!found.empty()) {
    c.detail = "job " + Join(found);
    return c;
  }
  c.interval = prom.scrape_interval;
  c.timeout = prom.scrape_timeout;
  c.where = prom.global_where;
  c.detail = "global, assumed";
  if (missing.empty()) {
    c.assumption =
        "no job=\"...\" selector in the expression: assumed the global scrape_interval " +
        FormatDuration(c.interval) + " (scrape_timeout " + FormatDuration(c.timeout) + ")";
  } else {
    c.assumption = "job " + Join(missing) +
                   " selected in the expression has no scrape config: assumed the global "
                   "scrape_interval " +
                   FormatDuration(c.interval) + " (scrape_timeout " + FormatDuration(c.timeout) +
                   ")";
  }
  return c;
}

LintStage SendStage(const PrometheusSetup& prom) {
  LintStage s{"send", std::chrono::seconds(10), "alerting.alertmanagers timeout (default)",
              "alerting.alertmanagers timeout", prom.alerting_where};
  Duration best{0};
  for (size_t i = 0; i < prom.alertmanagers.size(); ++i) {
    if (prom.alertmanagers[i].timeout > best) {
      best = prom.alertmanagers[i].timeout;
      s.where = prom.alertmanagers[i].where;
    }
  }
  if (!prom.alertmanagers.empty()) {
    s.value = best;
    s.detail = "alerting.alertmanagers timeout";
  }
  return s;
}

int AlertmanagerPeers(const PrometheusSetup& prom) {
  int n = 0;
  for (const auto& am : prom.alertmanagers) n += am.static_targets;
  return n;
}

std::vector<LintStage> ComputeStages(const LintInput& in, const AlertingRule& rule,
                                     const ScrapeChoice& scrape, const AmRoute& route) {
  const PrometheusSetup& prom = in.prometheus;
  std::vector<LintStage> st;
  const std::string scrape_subject =
      scrape.assumption.empty() ? scrape.detail : "global scrape_interval";
  st.push_back({"scrape", scrape.interval, scrape.detail, scrape_subject, scrape.where});
  st.push_back(
      {"scrape_timeout", scrape.timeout, "a hanging target", scrape_subject, scrape.where});
  if (rule.group_interval_set) {
    st.push_back({"evaluation", rule.eval, "group " + QuoteForMessage(rule.group) + " interval",
                  "rule group " + QuoteForMessage(rule.group), rule.group_where});
  } else {
    st.push_back({"evaluation", rule.eval, "global evaluation_interval",
                  "global evaluation_interval", prom.global_where});
  }
  const Duration for_rounded = RoundUp(rule.for_duration, rule.eval);
  std::string for_detail = "for " + FormatDuration(rule.for_duration);
  if (for_rounded != rule.for_duration) {
    for_detail += ", rounded up to " + std::to_string(for_rounded / rule.eval) + " evaluation" +
                  (for_rounded / rule.eval == 1 ? "" : "s");
  }
  st.push_back({"for", for_rounded, for_detail, "rule " + rule.name, rule.where});
  st.push_back(SendStage(prom));
  if (CanJoinGroup(route) && route.group_interval > route.group_wait) {
    st.push_back({"group_interval", route.group_interval,
                  route.path + " group_by " + GroupByText(route) + ": joins a group that notified",
                  route.Describe(), route.group_interval_where});
  } else {
    st.push_back({"group_wait", route.group_wait, route.path + ": a new group", route.Describe(),
                  route.group_wait_where});
  }
  const int peers = AlertmanagerPeers(prom);
  if (peers > 1) {
    st.push_back({"ha_peer_wait", in.peer_timeout * (peers - 1),
                  "position " + std::to_string(peers - 1) + " of " + std::to_string(peers) +
                      " peers x peer_timeout " + FormatDuration(in.peer_timeout),
                  "Alertmanager HA cluster", prom.alerting_where});
  }
  return st;
}

Duration Sum(const std::vector<LintStage>& st) {
  Duration d{0};
  for (const auto& s : st) d += s.value;
  return d;
}

const LintStage& GroupStage(const std::vector<LintStage>& st) {
  for (const auto& s : st) {
    if (s.name.rfind("group", 0) == 0) return s;
  }
  return st.back();
}

std::string FixFor(const LintStage& s, const std::vector<LintStage>& all) {
  if (s.name == "scrape" || s.name == "scrape_timeout") {
    Duration interval{0}, timeout{0};
    for (const auto& x : all) {
      if (x.name == "scrape") interval = x.value;
      if (x.name == "scrape_timeout") timeout = x.value;
    }
    const std::string whose = s.subject.rfind("job", 0) == 0 ? " of " + s.subject : " (global)";
    return "lower scrape_interval / scrape_timeout" + whose + " from " + FormatDuration(interval) +
           " / " + FormatDuration(timeout) + ", e.g. to 10s / 5s";
  }
  if (s.name == "evaluation") {
    return (s.subject.rfind("rule group", 0) == 0 ? "lower the interval of " + s.subject
                                                  : "lower the " + s.subject) +
           " from " + FormatDuration(s.value) + ", e.g. to 10s";
  }
  if (s.name == "for") {
    return "shorten `for` of " + s.subject + " (" + s.detail +
           ": whole evaluations, so a shorter evaluation interval helps too)";
  }
  if (s.name == "send") {
    return "lower the Alertmanager timeout in alerting.alertmanagers from " +
           FormatDuration(s.value);
  }
  if (s.name == "group_interval") {
    return "lower group_interval on " + s.subject + " from " + FormatDuration(s.value) +
           ", e.g. to 10s, or group that route by ['...'] so each alert starts a new group";
  }
  if (s.name == "group_wait") {
    return "lower group_wait on " + s.subject + " from " + FormatDuration(s.value) + ", e.g. to 5s";
  }
  return "lower --cluster.peer-timeout (" + FormatDuration(s.value) +
         " in all) or the number of peers";
}

std::vector<const LintStage*> Culprits(const std::vector<LintStage>& st, Duration over) {
  std::vector<const LintStage*> sorted;
  for (const auto& s : st) {
    if (s.value.count() > 0) sorted.push_back(&s);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const LintStage* a, const LintStage* b) { return a->value > b->value; });
  std::vector<const LintStage*> out;
  Duration sum{0};
  for (const LintStage* s : sorted) {
    if (sum >= over || out.size() == 4) break;
    auto taken = [&](const char* name) {
      return std::any_of(out.begin(), out.end(),
                         [&](const LintStage* x) { return x->name == name; });
    };
    // scrape and scrape_timeout are fixed together; a `for` rounded up to
    // whole evaluations shrinks with the evaluation interval: name them once.
    if ((s->name == "scrape_timeout" && taken("scrape")) ||
        (s->name == "for" && s->detail.find("rounded up") != std::string::npos &&
         taken("evaluation"))) {
      sum += s->value;
      continue;
    }
    out.push_back(s);
    sum += s->value;
  }
  return out;
}

}  // namespace alertgate
