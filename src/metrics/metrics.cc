#include "metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace alertgate {

struct Metrics::Series {
  GaugeFamily* family;
  prometheus::Gauge* gauge;
};

namespace {

// Buckets around a one-minute gate: fine below it, coarse above.
const prometheus::Histogram::BucketBoundaries kTimeToAlertBuckets = {5,  10, 15,  20,  30,  45, 60,
                                                                     75, 90, 120, 180, 300, 600};

double Seconds(Timestamp t) { return static_cast<double>(ToUnixMillis(t)) / 1000.0; }

std::string SeriesKey(const std::string& family, const std::map<std::string, std::string>& l) {
  std::string key = family;
  for (const auto& [k, v] : l) {
    key += '\x1f';
    key += k;
    key += '=';
    key += v;
  }
  return key;
}

}  // namespace

Metrics::Metrics(std::shared_ptr<prometheus::Registry> registry) : registry_(std::move(registry)) {
  auto& r = *registry_;
  auto gauge = [&r](const char* name, const char* help) {
    return &prometheus::BuildGauge().Name(name).Help(help).Register(r);
  };
  drill_verdict_ = gauge("alertgate_drill_verdict",
                         "Verdict of each drill as a state set: 1 for the current verdict "
                         "(pass, fail, pending), 0 for the others.");
  drill_started_ =
      gauge("alertgate_drill_started_timestamp_seconds", "When the drill was started.");
  drill_finished_ =
      gauge("alertgate_drill_finished_timestamp_seconds", "When the drill was finished.");
  drill_unexpected_ = gauge("alertgate_drill_unexpected_alerts",
                            "Firing alerts received during the drill that match no injection.");
  injection_verdict_ =
      gauge("alertgate_injection_verdict",
            "Verdict of each injection as a state set: 1 for the current "
            "verdict (pass, late, incomplete, silent, pending), 0 for the others.");
  injection_gate_ = gauge("alertgate_injection_gate_seconds",
                          "Time-to-notify gate that applies to the injection.");
  injection_window_ = gauge("alertgate_injection_window_seconds",
                            "How long after the injection missing alerts stay undecided.");
  injection_injected_ =
      gauge("alertgate_injection_injected_timestamp_seconds", "When the fault was injected.");
  injection_cleared_ =
      gauge("alertgate_injection_cleared_timestamp_seconds", "When the fault was cleared.");
  injection_first_notification_ =
      gauge("alertgate_injection_first_notification_timestamp_seconds",
            "When the first matching notification for the injection arrived.");
  injection_time_to_alert_ =
      gauge("alertgate_injection_time_to_alert_seconds",
            "Time from injection to the first matching notification (time to first signal).");
  expectation_time_to_notify_ =
      gauge("alertgate_expectation_time_to_notify_seconds",
            "Time from injection to the first notification of each expected alert.");
  expectation_time_to_fire_ =
      gauge("alertgate_expectation_time_to_fire_seconds",
            "Time from injection to the alert's startsAt (Prometheus's clock).");
  expectation_clock_skew_ =
      gauge("alertgate_expectation_clock_skew",
            "1 when the alert's startsAt is later than its receipt beyond the skew tolerance.");
  time_to_alert_hist_ = &prometheus::BuildHistogram()
                             .Name("alertgate_time_to_alert_seconds")
                             .Help("Time to first signal of decided injections, across drills.")
                             .Register(r);
  verdicts_total_ = &prometheus::BuildCounter()
                         .Name("alertgate_injection_verdicts_total")
                         .Help("Decided injections by scenario and verdict, across drills.")
                         .Register(r);
  webhook_requests_ = &prometheus::BuildCounter()
                           .Name("alertgate_webhook_requests_total")
                           .Help("Webhook requests by HTTP status code.")
                           .Register(r);
  http_requests_ = &prometheus::BuildCounter()
                        .Name("alertgate_http_requests_total")
                        .Help("HTTP requests by handler (route pattern) and status code.")
                        .Register(r);
  http_duration_ = &prometheus::BuildHistogram()
                        .Name("alertgate_http_request_duration_seconds")
                        .Help("Time from a request's header to its answer, by handler.")
                        .Register(r);
  http_connections_ = &gauge("alertgate_http_connections", "HTTP connections open now.")->Add({});
  http_rejected_ = &prometheus::BuildCounter()
                        .Name("alertgate_http_connections_rejected_total")
                        .Help(
                            "Connections closed at accept because --web.max-connections "
                            "were open.")
                        .Register(r)
                        .Add({});
  notifications_ = &prometheus::BuildCounter()
                        .Name("alertgate_notifications_total")
                        .Help("Alerts stored as first receipts, by status.")
                        .Register(r);
  duplicates_ = &prometheus::BuildCounter()
                     .Name("alertgate_notifications_duplicate_total")
                     .Help(
                         "Alerts received again (retry, group update, repeat, HA peer), "
                         "dropped by (fingerprint, startsAt, status).")
                     .Register(r)
                     .Add({});
  storage_errors_ = &prometheus::BuildCounter()
                         .Name("alertgate_storage_errors_total")
                         .Help("Storage operations that failed, by operation.")
                         .Register(r);
  storage_healthy_ = &gauge("alertgate_storage_healthy",
                            "1 when the last storage write succeeded, 0 after a failure.")
                          ->Add({});
  storage_healthy_->Set(1);
  config_ok_ = &gauge("alertgate_config_last_reload_successful",
                      "Whether the last configuration reload attempt was successful.")
                    ->Add({});
  config_ts_ = &gauge("alertgate_config_last_reload_success_timestamp_seconds",
                      "Timestamp of the last successful configuration reload.")
                    ->Add({});
  gauge("alertgate_build_info", "A metric with a constant '1' value labeled by version.")
      ->Add({{"version", ALERTGATE_VERSION}})
      .Set(1);
  firing_ = &notifications_->Add({{"status", "firing"}});
  resolved_ = &notifications_->Add({{"status", "resolved"}});
  for (const char* code : {"200", "400", "413", "503"}) webhook_requests_->Add({{"code", code}});
  storage_errors_->Add({{"operation", "webhook"}});
}

