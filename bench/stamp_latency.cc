// "Stamping happens at arrival": how long after a webhook leaves the client
// does alertgate read the clock that becomes the notification's received_at
// (the end of time_to_notify)? Two measurements:
//
// in-process (default): the real App (HTTP server, service, SQLite on a temp
//   dir on disk) runs in this process with a Clock whose every Now() call
//   takes the next sequence number as its timestamp (base + n ms) and records
//   the steady clock at that instant. Each request carries one alert with a
//   unique fingerprint; after the run the stored notifications are read
//   back, and received_at - base names the Now() call that stamped each one.
//   stamp delay = steady time of that Now() call - steady time just before
//   the client wrote the request. Nanosecond clock, exact per request.
//
// --url=URL (black box): against a running `alertgate serve`. Starts a drill
//   without matchers (so every firing alert is listed as unexpected, with
//   its notified_at = received_at), sends webhooks one at a time noting the
//   wall-clock send time in microseconds, then reads the results document.
//   received_at has millisecond resolution (truncated), so the true delay of
//   each request lies in [notified_at - sent, notified_at - sent + 1 ms).
//
// Every loop is bounded in count and time; the server binds 127.0.0.1 only.
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/app.h"
#include "bench/bench_data.h"
#include "core/time.h"
#include "store/sqlite_store.h"

namespace alertgate::bench {
namespace {

using Steady = std::chrono::steady_clock;

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch())
      .count();
}

// Every Now() returns base + n ms for the n-th call and records when it was made.
class SequenceClock final : public Clock {
 public:
  explicit SequenceClock(size_t capacity)
      : base_ms_(
            ToUnixMillis(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()))),
        stamps_(capacity) {}

  Timestamp Now() const override {
    const uint64_t n = next_.fetch_add(1);
    if (n < stamps_.size()) stamps_[n].store(SteadyNs(), std::memory_order_relaxed);
    return FromUnixMillis(base_ms_ + static_cast<int64_t>(n));
  }
  Steady::time_point Monotonic() const override { return Steady::now(); }

  // Steady ns of the Now() call that returned `t`, or -1.
  int64_t StampOf(Timestamp t) const {
    const int64_t n = ToUnixMillis(t) - base_ms_;
    if (n < 0 || static_cast<size_t>(n) >= stamps_.size()) return -1;
    return stamps_[static_cast<size_t>(n)].load(std::memory_order_relaxed);
  }

 private:
  const int64_t base_ms_;
  mutable std::atomic<uint64_t> next_{0};
  mutable std::vector<std::atomic<int64_t>> stamps_;
};

struct NullStream : std::ostream {
  NullStream() : std::ostream(nullptr) {}
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i =
      std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

struct Sent {
  int64_t send_ns = 0;
  int64_t done_ns = 0;
  int status = 0;
};

// Sends `bodies` over `connections` keep-alive connections, paced to `rate`
// requests/s in total when rate > 0, stopping at `max_seconds`.
std::vector<Sent> Send(int port, const std::vector<std::string>& bodies, size_t connections,
                       double rate, double max_seconds) {
  std::vector<Sent> sent(bodies.size());
  std::atomic<size_t> next{0};
  const int64_t start = SteadyNs();
  const int64_t deadline = start + static_cast<int64_t>(max_seconds * 1e9);
  std::vector<std::thread> threads;
  for (size_t c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_tcp_nodelay(true);
      cli.set_keep_alive(true);
      cli.set_read_timeout(10, 0);
      for (;;) {
        const size_t i = next.fetch_add(1);
        if (i >= bodies.size()) return;
        if (rate > 0) {  // open-loop schedule: request i is due at start + i / rate
          const int64_t due = start + static_cast<int64_t>(static_cast<double>(i) / rate * 1e9);
          std::this_thread::sleep_for(
              std::chrono::nanoseconds(std::max<int64_t>(0, due - SteadyNs())));
        }
        if (SteadyNs() > deadline) return;
        sent[i].send_ns = SteadyNs();
        auto res = cli.Post("/api/v1/webhook", bodies[i], "application/json");
        sent[i].done_ns = SteadyNs();
        sent[i].status = res ? res->status : -1;
      }
      (void)c;
    });
  }
  for (auto& t : threads) t.join();
  return sent;
}

