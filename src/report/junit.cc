#include <cstdio>
#include <sstream>

#include "core/text.h"
#include "core/time.h"
#include "report/report.h"

namespace alertgate {
namespace {

std::string Seconds(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ToSeconds(d));
  return buf;
}

}  // namespace

std::string RenderJunit(const DrillResult& r) {
  size_t failures = 0;
  size_t skipped = 0;
  Duration total{0};
  for (const auto& ir : r.injections) {
    if (ir.verdict == InjectionVerdict::kPending) {
      ++skipped;
    } else if (ir.verdict != InjectionVerdict::kPass) {
      ++failures;
    }
    if (ir.time_to_alert) total += *ir.time_to_alert;
  }
  // A planned scenario that never ran is a failed test case of its own.
  failures += r.not_run.size();
  const size_t tests = r.injections.size() + r.not_run.size();
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"alertgate\" tests=\"" << tests << "\" failures=\"" << failures
    << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << Seconds(total) << "\">\n";
  x << "  <testsuite name=\"" << EscapeMarkup(r.drill.id) << "\" tests=\"" << tests
    << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\""
    << Seconds(total) << "\" timestamp=\"" << FormatRfc3339(r.drill.started_at) << "\">\n";
  x << "    <properties>\n";
  x << "      <property name=\"drill.verdict\" value=\"" << Name(r.verdict) << "\"/>\n";
  x << "      <property name=\"drill.unexpected_alerts\" value=\"" << r.unexpected.size()
    << "\"/>\n";
  x << "    </properties>\n";
  for (const auto& ir : r.injections) {
    x << "    <testcase classname=\"alertgate." << EscapeMarkup(r.drill.id) << "\" name=\""
      << EscapeMarkup(ir.injection.scenario + " " + ir.name + " (" + ir.injection.id + ")")
      << "\" time=\"" << (ir.time_to_alert ? Seconds(*ir.time_to_alert) : std::string("0.000"))
      << "\"";
    const std::string reason = VerdictReason(ir);
    if (ir.verdict == InjectionVerdict::kPass) {
      x << "/>\n";
      continue;
    }
    x << ">\n";
    if (ir.verdict == InjectionVerdict::kPending) {
      x << "      <skipped message=\"pending: " << EscapeMarkup(reason) << "\"/>\n";
    } else {
      x << "      <failure type=\"" << Name(ir.verdict) << "\" message=\"" << Name(ir.verdict)
        << ": " << EscapeMarkup(reason) << "\">";
      x << EscapeMarkup("injected at " + FormatRfc3339(ir.injection.injected_at) + ", gate " +
                        Seconds(ir.gate) + " s, window " + Seconds(ir.window) + " s\n");
      for (const auto& e : ir.expectations) {
        x << EscapeMarkup(
            std::string(Name(e.status)) + ": " + e.matchers +
            (e.time_to_notify ? " notified after " + Seconds(*e.time_to_notify) + " s" : "") +
            "\n");
      }
      if (!ir.runbook.empty()) x << EscapeMarkup("runbook: " + ir.runbook + "\n");
      x << "</failure>\n";
    }
    x << "    </testcase>\n";
  }
  for (const auto& id : r.not_run) {
    x << "    <testcase classname=\"alertgate." << EscapeMarkup(r.drill.id) << "\" name=\""
      << EscapeMarkup(id + " (not run)") << "\" time=\"0.000\">\n";
    x << "      <failure type=\"not_run\" message=\"not_run: scenario " << EscapeMarkup(id)
      << " was planned but never injected before the drill finished\"/>\n";
    x << "    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

}  // namespace alertgate
