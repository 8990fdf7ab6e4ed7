// Webhook parsing and matcher evaluation.
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include "bench/bench_data.h"
#include "core/matcher.h"
#include "core/time.h"
#include "ingest/webhook.h"

namespace alertgate::bench {
namespace {

const Timestamp kStarts = FromUnixMillis(1'800'000'000'000);

// A real delivery with 1, 10 or 100 alerts (the captured alerts, cycled, with
// fresh fingerprints). Items are alerts.
void BM_ParseWebhook(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string body = WebhookBody(n, 1, kStarts);
  for (auto _ : state) {
    auto msg = ParseWebhook(body);
    if (!msg.ok()) {
      state.SkipWithError(msg.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(msg);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ParseWebhook)->ArgName("alerts")->Arg(1)->Arg(10)->Arg(100);

// The expectation matchers of the example config, parsed from text (done once
// per config load, not per webhook).
void BM_ParseMatchers(benchmark::State& state) {
  const std::string text =
      R"(alertname="PostgresReplicaPromoted", scenario="A", severity=~"critical|page")";
  for (auto _ : state) {
    auto m = ParseMatchers(text);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_ParseMatchers);

Labels FixtureLabels() {
  rapidjson::Document d;
  d.Parse(FixtureAlertsJson()[3]);  // PostgresPrimaryDown, scenario A
  Labels l;
  for (const auto& m : d["labels"].GetObject()) l[m.name.GetString()] = m.value.GetString();
  return l;
}

// One matcher set against one alert's labels (6 labels, as captured).
//   0: equality matchers, all match         1: equality, first matcher fails
//   2: equality + regex, all match           3: equality + regex, regex fails
//   4: negative matchers (!=, !~), all match
void BM_MatcherSetMatches(benchmark::State& state) {
  static const char* kCases[] = {
      R"(alertname="PostgresPrimaryDown", scenario="A")",
      R"(alertname="RabbitMQDown", scenario="E")",
      R"(alertname="PostgresPrimaryDown", scenario="A", severity=~"critical|page")",
      R"(alertname="PostgresPrimaryDown", scenario="A", severity=~"warning|info")",
      R"(env!="prod", instance!~"minio-.*")",
  };
  auto set = ParseMatchers(kCases[state.range(0)]);
  const Labels labels = FixtureLabels();
  bool last = false;
  for (auto _ : state) {
    last = set->Matches(labels);
    benchmark::DoNotOptimize(last);
  }
  state.SetLabel(last ? "match" : "no match");
}
BENCHMARK(BM_MatcherSetMatches)->ArgName("case")->DenseRange(0, 4);

}  // namespace
}  // namespace alertgate::bench
