// Durable storage of the facts alertgate derives verdicts from.
//
// Every method either commits fully or changes nothing. A method that returns
// OK has committed to disk (SQLite WAL, synchronous=FULL), so the caller may
// acknowledge the request. Storage failures are kUnavailable: the caller
// answers 503 and Alertmanager retries. Implementations are thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "facts/facts.h"

namespace alertgate {

// Outcome of storing one webhook delivery.
struct WebhookReceipt {
  int64_t webhook_id = 0;
  // The notifications stored as new first receipts (with their ids set).
  std::vector<Notification> stored;
  // Alerts already stored under the same (fingerprint, startsAt, status).
  size_t duplicates = 0;
};

// What one retention pass removed.
struct RetentionStats {
  size_t drills = 0;
  size_t notifications = 0;
  size_t webhooks = 0;
  std::vector<std::string> drill_ids;  // the drills removed
};

// Called once with the outcome of an asynchronous webhook insert.
using WebhookDone = std::function<void(Result<WebhookReceipt>)>;

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::optional<Drill>> GetDrill(const std::string& id) = 0;
  // All drills, ordered by started_at then id.
  virtual Result<std::vector<Drill>> ListDrills() = 0;
  // Fails with kConflict if a drill with that id exists.
  virtual Status InsertDrill(const Drill& drill) = 0;
  // Sets finished_at; kNotFound for an unknown drill.
  virtual Status FinishDrill(const std::string& id, Timestamp at) = 0;

  // The drill's injections, ordered by injected_at then id.
  virtual Result<std::vector<Injection>> ListInjections(const std::string& drill) = 0;
  // Fails with kConflict on a duplicate (drill, id) or (drill, key).
  virtual Status InsertInjection(const Injection& injection) = 0;
  // Sets cleared_at; kNotFound for an unknown injection.
  virtual Status ClearInjection(const std::string& drill, const std::string& id, Timestamp at) = 0;

  // Stores the raw body and, in the same transaction, each alert as a
  // notification unless its (fingerprint, startsAt, status) is already stored:
  // the first receipt counts, resends are counted as duplicates. Deliveries
  // arriving together share one transaction and one fsync (group commit).
  // `done` runs exactly once, on a thread of the store's, after the commit
  // (or its failure): only then may the delivery be acknowledged. It must
  // not block and must not call back into the store.
  virtual void InsertWebhookAsync(Timestamp received_at, std::string body,
                                  std::vector<Notification> alerts, WebhookDone done) = 0;
  // InsertWebhookAsync, waiting for the outcome (tests, tools).
  Result<WebhookReceipt> InsertWebhook(Timestamp received_at, std::string_view body,
                                       const std::vector<Notification>& alerts);
  // Notifications received in [from, to], ordered by (received_at, id).
  virtual Result<std::vector<Notification>> ListNotifications(Timestamp from, Timestamp to) = 0;

  // Drops drills finished before `cutoff` with their injections, then the
  // webhooks and notifications received before both `cutoff` and `lookback`
  // before the start (or earliest injection) of every remaining drill, so no
  // kept drill loses the facts its evaluation reads (Evaluate looks one
  // window back from each injection). One transaction.
  virtual Result<RetentionStats> DeleteOlderThan(Timestamp cutoff, Duration lookback) = 0;

  // Cheap check that the database answers, for /-/ready.
  virtual Status Ping() = 0;
};

}  // namespace alertgate
