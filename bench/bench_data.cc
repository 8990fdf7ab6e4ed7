#include "bench/bench_data.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>

#include "core/time.h"

namespace alertgate::bench {
namespace {

constexpr const char* kFixtures[] = {
    "fixtures/webhooks/firing-group-3.json", "fixtures/webhooks/firing-postgres-primary.json",
    "fixtures/webhooks/firing-single.json", "fixtures/webhooks/firing-truncated.json",
    "fixtures/webhooks/resolved-single.json"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "bench: cannot read %s\n", path.c_str());
    std::abort();
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Write(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

// splitmix64: a deterministic, well-mixed sequence for the data shapes.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct ParsedAlert {
  AlertStatus status = AlertStatus::kFiring;
  Labels labels;
};

const std::vector<ParsedAlert>& FixtureAlerts() {
  static const std::vector<ParsedAlert> alerts = [] {
    std::vector<ParsedAlert> out;
    for (const auto& text : FixtureAlertsJson()) {
      rapidjson::Document d;
      d.Parse(text);
      ParsedAlert a;
      a.status = *ParseAlertStatus(d["status"].GetString());
      for (const auto& m : d["labels"].GetObject())
        a.labels[m.name.GetString()] = m.value.GetString();
      out.push_back(std::move(a));
    }
    return out;
  }();
  return alerts;
}

// Labels an alert satisfying `expect` would carry, in the shape of the
// fixtures' labels (alertname, env, instance, job, scenario, severity).
Labels LabelsFor(const MatcherSet& expect, uint64_t n) {
  Labels l{{"env", "staging"},
           {"instance", "node-" + std::to_string(n % 7) + ":9100"},
           {"job", "staging"},
           {"severity", "critical"}};
  for (const auto& m : expect.matchers()) {
    if (m.op() == Matcher::Op::kEqual) {
      l[m.name()] = m.value();
    } else if (m.op() == Matcher::Op::kRegexMatch) {
      l[m.name()] = m.value().substr(0, m.value().find('|'));
    }
  }
  return l;
}

constexpr const char* kNoiseNames[] = {
    "NodeHighCPU",    "DiskSpaceLow",      "KubePodCrashLooping", "TargetDown",
    "HighLatencyP99", "CertificateExpiry", "NodeMemoryPressure",  "BackupJobFailed"};

}  // namespace

std::string SourcePath(const std::string& relative) {
  std::string path = ALERTGATE_SOURCE_DIR;  // appended: see tests/test_util.cc
  return path.append("/").append(relative);
}

const Config& ExampleConfig() {
  static const Config config = [] {
    auto c = LoadConfigFile(SourcePath("rules/examples/alertgate.yml"));
    if (!c.ok()) {
      std::fprintf(stderr, "bench: %s\n", c.status().message().c_str());
      std::abort();
    }
    return std::move(c).value();
  }();
  return config;
}

const std::vector<std::string>& FixtureAlertsJson() {
  static const std::vector<std::string> alerts = [] {
    std::vector<std::string> out;
    for (const char* f : kFixtures) {
      rapidjson::Document d;
      d.Parse(ReadFile(SourcePath(f)));
      for (const auto& a : d["alerts"].GetArray()) out.push_back(Write(a));
    }
    return out;
  }();
  return alerts;
}

std::string Fingerprint(uint64_t n) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(Mix(n)));
  return buf;
}

std::string WebhookBody(size_t alerts, uint64_t seq, Timestamp starts_at) {
  static const std::string envelope = ReadFile(SourcePath(kFixtures[0]));
  rapidjson::Document d;
  d.Parse(envelope);
  auto& alloc = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  const auto& fixtures = FixtureAlertsJson();
  const std::string starts = FormatRfc3339(starts_at);
  const std::string ends = FormatRfc3339(starts_at + std::chrono::minutes(1));
  bool any_firing = false;
  for (size_t i = 0; i < alerts; ++i) {
    rapidjson::Document a(&alloc);
    a.Parse(fixtures[i % fixtures.size()]);
    const bool resolved = std::string(a["status"].GetString()) == "resolved";
    any_firing = any_firing || !resolved;
    a["fingerprint"].SetString(Fingerprint(seq + i), alloc);
    a["startsAt"].SetString(starts, alloc);
    if (resolved) a["endsAt"].SetString(ends, alloc);
    list.PushBack(rapidjson::Value(a, alloc), alloc);
  }
  d["alerts"] = list;
  d["status"].SetString(any_firing ? "firing" : "resolved", alloc);
  return Write(d);
}

