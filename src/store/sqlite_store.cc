#include "store/sqlite_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>

#include "core/json.h"
#include "core/text.h"

namespace alertgate {

namespace sqlite_detail {

// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool prepared() const { return rc_ == SQLITE_OK; }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Binds without a copy: `v` must stay alive and unchanged until the
  // statement is stepped to completion or reset.
  void BindStatic(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void BindStaticBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, Timestamp t) { sqlite3_bind_int64(stmt_, i, ToUnixMillis(t)); }
  void Bind(int i, const std::optional<Timestamp>& t) {
    if (t) {
      Bind(i, *t);
    } else {
      sqlite3_bind_null(stmt_, i);
    }
  }
  void BindOptText(int i, const std::string& v) {
    if (v.empty()) {
      sqlite3_bind_null(stmt_, i);
    } else {
      Bind(i, v);
    }
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(stmt_, col));
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  Timestamp Time(int col) const { return FromUnixMillis(Int(col)); }
  std::optional<Timestamp> OptTime(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return Time(col);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

// The statements of the group commit, prepared once on the write connection.
struct WriteStatements {
  explicit WriteStatements(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT"),
        webhook(db, "INSERT INTO webhooks (received_at, body) VALUES (?, ?)"),
        notification(
            db,
            "INSERT OR IGNORE INTO notifications (webhook_id, received_at, fingerprint, "
            "starts_at, ends_at, status, receiver, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?)") {}
  bool prepared() const {
    return begin.prepared() && commit.prepared() && webhook.prepared() && notification.prepared();
  }
  Stmt begin;
  Stmt commit;
  Stmt webhook;
  Stmt notification;
};

}  // namespace sqlite_detail

using sqlite_detail::Stmt;

namespace {

// The schema this binary writes (PRAGMA user_version). Timestamps are Unix
// milliseconds (INTEGER). A new database gets kSchema; an older one is
// brought up to date by kMigrations, in place, in one transaction each.
constexpr int kSchemaVersion = 2;
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS drills (
  id          TEXT PRIMARY KEY,
  matchers    TEXT NOT NULL,             -- JSON array of matcher strings
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  scenarios   TEXT NOT NULL DEFAULT '[]' -- JSON array: the plan
);
CREATE TABLE IF NOT EXISTS injections (
  drill       TEXT NOT NULL REFERENCES drills(id),
  id          TEXT NOT NULL,
  scenario    TEXT NOT NULL,
  injected_at INTEGER NOT NULL,
  cleared_at  INTEGER,
  idem_key    TEXT,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (drill, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS injections_key ON injections(drill, idem_key)
  WHERE idem_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS webhooks (
  id          INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  body        BLOB NOT NULL               -- the raw request body, verbatim
);
CREATE TABLE IF NOT EXISTS notifications (
  id          INTEGER PRIMARY KEY,
  webhook_id  INTEGER NOT NULL REFERENCES webhooks(id),
  received_at INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  status      TEXT NOT NULL,
  receiver    TEXT NOT NULL,
  labels      TEXT NOT NULL,              -- JSON object
  UNIQUE (fingerprint, starts_at, status)
);
CREATE INDEX IF NOT EXISTS notifications_received ON notifications(received_at, id);
PRAGMA user_version = 2;
)sql";

// kMigrations[v - 1] takes a database from version v to v + 1.
constexpr const char* kMigrations[] = {
    // 1 → 2: drill plans.
    "ALTER TABLE drills ADD COLUMN scenarios TEXT NOT NULL DEFAULT '[]'; PRAGMA user_version = 2;",
};
static_assert(std::size(kMigrations) == kSchemaVersion - 1, "one migration per version");

// The database's PRAGMA user_version (0 for a new, empty file); -1 on error.
int SchemaVersion(sqlite3* db) {
  Stmt s(db, "PRAGMA user_version");
  if (!s.prepared() || s.Step() != SQLITE_ROW) return -1;
  return static_cast<int>(s.Int(0));
}

Status NewerSchema(const std::string& path, int version) {
  return Unavailable("database " + path + " has schema version " + std::to_string(version) +
                     ", newer than this alertgate knows (" + std::to_string(kSchemaVersion) +
                     "): it was written by a newer release; run that release, or restore "
                     "a backup taken before the upgrade");
}

std::string StringsToJson(const std::vector<std::string>& items) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  WriteStringArray(w, items);
  return buf.GetString();
}

// A stored column that does not hold what alertgate wrote: the database was
// changed by something else, or is damaged. Never read as empty.
Status Corrupt(const char* what, const std::string& row) {
  return Internal("corrupt " + std::string(what) + " in stored row " + QuoteForMessage(row) +
                  " (the database was changed outside alertgate, or is damaged)");
}

Result<std::vector<std::string>> StringsFromJson(const std::string& text, const std::string& row) {
  std::vector<std::string> out;
  rapidjson::Document d;
  d.Parse(text);
  if (d.HasParseError() || !d.IsArray()) return Corrupt("matchers", row);
  for (const auto& v : d.GetArray()) {
    if (!v.IsString()) return Corrupt("matchers", row);
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

std::string LabelsToJson(const Labels& labels) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : labels) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v);
  }
  w.EndObject();
  return buf.GetString();
}

Result<Labels> LabelsFromJson(const std::string& text, const std::string& row) {
  Labels out;
  rapidjson::Document d;
  d.Parse(text);
  if (d.HasParseError() || !d.IsObject()) return Corrupt("labels", row);
  for (const auto& m : d.GetObject()) {
    if (!m.value.IsString()) return Corrupt("labels", row);
    out.emplace(std::string(m.name.GetString(), m.name.GetStringLength()),
                std::string(m.value.GetString(), m.value.GetStringLength()));
  }
  return out;
}

// A failed read: the statement's error, no transaction to roll back.
Status ReadError(sqlite3* db, const std::string& what) {
  return Unavailable(what + ": " + sqlite3_errmsg(db));
}

// A row of SELECT id, matchers, started_at, finished_at, scenarios.
Result<Drill> ReadDrill(const Stmt& s) {
  Drill d;
  d.id = s.Text(0);
  auto matchers = StringsFromJson(s.Text(1), "drill " + d.id);
  if (!matchers.ok()) return matchers.status();
  d.matchers = std::move(matchers).value();
  d.started_at = s.Time(2);
  d.finished_at = s.OptTime(3);
  auto plan = StringsFromJson(s.Text(4), "drill " + d.id);
  if (!plan.ok()) return plan.status();
  d.scenarios = std::move(plan).value();
  return d;
}

// A row of SELECT drill, id, scenario, injected_at, cleared_at, idem_key,
// recorded_at.
Result<Injection> ReadInjection(const Stmt& s) {
  Injection i;
  i.drill = s.Text(0);
  i.id = s.Text(1);
  i.scenario = s.Text(2);
  i.injected_at = s.Time(3);
  i.cleared_at = s.OptTime(4);
  i.key = s.Text(5);
  i.recorded_at = s.Time(6);
  return i;
}

// A row of SELECT id, webhook_id, received_at, fingerprint, starts_at,
// ends_at, status, receiver, labels.
Result<Notification> ReadNotification(const Stmt& s) {
  Notification n;
  n.id = s.Int(0);
  n.webhook_id = s.Int(1);
  n.received_at = s.Time(2);
  n.fingerprint = s.Text(3);
  n.starts_at = s.Time(4);
  n.ends_at = s.Time(5);
  const std::optional<AlertStatus> status = ParseAlertStatus(s.Text(6));
  if (!status) return Corrupt("status", "notification " + std::to_string(n.id));
  n.status = *status;
  n.receiver = s.Text(7);
  auto labels = LabelsFromJson(s.Text(8), "notification " + std::to_string(n.id));
  if (!labels.ok()) return labels.status();
  n.labels = std::move(labels).value();
  return n;
}

// Every row of `s`, read with `read_row`; a failed step is a read error
// naming `what`, a row that does not read is the row's error.
template <typename T>
Result<std::vector<T>> ReadAll(sqlite3* db, Stmt& s, const char* what,
                               Result<T> (*read_row)(const Stmt&)) {
  std::vector<T> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    auto row = read_row(s);
    if (!row.ok()) return row.status();
    out.push_back(std::move(row).value());
  }
  if (rc != SQLITE_DONE) return ReadError(db, what);
  return out;
}

}  // namespace

