#include "store/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/time.h"
#include "store/failing_store.h"
#include "test_util.h"

namespace alertgate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// 2026-02-02T09:00:00Z in Unix milliseconds.
constexpr int64_t k20260202T09 = 1770022800000;

Timestamp At(int64_t offset_ms) { return FromUnixMillis(k20260202T09 + offset_ms); }

std::unique_ptr<SqliteStore> MustOpen(const std::string& path) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

// A second, independent connection to the store's file, for looking at what
// was committed without going through the Store interface.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << path << ": " << sqlite3_errstr(rc);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // Column 0 of each row of `sql`, as raw bytes (NULL reads as "<null>").
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << sqlite3_errmsg(db_);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (sqlite3_column_type(stmt, 0) == SQLITE_NULL) {
        out.emplace_back("<null>");
        continue;
      }
      const void* p = sqlite3_column_blob(stmt, 0);
      const int n = sqlite3_column_bytes(stmt, 0);
      out.emplace_back(static_cast<const char*>(p), static_cast<size_t>(n));
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

Drill MakeDrill(const std::string& id, Timestamp started_at,
                std::vector<std::string> matchers = {}) {
  Drill d;
  d.id = id;
  d.matchers = std::move(matchers);
  d.started_at = started_at;
  return d;
}

Injection MakeInjection(const std::string& drill, const std::string& id, Timestamp injected_at,
                        const std::string& key = "") {
  Injection i;
  i.drill = drill;
  i.id = id;
  i.scenario = id.substr(0, id.find('-'));
  i.injected_at = injected_at;
  i.key = key;
  i.recorded_at = injected_at + Millis(5);
  return i;
}

Notification MakeAlert(const std::string& fingerprint, Timestamp starts_at,
                       AlertStatus status = AlertStatus::kFiring) {
  Notification n;
  n.fingerprint = fingerprint;
  n.starts_at = starts_at;
  n.ends_at = status == AlertStatus::kFiring ? ZeroTime() : starts_at + std::chrono::minutes(2);
  n.status = status;
  n.receiver = "game-day\\.pager";
  n.labels = {{"alertname", "PostgresPrimaryDown"}, {"env", "staging"}};
  return n;
}

std::vector<std::string> Fingerprints(const std::vector<Notification>& ns) {
  std::vector<std::string> out;
  for (const auto& n : ns) out.push_back(n.fingerprint);
  return out;
}

std::vector<std::string> InjectionIds(const std::vector<Injection>& is) {
  std::vector<std::string> out;
  for (const auto& i : is) out.push_back(i.id);
  return out;
}

TEST(SqliteStoreTest, OpenCreatesSchemaInWalMode) {
  test::TempDir dir;
  const std::string path = dir.File("alertgate.db");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(std::filesystem::exists(path));

  RawDb raw(path);
  EXPECT_THAT(raw.Column("PRAGMA journal_mode"), ElementsAre("wal"));
  EXPECT_THAT(raw.Column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
              ElementsAre("drills", "injections", "notifications", "webhooks"));
  EXPECT_THAT(raw.Column("PRAGMA user_version"), ElementsAre("2"));
}

TEST(SqliteStoreTest, OpensInMemoryDatabase) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Ping().ok());
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  Result<std::optional<Drill>> got = store->GetDrill("d1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->has_value());
}

TEST(SqliteStoreTest, DrillRoundTripsWithMatchersAndFinishedAt) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  const std::vector<std::string> matchers = {"env=\"staging\"", "team=~\"db|infra\""};
  ASSERT_TRUE(store->InsertDrill(MakeDrill("2026-W5-game-day-1", At(123), matchers)).ok());

  Result<std::optional<Drill>> got = store->GetDrill("2026-W5-game-day-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->id, "2026-W5-game-day-1");
  EXPECT_EQ((*got)->matchers, matchers);
  EXPECT_EQ((*got)->started_at, At(123));
  EXPECT_FALSE((*got)->finished_at.has_value());

  ASSERT_TRUE(store->FinishDrill("2026-W5-game-day-1", At(3'600'456)).ok());
  got = store->GetDrill("2026-W5-game-day-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->finished_at, std::optional<Timestamp>(At(3'600'456)));
}

TEST(SqliteStoreTest, GetDrillOfUnknownIdIsEmpty) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  Result<std::optional<Drill>> got = store->GetDrill("nope");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_FALSE(got->has_value());
}

