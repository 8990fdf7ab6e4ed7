// SqliteStore::InsertWebhook, one durable commit per call (WAL,
// synchronous=FULL), on a temp file: $ALERTGATE_BENCH_DISK_DIR, else $TMPDIR,
// else /tmp. The same on tmpfs (/dev/shm), where fsync is free, separates the
// CPU cost from the cost of the disk flush.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "bench/bench_data.h"
#include "core/time.h"
#include "store/sqlite_store.h"

namespace alertgate::bench {
namespace {

std::string BaseDir(bool tmpfs) {
  if (tmpfs) return "/dev/shm";
  for (const char* var : {"ALERTGATE_BENCH_DISK_DIR", "TMPDIR"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "/tmp";
}

// Shared by the benchmark's threads; set up once per run.
std::unique_ptr<SqliteStore> g_store;
std::string g_dir;
std::string g_body;
std::atomic<uint64_t> g_seq{1};

void Open(const benchmark::State& state, bool tmpfs) {
  g_dir = BaseDir(tmpfs) + "/alertgate-bench-store-" + std::to_string(::getpid());
  std::filesystem::remove_all(g_dir);
  std::filesystem::create_directories(g_dir);
  auto s = SqliteStore::Open(g_dir + "/alertgate.db");
  if (!s.ok()) {
    std::fprintf(stderr, "store bench: %s\n", s.status().message().c_str());
    std::abort();
  }
  g_store = std::move(s).value();
  g_body = WebhookBody(static_cast<size_t>(state.range(0)), 0, FromUnixMillis(1'800'000'000'000));
}
void OpenDisk(const benchmark::State& state) { Open(state, false); }
void OpenTmpfs(const benchmark::State& state) { Open(state, true); }
void Close(const benchmark::State&) {
  g_store.reset();
  std::filesystem::remove_all(g_dir);
}

// One call = one delivery of `alerts` new alerts: the raw body plus one row
// per alert, committed before it returns.
void BM_InsertWebhook(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Timestamp starts = FromUnixMillis(1'800'000'000'000);
  auto alerts = WebhookNotifications(n, 0, starts, starts);
  for (auto _ : state) {
    const uint64_t seq = g_seq.fetch_add(n);
    for (size_t i = 0; i < n; ++i) alerts[i].fingerprint = Fingerprint(seq + i);
    auto r = g_store->InsertWebhook(starts + Millis(static_cast<int64_t>(seq)), g_body, alerts);
    if (!r.ok() || r->stored.size() != n) {
      state.SkipWithError(r.ok() ? "alerts were deduplicated" : r.status().message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.counters["webhooks_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InsertWebhook)
    ->Name("BM_InsertWebhook/disk")
    ->ArgName("alerts")
    ->Arg(1)
    ->Arg(10)
    ->Setup(OpenDisk)
    ->Teardown(Close)
    ->UseRealTime()
    ->Threads(1)
    ->Threads(8)
    ->MinTime(2.0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InsertWebhook)
    ->Name("BM_InsertWebhook/tmpfs")
    ->ArgName("alerts")
    ->Arg(1)
    ->Arg(10)
    ->Setup(OpenTmpfs)
    ->Teardown(Close)
    ->UseRealTime()
    ->Threads(1)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace alertgate::bench