std::vector<Notification> WebhookNotifications(size_t alerts, uint64_t seq, Timestamp starts_at,
                                               Timestamp received_at) {
  std::vector<Notification> out;
  const auto& fixtures = FixtureAlerts();
  for (size_t i = 0; i < alerts; ++i) {
    const ParsedAlert& a = fixtures[i % fixtures.size()];
    Notification n;
    n.received_at = received_at;
    n.fingerprint = Fingerprint(seq + i);
    n.starts_at = starts_at;
    n.status = a.status;
    n.ends_at =
        a.status == AlertStatus::kResolved ? starts_at + std::chrono::minutes(1) : ZeroTime();
    n.labels = a.labels;
    n.receiver = "alertgate-group";
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<Notification> MakeNoise(size_t n, Timestamp from, Timestamp to, uint64_t first_id) {
  std::vector<Notification> out;
  out.reserve(n);
  const auto span = (to - from).count();
  for (size_t i = 0; i < n; ++i) {
    const uint64_t r = Mix(first_id + i);
    Notification x;
    x.id = static_cast<int64_t>(first_id + i);
    x.received_at =
        from + Millis(n == 0 ? 0 : span * static_cast<int64_t>(i) / static_cast<int64_t>(n));
    x.fingerprint = Fingerprint(0x4e4f495345ULL + first_id + i);
    x.starts_at = x.received_at - std::chrono::seconds(30);
    x.ends_at = ZeroTime();
    x.status = AlertStatus::kFiring;
    // Three in four come from production: out of a staging drill's scope.
    x.labels = {{"alertname", kNoiseNames[r % std::size(kNoiseNames)]},
                {"env", (r >> 8) % 4 == 0 ? "staging" : "prod"},
                {"instance", "node-" + std::to_string((r >> 16) % 50) + ":9100"},
                {"job", "node"},
                {"severity", (r >> 24) % 3 == 0 ? "critical" : "warning"}};
    x.receiver = "alertgate-group";
    out.push_back(std::move(x));
  }
  return out;
}

DrillData MakeDrill(const Config& config, const DrillShape& shape) {
  DrillData data;
  data.drill.id = shape.id;
  data.drill.matchers = {"env=\"staging\""};
  data.drill.started_at = shape.started_at;
  const Timestamp first = shape.started_at + shape.lead;
  Timestamp last_end = first;
  std::vector<size_t> per_scenario(config.scenarios.size(), 0);
  std::vector<Notification> all;
  for (size_t k = 0; k < shape.injections; ++k) {
    const size_t si = k % config.scenarios.size();
    const Scenario& sc = config.scenarios[si];
    Injection inj;
    inj.drill = shape.id;
    inj.id = sc.id + "-" + std::to_string(++per_scenario[si]);
    inj.scenario = sc.id;
    inj.injected_at = first + shape.spacing * static_cast<int64_t>(k);
    inj.recorded_at = inj.injected_at;
    inj.cleared_at = inj.injected_at + std::chrono::minutes(2);
    last_end = std::max(last_end, inj.injected_at + sc.window);
    for (size_t e = 0; e < sc.expect.size(); ++e) {
      const uint64_t r = Mix(shape.seed * 1000003 + k * 16 + e);
      const int kind = static_cast<int>(r % 10);  // 0-7 on time, 8 late, 9 missing
      if (kind == 9) continue;
      const int64_t delay_s = kind == 8 ? 65 + static_cast<int64_t>((r >> 8) % 55)
                                        : 5 + static_cast<int64_t>((r >> 8) % 50);
      Notification n;
      n.received_at = inj.injected_at + std::chrono::seconds(delay_s);
      n.starts_at = n.received_at - std::chrono::seconds(3);
      n.ends_at = ZeroTime();
      n.status = AlertStatus::kFiring;
      n.fingerprint = Fingerprint(shape.seed * 0x10000000ULL + k * 16 + e);
      n.labels = LabelsFor(sc.expect[e], k);
      n.receiver = "alertgate-group";
      Notification resolved = n;
      resolved.status = AlertStatus::kResolved;
      resolved.received_at = n.received_at + std::chrono::minutes(3);
      resolved.ends_at = resolved.received_at - std::chrono::seconds(1);
      all.push_back(std::move(n));
      all.push_back(std::move(resolved));
    }
    data.injections.push_back(std::move(inj));
  }
  data.end = last_end;
  auto noise = MakeNoise(shape.noise, shape.started_at, last_end, 1);
  for (auto& n : noise) all.push_back(std::move(n));
  std::stable_sort(all.begin(), all.end(), [](const Notification& a, const Notification& b) {
    return a.received_at < b.received_at;
  });
  // What the store would hand Evaluate(): nothing after the last window closed.
  while (!all.empty() && all.back().received_at > last_end) all.pop_back();
  for (size_t i = 0; i < all.size(); ++i) all[i].id = static_cast<int64_t>(i + 1);
  data.notifications = std::move(all);
  if (shape.finished) data.drill.finished_at = last_end;
  return data;
}

}  // namespace alertgate::bench
