// Store on an embedded SQLite database in WAL mode.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

struct sqlite3;

namespace alertgate {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database file at `path` (":memory:" for
  // tests) and applies the schema. Fails with a message naming the path when
  // the file cannot be opened or written.
  // `busy_timeout` is how long a write waits for a lock another process holds
  // before it fails (and the request gets 503, so Alertmanager retries).
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   Duration busy_timeout = std::chrono::seconds(5));
  // Opens an existing database for reading only (offline reports): nothing
  // is created or written, so it works on a read-only copy or mount. Writes
  // through it fail with kUnavailable.
  static Result<std::unique_ptr<SqliteStore>> OpenReadOnly(const std::string& path);
  ~SqliteStore() override;

  Result<std::optional<Drill>> GetDrill(const std::string& id) override;
  Result<std::vector<Drill>> ListDrills() override;
  Status InsertDrill(const Drill& drill) override;
  Status FinishDrill(const std::string& id, Timestamp at) override;
  Result<std::vector<Injection>> ListInjections(const std::string& drill) override;
  Status InsertInjection(const Injection& injection) override;
  Status ClearInjection(const std::string& drill, const std::string& id, Timestamp at) override;
  Result<WebhookReceipt> InsertWebhook(Timestamp received_at, std::string_view body,
                                       const std::vector<Notification>& alerts) override;
  Result<std::vector<Notification>> ListNotifications(Timestamp from, Timestamp to) override;
  Result<RetentionStats> DeleteOlderThan(Timestamp cutoff, Duration lookback) override;
  Status Ping() override;

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);           // REQUIRES: mu_ held
  Status Error(const std::string& what);  // REQUIRES: mu_ held

  // A connection to read on, locked for the caller: the read connection, so
  // that a long read (an open drill's notifications) never holds up a
  // commit; the write connection for ":memory:", which has no second one.
  struct ReadConn {
    std::unique_lock<std::mutex> lock;
    sqlite3* db;
  };
  ReadConn Reader();

  // One webhook waiting for the group commit (see InsertWebhook).
  struct PendingWebhook {
    Timestamp received_at;
    std::string_view body;
    const std::vector<Notification>* alerts;
    std::optional<Result<WebhookReceipt>> result;  // set once its batch committed or failed
  };
  static constexpr size_t kMaxBatch = 512;
  // Writes `batch` in one transaction and returns each webhook's result, in
  // order. Takes mu_; reads the batch's inputs only (results are set by the
  // caller under batch_mu_).
  std::vector<Result<WebhookReceipt>> CommitBatch(const std::vector<PendingWebhook*>& batch);

  std::mutex mu_;  // the write connection, serialized
  sqlite3* db_;
  std::mutex read_mu_;          // the read connection, serialized
  sqlite3* read_db_ = nullptr;  // WAL lets it read beside the writer

  std::mutex batch_mu_;
  std::condition_variable batch_cv_;
  std::deque<PendingWebhook*> queue_;  // GUARDED_BY(batch_mu_)
  bool leader_active_ = false;         // GUARDED_BY(batch_mu_)
};

}  // namespace alertgate
