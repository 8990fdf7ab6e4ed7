#include "correlate/evaluate.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace alertgate {
namespace {

AlertRef MakeRef(const Notification& n) {
  return AlertRef{n.AlertName(), n.fingerprint, n.labels, n.starts_at, n.received_at};
}

MatcherSet ParseDrillMatchers(const Drill& drill) {
  std::vector<Matcher> all;
  for (const auto& text : drill.matchers) {
    auto set = ParseMatchers(text);
    if (!set.ok()) continue;  // validated on the way in; never happens for stored drills
    for (const auto& m : set->matchers()) all.push_back(m);
  }
  return MatcherSet(std::move(all));
}

bool IsFiring(const Notification& n) { return n.status == AlertStatus::kFiring; }

// The alert gate's verdict as acceptance; availability is not configurable
// yet, so it adds nothing.
Acceptance AcceptanceOf(InjectionVerdict v) {
  switch (v) {
    case InjectionVerdict::kPass:
      return Acceptance::kPass;
    case InjectionVerdict::kPending:
      return Acceptance::kPending;
    case InjectionVerdict::kLate:
    case InjectionVerdict::kIncomplete:
    case InjectionVerdict::kSilent:
      return Acceptance::kFail;
  }
  return Acceptance::kPending;
}

// The facts Evaluate() looks up repeatedly, indexed once per call.
struct Index {
  // Firing notifications in the drill's scope, in (received_at, id) order.
  std::vector<const Notification*> firing;
  // Receipt times of resolved notifications per (fingerprint, startsAt), ascending.
  std::map<std::pair<std::string, Timestamp>, std::vector<Timestamp>> resolved;
};

ExpectationResult EvaluateExpectation(const MatcherSet& expect, const Injection& inj,
                                      const Scenario& sc, Timestamp window_end, const Index& index,
                                      const Config& config, Timestamp now,
                                      std::vector<AlertRef>* pre_existing,
                                      std::set<std::string>* pre_existing_seen) {
  ExpectationResult r;
  r.matchers = expect.ToString();
  r.name = expect.AlertName().empty() ? r.matchers : expect.AlertName();
  const auto received_before = [](const Notification* n, Timestamp t) {
    return n->received_at < t;
  };
  auto it =
      std::lower_bound(index.firing.begin(), index.firing.end(), inj.injected_at, received_before);
  // Notified in the window before the fault and not resolved by then: the
  // alert was already firing, and its resends (deduplicated) cannot show
  // detection either.
  auto before =
      std::lower_bound(index.firing.begin(), it, inj.injected_at - sc.window, received_before);
  for (; before != it; ++before) {
    const Notification& n = **before;
    if (!expect.Matches(n.labels)) continue;
    auto res = index.resolved.find({n.fingerprint, n.starts_at});
    if (res != index.resolved.end() && res->second.front() <= inj.injected_at) continue;
    if (pre_existing_seen->insert(n.fingerprint).second) pre_existing->push_back(MakeRef(n));
  }
  const Notification* hit = nullptr;
  for (; it != index.firing.end() && (*it)->received_at <= window_end; ++it) {
    const Notification& n = **it;
    if (!expect.Matches(n.labels)) continue;
    if (n.starts_at < inj.injected_at - config.skew_tolerance) {
      if (pre_existing_seen->insert(n.fingerprint).second) pre_existing->push_back(MakeRef(n));
      continue;
    }
    hit = &n;  // notifications are sorted by receipt: the first hit is the first ping
    break;
  }
  if (hit == nullptr) {
    r.status = now >= window_end ? ExpectationStatus::kMissing : ExpectationStatus::kPending;
    return r;
  }
  r.alert = MakeRef(*hit);
  r.time_to_notify = hit->received_at - inj.injected_at;
  r.time_to_fire = hit->starts_at - inj.injected_at;
  r.clock_skew = hit->starts_at > hit->received_at + config.skew_tolerance;
  r.status = *r.time_to_notify <= sc.gate ? ExpectationStatus::kOnTime : ExpectationStatus::kLate;
  auto res = index.resolved.find({hit->fingerprint, hit->starts_at});
  if (res != index.resolved.end()) {
    auto first = std::lower_bound(res->second.begin(), res->second.end(), hit->received_at);
    if (first != res->second.end()) r.resolved_at = *first;
  }
  return r;
}

InjectionVerdict Decide(const std::vector<ExpectationResult>& expectations) {
  size_t notified = 0;
  bool all_on_time = true;
  for (const auto& e : expectations) {
    switch (e.status) {
      case ExpectationStatus::kPending:
        return InjectionVerdict::kPending;
      case ExpectationStatus::kOnTime:
        ++notified;
        break;
      case ExpectationStatus::kLate:
        ++notified;
        all_on_time = false;
        break;
      case ExpectationStatus::kMissing:
        break;
    }
  }
  if (notified == expectations.size()) {
    return all_on_time ? InjectionVerdict::kPass : InjectionVerdict::kLate;
  }
  return notified == 0 ? InjectionVerdict::kSilent : InjectionVerdict::kIncomplete;
}

}  // namespace

