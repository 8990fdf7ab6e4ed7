// The results document (docs/results.md) as JSON.
#pragma once

#include <string>
#include <vector>

#include "correlate/evaluate.h"

namespace alertgate {

// One drill's results document. Timestamps are RFC 3339 UTC with
// milliseconds; durations are seconds as numbers; absent values are null.
// Pure: depends only on `result`.
std::string RenderResultsJson(const DrillResult& result, bool pretty = true);

// The drill list: [{"drill", "started_at", "finished_at", "verdict",
// "injections": n, "counts": {"pass": n, ...}}].
std::string RenderDrillListJson(const std::vector<DrillResult>& results);

}  // namespace alertgate
