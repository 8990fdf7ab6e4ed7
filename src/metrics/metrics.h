// alertgate's Prometheus metrics, on a prometheus-cpp registry the caller
// owns (served at /metrics on the API port; the pull module is not used).
//
// Results are published per drill: every series of a drill is replaced by
// the values of its latest DrillResult, so the exposition always equals what
// Evaluate() says now. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/mutex.h"
#include "correlate/evaluate.h"

namespace prometheus {
class Registry;
class Gauge;
class Counter;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace alertgate {

class Metrics {
 public:
  explicit Metrics(std::shared_ptr<prometheus::Registry> registry);
  ~Metrics();

  // One HTTP request answered with `code` after `seconds`, by handler: the
  // route pattern ("/api/v1/drills/{drill}"), or "other" for requests no
  // route took. Webhook requests are also counted in
  // alertgate_webhook_requests_total.
  void CountHttpRequest(const std::string& handler, int code, double seconds);
  // Connections open now, and those closed at accept (--web.max-connections).
  void SetHttpConnections(size_t open);
  void CountHttpConnectionRejected();
  // Notifications newly stored, by status, and resends dropped as duplicates.
  void CountNotifications(const std::vector<Notification>& stored, size_t duplicates);
  // A storage operation failed ("webhook", "injection", "drill", "read").
  void CountStorageError(const std::string& operation);
  void SetStorageHealthy(bool healthy);
  // A config (re)load attempt finished.
  void SetConfigReload(bool ok, Timestamp at);

  // Replaces the drill's series with `result`. The first time an injection
  // is seen decided, its verdict is counted and its time to alert observed in
  // the cross-drill histogram (so each injection is counted exactly once per
  // process; at startup every stored drill is published once).
  void PublishDrill(const DrillResult& result);

  // Removes every series of a drill that no longer exists (retention).
  void ForgetDrill(const std::string& drill);

  // The text exposition format (version 0.0.4).
  std::string Serialize() const;

 private:
  using GaugeFamily = prometheus::Family<prometheus::Gauge>;
  struct Series;

  void SetGauge(GaugeFamily* family, const std::map<std::string, std::string>& labels, double value,
                std::map<std::string, Series>* next) AG_REQUIRES(mu_);

  std::shared_ptr<prometheus::Registry> registry_;
  Mutex mu_;

  GaugeFamily* drill_verdict_;
  GaugeFamily* drill_started_;
  GaugeFamily* drill_finished_;
  GaugeFamily* drill_unexpected_;
  GaugeFamily* injection_verdict_;
  GaugeFamily* injection_gate_;
  GaugeFamily* injection_window_;
  GaugeFamily* injection_injected_;
  GaugeFamily* injection_cleared_;
  GaugeFamily* injection_first_notification_;
  GaugeFamily* injection_time_to_alert_;
  GaugeFamily* expectation_time_to_notify_;
  GaugeFamily* expectation_time_to_fire_;
  GaugeFamily* expectation_clock_skew_;
  prometheus::Family<prometheus::Histogram>* time_to_alert_hist_;
  prometheus::Family<prometheus::Counter>* verdicts_total_;
  prometheus::Family<prometheus::Counter>* webhook_requests_;
  prometheus::Family<prometheus::Counter>* http_requests_;
  prometheus::Family<prometheus::Histogram>* http_duration_;
  prometheus::Gauge* http_connections_;
  prometheus::Counter* http_rejected_;
  // The series of each (handler, code) seen, so that counting a request
  // costs one lookup instead of a Family::Add per family.
  struct HttpSeries {
    prometheus::Counter* requests;
    prometheus::Histogram* duration;
    prometheus::Counter* webhook;  // null unless the handler is the webhook's
  };
  Mutex http_mu_;
  std::unordered_map<std::string, HttpSeries> http_series_ AG_GUARDED_BY(http_mu_);
  prometheus::Counter* firing_;    // alertgate_notifications_total{status="firing"}
  prometheus::Counter* resolved_;  // ... {status="resolved"}
  prometheus::Family<prometheus::Counter>* notifications_;
  prometheus::Counter* duplicates_;
  prometheus::Family<prometheus::Counter>* storage_errors_;
  prometheus::Gauge* storage_healthy_;
  prometheus::Gauge* config_ok_;
  prometheus::Gauge* config_ts_;

  // Per drill: the series currently exported, keyed by family name + labels.
  std::map<std::string, std::map<std::string, Series>> drill_series_ AG_GUARDED_BY(mu_);
  std::set<std::string> decided_ AG_GUARDED_BY(mu_);  // "drill\x1finjection" already counted
};

}  // namespace alertgate
