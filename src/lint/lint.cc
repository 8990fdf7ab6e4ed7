#include "lint/lint.h"

#include <algorithm>
#include <map>
#include <set>

#include "alertmanager/router.h"
#include "core/duration.h"
#include "core/text.h"
#include "lint/budget.h"

namespace alertgate {
namespace {

std::string D(Duration d) { return FormatDuration(d); }

std::string JoinSorted(const std::set<std::string>& v) {
  return Join(std::vector<std::string>(v.begin(), v.end()));
}

size_t CountRoutes(const AmRoute& r) {
  size_t n = 1;
  for (const auto& c : r.routes) n += CountRoutes(c);
  return n;
}

class Linter {
 public:
  explicit Linter(const LintInput& in) : in_(in) {
    for (const auto& r : in.alertmanager.receivers) {
      for (const auto& w : r.webhooks) {
        if (!w.url.empty() && IsAlertgateWebhook(w.url, in.alertgate_url)) {
          alertgate_receivers_.insert(r.name);
        }
      }
    }
  }

  LintReport Run() {
    LintReport rep;
    const auto& prom = in_.prometheus;
    const auto& am = in_.alertmanager;
    rep.config_file = in_.config.source;
    rep.prometheus_file = prom.file;
    rep.alertmanager_file = am.file;
    rep.rule_files = prom.rule_files;
    rep.alerting_rules = prom.rules.size();
    rep.routes = CountRoutes(am.root);
    rep.receivers = am.receivers.size();
    rep.alertgate_receivers.assign(alertgate_receivers_.begin(), alertgate_receivers_.end());
    SetupFindings();
    for (size_t i = 0; i < in_.config.scenarios.size(); ++i) {
      const Scenario& sc = in_.config.scenarios[i];
      LintScenario ls{sc.id, sc.name, sc.gate, {}};
      for (size_t j = 0; j < sc.expect.size(); ++j) {
        const int line = j < sc.expect_lines.size() ? sc.expect_lines[j] : 0;
        ls.expectations.push_back(
            LintOne(sc, sc.expect[j], sc.id + "/" + std::to_string(j + 1), line));
      }
      rep.scenarios.push_back(std::move(ls));
    }
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const LintFinding& a, const LintFinding& b) {
                       return static_cast<int>(a.severity) < static_cast<int>(b.severity);
                     });
    rep.findings = std::move(findings_);
    return rep;
  }

 private:
  // Records a finding for expectation `exp_ref` ("" for the whole setup);
  // an identical finding already recorded just gains the expectation.
  void Add(const std::string& exp_ref, LintSeverity severity, std::string kind, SourceRef where,
           std::string subject, std::string message, std::string fix) {
    LintFinding f{severity,
                  std::move(kind),
                  std::move(where),
                  std::move(subject),
                  std::move(message),
                  std::move(fix),
                  {}};
    for (auto& g : findings_) {
      if (g.SameAs(f)) {
        if (!exp_ref.empty() && std::find(g.expectations.begin(), g.expectations.end(), exp_ref) ==
                                    g.expectations.end()) {
          g.expectations.push_back(exp_ref);
        }
        return;
      }
    }
    if (!exp_ref.empty()) f.expectations.push_back(exp_ref);
    findings_.push_back(std::move(f));
  }

