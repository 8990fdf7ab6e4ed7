// Fills an alertgate storage directory through the Store API (the same
// SqliteStore the server uses: WAL, synchronous=FULL). Run it on tmpfs for
// speed (fsync is free there) and copy the database to disk afterwards.
//
//   alertgate-bench-gen history DIR N
//     N notifications received over the last 29 days as real deliveries of
//     10 captured alerts each (raw bodies stored, N/10 webhooks), 28 finished
//     daily one-hour drills with 5 injections each (scenarios A-E, with their
//     expected alerts), and the open drill "bench-open" started 10 minutes
//     ago with 5 open injections.
//   alertgate-bench-gen report-drill DIR N
//     one finished drill "bench-report" of N injections 10 s apart (3 days
//     ago), its expected alerts firing and resolving (80 % on time, 10 %
//     late, 10 % missing) and N unrelated alerts, one delivery each.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench/bench_data.h"
#include "core/time.h"
#include "store/sqlite_store.h"

namespace alertgate::bench {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Timestamp Now() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

Status AsStatus(const Status& s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) {
  return r.status();
}
#define CHECK_STATUS(expr)                                                \
  do {                                                                    \
    Status _s = AsStatus(expr);                                           \
    if (!_s.ok()) {                                                       \
      std::fprintf(stderr, "gen: %s: %s\n", #expr, _s.message().c_str()); \
      std::exit(1);                                                       \
    }                                                                     \
  } while (0)

// Stores a drill with its injections and notifications, one delivery per
// receipt instant.
size_t StoreDrill(Store* store, const DrillData& d, uint64_t* seq) {
  CHECK_STATUS(store->InsertDrill(d.drill));
  for (const auto& inj : d.injections) CHECK_STATUS(store->InsertInjection(inj));
  size_t stored = 0;
  for (size_t i = 0; i < d.notifications.size();) {
    std::vector<Notification> batch;
    size_t j = i;
    while (j < d.notifications.size() &&
           d.notifications[j].received_at == d.notifications[i].received_at) {
      batch.push_back(d.notifications[j++]);
    }
    const std::string body = WebhookBody(batch.size(), *seq, batch.front().starts_at);
    *seq += batch.size();
    auto r = store->InsertWebhook(batch.front().received_at, body, batch);
    CHECK_STATUS(r);
    stored += r->stored.size();
    i = j;
  }
  return stored;
}

std::unique_ptr<SqliteStore> OpenStore(const std::string& dir) {
  std::filesystem::create_directories(dir);
  auto s = SqliteStore::Open(dir + "/alertgate.db");
  CHECK_STATUS(s);
  return std::move(s).value();
}

int History(const std::string& dir, size_t n) {
  auto store = OpenStore(dir);
  const Timestamp now = Now();
  uint64_t seq = 1;
  size_t stored = 0;
  for (int day = 28; day >= 1; --day) {
    DrillShape shape;
    shape.id = "bench-day-" + std::to_string(day);
    shape.started_at = now - hours(24 * day) + hours(10);
    shape.injections = 5;
    shape.spacing = minutes(5);
    shape.seed = static_cast<uint64_t>(day);
    auto d = MakeDrill(ExampleConfig(), shape);
    d.drill.finished_at = shape.started_at + hours(1);
    stored += StoreDrill(store.get(), d, &seq);
  }
  {
    DrillShape shape;
    shape.id = "bench-open";
    shape.started_at = now - minutes(10);
    shape.injections = 5;
    shape.spacing = minutes(1);
    shape.finished = false;
    shape.seed = 99;
    auto d = MakeDrill(ExampleConfig(), shape);
    std::vector<Notification> arrived;
    for (auto& x : d.notifications) {
      if (x.received_at <= now - seconds(30)) arrived.push_back(std::move(x));
    }
    d.notifications = std::move(arrived);
    stored += StoreDrill(store.get(), d, &seq);
  }
  // The rest: real deliveries of 10 alerts each, evenly over 29 days.
  constexpr size_t kPerWebhook = 10;
  const size_t webhooks = (n > stored ? n - stored : 0) / kPerWebhook;
  const Timestamp from = now - hours(24 * 29);
  const auto span = (now - minutes(1) - from).count();
  for (size_t w = 0; w < webhooks; ++w) {
    const Timestamp at =
        from + Millis(span * static_cast<int64_t>(w) / static_cast<int64_t>(webhooks));
    const Timestamp starts = at - seconds(30);
    const std::string body = WebhookBody(kPerWebhook, seq, starts);
    auto alerts = WebhookNotifications(kPerWebhook, seq, starts, at);
    seq += kPerWebhook;
    auto r = store->InsertWebhook(at, body, alerts);
    CHECK_STATUS(r);
    stored += r->stored.size();
    if (w % 20000 == 0) std::fprintf(stderr, "gen: %zu/%zu webhooks\n", w, webhooks);
  }
  std::printf("GEN history notifications=%zu webhooks=%zu drills=29\n", stored, webhooks);
  return 0;
}

int ReportDrill(const std::string& dir, size_t n) {
  auto store = OpenStore(dir);
  DrillShape shape;
  shape.id = "bench-report";
  shape.started_at = Now() - hours(72);
  shape.injections = n;
  shape.spacing = seconds(10);
  shape.noise = n;
  shape.finished = true;
  auto d = MakeDrill(ExampleConfig(), shape);
  uint64_t seq = 1;
  const size_t stored = StoreDrill(store.get(), d, &seq);
  std::printf("GEN report-drill drill=bench-report injections=%zu notifications=%zu\n", n, stored);
  return 0;
}

}  // namespace
}  // namespace alertgate::bench

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s history|report-drill DIR N\n", argv[0]);
    return 2;
  }
  const std::string what = argv[1];
  const size_t n = std::strtoul(argv[3], nullptr, 10);
  if (what == "history") return alertgate::bench::History(argv[2], n);
  if (what == "report-drill") return alertgate::bench::ReportDrill(argv[2], n);
  std::fprintf(stderr, "gen: unknown dataset %s\n", what.c_str());
  return 2;
}