TEST(SqliteStoreTest, InsertedFinishedDrillKeepsFinishedAt) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  Drill d = MakeDrill("d1", At(0));
  d.finished_at = At(60'000);
  ASSERT_TRUE(store->InsertDrill(d).ok());
  Result<std::vector<Drill>> all = store->ListDrills();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].finished_at, std::optional<Timestamp>(At(60'000)));
  EXPECT_THAT((*all)[0].matchers, IsEmpty());
}

TEST(SqliteStoreTest, ListDrillsOrdersByStartedAtThenId) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertDrill(MakeDrill("c", At(2000))).ok());
  ASSERT_TRUE(store->InsertDrill(MakeDrill("b", At(1000))).ok());
  ASSERT_TRUE(store->InsertDrill(MakeDrill("a", At(2000))).ok());

  Result<std::vector<Drill>> all = store->ListDrills();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> ids;
  for (const auto& d : *all) ids.push_back(d.id);
  EXPECT_THAT(ids, ElementsAre("b", "a", "c"));
}

TEST(SqliteStoreTest, DuplicateDrillIsConflict) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  Status s = store->InsertDrill(MakeDrill("d1", At(5000), {"env=\"prod\""}));
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("d1"));

  // The first drill is unchanged.
  Result<std::optional<Drill>> got = store->GetDrill("d1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->started_at, At(0));
  EXPECT_THAT((*got)->matchers, IsEmpty());
}

TEST(SqliteStoreTest, FinishUnknownDrillIsNotFound) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  Status s = store->FinishDrill("nope", At(0));
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("nope"));
}

TEST(SqliteStoreTest, InjectionsRoundTripOrderedByInjectedAtThenId) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d2", At(0))).ok());

  Injection keyed = MakeInjection("d1", "B-1", At(2000), "runner-42");
  keyed.recorded_at = At(9000);  // an explicit "at" in the past
  ASSERT_TRUE(store->InsertInjection(keyed).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("d1", "A-2", At(2000))).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("d1", "C-1", At(1000))).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("d2", "A-1", At(0))).ok());

  Result<std::vector<Injection>> got = store->ListInjections("d1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_THAT(InjectionIds(*got), ElementsAre("C-1", "A-2", "B-1"));

  const Injection& b = (*got)[2];
  EXPECT_EQ(b.drill, "d1");
  EXPECT_EQ(b.scenario, "B");
  EXPECT_EQ(b.injected_at, At(2000));
  EXPECT_EQ(b.recorded_at, At(9000));
  EXPECT_EQ(b.key, "runner-42");
  EXPECT_FALSE(b.cleared_at.has_value());
  EXPECT_EQ((*got)[0].key, "");  // no key stored as none, read back as empty

  ASSERT_TRUE(store->ClearInjection("d1", "B-1", At(60'000)).ok());
  got = store->ListInjections("d1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[2].cleared_at, std::optional<Timestamp>(At(60'000)));
  EXPECT_FALSE((*got)[0].cleared_at.has_value());

  Result<std::vector<Injection>> other = store->ListInjections("d2");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_THAT(InjectionIds(*other), ElementsAre("A-1"));
}

TEST(SqliteStoreTest, DuplicateInjectionIdInSameDrillIsConflict) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("d1", "A-1", At(1000))).ok());
  Status s = store->InsertInjection(MakeInjection("d1", "A-1", At(2000)));
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
}

TEST(SqliteStoreTest, DuplicateIdempotencyKeyInSameDrillIsConflict) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("d1", "A-1", At(1000), "k1")).ok());
  Status s = store->InsertInjection(MakeInjection("d1", "A-2", At(2000), "k1"));
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("k1"));

  Result<std::vector<Injection>> got = store->ListInjections("d1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_THAT(InjectionIds(*got), ElementsAre("A-1"));
}

TEST(SqliteStoreTest, SameIdempotencyKeyInAnotherDrillIsAccepted) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d2", At(0))).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("d1", "A-1", At(1000), "k1")).ok());
  Status s = store->InsertInjection(MakeInjection("d2", "A-1", At(1000), "k1"));
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(SqliteStoreTest, InjectionsWithoutKeyDoNotConflict) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("d1", "A-1", At(1000))).ok());
  Status s = store->InsertInjection(MakeInjection("d1", "A-2", At(2000)));
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(SqliteStoreTest, ClearUnknownInjectionIsNotFound) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d2", At(0))).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("d1", "A-1", At(1000))).ok());

  Status s = store->ClearInjection("d1", "A-9", At(2000));
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("A-9"));
  // The injection exists, but in another drill.
  s = store->ClearInjection("d2", "A-1", At(2000));
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
}

TEST(SqliteStoreTest, InjectionIntoUnknownDrillIsNotFound) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  Status s = store->InsertInjection(MakeInjection("nope", "A-1", At(1000)));
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("unknown drill \"nope\""));
}

