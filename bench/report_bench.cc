// Rendering the acceptance report of a drill with 1,000 injections.
#include <benchmark/benchmark.h>

#include "bench/bench_data.h"
#include "correlate/evaluate.h"
#include "report/json.h"
#include "report/report.h"

namespace alertgate::bench {
namespace {

// 1,000 injections 10 s apart over scenarios A-E, every expected alert firing
// and resolving (about 80 % on time, 10 % late, 10 % missing), 1,000
// unrelated alerts: evaluated once, rendered per iteration.
const DrillResult& Drill1000() {
  static const DrillResult result = [] {
    DrillShape shape;
    shape.started_at = FromUnixMillis(1'800'000'000'000);
    shape.injections = 1000;
    shape.noise = 1000;
    const auto d = MakeDrill(ExampleConfig(), shape);
    return Evaluate(d.drill, d.injections, d.notifications, ExampleConfig(), d.end);
  }();
  return result;
}

void BM_RenderReport(benchmark::State& state) {
  const auto format = static_cast<ReportFormat>(state.range(0));
  const DrillResult& r = Drill1000();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = RenderReport(r, format);
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  static const char* kNames[] = {"markdown", "json", "junit", "html"};
  state.SetLabel(kNames[state.range(0)]);
  state.counters["output_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderReport)
    ->ArgName("format")
    ->Arg(static_cast<int>(ReportFormat::kMarkdown))
    ->Arg(static_cast<int>(ReportFormat::kHtml))
    ->Arg(static_cast<int>(ReportFormat::kJunit))
    ->Arg(static_cast<int>(ReportFormat::kJson))
    ->Unit(benchmark::kMillisecond);

// The results document served by GET /api/v1/drills/{drill}.
void BM_RenderResultsJson(benchmark::State& state) {
  const DrillResult& r = Drill1000();
  for (auto _ : state) {
    std::string out = RenderResultsJson(r);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RenderResultsJson)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace alertgate::bench