std::string DatabasePath(const std::string& storage_path) {
  if (storage_path == ":memory:") return storage_path;
  return (std::filesystem::path(storage_path) / "alertgate.db").string();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       Duration busy_timeout) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Unavailable("cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  MutexLock lock(&store->mu_);
  // Before anything writes to the file: a newer release's database is left as it is.
  const int version = SchemaVersion(store->db_);
  if (version > kSchemaVersion) return NewerSchema(path, version);
  // WAL + synchronous=FULL: a commit that returned is on disk, and survives
  // kill -9 and power loss.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", "PRAGMA foreign_keys=ON;"}) {
    Status s = store->Exec(pragma);
    if (!s.ok()) return s.WithContext(path + ": ");
  }
  if (version < 0) return store->Error(path + ": reading the schema version");
  // A new file gets the whole schema (its version is set last, so a crash
  // half-way leaves version 0 and the next start completes it); an older one
  // each migration in its own transaction.
  if (version == 0) {
    Status s = store->Exec(kSchema);
    if (!s.ok()) return s.WithContext(path + ": ");
  }
  for (int v = version == 0 ? kSchemaVersion : version; v < kSchemaVersion; ++v) {
    const std::string migration =
        std::string("BEGIN IMMEDIATE; ") + kMigrations[v - 1] + " COMMIT;";
    Status s = store->Exec(migration.c_str());
    if (!s.ok()) {
      return s.WithContext(path + ": migrating the schema to version " + std::to_string(v + 1) +
                           ": ");
    }
  }
  // An up-to-date file was not written to; prove it is writable now rather
  // than at the first webhook.
  Status s = store->Exec("BEGIN IMMEDIATE; COMMIT;");
  if (!s.ok()) return s.WithContext(path + ": database is not writable: ");
  if (path != ":memory:") {
    rc = sqlite3_open_v2(path.c_str(), &store->read_db_,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_busy_timeout(store->read_db_, static_cast<int>(busy_timeout.count()));
      rc = sqlite3_exec(store->read_db_, "PRAGMA query_only=ON;", nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_OK) {
      return Unavailable(
          "cannot open a read connection to " + path + ": " +
          (store->read_db_ != nullptr ? sqlite3_errmsg(store->read_db_) : sqlite3_errstr(rc)));
    }
  }
  store->writer_ = std::thread([raw = store.get()] { raw->WriterLoop(); });
  return store;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::OpenReadOnly(const std::string& path) {
  // A WAL database needs its -shm file to be read. In a directory nobody may
  // write, and with no -shm left by a running server, open it as immutable:
  // nothing can change a file there.
  std::string error;
  for (const char* mode : {"ro", "ro&immutable=1"}) {
    std::string uri = "file:";
    for (const char c : path) {
      if (c == '?' || c == '#' || c == '%') {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        uri += hex;
      } else {
        uri += c;
      }
    }
    uri += std::string("?mode=") + mode;
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(
        uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, nullptr);
    const int version = rc == SQLITE_OK ? SchemaVersion(db) : -1;
    if (version > kSchemaVersion) {
      sqlite3_close(db);
      return NewerSchema(path, version);
    }
    if (rc == SQLITE_OK) {
      // Opening is lazy: read the schema now so a missing -shm shows here.
      rc = sqlite3_exec(db, "SELECT count(*) FROM drills", nullptr, nullptr, nullptr);
    }
    if (rc == SQLITE_OK) {
      std::unique_ptr<SqliteStore> store(new SqliteStore(db));
      // Read-only cannot migrate: a version-1 file is read as having no plans.
      store->has_plans_ = version >= 2;
      return store;
    }
    error = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
  }
  return Unavailable("cannot read database " + path + ": " + error);
}

SqliteStore::SqliteStore(sqlite3* db) : db_(db) {}

SqliteStore::~SqliteStore() {
  if (writer_.joinable()) {
    {
      MutexLock lock(&queue_mu_);
      stopping_ = true;
      queue_cv_.Signal();
    }
    writer_.join();
  }
  write_stmts_.reset();  // statements are finalized before their connection closes
  sqlite3_close(read_db_);
  sqlite3_close(db_);
}

SqliteStore::ReadConn::ReadConn(SqliteStore* store)
    : db(store->read_db_ != nullptr ? store->read_db_ : store->db_),
      mu_(store->read_db_ != nullptr ? &store->read_mu_ : &store->mu_) {
  mu_->Lock();
}

SqliteStore::ReadConn::~ReadConn() { mu_->Unlock(); }

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return Unavailable(msg);
  }
  return Status::Ok();
}

