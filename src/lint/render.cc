#include "lint/render.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/duration.h"
#include "core/json.h"

namespace alertgate {
namespace {

std::string D(Duration d) { return FormatDuration(d); }

std::string Breakdown(const std::vector<LintStage>& stages) {
  std::string out;
  for (const auto& s : stages) {
    out += (out.empty() ? "" : " + ") + s.name + " " + D(s.value);
    if (s.name == "scrape" && s.detail.find("assumed") != std::string::npos) out += " (assumed)";
  }
  return out;
}

std::string RouteText(const std::vector<LintRouteHit>& routes) {
  if (routes.empty()) return "no route";
  std::string out;
  for (const auto& r : routes) {
    out += (out.empty() ? "" : ", ") + r.path + " (receiver " + r.receiver + ")";
  }
  return out;
}

std::string DependsText(const LintCandidate& c) {
  if (c.routing_depends_on.empty()) return "";
  std::string labels;
  for (const auto& l : c.routing_depends_on) labels += (labels.empty() ? "" : ", ") + l;
  return " (worst case; routing depends on " + labels + ")";
}

std::string RuleText(const LintCandidate& c) {
  std::string out = "rule " + c.rule + " (" + c.where.ToString();
  if (!c.certain) {
    std::string labels;
    for (const auto& l : c.unknown_labels) labels += (labels.empty() ? "" : ", ") + l;
    out += "; may match: " + labels + " not set by the rule";
  }
  return out + ")";
}

void TextExpectation(std::ostringstream& o, const LintExpectation& e) {
  const std::string pad = "             ";
  o << "  " << (e.ok ? "ok  " : "FAIL") << "  " << e.ref << "  " << e.matchers << "\n";
  if (e.candidates.empty()) {
    o << pad << "no rule can raise this alert\n";
    return;
  }
  if (e.best) {
    const LintCandidate& c = e.candidates[*e.best];
    o << pad << D(c.bound) << (c.bound <= e.gate ? " <= " : " > ") << D(e.gate)
      << " gate: " << Breakdown(c.stages) << "\n";
    o << pad << RuleText(c) << " -> " << RouteText(c.routes) << DependsText(c) << "\n";
  } else {
    o << pad << "never reaches alertgate's webhook\n";
  }
  for (size_t i = 0; i < e.candidates.size(); ++i) {
    if (e.best && i == *e.best) continue;
    const LintCandidate& c = e.candidates[i];
    o << pad << (e.best ? "also " : "") << RuleText(c) << " -> " << RouteText(c.routes)
      << DependsText(c);
    if (c.reaches_alertgate) {
      o << ": " << D(c.bound) << (c.bound <= e.gate ? " <= " : " > ") << D(e.gate);
    } else {
      o << ": not alertgate";
    }
    o << "\n";
  }
  if (e.measured) {
    const LintMeasurement& m = *e.measured;
    o << pad << "measured in drill " << m.drill << ": ";
    if (m.time_to_notify) {
      o << FormatMeasuredSeconds(*m.time_to_notify) << " (" << m.injection << ", worst of "
        << m.injections << " injection" << (m.injections == 1 ? "" : "s") << ")";
      if (e.best) {
        o << (m.above_bound ? " > bound " : " <= bound ") << D(e.candidates[*e.best].bound)
          << (m.above_bound ? "  ABOVE THE BOUND" : "");
      }
      o << "\n";
    } else {
      o << "not notified in " << m.injections << " injection" << (m.injections == 1 ? "" : "s")
        << "\n";
    }
  }
}

template <typename W>
void Seconds(W& w, Duration d) {
  if (d.count() % 1000 == 0) {
    w.Int64(d.count() / 1000);
  } else {
    w.Double(ToSeconds(d));
  }
}

template <typename W>
void Ref(W& w, const SourceRef& r) {
  w.Key("file");
  w.String(r.file);
  w.Key("line");
  if (r.line > 0) {
    w.Int(r.line);
  } else {
    w.Null();
  }
}

template <typename W>
void Stages(W& w, const std::vector<LintStage>& stages) {
  w.StartArray();
  for (const auto& s : stages) {
    w.StartObject();
    w.Key("stage");
    w.String(s.name);
    w.Key("seconds");
    Seconds(w, s.value);
    w.Key("detail");
    w.String(s.detail);
    Ref(w, s.where);
    w.EndObject();
  }
  w.EndArray();
}

template <typename W>
void Candidate(W& w, const LintCandidate& c) {
  w.StartObject();
  w.Key("rule");
  w.String(c.rule);
  Ref(w, c.where);
  w.Key("certain");
  w.Bool(c.certain);
  w.Key("unknown_labels");
  WriteStringArray(w, c.unknown_labels);
  w.Key("alert_labels");
  w.StartObject();
  for (const auto& [k, v] : c.alert_labels) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  w.Key("routing_depends_on");
  WriteStringArray(w, c.routing_depends_on);
  w.Key("routes");
  w.StartArray();
  for (const auto& r : c.routes) {
    w.StartObject();
    w.Key("path");
    w.String(r.path);
    Ref(w, r.where);
    w.Key("receiver");
    w.String(r.receiver);
    w.Key("alertgate");
    w.Bool(r.alertgate);
    w.EndObject();
  }
  w.EndArray();
  w.Key("reaches_alertgate");
  w.Bool(c.reaches_alertgate);
  w.Key("always_reaches_alertgate");
  w.Bool(c.always_reaches_alertgate);
  w.Key("bound_seconds");
  if (c.reaches_alertgate) {
    Seconds(w, c.bound);
  } else {
    w.Null();
  }
  w.Key("stages");
  Stages(w, c.stages);
  w.EndObject();
}

template <typename W>
void Expectation(W& w, const LintExpectation& e) {
  w.StartObject();
  w.Key("ref");
  w.String(e.ref);
  w.Key("matchers");
  w.String(e.matchers);
  Ref(w, e.where);
  w.Key("gate_seconds");
  Seconds(w, e.gate);
  w.Key("ok");
  w.Bool(e.ok);
  w.Key("bound_seconds");
  if (e.best) {
    Seconds(w, e.candidates[*e.best].bound);
  } else {
    w.Null();
  }
  w.Key("rule");
  if (e.best) {
    w.String(e.candidates[*e.best].rule);
  } else {
    w.Null();
  }
  w.Key("stages");
  Stages(w, e.best ? e.candidates[*e.best].stages : std::vector<LintStage>{});
  w.Key("candidates");
  w.StartArray();
  for (const auto& c : e.candidates) Candidate(w, c);
  w.EndArray();
  w.Key("measured");
  if (e.measured) {
    const LintMeasurement& m = *e.measured;
    w.StartObject();
    w.Key("drill");
    w.String(m.drill);
    w.Key("injections");
    w.Int(m.injections);
    w.Key("injection");
    if (m.time_to_notify) {
      w.String(m.injection);
    } else {
      w.Null();
    }
    w.Key("time_to_notify_seconds");
    if (m.time_to_notify) {
      w.Double(std::round(*m.time_to_notify * 1000.0) / 1000.0);
    } else {
      w.Null();
    }
    w.Key("above_bound");
    w.Bool(m.above_bound);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
}

}  // namespace

std::string RenderLintText(const LintReport& r) {
  std::ostringstream o;
  o << "alertgate lint: " << r.scenarios.size() << " scenarios, " << r.ExpectationCount()
    << " expectations\n";
  o << "  config        " << r.config_file << "\n";
  o << "  prometheus    " << r.prometheus_file << " (" << r.rule_files.size() << " rule file"
    << (r.rule_files.size() == 1 ? "" : "s") << ", " << r.alerting_rules << " alerting rules)\n";
  std::string ag;
  for (const auto& n : r.alertgate_receivers) ag += (ag.empty() ? "" : ", ") + n;
  o << "  alertmanager  " << r.alertmanager_file << " (" << r.routes << " route"
    << (r.routes == 1 ? "" : "s") << ", alertgate receiver: " << (ag.empty() ? "none" : ag)
    << ")\n";
  o << "  worst case = scrape + scrape_timeout + evaluation + for (whole evaluations) + send\n"
       "               + group_wait (new group) or group_interval (joins a group) [+ HA peer "
       "wait]\n";
  for (const auto& sc : r.scenarios) {
    o << "\n" << sc.id << "  " << sc.name << "  (gate " << D(sc.gate) << ")\n";
    for (const auto& e : sc.expectations) TextExpectation(o, e);
  }
  size_t counts[3] = {0, 0, 0};
  for (const auto& f : r.findings) ++counts[static_cast<int>(f.severity)];
  if (!r.findings.empty()) {
    o << "\nFindings: " << counts[0] << " error" << (counts[0] == 1 ? "" : "s") << ", " << counts[1]
      << " warning" << (counts[1] == 1 ? "" : "s") << ", " << counts[2] << " note"
      << (counts[2] == 1 ? "" : "s") << "\n";
    for (const auto& f : r.findings) {
      std::string sev = Name(f.severity);
      sev.resize(8, ' ');
      o << "  " << sev << f.where.ToString() << "  " << f.subject;
      if (!f.expectations.empty()) {
        o << "  [";
        for (size_t i = 0; i < f.expectations.size(); ++i) o << (i ? " " : "") << f.expectations[i];
        o << "]";
      }
      o << "\n          " << f.message << "\n          fix: " << f.fix << "\n";
    }
  }
  o << "\n";
  if (r.ok()) {
    Duration worst{0};
    std::string worst_ref;
    for (const auto& sc : r.scenarios) {
      for (const auto& e : sc.expectations) {
        if (e.best && e.candidates[*e.best].bound > worst) {
          worst = e.candidates[*e.best].bound;
          worst_ref = e.ref;
        }
      }
    }
    o << "ok: all " << r.ExpectationCount()
      << " expectations can meet their gates (slowest worst case " << D(worst) << ", " << worst_ref
      << ")\n";
  } else {
    o << "FAIL: " << r.FailingCount() << " of " << r.ExpectationCount()
      << " expectations cannot meet their gates\n";
  }
  return o.str();
}

std::string RenderLintJson(const LintReport& r) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("ok");
  w.Bool(r.ok());
  w.Key("expectations");
  w.Uint64(r.ExpectationCount());
  w.Key("failing");
  w.Uint64(r.FailingCount());
  w.Key("files");
  w.StartObject();
  w.Key("config");
  w.String(r.config_file);
  w.Key("prometheus");
  w.String(r.prometheus_file);
  w.Key("alertmanager");
  w.String(r.alertmanager_file);
  w.Key("rule_files");
  WriteStringArray(w, r.rule_files);
  w.EndObject();
  w.Key("alerting_rules");
  w.Uint64(r.alerting_rules);
  w.Key("routes");
  w.Uint64(r.routes);
  w.Key("alertgate_receivers");
  WriteStringArray(w, r.alertgate_receivers);
  w.Key("scenarios");
  w.StartArray();
  for (const auto& sc : r.scenarios) {
    w.StartObject();
    w.Key("id");
    w.String(sc.id);
    w.Key("name");
    w.String(sc.name);
    w.Key("gate_seconds");
    Seconds(w, sc.gate);
    w.Key("expectations");
    w.StartArray();
    for (const auto& e : sc.expectations) Expectation(w, e);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("findings");
  w.StartArray();
  for (const auto& f : r.findings) {
    w.StartObject();
    w.Key("severity");
    w.String(Name(f.severity));
    w.Key("kind");
    w.String(f.kind);
    Ref(w, f.where);
    w.Key("subject");
    w.String(f.subject);
    w.Key("message");
    w.String(f.message);
    w.Key("fix");
    w.String(f.fix);
    w.Key("expectations");
    WriteStringArray(w, f.expectations);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

}  // namespace alertgate