TEST(SqliteStoreTest, InsertWebhookStoresRawBodyVerbatim) {
  test::TempDir dir;
  const std::string path = dir.File("alertgate.db");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  // Not normalized JSON: odd spacing, an escaped unicode, a NUL byte and a
  // byte that is not UTF-8 must all survive.
  const std::string body =
      std::string("{ \"receiver\" : \"a\\u00e9\",\n\t\"alerts\":[] }") + std::string("\0\xff", 2);
  Result<WebhookReceipt> r = store->InsertWebhook(At(0), body, {MakeAlert("fp1", At(-5000))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->webhook_id, 0);

  RawDb raw(path);
  EXPECT_THAT(raw.Column("SELECT body FROM webhooks WHERE id = " + std::to_string(r->webhook_id)),
              ElementsAre(body));
  EXPECT_THAT(raw.Column("SELECT received_at FROM webhooks"),
              ElementsAre(std::to_string(k20260202T09)));
}

// Runs `sql` on the file through a connection of its own (a tool or a
// person changing the database behind alertgate's back).
void Tamper(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_free(err);
  sqlite3_close(db);
}

// The drills table as schema version 1 wrote it (before drill plans), with
// one finished drill in it.
constexpr const char* kVersion1Drills = R"sql(
CREATE TABLE drills (id TEXT PRIMARY KEY, matchers TEXT NOT NULL, started_at INTEGER NOT NULL,
                     finished_at INTEGER);
INSERT INTO drills VALUES ('old', '["env=\"staging\""]', 1770022800000, 1770024600000);
PRAGMA user_version = 1;
)sql";

TEST(SqliteStoreTest, VersionOneDatabaseIsMigratedInPlaceAndKeepsItsDrills) {
  test::TempDir dir;
  const std::string path = dir.File("alertgate.db");
  Tamper(path, kVersion1Drills);
  {
    // Read-only (alertgate report --storage.path) cannot migrate: it reads
    // the old file as it is, with no plans.
    auto ro = SqliteStore::OpenReadOnly(path);
    ASSERT_TRUE(ro.ok()) << ro.status().ToString();
    auto old = (*ro)->GetDrill("old");
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    ASSERT_TRUE(old->has_value());
    EXPECT_TRUE((*old)->scenarios.empty());
  }
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  auto old = store->GetDrill("old");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  ASSERT_TRUE(old->has_value());
  EXPECT_EQ((*old)->matchers, std::vector<std::string>{"env=\"staging\""});
  EXPECT_TRUE((*old)->scenarios.empty());
  Drill planned = MakeDrill("new", At(0), {});
  planned.scenarios = {"A", "B"};
  ASSERT_TRUE(store->InsertDrill(planned).ok());
  store.reset();
  store = MustOpen(path);  // a second start finds version 2 and changes nothing
  ASSERT_NE(store, nullptr);
  auto got = store->GetDrill("new");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->scenarios, (std::vector<std::string>{"A", "B"}));
  RawDb raw(path);
  EXPECT_THAT(raw.Column("PRAGMA user_version"), ElementsAre("2"));
}

TEST(SqliteStoreTest, NewerSchemaIsRefusedWithoutTouchingTheFile) {
  test::TempDir dir;
  const std::string path = dir.File("alertgate.db");
  Tamper(path, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("schema version 99, newer than this alertgate"));
  auto ro = SqliteStore::OpenReadOnly(path);
  ASSERT_FALSE(ro.ok());
  EXPECT_THAT(ro.status().message(), HasSubstr("schema version 99"));
  RawDb raw(path);
  EXPECT_THAT(raw.Column("PRAGMA user_version"), ElementsAre("99"));
  EXPECT_THAT(raw.Column("SELECT name FROM sqlite_master WHERE name = 'drills'"), IsEmpty());
}

TEST(SqliteStoreTest, CorruptStoredLabelsAreAnInternalErrorNotEmptyLabels) {
  test::TempDir dir;
  const std::string path = dir.File("alertgate.db");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertWebhook(At(0), "{}", {MakeAlert("fp1", At(-5000))}).ok());
  ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0), {"env=\"staging\""})).ok());
  for (const std::string bad : {"not json", "{\"alertname\": 7}", "[]"}) {
    Tamper(path, "UPDATE notifications SET labels = '" + bad + "'");
    auto got = store->ListNotifications(At(-60'000), At(60'000));
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.status().code(), StatusCode::kInternal) << bad;
    EXPECT_THAT(got.status().message(), HasSubstr("corrupt labels")) << bad;
  }
  Tamper(path, "UPDATE drills SET matchers = '[1]'");
  auto drill = store->GetDrill("d1");
  ASSERT_FALSE(drill.ok());
  EXPECT_EQ(drill.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(store->ListDrills().ok());
}