Status SqliteStore::Error(const std::string& what) {
  std::string msg = what + ": " + sqlite3_errmsg(db_);
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return Unavailable(msg);
}

Result<std::optional<Drill>> SqliteStore::GetDrill(const std::string& id) {
  ReadConn r(this);
  const std::string sql = std::string("SELECT ") + DrillColumns() + " FROM drills WHERE id = ?";
  Stmt s(r.db, sql.c_str());
  if (!s.prepared()) return ReadError(r.db, "reading drill");
  s.Bind(1, id);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<Drill>();
  if (rc != SQLITE_ROW) return ReadError(r.db, "reading drill");
  auto drill = ReadDrill(s);
  if (!drill.ok()) return drill.status();
  return std::optional<Drill>(std::move(drill).value());
}

Result<std::vector<Drill>> SqliteStore::ListDrills() {
  ReadConn r(this);
  const std::string sql =
      std::string("SELECT ") + DrillColumns() + " FROM drills ORDER BY started_at, id";
  Stmt s(r.db, sql.c_str());
  if (!s.prepared()) return ReadError(r.db, "listing drills");
  return ReadAll(r.db, s, "listing drills", ReadDrill);
}

Status SqliteStore::InsertDrill(const Drill& drill) {
  MutexLock lock(&mu_);
  Stmt s(db_,
         "INSERT INTO drills (id, matchers, started_at, finished_at, scenarios) "
         "VALUES (?, ?, ?, ?, ?)");
  if (!s.prepared()) return Error("storing drill");
  s.Bind(1, drill.id);
  s.Bind(2, StringsToJson(drill.matchers));
  s.Bind(3, drill.started_at);
  s.Bind(4, drill.finished_at);
  s.Bind(5, StringsToJson(drill.scenarios));
  int rc = s.Step();
  if (rc == SQLITE_CONSTRAINT)
    return Conflict("drill " + QuoteForMessage(drill.id) + " already exists");
  if (rc != SQLITE_DONE) return Error("storing drill");
  return Status::Ok();
}