  void SetupFindings() {
    const auto& prom = in_.prometheus;
    const auto& am = in_.alertmanager;
    for (const auto& g : prom.empty_globs) {
      Add("", LintSeverity::kWarning, "rule_files_empty_glob", g.where,
          "rule_files " + QuoteForMessage(g.pattern),
          "matches no file; Prometheus loads nothing from it without complaint",
          "fix the path (it is relative to " + prom.file + ")");
    }
    if (prom.alert_relabeling) {
      Add("", LintSeverity::kNote, "alert_relabeling", prom.alerting_where, "alert_relabel_configs",
          "alerts are relabelled before they are sent; lint matches and routes them with the "
          "labels the rules give them",
          "check that the relabelling keeps the labels the expectations and routes use");
    }
    for (const auto& a : prom.alertmanagers) {
      if (a.service_discovery) {
        Add("", LintSeverity::kNote, "alertmanager_discovery", a.where, "alerting.alertmanagers",
            "Alertmanagers are found by service discovery: lint cannot count HA peers and "
            "leaves out the peer wait (position x peer_timeout)",
            "list the peers in static_configs to have the HA wait included");
      }
    }
    if (alertgate_receivers_.empty()) {
      Add("", LintSeverity::kError, "no_alertgate_receiver", SourceRef{am.file, 0}, "receivers",
          "no receiver has a webhook to alertgate (a url ending in /api/v1/webhook" +
              std::string(in_.alertgate_url.empty() ? "" : " or under " + in_.alertgate_url) +
              "): no alert can be measured",
          "add a receiver with webhook_configs: [{url: http://<alertgate>:9095/api/v1/webhook, "
          "send_resolved: true}] and a first child route to it with continue: true");
    }
    for (const auto& r : am.receivers) {
      for (const auto& w : r.webhooks) {
        if (w.url.empty() && !w.url_file.empty()) {
          Add("", LintSeverity::kNote, "webhook_url_file", w.where,
              "receiver " + QuoteForMessage(r.name),
              "the webhook URL is read from url_file " + w.url_file +
                  ": lint cannot tell whether it is alertgate's",
              "give the URL inline if this receiver is alertgate's");
        }
        if (alertgate_receivers_.count(r.name) != 0 && w.max_alerts > 0 &&
            IsAlertgateWebhook(w.url, in_.alertgate_url)) {
          Add("", LintSeverity::kWarning, "webhook_max_alerts", w.where,
              "receiver " + QuoteForMessage(r.name),
              "max_alerts: " + std::to_string(w.max_alerts) +
                  " truncates alertgate's payloads: an alert of a larger group is left out "
                  "(truncatedAlerts) and never measured",
              "set max_alerts: 0 on alertgate's webhook");
        }
      }
    }
  }

  std::vector<LintRouteHit> Hits(const std::vector<const AmRoute*>& routes) const {
    std::vector<LintRouteHit> hits;
    for (const AmRoute* r : routes) {
      hits.push_back(
          {r->path, r->where, r->receiver, alertgate_receivers_.count(r->receiver) != 0});
    }
    return hits;
  }

  LintExpectation LintOne(const Scenario& sc, const MatcherSet& expect, const std::string& ref,
                          int line) {
    LintExpectation e;
    e.ref = ref;
    e.matchers = expect.ToString();
    e.where = SourceRef{in_.config.source, line};
    e.gate = sc.gate;
    const auto& prom = in_.prometheus;
    for (const auto& rule : prom.rules) {
      const Labels known = KnownAlertLabels(prom, rule);
      std::set<std::string> unknown;
      const Tri t = MatchPartial(expect.matchers(), known, &unknown);
      if (t == Tri::kNo) continue;
      e.candidates.push_back(Analyze(rule, known, expect, t, unknown, e));
    }
    if (e.candidates.empty()) {
      NoRuleFinding(expect, e);
      return e;
    }
    if (prom.alertmanagers.empty()) {
      Add(ref, LintSeverity::kError, "no_alertmanager", prom.alerting_where, "alerting",
          "Prometheus sends alerts to no Alertmanager (no alerting.alertmanagers): no "
          "alert is ever notified",
          "add alerting: {alertmanagers: [{static_configs: [{targets: ['<host>:9093']}]}]}");
      return e;
    }
    for (size_t i = 0; i < e.candidates.size(); ++i) {
      const auto& c = e.candidates[i];
      if (!c.reaches_alertgate) continue;
      if (!e.best || c.bound < e.candidates[*e.best].bound) e.best = i;
    }
    e.ok = e.best && e.candidates[*e.best].bound <= e.gate;
    for (size_t i = 0; i < e.candidates.size(); ++i) {
      CandidateGateFindings(prom.rules, e.candidates[i], e);
    }
    return e;
  }

