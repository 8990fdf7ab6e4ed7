#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/text.h"
#include "core/time.h"
#include "report/report.h"

namespace alertgate {
namespace {

// A table cell: pipes escaped, line breaks folded.
std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string Secs(Duration d) { return FormatSeconds(d) + " s"; }

std::string Verdict(InjectionVerdict v) {
  if (v == InjectionVerdict::kPass) return "pass";
  return std::string("**") + Name(v) + "**";
}

// The verdict line, with the reason a person needs first.
std::string DrillVerdictText(const DrillResult& r) {
  const bool failed_injection =
      std::any_of(r.injections.begin(), r.injections.end(),
                  [](const InjectionResult& ir) { return ir.acceptance == Acceptance::kFail; });
  switch (r.verdict) {
    case DrillVerdict::kPass:
      return "PASS — every injection met its gate";
    case DrillVerdict::kFail:
      if (failed_injection) return "FAIL — at least one injection was late, incomplete or silent";
      if (!r.not_run.empty()) return "FAIL — planned scenarios never ran: " + Join(r.not_run);
      return "FAIL — the drill finished with no injection";
    case DrillVerdict::kPending:
      if (!r.drill.finished_at) return "PENDING — the drill is still open";
      return "PENDING — some windows are still open";
  }
  return "";
}

struct Row {
  Timestamp at;
  int order;  // ties: injection first, then firing, notified, resolved, clear
  std::string action;
  std::string observation;
  std::string runbook;
  std::string gap;
};

std::vector<Row> Timeline(const InjectionResult& ir) {
  std::vector<Row> rows;
  const auto& inj = ir.injection;
  rows.push_back(
      {inj.injected_at, 0,
       "Fault injected: " + ir.name + " (scenario " + inj.scenario + ", injection " + inj.id + ")",
       "gate " + Secs(ir.gate) + ", window " + Secs(ir.window),
       ir.runbook.empty() ? "none declared" : ir.runbook, ""});
  for (const auto& e : ir.expectations) {
    if (e.alert) {
      rows.push_back({e.alert->starts_at, 1, "",
                      e.alert->alertname + " firing in Prometheus (startsAt, " +
                          Secs(*e.time_to_fire) + " after injection)" +
                          (e.clock_skew ? "; startsAt is later than receipt: clock skew" : ""),
                      "", ""});
      rows.push_back({e.alert->notified_at, 2, "",
                      e.alert->alertname + " notified, " + Secs(*e.time_to_notify) +
                          " after injection (" + Name(e.status) + ")",
                      "", GapText(ir, e)});
      if (e.resolved_at) {
        rows.push_back({*e.resolved_at, 3, "", e.alert->alertname + " resolved", "", ""});
      }
    } else if (e.status == ExpectationStatus::kMissing) {
      rows.push_back({ir.window_end, 5, "", "Window closed with no notification for " + e.matchers,
                      "", GapText(ir, e)});
    } else {
      rows.push_back({ir.window_end, 5, "", "Waiting for " + e.matchers + " until the window ends",
                      "", GapText(ir, e)});
    }
  }
  for (const auto& a : ir.pre_existing) {
    rows.push_back(
        {a.notified_at, 2, "",
         a.alertname + " notified, but firing since " + FormatRfc3339(a.starts_at) +
             ", before the fault (pre-existing, not counted)",
         "", a.alertname + " was already firing: this drill cannot show it detects the fault"});
  }
  if (inj.cleared_at) rows.push_back({*inj.cleared_at, 4, "Fault cleared", "", "", ""});
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.at, a.order) < std::tie(b.at, b.order);
  });
  return rows;
}

}  // namespace