void Print(const char* mode, size_t threads, size_t connections, double rate,
           const std::vector<double>& stamp_us, const std::vector<double>& request_us,
           size_t errors) {
  double sum = 0;
  for (double v : stamp_us) sum += v;
  std::printf(
      "STAMP mode=%s threads=%zu connections=%zu rate=%.0f n=%zu errors=%zu stamp_p50_us=%.1f "
      "stamp_p99_us=%.1f stamp_max_us=%.1f stamp_mean_us=%.1f request_p50_us=%.1f "
      "request_p99_us=%.1f\n",
      mode, threads, connections, rate, stamp_us.size(), errors, Percentile(stamp_us, 50),
      Percentile(stamp_us, 99), Percentile(stamp_us, 100),
      stamp_us.empty() ? 0.0 : sum / static_cast<double>(stamp_us.size()),
      Percentile(request_us, 50), Percentile(request_us, 99));
  std::fflush(stdout);
}

int InProcess(size_t requests, size_t threads) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("alertgate-bench-stamp-" + std::to_string(::getpid())))
                              .string();
  std::filesystem::remove_all(dir);
  SequenceClock clock(1 << 22);
  NullStream null;
  ServeOptions options;
  options.config_file = SourcePath("rules/examples/alertgate.yml");
  options.listen_address = "127.0.0.1:0";
  options.storage_path = dir;
  options.log_level = "error";
  options.retention = Duration(0);
  if (threads > 0) options.http.io_threads = threads;
  auto app = App::Create(options, &clock, &null);
  if (!app.ok()) {
    std::fprintf(stderr, "stamp: %s\n", app.status().message().c_str());
    return 1;
  }
  const int port = (*app)->port();
  std::thread server([&] { (*app)->Run(); });
  {
    httplib::Client probe("127.0.0.1", port);
    for (int i = 0; i < 500 && !probe.Get("/-/healthy"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  struct Mode {
    const char* name;
    size_t connections;
    double rate;
    size_t requests;
  };
  const Mode modes[] = {
      {"sequential", 1, 0, requests},
      {"paced-1000/s", 16, 1000, requests * 2},
      {"saturated", 16, 0, requests * 2},
  };
  uint64_t seq = 1;
  const Timestamp starts = FromUnixMillis(1'800'000'000'000);
  struct Run {
    const Mode* mode;
    std::unordered_map<std::string, size_t> index;  // fingerprint -> request
    std::vector<Sent> sent;
  };
  std::vector<Run> runs;
  for (const auto& m : modes) {
    Run run;
    run.mode = &m;
    std::vector<std::string> bodies;
    for (size_t i = 0; i < m.requests; ++i) {
      run.index[Fingerprint(seq)] = i;
      bodies.push_back(WebhookBody(1, seq++, starts));
    }
    run.sent = Send(port, bodies, m.connections, m.rate, 30);
    runs.push_back(std::move(run));
  }
  (*app)->Shutdown();
  server.join();
  app->reset();

  auto store = SqliteStore::Open(dir + "/alertgate.db");
  if (!store.ok()) {
    std::fprintf(stderr, "stamp: %s\n", store.status().message().c_str());
    return 1;
  }
  auto stored = (*store)->ListNotifications(FromUnixMillis(0), FromUnixMillis(INT64_C(1) << 50));
  if (!stored.ok()) return 1;
  std::unordered_map<std::string, Timestamp> received;
  for (const auto& n : *stored) received[n.fingerprint] = n.received_at;
  for (const auto& run : runs) {
    std::vector<double> stamp_us, request_us;
    size_t errors = 0;
    for (const auto& [fp, i] : run.index) {
      const Sent& s = run.sent[i];
      if (s.send_ns == 0) continue;  // not sent before the deadline
      if (s.status != 200) {
        ++errors;
        continue;
      }
      request_us.push_back(static_cast<double>(s.done_ns - s.send_ns) / 1e3);
      auto it = received.find(fp);
      if (it == received.end()) {
        ++errors;  // acknowledged but not stored: would be a durability bug
        continue;
      }
      const int64_t stamp = clock.StampOf(it->second);
      if (stamp < 0) continue;
      stamp_us.push_back(static_cast<double>(stamp - s.send_ns) / 1e3);
    }
    Print(run.mode->name, options.http.io_threads, run.mode->connections, run.mode->rate, stamp_us,
          request_us, errors);
  }
  store->reset();
  std::filesystem::remove_all(dir);
  return 0;
}

int BlackBox(const std::string& host, int port, size_t requests) {
  httplib::Client cli(host, port);
  cli.set_tcp_nodelay(true);
  cli.set_keep_alive(true);
  const std::string drill = "bench-stamp-" + std::to_string(::getpid());
  auto started = cli.Post("/api/v1/drills", "{\"id\":\"" + drill + "\"}", "application/json");
  if (!started || (started->status != 201 && started->status != 200)) {
    std::fprintf(stderr, "stamp: cannot start drill on %s:%d\n", host.c_str(), port);
    return 1;
  }
  std::map<std::string, int64_t> sent_us;  // fingerprint -> wall clock µs
  const uint64_t base = static_cast<uint64_t>(::getpid()) << 32;
  const auto deadline = Steady::now() + std::chrono::seconds(60);
  std::vector<double> request_us;
  for (size_t i = 0; i < requests && Steady::now() < deadline; ++i) {
    const auto now = std::chrono::system_clock::now();
    const std::string body = WebhookBody(1, base + i, std::chrono::time_point_cast<Millis>(now));
    const int64_t t0 = SteadyNs();
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    auto res = cli.Post("/api/v1/webhook", body, "application/json");
    request_us.push_back(static_cast<double>(SteadyNs() - t0) / 1e3);
    if (res && res->status == 200) sent_us[Fingerprint(base + i)] = us;
  }
  auto doc = cli.Get("/api/v1/drills/" + drill);
  (void)cli.Post("/api/v1/drills/" + drill + "/finish", "", "application/json");
  if (!doc || doc->status != 200) return 1;
  rapidjson::Document d;
  d.Parse(doc->body);
  std::vector<double> low_us, high_us;
  for (const auto& a : d["unexpected_alerts"].GetArray()) {
    auto it = sent_us.find(a["fingerprint"].GetString());
    if (it == sent_us.end()) continue;
    auto at = ParseRfc3339(a["notified_at"].GetString());
    if (!at.ok()) continue;
    const double lo = static_cast<double>(ToUnixMillis(*at) * 1000 - it->second);
    low_us.push_back(lo);
    high_us.push_back(lo + 1000);
  }
  double mean = 0;
  for (double v : low_us) mean += v;
  mean = low_us.empty() ? 0 : mean / static_cast<double>(low_us.size()) + 500;  // truncation
  std::printf(
      "STAMP mode=blackbox n=%zu matched=%zu stamp_mean_us=%.1f stamp_p50_upper_us=%.1f "
      "stamp_p99_upper_us=%.1f stamp_p99_lower_us=%.1f request_p50_us=%.1f request_p99_us=%.1f\n",
      sent_us.size(), low_us.size(), mean, Percentile(high_us, 50), Percentile(high_us, 99),
      Percentile(low_us, 99), Percentile(request_us, 50), Percentile(request_us, 99));
  return 0;
}

}  // namespace
}  // namespace alertgate::bench

int main(int argc, char** argv) {
  std::string url;
  size_t requests = 2000;
  size_t threads = 0;  // I/O threads; 0: alertgate's default, one per core
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--url=", 6) == 0) {
      url = argv[i] + 6;
    } else if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      threads = std::strtoul(argv[i] + 10, nullptr, 10);
    } else if (std::strncmp(argv[i], "--requests=", 11) == 0) {
      requests = std::strtoul(argv[i] + 11, nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: %s [--requests=N] [--threads=N] [--url=http://127.0.0.1:PORT]\n",
                   argv[0]);
      return 2;
    }
  }
  if (url.empty()) return alertgate::bench::InProcess(requests, threads);
  // http://HOST:PORT
  const auto hostport = url.substr(url.find("//") + 2);
  const auto colon = hostport.rfind(':');
  return alertgate::bench::BlackBox(hostport.substr(0, colon),
                                    std::stoi(hostport.substr(colon + 1)), requests);
}