  void NoRuleFinding(const MatcherSet& expect, const LintExpectation& e) {
    const std::string name = expect.AlertName();
    std::string message = "no alerting rule in the rule files can raise an alert matching " +
                          e.matchers + ": a guaranteed silent fail";
    std::string fix;
    std::vector<std::string> same_name;
    std::string closest;
    size_t closest_d = 4;
    for (const auto& rule : in_.prometheus.rules) {
      if (!name.empty() && rule.name == name) {
        // The alertname exists: say which static label rules it out.
        const Labels known = KnownAlertLabels(in_.prometheus, rule);
        for (const auto& m : expect.matchers()) {
          auto it = known.find(m.name());
          if (it != known.end() && !m.MatchesValue(it->second)) {
            same_name.push_back("rule " + rule.name + " (" + rule.where.ToString() + ") sets " +
                                m.name() + "=" + QuoteForMessage(it->second) +
                                " but the expectation wants " + m.ToString());
            break;
          }
        }
      } else if (!name.empty()) {
        const size_t d = EditDistance(rule.name, name);
        if (d < closest_d) {
          closest_d = d;
          closest = rule.name;
        }
      }
    }
    if (!same_name.empty()) {
      fix = Join(same_name, "; ") + ": fix the expectation or the rule's labels";
    } else if (!closest.empty()) {
      fix = "no rule is named " + name + "; did you mean " + closest +
            "? Fix the expectation's alertname or add the rule";
    } else if (!name.empty()) {
      fix = "add an alerting rule named " + name + " to a file listed in rule_files of " +
            in_.prometheus.file + ", or fix the expectation";
    } else {
      fix =
          "add a rule whose alertname and static labels satisfy the matchers, or fix the "
          "expectation";
    }
    Add(e.ref, LintSeverity::kError, "no_rule", e.where, "expectation " + e.ref, message, fix);
  }

  LintCandidate Analyze(const AlertingRule& rule, const Labels& known, const MatcherSet& expect,
                        Tri match, const std::set<std::string>& unknown, const LintExpectation& e) {
    LintCandidate c;
    c.rule = rule.name;
    c.where = rule.where;
    c.certain = match == Tri::kYes;
    c.unknown_labels.assign(unknown.begin(), unknown.end());
    if (!c.certain) {
      std::vector<std::string> ms;
      for (const auto& m : expect.matchers()) {
        if (unknown.count(m.name()) != 0) ms.push_back(m.ToString());
      }
      Add(e.ref, LintSeverity::kNote, "unknown_label", rule.where, "rule " + rule.name,
          "expectation matcher " + Join(ms) +
              " is on a label the rule does not set "
              "statically (" +
              JoinSorted(unknown) + "): unknown, may match",
          "set the label in the rule's `labels:` so the match is certain");
    }
    const ScrapeChoice scrape = ChooseScrape(in_.prometheus, rule);
    if (!scrape.assumption.empty()) {
      Add(e.ref, LintSeverity::kNote, "scrape_interval_assumed", rule.where, "rule " + rule.name,
          scrape.assumption,
          "select the job in the expression (job=\"...\") so its own "
          "scrape_interval is used");
    }
    if (rule.keep_firing_for.count() > 0) {
      Add(e.ref, LintSeverity::kNote, "keep_firing_for", rule.where, "rule " + rule.name,
          "keep_firing_for " + D(rule.keep_firing_for) +
              " does not delay firing, but keeps the alert firing after recovery: an injection "
              "within " +
              D(rule.keep_firing_for) + " of the last one finds it pre-existing",
          "space injections of this scenario more than " + D(rule.keep_firing_for) + " apart");
    }
    // Route the alert that matches the expectation: equality matchers pin
    // labels the rule leaves open.
    Labels routing = known;
    for (const auto& m : expect.matchers()) {
      if (m.op() == Matcher::Op::kEqual && routing.count(m.name()) == 0) {
        routing[m.name()] = m.value();
      }
    }
    c.alert_labels = routing;
    const std::vector<RouteOutcome> outcomes = MatchRoutesPartial(in_.alertmanager.root, routing);
    std::set<std::string> deps_missing;
    bool all = true;
    std::optional<size_t> worst;
    std::vector<std::vector<LintStage>> stages(outcomes.size());
    for (size_t k = 0; k < outcomes.size(); ++k) {
      std::optional<Duration> first;  // alertgate's first delivery in this outcome
      for (const AmRoute* r : outcomes[k].routes) {
        if (alertgate_receivers_.count(r->receiver) == 0) continue;
        auto st = ComputeStages(in_, rule, scrape, *r);
        if (!first || Sum(st) < *first) {
          first = Sum(st);
          stages[k] = std::move(st);
        }
      }
      if (!first) {
        all = false;
        deps_missing.insert(outcomes[k].depends_on.begin(), outcomes[k].depends_on.end());
        continue;
      }
      if (!worst || *first > Sum(stages[*worst])) worst = k;
    }
    for (const auto& o : outcomes) {
      c.routing_depends_on.insert(o.depends_on.begin(), o.depends_on.end());
    }
    if (outcomes.size() < 2) c.routing_depends_on.clear();
    c.reaches_alertgate = worst.has_value();
    c.always_reaches_alertgate = c.reaches_alertgate && all;
    const size_t shown = worst.value_or(0);
    c.routes = Hits(outcomes.empty() ? std::vector<const AmRoute*>{} : outcomes[shown].routes);
    if (worst) {
      c.stages = stages[*worst];
      c.bound = Sum(c.stages);
      RouteFindings(rule, c, outcomes[*worst], scrape, e);
    }
    if (c.reaches_alertgate && !c.always_reaches_alertgate) {
      Add(e.ref, LintSeverity::kWarning, "may_not_route", rule.where, "rule " + rule.name,
          "whether the alert reaches alertgate's receiver depends on labels the rule does not "
          "set statically (" +
              JoinSorted(deps_missing) + "): with some values it is never measured",
          "set those labels in the rule, or make alertgate's route a catch-all first child with "
          "continue: true");
    }
    InhibitFindings(rule, known, e);
    return c;
  }