TEST(SqliteStoreTest, InsertWebhookReturnsStoredNotificationsWithIds) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  Result<WebhookReceipt> r = store->InsertWebhook(
      At(10'000), "{}", {MakeAlert("fp1", At(-5000)), MakeAlert("fp2", At(-4000))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->duplicates, 0u);
  ASSERT_EQ(r->stored.size(), 2u);
  EXPECT_THAT(Fingerprints(r->stored), ElementsAre("fp1", "fp2"));
  for (const auto& n : r->stored) {
    EXPECT_GT(n.id, 0);
    EXPECT_EQ(n.webhook_id, r->webhook_id);
    EXPECT_EQ(n.received_at, At(10'000));
  }
  EXPECT_NE(r->stored[0].id, r->stored[1].id);
}

TEST(SqliteStoreTest, ResentAlertIsCountedAsDuplicate) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertWebhook(At(0), "{}", {MakeAlert("fp1", At(-5000))}).ok());

  Result<WebhookReceipt> again =
      store->InsertWebhook(At(30'000), "{}", {MakeAlert("fp1", At(-5000))});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->duplicates, 1u);
  EXPECT_THAT(again->stored, IsEmpty());
  EXPECT_GT(again->webhook_id, 0);  // the delivery itself is still kept

  // The first receipt counts.
  Result<std::vector<Notification>> all = store->ListNotifications(At(-60'000), At(60'000));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].received_at, At(0));
}

TEST(SqliteStoreTest, ResolvedAlertOfSameFingerprintAndStartsAtIsStored) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertWebhook(At(0), "{}", {MakeAlert("fp1", At(-5000))}).ok());

  Result<WebhookReceipt> resolved = store->InsertWebhook(
      At(120'000), "{}", {MakeAlert("fp1", At(-5000), AlertStatus::kResolved)});
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->duplicates, 0u);
  ASSERT_EQ(resolved->stored.size(), 1u);
  EXPECT_EQ(resolved->stored[0].status, AlertStatus::kResolved);

  Result<std::vector<Notification>> all = store->ListNotifications(At(-60'000), At(600'000));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].status, AlertStatus::kFiring);
  EXPECT_EQ((*all)[1].status, AlertStatus::kResolved);
  EXPECT_EQ((*all)[1].ends_at, At(-5000) + std::chrono::minutes(2));
}

TEST(SqliteStoreTest, AlertWithNewStartsAtIsStored) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertWebhook(At(0), "{}", {MakeAlert("fp1", At(-5000))}).ok());
  // The same alert firing again later is a new firing, not a resend.
  Result<WebhookReceipt> r =
      store->InsertWebhook(At(600'000), "{}", {MakeAlert("fp1", At(590'000))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->duplicates, 0u);
  EXPECT_EQ(r->stored.size(), 1u);
}

TEST(SqliteStoreTest, WebhookWithOneNewAndOneDuplicateAlertStoresOne) {
  test::TempDir dir;
  const std::string path = dir.File("alertgate.db");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertWebhook(At(0), "first", {MakeAlert("fp1", At(-5000))}).ok());

  Result<WebhookReceipt> r = store->InsertWebhook(
      At(30'000), "second", {MakeAlert("fp1", At(-5000)), MakeAlert("fp2", At(20'000))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->duplicates, 1u);
  EXPECT_THAT(Fingerprints(r->stored), ElementsAre("fp2"));

  RawDb raw(path);
  EXPECT_THAT(raw.Column("SELECT count(*) FROM notifications"), ElementsAre("2"));
  EXPECT_THAT(raw.Column("SELECT body FROM webhooks ORDER BY id"), ElementsAre("first", "second"));
}

TEST(SqliteStoreTest, DuplicateWithinOneWebhookIsStoredOnce) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  Result<WebhookReceipt> r =
      store->InsertWebhook(At(0), "{}", {MakeAlert("fp1", At(-5000)), MakeAlert("fp1", At(-5000))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored.size(), 1u);
  EXPECT_EQ(r->duplicates, 1u);
}

TEST(SqliteStoreTest, ListNotificationsIsInclusiveAndOrderedByReceivedAtThenId) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  // Stored out of time order, so id order differs from received_at order.
  ASSERT_TRUE(store->InsertWebhook(At(3000), "{}", {MakeAlert("at3000", At(0))}).ok());
  ASSERT_TRUE(store->InsertWebhook(At(999), "{}", {MakeAlert("before", At(0))}).ok());
  ASSERT_TRUE(store->InsertWebhook(At(1000), "{}", {MakeAlert("at1000", At(0))}).ok());
  ASSERT_TRUE(store
                  ->InsertWebhook(At(2000), "{}",
                                  {MakeAlert("at2000-a", At(0)), MakeAlert("at2000-b", At(0))})
                  .ok());
  ASSERT_TRUE(store->InsertWebhook(At(3001), "{}", {MakeAlert("after", At(0))}).ok());

  Result<std::vector<Notification>> got = store->ListNotifications(At(1000), At(3000));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_THAT(Fingerprints(*got), ElementsAre("at1000", "at2000-a", "at2000-b", "at3000"));
  ASSERT_EQ(got->size(), 4u);
  EXPECT_LT((*got)[1].id, (*got)[2].id);
  EXPECT_GT((*got)[3].webhook_id, 0);
  EXPECT_EQ((*got)[3].received_at, At(3000));
}

