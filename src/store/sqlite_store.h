// Store on an embedded SQLite database in WAL mode.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/mutex.h"
#include "store/store.h"

struct sqlite3;

namespace alertgate {
namespace sqlite_detail {
struct WriteStatements;
}

// The database file inside a --storage.path directory; ":memory:" (tests,
// benchmarks) is returned as it is.
std::string DatabasePath(const std::string& storage_path);

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
  void InsertWebhookAsync(Timestamp received_at, std::string body, std::vector<Notification> alerts,
                          WebhookDone done) override;
  Result<std::vector<Notification>> ListNotifications(Timestamp from, Timestamp to) override;
  Result<RetentionStats> DeleteOlderThan(Timestamp cutoff, Duration lookback) override;
  Status Ping() override;

 private:
  explicit SqliteStore(sqlite3* db);
  Status Exec(const char* sql) AG_REQUIRES(mu_);
  // The drills columns ReadDrill reads, in its order.
  const char* DrillColumns() const {
    return has_plans_ ? "id, matchers, started_at, finished_at, scenarios"
                      : "id, matchers, started_at, finished_at, '[]'";
  }
  Status Error(const std::string& what) AG_REQUIRES(mu_);

  // A connection to read on, locked while this object lives: the read
  // connection, so that a long read (an open drill's notifications) never
  // holds up a commit; the write connection for ":memory:", which has no
  // second one.
  class ReadConn {
   public:
    // Which mutex it takes depends on the store, which the analysis cannot follow.
    explicit ReadConn(SqliteStore* store) AG_NO_THREAD_SAFETY_ANALYSIS;
    ~ReadConn() AG_NO_THREAD_SAFETY_ANALYSIS;
    ReadConn(const ReadConn&) = delete;
    ReadConn& operator=(const ReadConn&) = delete;

    sqlite3* const db;

   private:
    Mutex* const mu_;
  };

  // One webhook waiting for the group commit.
  struct PendingWebhook {
    Timestamp received_at;
    std::string body;
    std::vector<Notification> alerts;
    WebhookDone done;
  };
  static constexpr size_t kMaxBatch = 512;
  // Writes `batch` in one transaction and returns each webhook's result, in
  // order; the stored notifications are moved out of the batch into the
  // receipts. Takes mu_.
  std::vector<Result<WebhookReceipt>> CommitBatch(std::vector<PendingWebhook>& batch)
      AG_EXCLUDES(mu_);
  // CommitBatch's transaction: fills (*receipts)[i] for batch[i]; on an
  // error, Error() has rolled it back and nothing of the batch is stored.
  Status WriteBatch(std::vector<PendingWebhook>& batch, std::vector<WebhookReceipt>* receipts)
      AG_REQUIRES(mu_);
  // The group commit: takes whatever is queued (up to kMaxBatch), commits it
  // and hands out the receipts, until the store is destroyed. The writer
  // thread only; started by Open.
  void WriterLoop();
  // Waits for queued webhooks and moves up to kMaxBatch of them into
  // `batch`; false once stopping with nothing left to write.
  bool NextBatch(std::vector<PendingWebhook>* batch) AG_EXCLUDES(queue_mu_);

  // The write connection, serialized by mu_ (db_ is set once, by Open;
  // sqlite3 calls on it hold mu_, or are ReadConn's on ":memory:").
  Mutex mu_;
  sqlite3* db_;
  std::unique_ptr<sqlite_detail::WriteStatements> write_stmts_ AG_GUARDED_BY(mu_);  // lazily
  Mutex read_mu_;               // the read connection, serialized
  sqlite3* read_db_ = nullptr;  // WAL lets it read beside the writer; set once, by Open

  bool has_plans_ = true;  // false for a version-1 file opened read-only

  Mutex queue_mu_;
  CondVar queue_cv_{&queue_mu_};
  std::deque<PendingWebhook> queue_ AG_GUARDED_BY(queue_mu_);
  bool stopping_ AG_GUARDED_BY(queue_mu_) = false;
  std::thread writer_;  // joined by the destructor after the queue drained
};

}  // namespace alertgate
