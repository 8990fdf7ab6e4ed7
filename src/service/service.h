// The drill service: the operations of the HTTP API, over a Store, a Clock
// and the current Config. It stamps facts with the clock, stores them, and
// keeps the metrics equal to Evaluate() of the stored facts.
//
// Thread-safe: mutations of drills and injections are serialized; webhooks
// are stored concurrently (the store serializes its own writes).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mutex.h"
#include "correlate/evaluate.h"
#include "ingest/webhook.h"
#include "metrics/metrics.h"
#include "store/store.h"

namespace alertgate {

// Drill ids: 1-128 characters of letters, digits, '.', '_', ':', '-', and
// not "." or "..".
Status ValidateDrillId(std::string_view id);

// How long before its drill started an injection's `at` may lie.
inline constexpr Duration kMaxInjectionLead = std::chrono::hours(24);

struct InjectRequest {
  std::string drill;
  std::string scenario;
  std::optional<Timestamp> at;  // when the fault was applied; default: now
  std::string key;              // idempotency key; empty for none
};

struct WebhookOutcome {
  size_t alerts = 0;      // alerts in the delivery
  size_t stored = 0;      // first receipts stored
  size_t duplicates = 0;  // resends dropped
  std::string receiver;
  std::string group_key;
};

// The results of `drill` from the facts in `store`, at `now`: its
// injections and the notifications its windows can see, through Evaluate().
// The one read path of both the server and the offline report.
Result<DrillResult> EvaluateStored(Store* store, const Drill& drill, const Config& config,
                                   Timestamp now);

class Service {
 public:
  // All pointers must outlive the service.
  Service(Store* store, const Clock* clock, Metrics* metrics, Logger* log,
          std::shared_ptr<const Config> config, WebhookLimits limits = {});

  std::shared_ptr<const Config> config() const;
  // Swaps the config and re-publishes every drill (results recompute from
  // the stored facts with the new scenarios).
  void SetConfig(std::shared_ptr<const Config> config);

  // Starts a drill, or returns the existing one when started again with the
  // same matchers and plan (*created = false). `scenarios` is the plan: the
  // scenario ids the drill must run before it can pass (may be empty).
  // kConflict when it exists with other matchers or another plan, or is
  // finished; kInvalidArgument for a bad id, matcher or a scenario listed
  // twice; kNotFound for a planned scenario the config does not have.
  Result<Drill> StartDrill(const std::string& id, const std::vector<std::string>& matchers,
                           const std::vector<std::string>& scenarios, bool* created);
  // Finishes a drill (idempotent: finishing again returns it unchanged).
  Result<Drill> FinishDrill(const std::string& id);

  // Records an injection stamped with the clock (or req.at). A request that
  // repeats an earlier key returns the first injection (*created = false).
  Result<Injection> Inject(const InjectRequest& req, bool* created);
  // Marks the injection cleared at `at` (default now); idempotent.
  Result<Injection> Clear(const std::string& drill, const std::string& id,
                          std::optional<Timestamp> at);

  // Stamps, parses and durably stores one Alertmanager delivery. Parsing
  // happens on the caller's thread; `done` runs once, after the group
  // commit (on the store's thread) or at once for bad input. Errors:
  // kInvalidArgument / kTooLarge for bad input (nothing stored),
  // kUnavailable when storage failed (Alertmanager should retry).
  void IngestWebhook(std::string body, std::function<void(Result<WebhookOutcome>)> done);

  // The results of one drill, evaluated now. kNotFound for an unknown drill.
  Result<DrillResult> Results(const std::string& drill);
  Result<std::vector<DrillResult>> ListResults();

  // Publishes every stored drill once (at startup) and remembers which are live.
  Status PublishAll();
  // Re-evaluates live drills (windows close by time even when nobody asks)
  // and publishes them. Called by a ticker about once a second.
  void Tick();
  // Called after a fact was stored, so the ticker can re-publish at once.
  void SetOnChange(std::function<void()> fn) { on_change_ = std::move(fn); }

  // Drops drills finished more than `retention` ago and notifications older
  // than every remaining drill (Store::DeleteOlderThan); their metrics go too.
  Result<RetentionStats> ApplyRetention(Duration retention);

  // Ready when the store answers and the last write did not fail.
  Status Ready();

 private:
  Result<DrillResult> EvaluateDrill(const Drill& drill, const Config& config, Timestamp now);
  // Updates metrics and the live set; logs verdicts that changed when `log_changes`.
  void Publish(const DrillResult& r, bool log_changes);
  void StorageFailed(const std::string& operation, const Status& s, const std::string& drill);
  void StorageOk();
  void Changed();

  Store* store_;
  const Clock* clock_;
  Metrics* metrics_;
  Logger* log_;
  WebhookLimits limits_;
  std::function<void()> on_change_;

  mutable Mutex config_mu_;
  std::shared_ptr<const Config> config_ AG_GUARDED_BY(config_mu_);

  Mutex mutate_mu_;  // serializes drill and injection mutations

  Mutex live_mu_;
  std::set<std::string> live_ AG_GUARDED_BY(live_mu_);  // drills that can still change
  std::map<std::string, InjectionVerdict> verdicts_ AG_GUARDED_BY(live_mu_);  // "drill/injection"

  std::atomic<bool> storage_ok_{true};
};

}  // namespace alertgate