TEST(SqliteStoreTest, ListNotificationsRoundTripsFields) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  Notification a = MakeAlert("e4bbe066188a77e1", At(-8123));
  a.labels = {{"alertname", "PostgresPrimaryDown"},
              {"instance", "pg-1:9187"},
              {"quoted", "say \"hi\"\\ \n done"},
              {"unicode", "caf\u00e9 \u2192"},
              {"empty", ""}};
  a.receiver = "game-day\\.pager";
  Result<WebhookReceipt> r = store->InsertWebhook(At(0), "{}", {a});
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  Result<std::vector<Notification>> got = store->ListNotifications(At(0), At(0));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  const Notification& n = (*got)[0];
  EXPECT_EQ(n.id, r->stored[0].id);
  EXPECT_EQ(n.webhook_id, r->webhook_id);
  EXPECT_EQ(n.received_at, At(0));
  EXPECT_EQ(n.fingerprint, "e4bbe066188a77e1");
  EXPECT_EQ(n.starts_at, At(-8123));
  EXPECT_EQ(n.ends_at, ZeroTime());
  EXPECT_EQ(n.status, AlertStatus::kFiring);
  EXPECT_EQ(n.receiver, "game-day\\.pager");
  EXPECT_EQ(n.labels, a.labels);
}

TEST(SqliteStoreTest, DataSurvivesReopeningTheFile) {
  test::TempDir dir;
  const std::string path = dir.File("alertgate.db");
  {
    auto store = MustOpen(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0), {"env=\"staging\""})).ok());
    ASSERT_TRUE(store->InsertInjection(MakeInjection("d1", "A-1", At(1000), "k1")).ok());
    ASSERT_TRUE(store->InsertWebhook(At(2000), "body", {MakeAlert("fp1", At(1500))}).ok());
  }
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);

  Result<std::optional<Drill>> drill = store->GetDrill("d1");
  ASSERT_TRUE(drill.ok() && drill->has_value());
  EXPECT_THAT((*drill)->matchers, ElementsAre("env=\"staging\""));
  Result<std::vector<Injection>> injections = store->ListInjections("d1");
  ASSERT_TRUE(injections.ok()) << injections.status().ToString();
  EXPECT_THAT(InjectionIds(*injections), ElementsAre("A-1"));
  Result<std::vector<Notification>> notifications = store->ListNotifications(At(0), At(5000));
  ASSERT_TRUE(notifications.ok()) << notifications.status().ToString();
  EXPECT_THAT(Fingerprints(*notifications), ElementsAre("fp1"));

  // Uniqueness survives too: the reopened store still knows what it has.
  EXPECT_EQ(store->InsertDrill(MakeDrill("d1", At(0))).code(), StatusCode::kConflict);
  Result<WebhookReceipt> resend =
      store->InsertWebhook(At(3000), "body", {MakeAlert("fp1", At(1500))});
  ASSERT_TRUE(resend.ok()) << resend.status().ToString();
  EXPECT_EQ(resend->duplicates, 1u);
}

TEST(SqliteStoreTest, OpenFailsOnUnwritablePathNamingIt) {
  test::TempDir dir;
  const std::string regular_file = dir.File("not-a-dir");
  test::WriteFile(regular_file, "plain file");
  const std::string garbage = dir.File("garbage.db");
  test::WriteFile(garbage, std::string(4096, 'x'));

  // Tests run as root, so permissions cannot make a path unwritable; these
  // paths fail for root too.
  const std::vector<std::string> paths = {
      dir.File("missing-dir/alertgate.db"),  // parent does not exist
      regular_file + "/alertgate.db",        // a file where a directory is expected
      "/proc/alertgate-test.db",             // procfs does not create files
      dir.path(),                            // a directory where the file is expected
      garbage,                               // an existing file that is not a database
  };
  for (const std::string& path : paths) {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
    ASSERT_FALSE(store.ok()) << path;
    EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
    EXPECT_THAT(store.status().message(), HasSubstr(path));
  }
}

// The failure-injecting wrapper used by the service and HTTP tests.

