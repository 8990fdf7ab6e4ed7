// Correlation: Evaluate() alone, and the service's read path
// (ListInjections + ListNotifications + Evaluate) over a real SQLite store.
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>

#include <ostream>

#include "bench/bench_data.h"
#include "correlate/evaluate.h"
#include "metrics/metrics.h"
#include "service/service.h"
#include "store/sqlite_store.h"

namespace alertgate::bench {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const Timestamp kT0 = FromUnixMillis(1'800'000'000'000);

// An open drill that has been running for a day: `notifications` stored
// notifications fall inside its range (the unrelated alerts a shared
// Alertmanager delivers all day, a quarter of them in the drill's scope), and
// `open` injections, one per second, are in the last two minutes with their
// windows still open. This is what Service hands Evaluate() for the drill
// every tick and every GET /api/v1/drills/{drill}.
struct OpenDrill {
  DrillData data;
  Timestamp now;
};
OpenDrill MakeOpenDrill(size_t notifications, size_t open) {
  DrillShape shape;
  shape.started_at = kT0;
  shape.lead = hours(24);
  shape.injections = open;
  shape.spacing = seconds(1);
  shape.noise = 0;
  shape.finished = false;
  OpenDrill d;
  d.data = MakeDrill(ExampleConfig(), shape);
  d.now = kT0 + shape.lead + seconds(static_cast<int64_t>(open)) + seconds(60);
  // Alerts of the open injections that have arrived by `now`...
  std::vector<Notification> arrived;
  for (auto& n : d.data.notifications) {
    if (n.received_at <= d.now) arrived.push_back(std::move(n));
  }
  // ...plus unrelated notifications over the whole day, to `notifications` in all.
  const size_t noise = notifications > arrived.size() ? notifications - arrived.size() : 0;
  auto all = MakeNoise(noise, kT0, d.now, 1);
  for (auto& n : arrived) all.push_back(std::move(n));
  std::stable_sort(all.begin(), all.end(), [](const Notification& a, const Notification& b) {
    return a.received_at < b.received_at;
  });
  for (size_t i = 0; i < all.size(); ++i) all[i].id = static_cast<int64_t>(i + 1);
  d.data.notifications = std::move(all);
  return d;
}

void BM_EvaluateOpenDrill(benchmark::State& state) {
  const auto d =
      MakeOpenDrill(static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  size_t unexpected = 0;
  for (auto _ : state) {
    auto r =
        Evaluate(d.data.drill, d.data.injections, d.data.notifications, ExampleConfig(), d.now);
    unexpected = r.unexpected.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["notifications"] = static_cast<double>(d.data.notifications.size());
  state.counters["unexpected"] = static_cast<double>(unexpected);
  state.SetComplexityN(state.range(0) * state.range(1));
}
BENCHMARK(BM_EvaluateOpenDrill)
    ->ArgNames({"notifications", "open"})
    ->ArgsProduct({{10, 1000, 100000}, {1, 10, 100}})
    ->Unit(benchmark::kMicrosecond);

// A finished drill of `injections` injections 10 s apart (5 scenarios,
// 8 expectations), each expected alert firing and resolving, plus as many
// unrelated alerts as injections: the drill the report is rendered from.
void BM_EvaluateFinishedDrill(benchmark::State& state) {
  DrillShape shape;
  shape.started_at = kT0;
  shape.injections = static_cast<size_t>(state.range(0));
  shape.noise = shape.injections;
  const auto d = MakeDrill(ExampleConfig(), shape);
  for (auto _ : state) {
    auto r = Evaluate(d.drill, d.injections, d.notifications, ExampleConfig(), d.end);
    benchmark::DoNotOptimize(r);
  }
  state.counters["notifications"] = static_cast<double>(d.notifications.size());
}
BENCHMARK(BM_EvaluateFinishedDrill)
    ->ArgName("injections")
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond);

// --- the service's read path over SQLite -------------------------------------

struct NullStream : std::ostream {
  NullStream() : std::ostream(nullptr) {}
};

// A store (":memory:": the read path, not the disk) holding `history`
// notifications received before the drill, and an open drill with 10 open
// injections whose range holds `in_range` notifications.
struct ServiceFixture {
  std::unique_ptr<SqliteStore> store;
  FakeClock clock{kT0};
  NullStream null;
  std::unique_ptr<Logger> log;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<Service> service;

  ServiceFixture(size_t history, size_t in_range) {
    store = std::move(SqliteStore::Open(":memory:")).value();
    const Timestamp drill_start = kT0 + hours(24 * 30);
    // Insert as Alertmanager would deliver: 100 alerts per webhook.
    auto insert = [&](const std::vector<Notification>& all) {
      for (size_t i = 0; i < all.size(); i += 100) {
        std::vector<Notification> batch(
            all.begin() + static_cast<std::ptrdiff_t>(i),
            all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), i + 100)));
        (void)store->InsertWebhook(batch.front().received_at, "{}", batch);
      }
    };
    insert(MakeNoise(history, kT0, drill_start, 1));
    auto d = MakeOpenDrill(in_range, 10);
    // Shift the drill after the history.
    const auto shift = drill_start - d.data.drill.started_at;
    d.data.drill.started_at += shift;
    (void)store->InsertDrill(d.data.drill);
    for (auto inj : d.data.injections) {
      inj.injected_at += shift;
      inj.recorded_at += shift;
      inj.cleared_at.reset();
      (void)store->InsertInjection(inj);
    }
    std::vector<Notification> drill_notifications;
    for (auto n : d.data.notifications) {
      n.received_at += shift;
      n.starts_at += shift;
      n.fingerprint += "-d";
      drill_notifications.push_back(std::move(n));
    }
    // One receipt instant per webhook: insert one by one in receipt order.
    for (size_t i = 0; i < drill_notifications.size();) {
      size_t j = i;
      std::vector<Notification> batch;
      while (j < drill_notifications.size() && batch.size() < 100 &&
             drill_notifications[j].received_at == drill_notifications[i].received_at) {
        batch.push_back(drill_notifications[j++]);
      }
      (void)store->InsertWebhook(batch.front().received_at, "{}", batch);
      i = j;
    }
    clock.Set(d.now + shift);
    log = std::make_unique<Logger>(&null, &clock, LogLevel::kError, LogFormat::kLogfmt);
    metrics = std::make_unique<Metrics>(std::make_shared<prometheus::Registry>());
    service = std::make_unique<Service>(store.get(), &clock, metrics.get(), log.get(),
                                        std::make_shared<const Config>(ExampleConfig()));
  }
};

// GET /api/v1/drills/{drill} without HTTP, `history` notifications stored
// before the drill and `in_range` inside its range.
void ServiceResults(benchmark::State& state, size_t history, size_t in_range) {
  ServiceFixture f(history, in_range);
  for (auto _ : state) {
    auto r = f.service->Results("bench-drill");
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
}

// Cost against stored history outside the drill (should stay flat: the
// received_at index skips it).
void BM_ServiceResultsHistory(benchmark::State& state) {
  ServiceResults(state, static_cast<size_t>(state.range(0)), 100);
}
BENCHMARK(BM_ServiceResultsHistory)
    ->ArgName("history")
    ->Arg(10)
    ->Arg(1000)
    ->Arg(100000)
    ->Unit(benchmark::kMicrosecond);

// The same, with the notifications inside the open drill's range (received
// since it started): what every tick pays after each stored webhook.
void BM_ServiceResultsInDrill(benchmark::State& state) {
  ServiceResults(state, 0, static_cast<size_t>(state.range(0)));
}
BENCHMARK(BM_ServiceResultsInDrill)
    ->ArgName("in_range")
    ->Arg(10)
    ->Arg(1000)
    ->Arg(100000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace alertgate::bench
