// The acceptance report of a drill in the formats a team commits or a CI
// system reads. Renderers are pure functions of a DrillResult: they never
// read the clock, so the same stored facts render the same bytes.
#pragma once

#include <string>

#include "core/status.h"
#include "correlate/evaluate.h"

namespace alertgate {

enum class ReportFormat { kMarkdown, kJson, kJunit, kHtml };

Result<ReportFormat> ParseReportFormat(const std::string& text);  // markdown|json|junit|html
const char* ContentType(ReportFormat format);

std::string RenderReport(const DrillResult& result, ReportFormat format);

// The session document (game-day template columns: Timestamp | Action |
// Observation | Runbook used | Gap discovered), pre-filled from the timeline.
std::string RenderMarkdown(const DrillResult& result);
// One testsuite per drill, one testcase per injection; failure for late,
// incomplete and silent, skipped for pending.
std::string RenderJunit(const DrillResult& result);
// One self-contained page (no external assets) with an SVG timeline per injection.
std::string RenderHtml(const DrillResult& result);

// Seconds with one decimal, without a trailing ".0": "12.3", "60", "-2".
std::string FormatSeconds(Duration d);

// "PostgresPrimaryDown notified 74.2 s after injection, 14.2 s over the 60 s gate":
// the measured gap for a late, missing or pending expectation; "" when on time.
std::string GapText(const InjectionResult& ir, const ExpectationResult& e);
// Why an injection did not pass, in one sentence; "" for pass.
std::string VerdictReason(const InjectionResult& ir);

}  // namespace alertgate
