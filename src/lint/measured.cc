// AttachMeasurements (lint/lint.h): the measured side of `lint --drill`.
#include <rapidjson/document.h>

#include <algorithm>

#include "core/duration.h"
#include "lint/lint.h"

namespace alertgate {

Status AttachMeasurements(const std::string& results_json, LintReport* report) {
  rapidjson::Document d;
  d.Parse(results_json.c_str(), results_json.size());
  if (d.HasParseError()) {
    return InvalidArgument("results document: not JSON (at offset " +
                           std::to_string(d.GetErrorOffset()) + ")");
  }
  if (!d.IsObject() || !d.HasMember("injections") || !d["injections"].IsArray()) {
    return InvalidArgument("results document: missing the \"injections\" list");
  }
  const std::string drill =
      d.HasMember("drill") && d["drill"].IsString() ? d["drill"].GetString() : std::string();
  for (auto& sc : report->scenarios) {
    for (auto& e : sc.expectations) {
      LintMeasurement m;
      m.drill = drill;
      for (const auto& inj : d["injections"].GetArray()) {
        if (!inj.IsObject() || !inj.HasMember("scenario") || !inj["scenario"].IsString()) {
          return InvalidArgument("results document: an injection without a \"scenario\"");
        }
        if (sc.id != inj["scenario"].GetString()) continue;
        ++m.injections;
        if (!inj.HasMember("expectations") || !inj["expectations"].IsArray()) continue;
        for (const auto& ex : inj["expectations"].GetArray()) {
          if (!ex.IsObject() || !ex.HasMember("matchers") || !ex["matchers"].IsString() ||
              e.matchers != ex["matchers"].GetString()) {
            continue;
          }
          if (!ex.HasMember("time_to_notify_seconds") || !ex["time_to_notify_seconds"].IsNumber()) {
            continue;
          }
          const double v = ex["time_to_notify_seconds"].GetDouble();
          if (!m.time_to_notify || v > *m.time_to_notify) {
            m.time_to_notify = v;
            m.injection = inj.HasMember("id") && inj["id"].IsString() ? inj["id"].GetString() : "";
          }
        }
      }
      if (m.injections == 0) continue;
      if (e.best && m.time_to_notify) {
        const LintCandidate& c = e.candidates[*e.best];
        m.above_bound = *m.time_to_notify > ToSeconds(c.bound);
        if (m.above_bound) {
          LintFinding f;
          f.severity = LintSeverity::kWarning;
          f.kind = "measured_above_bound";
          f.where = c.where;
          f.subject = "rule " + c.rule;
          f.message =
              "measured " + FormatMeasuredSeconds(*m.time_to_notify) + " in injection " +
              m.injection + " of drill " + drill + ", above the worst-case bound " +
              FormatDuration(c.bound) +
              (*m.time_to_notify > ToSeconds(e.gate) ? " and the gate " + FormatDuration(e.gate)
                                                     : std::string()) +
              ": something outside the model added time (the source noticing the "
              "fault, a retried webhook, a restart)";
          f.fix =
              "compare with ALERTS_FOR_STATE and the alert's startsAt in the drill report "
              "to see which stage took longer";
          f.expectations.push_back(e.ref);
          report->findings.push_back(std::move(f));
        }
      }
      e.measured = std::move(m);
    }
  }
  std::stable_sort(report->findings.begin(), report->findings.end(),
                   [](const LintFinding& a, const LintFinding& b) {
                     return static_cast<int>(a.severity) < static_cast<int>(b.severity);
                   });
  return Status::Ok();
}

}  // namespace alertgate