Status SqliteStore::FinishDrill(const std::string& id, Timestamp at) {
  MutexLock lock(&mu_);
  Stmt s(db_, "UPDATE drills SET finished_at = ? WHERE id = ?");
  if (!s.prepared()) return Error("finishing drill");
  s.Bind(1, at);
  s.Bind(2, id);
  if (s.Step() != SQLITE_DONE) return Error("finishing drill");
  if (sqlite3_changes(db_) == 0) return NotFound("unknown drill " + QuoteForMessage(id));
  return Status::Ok();
}

Result<std::vector<Injection>> SqliteStore::ListInjections(const std::string& drill) {
  ReadConn r(this);
  Stmt s(r.db,
         "SELECT drill, id, scenario, injected_at, cleared_at, idem_key, recorded_at "
         "FROM injections WHERE drill = ? ORDER BY injected_at, id");
  if (!s.prepared()) return ReadError(r.db, "listing injections");
  s.Bind(1, drill);
  return ReadAll(r.db, s, "listing injections", ReadInjection);
}

Status SqliteStore::InsertInjection(const Injection& inj) {
  MutexLock lock(&mu_);
  Stmt s(db_,
         "INSERT INTO injections (drill, id, scenario, injected_at, cleared_at, idem_key, "
         "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!s.prepared()) return Error("storing injection");
  s.Bind(1, inj.drill);
  s.Bind(2, inj.id);
  s.Bind(3, inj.scenario);
  s.Bind(4, inj.injected_at);
  s.Bind(5, inj.cleared_at);
  s.BindOptText(6, inj.key);
  s.Bind(7, inj.recorded_at);
  int rc = s.Step();
  if (rc == SQLITE_CONSTRAINT) {
    if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return NotFound("unknown drill " + QuoteForMessage(inj.drill));
    }
    if (!inj.key.empty()) {
      return Conflict("injection " + QuoteForMessage(inj.id) + " or key " +
                      QuoteForMessage(inj.key) + " already exists");
    }
    return Conflict("injection " + QuoteForMessage(inj.id) + " already exists");
  }
  if (rc != SQLITE_DONE) return Error("storing injection");
  return Status::Ok();
}

