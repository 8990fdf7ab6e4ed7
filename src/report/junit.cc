#include <cstdio>
#include <sstream>

#include "core/time.h"
#include "report/report.h"

namespace alertgate {
namespace {

// Escapes text for XML 1.0 attributes and content; control characters XML
// cannot carry are replaced with U+FFFD.
std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

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
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"alertgate\" tests=\"" << r.injections.size() << "\" failures=\""
    << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << Seconds(total)
    << "\">\n";
  x << "  <testsuite name=\"" << Xml(r.drill.id) << "\" tests=\"" << r.injections.size()
    << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\""
    << Seconds(total) << "\" timestamp=\"" << FormatRfc3339(r.drill.started_at) << "\">\n";
  x << "    <properties>\n";
  x << "      <property name=\"drill.verdict\" value=\"" << Name(r.verdict) << "\"/>\n";
  x << "      <property name=\"drill.unexpected_alerts\" value=\"" << r.unexpected.size()
    << "\"/>\n";
  x << "    </properties>\n";
  for (const auto& ir : r.injections) {
    x << "    <testcase classname=\"alertgate." << Xml(r.drill.id) << "\" name=\""
      << Xml(ir.injection.scenario + " " + ir.name + " (" + ir.injection.id + ")") << "\" time=\""
      << (ir.time_to_alert ? Seconds(*ir.time_to_alert) : std::string("0.000")) << "\"";
    const std::string reason = VerdictReason(ir);
    if (ir.verdict == InjectionVerdict::kPass) {
      x << "/>\n";
      continue;
    }
    x << ">\n";
    if (ir.verdict == InjectionVerdict::kPending) {
      x << "      <skipped message=\"pending: " << Xml(reason) << "\"/>\n";
    } else {
      x << "      <failure type=\"" << Name(ir.verdict) << "\" message=\"" << Name(ir.verdict)
        << ": " << Xml(reason) << "\">";
      x << Xml("injected at " + FormatRfc3339(ir.injection.injected_at) + ", gate " +
               Seconds(ir.gate) + " s, window " + Seconds(ir.window) + " s\n");
      for (const auto& e : ir.expectations) {
        x << Xml(std::string(Name(e.status)) + ": " + e.matchers +
                 (e.time_to_notify ? " notified after " + Seconds(*e.time_to_notify) + " s" : "") +
                 "\n");
      }
      if (!ir.runbook.empty()) x << Xml("runbook: " + ir.runbook + "\n");
      x << "</failure>\n";
    }
    x << "    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

}  // namespace alertgate