TEST(SqliteStoreTest, RetentionDropsOldFinishedDrillsAndFactsNoKeptDrillNeeds) {
  using std::chrono::hours;
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  const Timestamp day = At(0);
  const auto days = [](int n) { return hours(24 * n); };
  Drill old_drill = MakeDrill("old", day - days(40));
  old_drill.finished_at = day - days(39);
  Drill recent = MakeDrill("recent", day - days(5));
  recent.finished_at = day - days(4);
  ASSERT_TRUE(store->InsertDrill(old_drill).ok());
  ASSERT_TRUE(store->InsertDrill(recent).ok());
  ASSERT_TRUE(store->InsertDrill(MakeDrill("open", day - days(60))).ok());  // never finished
  ASSERT_TRUE(store->InsertInjection(MakeInjection("old", "A-1", day - days(40))).ok());
  ASSERT_TRUE(store->InsertInjection(MakeInjection("recent", "A-1", day - days(5))).ok());
  ASSERT_TRUE(store->InsertWebhook(day - days(70), "{}", {MakeAlert("f70", day - days(70))}).ok());
  ASSERT_TRUE(store->InsertWebhook(day - days(40), "{}", {MakeAlert("f40", day - days(40))}).ok());
  ASSERT_TRUE(store->InsertWebhook(day - days(5), "{}", {MakeAlert("f5", day - days(5))}).ok());

  auto stats = store->DeleteOlderThan(day - days(30), std::chrono::minutes(5));
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->drill_ids, std::vector<std::string>{"old"});
  EXPECT_EQ(stats->drills, 1u);
  // The open drill started 60 days ago still needs everything since then.
  EXPECT_EQ(stats->notifications, 1u);
  EXPECT_EQ(stats->webhooks, 1u);
  EXPECT_FALSE(store->GetDrill("old")->has_value());
  EXPECT_THAT(InjectionIds(*store->ListInjections("old")), IsEmpty());
  EXPECT_TRUE(store->GetDrill("recent")->has_value());
  EXPECT_THAT(Fingerprints(*store->ListNotifications(day - days(100), day)),
              ElementsAre("f40", "f5"));

  // Once the open drill is finished and old, only the recent drill's facts stay.
  ASSERT_TRUE(store->FinishDrill("open", day - days(35)).ok());
  stats = store->DeleteOlderThan(day - days(30), std::chrono::minutes(5));
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->drill_ids, std::vector<std::string>{"open"});
  EXPECT_THAT(Fingerprints(*store->ListNotifications(day - days(100), day)), ElementsAre("f5"));
}

// A kept drill's evaluation looks one window back from each injection for
// alerts already firing; retention keeps that look-back too.
TEST(SqliteStoreTest, RetentionKeepsTheLookBackBeforeAKeptDrill) {
  using std::chrono::hours;
  using std::chrono::minutes;
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  const Timestamp start = At(0) - hours(24 * 40);  // an open drill, started 40 days ago
  ASSERT_TRUE(store->InsertDrill(MakeDrill("open", start)).ok());
  ASSERT_TRUE(store->InsertWebhook(start - minutes(3), "{}", {MakeAlert("before", start)}).ok());
  ASSERT_TRUE(store->InsertWebhook(start - minutes(9), "{}", {MakeAlert("older", start)}).ok());
  auto stats = store->DeleteOlderThan(At(0) - hours(24 * 30), minutes(5));
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->notifications, 1u);
  EXPECT_THAT(Fingerprints(*store->ListNotifications(start - hours(1), start)),
              ElementsAre("before"));
}

// Group commit: concurrent webhooks share transactions, yet each caller gets
// exactly its own receipt, and the first receipt of a shared alert wins once.
TEST(SqliteStoreTest, ConcurrentWebhooksEachGetTheirOwnReceipt) {
  test::TempDir dir;
  auto store = MustOpen(dir.File("a.db"));
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::vector<WebhookReceipt>> receipts(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Every thread also sends the one alert all threads share.
        std::vector<Notification> alerts = {
            MakeAlert("own-" + std::to_string(t) + "-" + std::to_string(i), At(i)),
            MakeAlert("shared", At(0))};
        auto r = store->InsertWebhook(At(1000 + i), "{\"t\":" + std::to_string(t) + "}", alerts);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        receipts[t].push_back(std::move(r).value());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> webhook_ids;
  size_t shared_stored = 0, duplicates = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const WebhookReceipt& r = receipts[t][i];
      EXPECT_TRUE(webhook_ids.insert(r.webhook_id).second) << "webhook id reused";
      bool own = false;
      for (const auto& n : r.stored) {
        if (n.fingerprint == "shared") ++shared_stored;
        if (n.fingerprint == "own-" + std::to_string(t) + "-" + std::to_string(i)) own = true;
        EXPECT_EQ(n.webhook_id, r.webhook_id);
      }
      EXPECT_TRUE(own) << "receipt " << t << "/" << i << " lacks its own alert";
      duplicates += r.duplicates;
    }
  }
  EXPECT_EQ(shared_stored, 1u);
  EXPECT_EQ(duplicates, static_cast<size_t>(kThreads * kPerThread - 1));
  RawDb raw(dir.File("a.db"));
  EXPECT_EQ(raw.Column("SELECT count(*) FROM webhooks"),
            std::vector<std::string>{std::to_string(kThreads * kPerThread)});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM notifications"),
            std::vector<std::string>{std::to_string(kThreads * kPerThread + 1)});
}