Metrics::~Metrics() = default;

// Fine below 10 ms (webhooks, health), coarse up to report rendering.
const prometheus::Histogram::BucketBoundaries kHttpBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

void Metrics::CountHttpRequest(const std::string& handler, int code, double seconds) {
  const std::string c = std::to_string(code);
  HttpSeries series;
  {
    MutexLock lock(&http_mu_);
    auto [it, inserted] = http_series_.try_emplace(handler + '\x1f' + c);
    if (inserted) {
      it->second.requests = &http_requests_->Add({{"handler", handler}, {"code", c}});
      it->second.duration = &http_duration_->Add({{"handler", handler}}, kHttpBuckets);
      it->second.webhook =
          handler == "/api/v1/webhook" ? &webhook_requests_->Add({{"code", c}}) : nullptr;
    }
    series = it->second;
  }
  series.requests->Increment();
  series.duration->Observe(seconds);
  if (series.webhook != nullptr) series.webhook->Increment();
}

void Metrics::SetHttpConnections(size_t open) { http_connections_->Set(static_cast<double>(open)); }

void Metrics::CountHttpConnectionRejected() { http_rejected_->Increment(); }

void Metrics::CountNotifications(const std::vector<Notification>& stored, size_t duplicates) {
  for (const auto& n : stored) {
    if (n.status == AlertStatus::kFiring) {
      firing_->Increment();
    } else {
      resolved_->Increment();
    }
  }
  duplicates_->Increment(static_cast<double>(duplicates));
}

void Metrics::CountStorageError(const std::string& operation) {
  storage_errors_->Add({{"operation", operation}}).Increment();
  storage_healthy_->Set(0);
}

void Metrics::SetStorageHealthy(bool healthy) { storage_healthy_->Set(healthy ? 1 : 0); }

