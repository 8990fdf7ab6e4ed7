#include "report/report.h"

#include <cstdio>

#include "report/json.h"

namespace alertgate {

Result<ReportFormat> ParseReportFormat(const std::string& text) {
  if (text == "markdown" || text == "md") return ReportFormat::kMarkdown;
  if (text == "json") return ReportFormat::kJson;
  if (text == "junit") return ReportFormat::kJunit;
  if (text == "html") return ReportFormat::kHtml;
  return InvalidArgument("format: unknown report format \"" + text +
                         "\" (want markdown, json, junit or html)");
}

const char* ContentType(ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return "text/markdown; charset=utf-8";
    case ReportFormat::kJson:
      return "application/json";
    case ReportFormat::kJunit:
      return "application/xml; charset=utf-8";
    case ReportFormat::kHtml:
      return "text/html; charset=utf-8";
  }
  return "text/plain";
}

std::string RenderReport(const DrillResult& result, ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return RenderMarkdown(result);
    case ReportFormat::kJson:
      return RenderResultsJson(result);
    case ReportFormat::kJunit:
      return RenderJunit(result);
    case ReportFormat::kHtml:
      return RenderHtml(result);
  }
  return "";
}

std::string FormatSeconds(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ToSeconds(d));
  std::string out = buf;
  if (out.size() > 2 && out.compare(out.size() - 2, 2, ".0") == 0) out.resize(out.size() - 2);
  if (out == "-0") out = "0";
  return out;
}

namespace {

std::string Secs(Duration d) { return FormatSeconds(d) + " s"; }

}  // namespace

std::string GapText(const InjectionResult& ir, const ExpectationResult& e) {
  switch (e.status) {
    case ExpectationStatus::kOnTime:
      return "";
    case ExpectationStatus::kLate:
      return e.name + " notified " + Secs(*e.time_to_notify) + " after injection, " +
             Secs(*e.time_to_notify - ir.gate) + " over the " + Secs(ir.gate) + " gate";
    case ExpectationStatus::kMissing:
      return e.name + " never notified within the " + Secs(ir.window) + " window";
    case ExpectationStatus::kPending:
      return e.name + " not notified yet; the window is still open";
  }
  return "";
}

std::string VerdictReason(const InjectionResult& ir) {
  if (!ir.error.empty()) return ir.error;
  std::string reason;
  for (const auto& e : ir.expectations) {
    std::string gap = GapText(ir, e);
    if (gap.empty()) continue;
    reason += (reason.empty() ? "" : "; ") + gap;
  }
  if (ir.verdict == InjectionVerdict::kSilent && !ir.pre_existing.empty()) {
    reason += "; " + ir.pre_existing[0].alertname +
              " was already firing before the fault (pre-existing, not counted)";
  }
  return reason;
}

}  // namespace alertgate