// Reads run on their own connection beside the writer (WAL). Each read must
// still see whole transactions: both alerts of a webhook or neither, and
// never fewer webhooks than the read before it; a read issued after a write
// returned sees that write.
TEST(SqliteStoreTest, ReadsBesideWritesSeeWholeCommittedWebhooks) {
  test::TempDir dir;
  auto store = MustOpen(dir.File("a.db"));
  ASSERT_NE(store, nullptr);
  constexpr int kWriters = 4, kPerWriter = 50;
  std::atomic<int> acknowledged{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerWriter; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        auto r = store->InsertWebhook(At(i), "{}",
                                      {MakeAlert(id + "/a", At(0)), MakeAlert(id + "/b", At(0))});
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        ++acknowledged;
      }
    });
  }
  std::thread reader([&] {
    size_t last = 0;
    while (!done) {
      const int acked_before = acknowledged.load();
      auto listed = store->ListNotifications(At(-1000), At(1000 * 1000));
      ASSERT_TRUE(listed.ok()) << listed.status().ToString();
      std::map<std::string, int> halves;
      for (const auto& n : *listed) ++halves[n.fingerprint.substr(0, n.fingerprint.find('/'))];
      for (const auto& [id, count] : halves) {
        ASSERT_EQ(count, 2) << "webhook " << id << " seen half-committed";
      }
      ASSERT_GE(halves.size(), static_cast<size_t>(acked_before)) << "an acknowledged write unseen";
      ASSERT_GE(halves.size(), last) << "a later read saw fewer webhooks";
      last = halves.size();
    }
  });
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  auto all = store->ListNotifications(At(-1000), At(1000 * 1000));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<size_t>(2 * kWriters * kPerWriter));
}