  void RouteFindings(const AlertingRule& rule, const LintCandidate& c, const RouteOutcome& outcome,
                     const ScrapeChoice& scrape, const LintExpectation& e) {
    const AmRoute* ag_route = nullptr;
    bool only_alertgate = true;
    for (const AmRoute* r : outcome.routes) {
      if (alertgate_receivers_.count(r->receiver) != 0) {
        if (ag_route == nullptr) ag_route = r;
      } else {
        only_alertgate = false;
        // The people's route: alertgate measures its own route only.
        const auto st = ComputeStages(in_, rule, scrape, *r);
        if (Sum(st) > e.gate && Sum(st) > c.bound) {
          const LintStage& g = GroupStage(st);
          Add(e.ref, LintSeverity::kWarning, "other_receiver_slower", r->where, r->Describe(),
              "receiver " + QuoteForMessage(r->receiver) + " waits up to " + g.name + " " +
                  D(g.value) +
                  " on this route, more than alertgate's route: people are notified after the "
                  "gate while alertgate measures its own, faster route",
              "give " + r->path + " the same group_wait / group_interval as alertgate's route");
        }
      }
    }
    if (ag_route == nullptr) return;
    if (only_alertgate) {
      Add(e.ref, LintSeverity::kWarning, "only_alertgate", ag_route->where, ag_route->Describe(),
          "the alert reaches only alertgate's receiver: nobody is paged (a route whose children "
          "match is not notified itself, so the root receiver " +
              QuoteForMessage(in_.alertmanager.root.receiver) +
              " gets nothing even with continue: true)",
          "add a catch-all route to the on-call receiver after the alertgate route, e.g. "
          "`- receiver: " +
              in_.alertmanager.root.receiver + "`");
    }
    if (CanJoinGroup(*ag_route) && ag_route->group_interval > ag_route->group_wait) {
      Add(e.ref, LintSeverity::kNote, "joins_existing_group", ag_route->group_interval_where,
          ag_route->Describe(),
          "grouped by " + GroupByText(*ag_route) +
              ": an alert can join a group that already notified (another alert with the same " +
              (ag_route->group_by.empty() ? std::string("route")
                                          : Join(ag_route->group_by, " and ")) +
              ", e.g. a second instance), so group_interval " + D(ag_route->group_interval) +
              " applies, not group_wait " + D(ag_route->group_wait),
          "group alertgate's route by ['...'] so every alert starts a new group, or keep "
          "group_interval small");
    }
    if (!ag_route->mute_time_intervals.empty() || !ag_route->active_time_intervals.empty()) {
      std::vector<std::string> names = ag_route->mute_time_intervals;
      names.insert(names.end(), ag_route->active_time_intervals.begin(),
                   ag_route->active_time_intervals.end());
      Add(e.ref, LintSeverity::kWarning, "time_intervals", ag_route->where, ag_route->Describe(),
          "the route is muted outside/inside time intervals " + Join(names) +
              ": a drill at such a time is silent",
          "remove the time intervals from alertgate's route");
    }
  }