Status SqliteStore::ClearInjection(const std::string& drill, const std::string& id, Timestamp at) {
  MutexLock lock(&mu_);
  Stmt s(db_, "UPDATE injections SET cleared_at = ? WHERE drill = ? AND id = ?");
  if (!s.prepared()) return Error("clearing injection");
  s.Bind(1, at);
  s.Bind(2, drill);
  s.Bind(3, id);
  if (s.Step() != SQLITE_DONE) return Error("clearing injection");
  if (sqlite3_changes(db_) == 0) {
    return NotFound("unknown injection " + QuoteForMessage(id) + " in drill " +
                    QuoteForMessage(drill));
  }
  return Status::Ok();
}

// Group commit: callers queue their webhooks; the writer thread writes
// everything queued in one transaction and one fsync, then hands each caller
// its own receipt. A caller hears back only after its webhook is committed,
// so acknowledging it stays safe; under load the cost of the fsync is shared
// instead of paid per request, and no caller's thread waits for it.
void SqliteStore::InsertWebhookAsync(Timestamp received_at, std::string body,
                                     std::vector<Notification> alerts, WebhookDone done) {
  if (!writer_.joinable()) {
    done(Unavailable("storing webhook: the database is open read-only"));
    return;
  }
  MutexLock lock(&queue_mu_);
  queue_.push_back(
      PendingWebhook{received_at, std::move(body), std::move(alerts), std::move(done)});
  queue_cv_.Signal();
}

void SqliteStore::WriterLoop() {
  std::vector<PendingWebhook> batch;
  while (NextBatch(&batch)) {
    std::vector<Result<WebhookReceipt>> results = CommitBatch(batch);
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
    batch.clear();
  }
}