const char* Name(ExpectationStatus s) {
  switch (s) {
    case ExpectationStatus::kOnTime:
      return "on_time";
    case ExpectationStatus::kLate:
      return "late";
    case ExpectationStatus::kMissing:
      return "missing";
    case ExpectationStatus::kPending:
      return "pending";
  }
  return "pending";
}

const char* Name(InjectionVerdict v) {
  switch (v) {
    case InjectionVerdict::kPass:
      return "pass";
    case InjectionVerdict::kLate:
      return "late";
    case InjectionVerdict::kIncomplete:
      return "incomplete";
    case InjectionVerdict::kSilent:
      return "silent";
    case InjectionVerdict::kPending:
      return "pending";
  }
  return "pending";
}

const char* Name(Acceptance a) {
  switch (a) {
    case Acceptance::kPass:
      return "pass";
    case Acceptance::kFail:
      return "fail";
    case Acceptance::kPending:
      return "pending";
  }
  return "pending";
}

const char* Name(DrillVerdict v) {
  switch (v) {
    case DrillVerdict::kPass:
      return "pass";
    case DrillVerdict::kFail:
      return "fail";
    case DrillVerdict::kPending:
      return "pending";
  }
  return "pending";
}

DrillResult Evaluate(const Drill& drill, const std::vector<Injection>& injections,
                     const std::vector<Notification>& notifications, const Config& config,
                     Timestamp now) {
  DrillResult result;
  result.drill = drill;
  const MatcherSet drill_matchers = ParseDrillMatchers(drill);
  Index index;
  for (const auto& n : notifications) {
    if (IsFiring(n)) {
      if (drill_matchers.Matches(n.labels)) index.firing.push_back(&n);
    } else if (n.status == AlertStatus::kResolved) {
      index.resolved[{n.fingerprint, n.starts_at}].push_back(n.received_at);
    }
  }

  std::vector<Injection> ordered = injections;
  std::sort(ordered.begin(), ordered.end(), [](const Injection& a, const Injection& b) {
    return std::tie(a.injected_at, a.id) < std::tie(b.injected_at, b.id);
  });

  for (const auto& inj : ordered) {
    InjectionResult ir;
    ir.injection = inj;
    const Scenario* sc = config.FindScenario(inj.scenario);
    if (sc == nullptr) {
      ir.name = inj.scenario;
      ir.window_end = inj.injected_at;
      ir.verdict = InjectionVerdict::kPending;
      ir.error = "scenario \"" + inj.scenario + "\" is not in the current config (" +
                 config.source + "); restore it to evaluate this injection";
      result.injections.push_back(std::move(ir));
      continue;
    }
    ir.name = sc->name;
    ir.runbook = sc->runbook;
    ir.gate = sc->gate;
    ir.window = sc->window;
    ir.window_end = inj.injected_at + sc->window;
    std::set<std::string> pre_seen;
    for (const auto& expect : sc->expect) {
      ir.expectations.push_back(EvaluateExpectation(expect, inj, *sc, ir.window_end, index, config,
                                                    now, &ir.pre_existing, &pre_seen));
    }
    ir.verdict = Decide(ir.expectations);
    for (const auto& e : ir.expectations) {
      if (e.time_to_notify && (!ir.time_to_alert || *e.time_to_notify < *ir.time_to_alert)) {
        ir.time_to_alert = e.time_to_notify;
      }
    }
    result.injections.push_back(std::move(ir));
  }

  // Unexpected alerts: firing, inside the drill, in scope, and not explained
  // by any injection whose window was open when the alert arrived.
  std::vector<const Scenario*> scenarios;  // per result.injections (sorted by injected_at)
  Duration max_window{0};
  for (const auto& ir : result.injections) {
    scenarios.push_back(config.FindScenario(ir.injection.scenario));
    max_window = std::max(max_window, ir.window_end - ir.injection.injected_at);
  }
  std::set<std::pair<std::string, Timestamp>> seen;
  for (const Notification* np : index.firing) {
    const Notification& n = *np;
    if (n.received_at < drill.started_at) continue;
    if (drill.finished_at && n.received_at > *drill.finished_at) continue;
    bool expected = false;
    // Injections with injected_at in [received_at - max_window, received_at].
    auto last = std::upper_bound(
        result.injections.begin(), result.injections.end(), n.received_at,
        [](Timestamp t, const InjectionResult& ir) { return t < ir.injection.injected_at; });
    for (auto it = last; it != result.injections.begin() && !expected;) {
      --it;
      if (it->injection.injected_at < n.received_at - max_window) break;
      if (n.received_at > it->window_end) continue;
      const Scenario* sc = scenarios[static_cast<size_t>(it - result.injections.begin())];
      if (sc == nullptr) continue;
      for (const auto& expect : sc->expect) {
        if (expect.Matches(n.labels)) {
          expected = true;
          break;
        }
      }
    }
    if (!expected && seen.emplace(n.fingerprint, n.starts_at).second) {
      result.unexpected.push_back(MakeRef(n));
    }
  }

  bool any_fail = false;
  bool any_pending = false;
  for (auto& ir : result.injections) {
    ir.acceptance = AcceptanceOf(ir.verdict);
    any_fail = any_fail || ir.acceptance == Acceptance::kFail;
    any_pending = any_pending || ir.acceptance == Acceptance::kPending;
  }
  if (drill.finished_at) {
    for (const auto& planned : drill.scenarios) {
      const bool ran =
          std::any_of(result.injections.begin(), result.injections.end(),
                      [&](const InjectionResult& ir) { return ir.injection.scenario == planned; });
      if (!ran) result.not_run.push_back(planned);
    }
  }
  if (any_fail || !result.not_run.empty()) {
    result.verdict = DrillVerdict::kFail;
  } else if (!drill.finished_at || any_pending) {
    result.verdict = DrillVerdict::kPending;
  } else {
    // Finished with nothing injected proved nothing.
    result.verdict = result.injections.empty() ? DrillVerdict::kFail : DrillVerdict::kPass;
  }
  return result;
}

TimeRange NotificationRange(const Drill& drill, const std::vector<Injection>& injections,
                            const Config& config, Timestamp now) {
  TimeRange range{drill.started_at, drill.finished_at.value_or(now)};
  for (const auto& inj : injections) {
    const Scenario* sc = config.FindScenario(inj.scenario);
    const Duration window = sc != nullptr ? sc->window : config.window;
    // One window back: alerts already firing at the injection (pre-existing).
    range.from = std::min(range.from, inj.injected_at - window);
    range.to = std::max(range.to, inj.injected_at + window);
  }
  range.to = std::min(range.to, now);
  return range;
}

bool IsLive(const DrillResult& result) {
  if (!result.drill.finished_at) return true;
  for (const auto& ir : result.injections) {
    if (ir.verdict == InjectionVerdict::kPending && ir.error.empty()) return true;
  }
  return false;
}

}  // namespace alertgate