  void InhibitFindings(const AlertingRule& rule, const Labels& known, const LintExpectation& e) {
    const auto& irs = in_.alertmanager.inhibit_rules;
    for (size_t i = 0; i < irs.size(); ++i) {
      if (MatchPartial(irs[i].target, known) == Tri::kNo) continue;
      std::string src = "{";
      for (size_t k = 0; k < irs[i].source.size(); ++k) {
        src += (k ? ", " : "") + irs[i].source[k].ToString();
      }
      src += "}";
      Add(e.ref, LintSeverity::kWarning, "inhibited", irs[i].where,
          "inhibit_rules[" + std::to_string(i) + "]",
          "can mute " + rule.name + " (" + rule.where.ToString() + ") while an alert matching " +
              src + " fires" + (irs[i].equal.empty() ? "" : " with equal " + Join(irs[i].equal)) +
              ": inhibited alerts reach no receiver, alertgate's included",
          "make sure the drill does not raise the source alert, or narrow the target matchers");
    }
  }

  void CandidateGateFindings(const std::vector<AlertingRule>& rules, const LintCandidate& c,
                             const LintExpectation& e) {
    const AlertingRule* rule = nullptr;
    for (const auto& r : rules) {
      if (r.where.file == c.where.file && r.where.line == c.where.line) rule = &r;
    }
    const LintSeverity sev = e.ok ? LintSeverity::kWarning : LintSeverity::kError;
    if (!c.reaches_alertgate) {
      NotRoutedFinding(c, sev, e);
      return;
    }
    if (rule != nullptr) {
      const Duration for_rounded = RoundUp(rule->for_duration, rule->eval);
      if (for_rounded > e.gate) {
        Add(e.ref, sev, "for_exceeds_gate", rule->where, "rule " + rule->name,
            "for " + D(rule->for_duration) + " (" + D(for_rounded) +
                " in evaluations) alone exceeds the gate " + D(e.gate),
            "shorten `for` well below the gate: the other stages need " + D(c.bound - for_rounded) +
                " of it");
      }
    }
    if (c.bound > e.gate) {
      const std::vector<const LintStage*> culprits = Culprits(c.stages, c.bound - e.gate);
      const LintStage& dom = *culprits.front();
      std::string largest;
      std::string fix;
      for (const LintStage* s : culprits) {
        largest += (largest.empty() ? "" : ", ") + s->name + " " + D(s->value);
        fix += (fix.empty() ? "" : "; ") + FixFor(*s, c.stages);
      }
      Add(e.ref, sev, "exceeds_gate", dom.where, dom.subject,
          "the worst case exceeds the gate " + D(e.gate) + "; " + dom.name + " " + D(dom.value) +
              " dominates" +
              (culprits.size() > 1 ? " (largest stages: " + largest + ")" : std::string()),
          fix);
    }
  }

  // Why an alert with `labels` does not reach alertgate's route `target`:
  // a route on the way whose matchers reject it, or an earlier sibling that
  // takes it without `continue: true`. Returns false when nothing blocks for
  // certain.
  struct Block {
    const AmRoute* route = nullptr;
    bool sibling = false;  // an earlier sibling without continue took the alert
  };
  static bool FindBlock(const AmRoute& node, const AmRoute* target, const Labels& labels,
                        Block* out) {
    for (const auto& child : node.routes) {
      const bool on_path = &child == target || Contains(child, target);
      if (on_path) {
        if (MatchPartial(child.matchers, labels) == Tri::kNo) {
          *out = {&child, false};
          return true;
        }
        if (&child == target) return false;
        return FindBlock(child, target, labels, out);
      }
      if (!child.continue_matching && MatchPartial(child.matchers, labels) == Tri::kYes) {
        *out = {&child, true};
        return true;
      }
    }
    return false;
  }