bool SqliteStore::NextBatch(std::vector<PendingWebhook>* batch) {
  MutexLock lock(&queue_mu_);
  while (!stopping_ && queue_.empty()) queue_cv_.Wait();
  if (queue_.empty()) return false;  // stopping, and everything queued was written
  while (!queue_.empty() && batch->size() < kMaxBatch) {
    batch->push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return true;
}

std::vector<Result<WebhookReceipt>> SqliteStore::CommitBatch(std::vector<PendingWebhook>& batch) {
  std::vector<WebhookReceipt> receipts(batch.size());
  Status status;
  {
    MutexLock lock(&mu_);
    status = WriteBatch(batch, &receipts);
  }
  std::vector<Result<WebhookReceipt>> results;
  results.reserve(batch.size());
  for (auto& receipt : receipts) {
    results.push_back(status.ok() ? Result<WebhookReceipt>(std::move(receipt))
                                  : Result<WebhookReceipt>(status));
  }
  return results;
}

Status SqliteStore::WriteBatch(std::vector<PendingWebhook>& batch,
                               std::vector<WebhookReceipt>* receipts) {
  if (!write_stmts_) write_stmts_ = std::make_unique<sqlite_detail::WriteStatements>(db_);
  sqlite_detail::WriteStatements& st = *write_stmts_;
  std::string labels;
  if (!st.prepared()) return Error("storing webhook");
  st.begin.Reset();
  if (st.begin.Step() != SQLITE_DONE) return Error("storing webhook: BEGIN");
  for (size_t i = 0; i < batch.size(); ++i) {
    PendingWebhook& p = batch[i];
    WebhookReceipt& receipt = (*receipts)[i];
    st.webhook.Reset();
    st.webhook.Bind(1, p.received_at);
    st.webhook.BindStaticBlob(2, p.body);
    if (st.webhook.Step() != SQLITE_DONE) return Error("storing webhook");
    receipt.webhook_id = sqlite3_last_insert_rowid(db_);
    for (auto& a : p.alerts) {
      labels = LabelsToJson(a.labels);
      auto& n = st.notification;
      n.Reset();
      n.Bind(1, receipt.webhook_id);
      n.Bind(2, p.received_at);
      n.BindStatic(3, a.fingerprint);
      n.Bind(4, a.starts_at);
      n.Bind(5, a.ends_at);
      n.BindStatic(6, AlertStatusName(a.status));
      n.BindStatic(7, a.receiver);
      n.BindStatic(8, labels);
      if (n.Step() != SQLITE_DONE) return Error("storing notifications");
      if (sqlite3_changes(db_) == 0) {
        ++receipt.duplicates;
        continue;
      }
      a.id = sqlite3_last_insert_rowid(db_);
      a.webhook_id = receipt.webhook_id;
      a.received_at = p.received_at;
      receipt.stored.push_back(std::move(a));  // the batch's copy is not needed after this
    }
  }
  st.commit.Reset();
  if (st.commit.Step() != SQLITE_DONE) return Error("storing webhook: COMMIT");
  return Status::Ok();
}

Result<std::vector<Notification>> SqliteStore::ListNotifications(Timestamp from, Timestamp to) {
  ReadConn r(this);
  Stmt s(r.db,
         "SELECT id, webhook_id, received_at, fingerprint, starts_at, ends_at, status, receiver, "
         "labels FROM notifications WHERE received_at BETWEEN ? AND ? ORDER BY received_at, id");
  if (!s.prepared()) return ReadError(r.db, "listing notifications");
  s.Bind(1, from);
  s.Bind(2, to);
  return ReadAll(r.db, s, "listing notifications", ReadNotification);
}

Result<RetentionStats> SqliteStore::DeleteOlderThan(Timestamp cutoff, Duration lookback) {
  MutexLock lock(&mu_);
  RetentionStats stats;
  AG_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  {
    Stmt ids(db_,
             "SELECT id FROM drills WHERE finished_at IS NOT NULL AND finished_at < ? ORDER BY id");
    if (!ids.prepared()) return Error("retention");
    ids.Bind(1, cutoff);
    int rc;
    while ((rc = ids.Step()) == SQLITE_ROW) stats.drill_ids.push_back(ids.Text(0));
    if (rc != SQLITE_DONE) return Error("retention");
  }
  for (const char* sql :
       {"DELETE FROM injections WHERE drill IN (SELECT id FROM drills WHERE finished_at IS NOT "
        "NULL AND finished_at < ?1)",
        "DELETE FROM drills WHERE finished_at IS NOT NULL AND finished_at < ?1"}) {
    Stmt d(db_, sql);
    if (!d.prepared()) return Error("retention");
    d.Bind(1, cutoff);
    if (d.Step() != SQLITE_DONE) return Error("retention");
  }
  stats.drills = stats.drill_ids.size();
  // Keep every fact a remaining drill may need: from `lookback` before its
  // start, or before an injection stamped earlier than its start.
  int64_t keep_from = ToUnixMillis(cutoff);
  {
    Stmt m(db_,
           "SELECT min(t) FROM (SELECT min(started_at) AS t FROM drills UNION ALL "
           "SELECT min(injected_at) FROM injections)");
    if (!m.prepared() || m.Step() != SQLITE_ROW) return Error("retention");
    if (m.OptTime(0).has_value()) keep_from = std::min(keep_from, m.Int(0) - lookback.count());
  }
  {
    Stmt n(db_, "DELETE FROM notifications WHERE received_at < ?");
    if (!n.prepared()) return Error("retention");
    n.Bind(1, keep_from);
    if (n.Step() != SQLITE_DONE) return Error("retention");
    stats.notifications = static_cast<size_t>(sqlite3_changes(db_));
    // Notifications share their webhook's received_at, so none that is kept
    // points at a webhook deleted here.
    Stmt w(db_, "DELETE FROM webhooks WHERE received_at < ?");
    if (!w.prepared()) return Error("retention");
    w.Bind(1, keep_from);
    if (w.Step() != SQLITE_DONE) return Error("retention");
    stats.webhooks = static_cast<size_t>(sqlite3_changes(db_));
  }
  AG_RETURN_IF_ERROR(Exec("COMMIT"));
  return stats;
}

Status SqliteStore::Ping() {
  ReadConn r(this);
  Stmt s(r.db, "SELECT count(*) FROM drills");
  if (!s.prepared() || s.Step() != SQLITE_ROW) return ReadError(r.db, "checking database");
  return Status::Ok();
}

}  // namespace alertgate
