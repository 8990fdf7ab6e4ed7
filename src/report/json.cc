#include "report/json.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>

#include "core/json.h"
#include "core/time.h"

namespace alertgate {
namespace {

template <typename W>
void Seconds(W& w, const std::optional<Duration>& d) {
  if (!d) {
    w.Null();
    return;
  }
  // Milliseconds are exact; print them as a decimal with at most 3 digits.
  const double s = ToSeconds(*d);
  if (std::fmod(s, 1.0) == 0.0) {
    w.Int64(d->count() / 1000);
  } else {
    w.Double(s);
  }
}

template <typename W>
void LabelsObject(W& w, const Labels& labels) {
  w.StartObject();
  for (const auto& [k, v] : labels) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v);
  }
  w.EndObject();
}

template <typename W>
void Alert(W& w, const AlertRef& a) {
  w.StartObject();
  w.Key("alertname");
  w.String(a.alertname);
  w.Key("fingerprint");
  w.String(a.fingerprint);
  w.Key("labels");
  LabelsObject(w, a.labels);
  w.Key("starts_at");
  w.String(FormatRfc3339(a.starts_at));
  w.Key("notified_at");
  w.String(FormatRfc3339(a.notified_at));
  w.EndObject();
}

template <typename W>
void Expectation(W& w, const ExpectationResult& e) {
  w.StartObject();
  w.Key("matchers");
  w.String(e.matchers);
  w.Key("status");
  w.String(Name(e.status));
  w.Key("alertname");
  if (e.alert) {
    w.String(e.alert->alertname);
  } else {
    w.Null();
  }
  w.Key("fingerprint");
  if (e.alert) {
    w.String(e.alert->fingerprint);
  } else {
    w.Null();
  }
  w.Key("starts_at");
  WriteTimeOrNull(w, e.alert ? std::optional<Timestamp>(e.alert->starts_at) : std::nullopt);
  w.Key("notified_at");
  WriteTimeOrNull(w, e.alert ? std::optional<Timestamp>(e.alert->notified_at) : std::nullopt);
  w.Key("resolved_at");
  WriteTimeOrNull(w, e.resolved_at);
  w.Key("time_to_fire_seconds");
  Seconds(w, e.time_to_fire);
  w.Key("time_to_notify_seconds");
  Seconds(w, e.time_to_notify);
  w.Key("clock_skew");
  w.Bool(e.clock_skew);
  w.EndObject();
}

template <typename W>
void Injection(W& w, const InjectionResult& ir) {
  w.StartObject();
  w.Key("id");
  w.String(ir.injection.id);
  w.Key("scenario");
  w.String(ir.injection.scenario);
  w.Key("name");
  w.String(ir.name);
  w.Key("runbook");
  w.String(ir.runbook);
  w.Key("injected_at");
  w.String(FormatRfc3339(ir.injection.injected_at));
  w.Key("cleared_at");
  WriteTimeOrNull(w, ir.injection.cleared_at);
  w.Key("gate_seconds");
  Seconds(w, ir.gate);
  w.Key("window_seconds");
  Seconds(w, ir.window);
  w.Key("window_ends_at");
  w.String(FormatRfc3339(ir.window_end));
  w.Key("verdict");
  w.String(Name(ir.verdict));
  w.Key("acceptance");
  w.String(Name(ir.acceptance));
  w.Key("time_to_alert_seconds");
  Seconds(w, ir.time_to_alert);
  w.Key("expectations");
  w.StartArray();
  for (const auto& e : ir.expectations) Expectation(w, e);
  w.EndArray();
  w.Key("pre_existing_alerts");
  w.StartArray();
  for (const auto& a : ir.pre_existing) Alert(w, a);
  w.EndArray();
  if (!ir.error.empty()) {
    w.Key("error");
    w.String(ir.error);
  }
  w.EndObject();
}

template <typename W>
void Document(W& w, const DrillResult& r) {
  w.StartObject();
  w.Key("drill");
  w.String(r.drill.id);
  w.Key("matchers");
  WriteStringArray(w, r.drill.matchers);
  w.Key("started_at");
  w.String(FormatRfc3339(r.drill.started_at));
  w.Key("finished_at");
  WriteTimeOrNull(w, r.drill.finished_at);
  w.Key("scenarios");
  WriteStringArray(w, r.drill.scenarios);
  w.Key("verdict");
  w.String(Name(r.verdict));
  w.Key("not_run");
  WriteStringArray(w, r.not_run);
  w.Key("injections");
  w.StartArray();
  for (const auto& ir : r.injections) Injection(w, ir);
  w.EndArray();
  w.Key("unexpected_alerts");
  w.StartArray();
  for (const auto& a : r.unexpected) Alert(w, a);
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string RenderResultsJson(const DrillResult& result, bool pretty) {
  rapidjson::StringBuffer buf;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    Document(w, result);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    Document(w, result);
  }
  return std::string(buf.GetString()) + "\n";
}

std::string RenderDrillListJson(const std::vector<DrillResult>& results) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("drills");
  w.StartArray();
  for (const auto& r : results) {
    w.StartObject();
    w.Key("drill");
    w.String(r.drill.id);
    w.Key("started_at");
    w.String(FormatRfc3339(r.drill.started_at));
    w.Key("finished_at");
    WriteTimeOrNull(w, r.drill.finished_at);
    w.Key("verdict");
    w.String(Name(r.verdict));
    w.Key("injections");
    w.Uint64(r.injections.size());
    w.Key("verdicts");
    w.StartObject();
    for (InjectionVerdict v : kAllInjectionVerdicts) {
      w.Key(Name(v));
      w.Uint64(static_cast<uint64_t>(
          std::count_if(r.injections.begin(), r.injections.end(),
                        [v](const InjectionResult& ir) { return ir.verdict == v; })));
    }
    w.EndObject();
    w.Key("unexpected_alerts");
    w.Uint64(r.unexpected.size());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString()) + "\n";
}

}  // namespace alertgate