  static bool Contains(const AmRoute& node, const AmRoute* target) {
    for (const auto& c : node.routes) {
      if (&c == target || Contains(c, target)) return true;
    }
    return false;
  }

  void AlertgateRoutes(const AmRoute& node, std::vector<const AmRoute*>* out) const {
    if (alertgate_receivers_.count(node.receiver) != 0) out->push_back(&node);
    for (const auto& c : node.routes) AlertgateRoutes(c, out);
  }

  void NotRoutedFinding(const LintCandidate& c, LintSeverity sev, const LintExpectation& e) {
    const std::string lands =
        "the alert never reaches alertgate's webhook: it cannot be measured, the drill will "
        "report it missing";
    std::vector<const AmRoute*> targets;
    AlertgateRoutes(in_.alertmanager.root, &targets);
    if (targets.empty()) {
      Add(e.ref, sev, "not_routed_to_alertgate", SourceRef{in_.alertmanager.file, 0}, "receivers",
          lands,
          "add alertgate's webhook receiver, routed as the first child of the root with "
          "continue: true");
      return;
    }
    // Explain with the first alertgate route that something blocks.
    for (const AmRoute* t : targets) {
      Block b;
      if (t == &in_.alertmanager.root || !FindBlock(in_.alertmanager.root, t, c.alert_labels, &b)) {
        continue;
      }
      if (b.sibling) {
        Add(e.ref, sev, "not_routed_to_alertgate", b.route->where, b.route->Describe(),
            b.route->path + " takes the alert first and has no continue: true, so " +
                t->Describe() + " is never tried; " + lands,
            "add continue: true to " + b.route->path + ", or move " + t->path +
                " before it with continue: true");
      } else {
        std::vector<std::string> rejecting;
        for (const auto& m : b.route->matchers) {
          auto it = c.alert_labels.find(m.name());
          if (it != c.alert_labels.end() && !m.MatchesValue(it->second)) {
            rejecting.push_back(m.ToString() + " (the alert has " + m.name() + "=" +
                                QuoteForMessage(it->second) + ")");
          }
        }
        Add(e.ref, sev, "not_routed_to_alertgate", b.route->where, b.route->Describe(),
            (b.route == t ? "alertgate's route " + t->path
                          : b.route->path + ", on the way to " + t->Describe() + ",") +
                " requires " + Join(rejecting) + "; " + lands,
            "route every alert to alertgate: make its route a first child of the root without "
            "matchers and with continue: true");
      }
      return;
    }
    const SourceRef where =
        c.routes.empty() ? SourceRef{in_.alertmanager.file, 0} : c.routes.front().where;
    Add(e.ref, sev, "not_routed_to_alertgate", where, "route tree", lands,
        "make alertgate's route a first child of the root without matchers and with continue: "
        "true");
  }

  const LintInput& in_;
  std::set<std::string> alertgate_receivers_;
  std::vector<LintFinding> findings_;
};

}  // namespace

const char* Name(LintSeverity s) {
  switch (s) {
    case LintSeverity::kError:
      return "error";
    case LintSeverity::kWarning:
      return "warning";
    case LintSeverity::kNote:
      return "note";
  }
  return "?";
}

bool LintReport::ok() const { return FailingCount() == 0; }

size_t LintReport::ExpectationCount() const {
  size_t n = 0;
  for (const auto& s : scenarios) n += s.expectations.size();
  return n;
}

size_t LintReport::FailingCount() const {
  size_t n = 0;
  for (const auto& s : scenarios) {
    for (const auto& e : s.expectations) n += e.ok ? 0 : 1;
  }
  return n;
}

LintReport Lint(const LintInput& input) { return Linter(input).Run(); }

bool IsAlertgateWebhook(const std::string& url, const std::string& alertgate_url) {
  static const std::string kSuffix = "/api/v1/webhook";
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.size() >= kSuffix.size() &&
      u.compare(u.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    return true;
  }
  std::string base = alertgate_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return !base.empty() && u.compare(0, base.size(), base) == 0 &&
         (u.size() == base.size() || u[base.size()] == '/');
}

}  // namespace alertgate
