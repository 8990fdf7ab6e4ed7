// Store on an embedded SQLite database in WAL mode.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/store.h"

struct sqlite3;

namespace alertgate {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database file at `path` (":memory:" for
  // tests) and applies the schema. Fails with a message naming the path when
  // the file cannot be opened or written.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
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
  Result<RetentionStats> DeleteOlderThan(Timestamp cutoff) override;
  Status Ping() override;

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);           // REQUIRES: mu_ held
  Status Error(const std::string& what);  // REQUIRES: mu_ held

  std::mutex mu_;  // one connection, serialized
  sqlite3* db_;
};

}  // namespace alertgate