void Metrics::SetConfigReload(bool ok, Timestamp at) {
  config_ok_->Set(ok ? 1 : 0);
  if (ok) config_ts_->Set(Seconds(at));
}

void Metrics::SetGauge(GaugeFamily* family, const std::map<std::string, std::string>& labels,
                       double value, std::map<std::string, Series>* next) {
  auto& g = family->Add(labels);
  g.Set(value);
  (*next)[SeriesKey(family->GetName(), labels)] = Series{family, &g};
}

void Metrics::PublishDrill(const DrillResult& result) {
  MutexLock lock(&mu_);
  const std::string& drill = result.drill.id;
  std::map<std::string, Series> next;

  for (DrillVerdict v : kAllDrillVerdicts) {
    SetGauge(drill_verdict_, {{"drill", drill}, {"verdict", Name(v)}}, v == result.verdict ? 1 : 0,
             &next);
  }
  SetGauge(drill_started_, {{"drill", drill}}, Seconds(result.drill.started_at), &next);
  if (result.drill.finished_at) {
    SetGauge(drill_finished_, {{"drill", drill}}, Seconds(*result.drill.finished_at), &next);
  }
  SetGauge(drill_unexpected_, {{"drill", drill}}, static_cast<double>(result.unexpected.size()),
           &next);

  for (const auto& ir : result.injections) {
    const auto& inj = ir.injection;
    const std::map<std::string, std::string> base = {
        {"drill", drill}, {"scenario", inj.scenario}, {"injection", inj.id}};
    for (InjectionVerdict v : kAllInjectionVerdicts) {
      auto labels = base;
      labels["verdict"] = Name(v);
      SetGauge(injection_verdict_, labels, v == ir.verdict ? 1 : 0, &next);
    }
    SetGauge(injection_gate_, base, ToSeconds(ir.gate), &next);
    SetGauge(injection_window_, base, ToSeconds(ir.window), &next);
    SetGauge(injection_injected_, base, Seconds(inj.injected_at), &next);
    if (inj.cleared_at) SetGauge(injection_cleared_, base, Seconds(*inj.cleared_at), &next);
    if (ir.time_to_alert) {
      SetGauge(injection_time_to_alert_, base, ToSeconds(*ir.time_to_alert), &next);
      SetGauge(injection_first_notification_, base, Seconds(inj.injected_at + *ir.time_to_alert),
               &next);
    }
    for (const auto& e : ir.expectations) {
      auto labels = base;
      labels["expectation"] = e.name;
      if (e.time_to_notify) {
        SetGauge(expectation_time_to_notify_, labels, ToSeconds(*e.time_to_notify), &next);
      }
      if (e.time_to_fire) {
        SetGauge(expectation_time_to_fire_, labels, ToSeconds(*e.time_to_fire), &next);
        SetGauge(expectation_clock_skew_, labels, e.clock_skew ? 1 : 0, &next);
      }
    }
    if (ir.verdict != InjectionVerdict::kPending &&
        decided_.insert(drill + '\x1f' + inj.id).second) {
      verdicts_total_->Add({{"scenario", inj.scenario}, {"verdict", Name(ir.verdict)}}).Increment();
      if (ir.time_to_alert) {
        time_to_alert_hist_->Add({{"scenario", inj.scenario}}, kTimeToAlertBuckets)
            .Observe(ToSeconds(*ir.time_to_alert));
      }
    }
  }

  auto& current = drill_series_[drill];
  for (const auto& [key, series] : current) {
    if (next.count(key) == 0) series.family->Remove(series.gauge);
  }
  current = std::move(next);
}

void Metrics::ForgetDrill(const std::string& drill) {
  MutexLock lock(&mu_);
  auto it = drill_series_.find(drill);
  if (it == drill_series_.end()) return;
  for (const auto& [key, series] : it->second) series.family->Remove(series.gauge);
  drill_series_.erase(it);
}

std::string Metrics::Serialize() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace alertgate