// A lock held by another process (a backup, a sqlite3 shell) makes writes
// fail after the busy timeout with kUnavailable, and nothing is half-written.
TEST(SqliteStoreTest, WriteBlockedByAnotherProcessIsUnavailableThenSucceeds) {
  test::TempDir dir;
  auto opened = SqliteStore::Open(dir.File("a.db"), std::chrono::milliseconds(50));
  ASSERT_TRUE(opened.ok());
  auto store = std::move(opened).value();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("a.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto r = store->InsertWebhook(At(0), "{}", {MakeAlert("f1", At(0))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("locked"));
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_THAT(Fingerprints(*store->ListNotifications(At(-1000), At(1000))), IsEmpty());
  r = store->InsertWebhook(At(0), "{}", {MakeAlert("f1", At(0))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored.size(), 1u);
}

// A real read-only database: as root, file modes do not stop writes, so the
// files are made immutable (chattr +i, ext4 and friends). WAL mode writes the
// -wal file first, so both are frozen. Writes fail as unavailable (503 for
// webhooks), reads go on, and writes work again once the files are writable.
TEST(SqliteStoreTest, ReadOnlyDatabaseFilesMakeWritesUnavailableUntilWritable) {
  test::TempDir dir;
  const std::string db = dir.File("a.db");
  auto store = MustOpen(db);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->InsertWebhook(At(0), "{}", {MakeAlert("before", At(0))}).ok());
  const std::string files = db + " " + db + "-wal";
  if (std::system(("chattr +i " + files + " 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << "chattr +i is not available here (needs root on a filesystem that has it)";
  }
  auto r = store->InsertWebhook(At(1), "{}", {MakeAlert("during", At(1))});
  EXPECT_EQ(std::system(("chattr -i " + files).c_str()), 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  r = store->InsertWebhook(At(2), "{}", {MakeAlert("after", At(2))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(Fingerprints(*store->ListNotifications(At(-1000), At(1000))),
              ElementsAre("before", "after"));
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SqliteStoreTest, OpenReadOnlyReadsAndNeverWrites) {
  test::TempDir dir;
  const std::string db = dir.File("a.db");
  {
    auto store = MustOpen(db);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  }
  const std::string before = FileBytes(db);
  auto ro = SqliteStore::OpenReadOnly(db);
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  auto drill = (*ro)->GetDrill("d1");
  ASSERT_TRUE(drill.ok() && drill->has_value());
  Status write = (*ro)->InsertDrill(MakeDrill("d2", At(1)));
  EXPECT_EQ(write.code(), StatusCode::kUnavailable) << write.ToString();
  EXPECT_THAT(write.message(), HasSubstr("readonly"));
  ro->reset();
  EXPECT_EQ(FileBytes(db), before);

  auto missing = SqliteStore::OpenReadOnly(dir.File("none.db"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot read database " + dir.File("none.db")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("none.db"))) << "a read-only open created a file";
}

// An offline report on a copy in a directory nobody may write (a backup, a
// read-only mount): SQLite cannot create the WAL's -shm file there.
TEST(SqliteStoreTest, OpenReadOnlyReadsFromAnUnwritableDirectory) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.File("ro"));
  const std::string db = dir.File("ro/a.db");
  {
    auto store = MustOpen(db);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->InsertDrill(MakeDrill("d1", At(0))).ok());
  }
  ASSERT_FALSE(std::filesystem::exists(db + "-shm")) << "closing the writer removes the -shm";
  if (std::system(("chattr +i " + dir.File("ro") + " 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << "chattr +i is not available here (needs root on a filesystem that has it)";
  }
  auto ro = SqliteStore::OpenReadOnly(db);
  std::optional<Drill> drill;
  if (ro.ok()) {
    auto got = (*ro)->GetDrill("d1");
    if (got.ok()) drill = *got;
    ro->reset();
  }
  EXPECT_EQ(std::system(("chattr -i " + dir.File("ro")).c_str()), 0);
  ASSERT_TRUE(ro.ok()) << ro.status().ToString();
  ASSERT_TRUE(drill.has_value());
  EXPECT_EQ(drill->id, "d1");
}

TEST(FailingStoreTest, ForwardsWhenNotFailing) {
  auto inner = MustOpen(":memory:");
  ASSERT_NE(inner, nullptr);
  test::FailingStore store(inner.get());
  ASSERT_TRUE(store.InsertDrill(MakeDrill("d1", At(0))).ok());
  ASSERT_TRUE(store.InsertInjection(MakeInjection("d1", "A-1", At(0))).ok());
  ASSERT_TRUE(store.InsertWebhook(At(0), "{}", {MakeAlert("fp1", At(0))}).ok());
  EXPECT_TRUE(store.Ping().ok());
  Result<std::optional<Drill>> drill = inner->GetDrill("d1");
  ASSERT_TRUE(drill.ok());
  EXPECT_TRUE(drill->has_value());
  Result<std::vector<Notification>> ns = store.ListNotifications(At(0), At(0));
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(ns->size(), 1u);
}

TEST(FailingStoreTest, FailedWritesChangeNothing) {
  auto inner = MustOpen(":memory:");
  ASSERT_NE(inner, nullptr);
  test::FailingStore store(inner.get());
  ASSERT_TRUE(store.InsertDrill(MakeDrill("d1", At(0))).ok());
  ASSERT_TRUE(store.InsertInjection(MakeInjection("d1", "A-1", At(0))).ok());
  store.FailWrites(true);

  const std::vector<Status> writes = {
      store.InsertDrill(MakeDrill("d2", At(0))),
      store.FinishDrill("d1", At(1000)),
      store.InsertInjection(MakeInjection("d1", "A-2", At(0))),
      store.ClearInjection("d1", "A-1", At(1000)),
      store.InsertWebhook(At(0), "{}", {MakeAlert("fp1", At(0))}).status(),
  };
  for (const Status& s : writes) {
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    EXPECT_EQ(s.message(), "injected write failure");
  }
  // Reads still work and show nothing changed.
  Result<std::vector<Drill>> drills = store.ListDrills();
  ASSERT_TRUE(drills.ok());
  ASSERT_EQ(drills->size(), 1u);
  EXPECT_FALSE((*drills)[0].finished_at.has_value());
  Result<std::vector<Injection>> injections = store.ListInjections("d1");
  ASSERT_TRUE(injections.ok());
  ASSERT_EQ(injections->size(), 1u);
  EXPECT_FALSE((*injections)[0].cleared_at.has_value());
  Result<std::vector<Notification>> ns = store.ListNotifications(At(-1000), At(1000));
  ASSERT_TRUE(ns.ok());
  EXPECT_THAT(*ns, IsEmpty());

  store.FailWrites(false);
  EXPECT_TRUE(store.InsertDrill(MakeDrill("d2", At(0))).ok());
}

TEST(FailingStoreTest, FailedReadsReturnUnavailable) {
  auto inner = MustOpen(":memory:");
  ASSERT_NE(inner, nullptr);
  test::FailingStore store(inner.get());
  store.FailReads(true);

  const std::vector<Status> reads = {
      store.GetDrill("d1").status(),
      store.ListDrills().status(),
      store.ListInjections("d1").status(),
      store.ListNotifications(At(0), At(1)).status(),
      store.Ping(),
  };
  for (const Status& s : reads) {
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    EXPECT_EQ(s.message(), "injected read failure");
  }
  // Writes are unaffected.
  EXPECT_TRUE(store.InsertDrill(MakeDrill("d1", At(0))).ok());
}

TEST(FailingStoreTest, CountsWebhookWrites) {
  auto inner = MustOpen(":memory:");
  ASSERT_NE(inner, nullptr);
  test::FailingStore store(inner.get());
  EXPECT_EQ(store.webhook_writes(), 0u);
  ASSERT_TRUE(store.InsertWebhook(At(0), "{}", {MakeAlert("fp1", At(0))}).ok());
  store.FailWrites(true);
  EXPECT_FALSE(store.InsertWebhook(At(0), "{}", {MakeAlert("fp2", At(0))}).ok());
  EXPECT_EQ(store.webhook_writes(), 2u);
}

}  // namespace
}  // namespace alertgate