std::string RenderMarkdown(const DrillResult& r) {
  std::ostringstream md;
  md << "# Game day " << r.drill.id << "\n\n";
  md << "| | |\n|---|---|\n";
  md << "| Drill | `" << Cell(r.drill.id) << "` |\n";
  md << "| Started | " << FormatRfc3339(r.drill.started_at) << " |\n";
  md << "| Finished | "
     << (r.drill.finished_at ? FormatRfc3339(*r.drill.finished_at) : std::string("not yet"))
     << " |\n";
  if (!r.drill.matchers.empty()) {
    std::string scope;
    for (const auto& m : r.drill.matchers) scope += (scope.empty() ? "`" : ", `") + m + "`";
    md << "| Scope | " << Cell(scope) << " |\n";
  }
  if (!r.drill.scenarios.empty()) md << "| Plan | " << Cell(Join(r.drill.scenarios)) << " |\n";
  md << "| Verdict | **" << Cell(DrillVerdictText(r)) << "** |\n\n";

  md << "Acceptance bar: every expected alert notified within its gate; no silent fail.\n\n";
  md << "## Summary\n\n";
  if (r.injections.empty()) {
    md << "No injections were recorded in this drill.\n\n";
  } else {
    md << "| Scenario | Injection | Injected at | First alert | Time to alert | Gate | Verdict |\n";
    md << "|---|---|---|---|---|---|---|\n";
    for (const auto& ir : r.injections) {
      std::string first = "—";
      const ExpectationResult* earliest = nullptr;
      for (const auto& e : ir.expectations) {
        if (e.time_to_notify && (!earliest || *e.time_to_notify < *earliest->time_to_notify)) {
          earliest = &e;
        }
      }
      if (earliest) first = earliest->alert->alertname;
      md << "| " << Cell(ir.injection.scenario + " — " + ir.name) << " | " << ir.injection.id
         << " | " << FormatRfc3339(ir.injection.injected_at) << " | " << Cell(first) << " | "
         << (ir.time_to_alert ? Secs(*ir.time_to_alert) : std::string("—")) << " | "
         << Secs(ir.gate) << " | " << Verdict(ir.verdict) << " |\n";
    }
    md << "\n";
  }

  for (const auto& ir : r.injections) {
    md << "## " << Cell(ir.injection.scenario + " — " + ir.name) << " (" << ir.injection.id
       << ")\n\n";
    md << "Verdict: " << Verdict(ir.verdict);
    const std::string reason = VerdictReason(ir);
    if (!reason.empty()) md << " — " << reason;
    md << ".  \nRunbook: " << (ir.runbook.empty() ? "none declared" : ir.runbook) << "\n\n";
    md << "| Timestamp | Action | Observation | Runbook used | Gap discovered |\n";
    md << "|---|---|---|---|---|\n";
    for (const auto& row : Timeline(ir)) {
      md << "| " << FormatRfc3339(row.at) << " | " << Cell(row.action) << " | "
         << Cell(row.observation) << " | " << Cell(row.runbook) << " | " << Cell(row.gap) << " |\n";
    }
    md << "\nOperator notes: _what the on-call engineer saw and did; gaps to file as PRs._\n\n";
  }

  md << "## Unexpected alerts\n\n";
  if (r.unexpected.empty()) {
    md << "None: every alert during the drill was explained by an injection.\n";
  } else {
    md << "Alerts that fired during the drill but match no injected scenario (collateral "
          "damage or noise):\n\n";
    md << "| Alert | Labels | Firing since | Notified at |\n|---|---|---|---|\n";
    for (const auto& a : r.unexpected) {
      std::string labels;
      for (const auto& [k, v] : a.labels) {
        if (k == "alertname") continue;
        labels += (labels.empty() ? "" : ", ") + k + "=\"" + v + "\"";
      }
      md << "| " << Cell(a.alertname) << " | " << Cell(labels) << " | "
         << FormatRfc3339(a.starts_at) << " | " << FormatRfc3339(a.notified_at) << " |\n";
    }
  }
  md << "\n---\nGenerated by alertgate from stored facts (injections and Alertmanager "
        "notifications). Times are UTC.\n";
  return md.str();
}

}  // namespace alertgate
