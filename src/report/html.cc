#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/text.h"
#include "core/time.h"
#include "report/report.h"

namespace alertgate {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Secs(Duration d) { return FormatSeconds(d) + " s"; }

const char* kStyle = R"css(
:root { --pass:#1a7f37; --fail:#cf222e; --late:#bf8700; --pend:#6e7781; --ink:#1f2328; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       margin: 0 auto; padding: 16px; max-width: 980px; }
h1 { font-size: 1.5em; margin: 0 0 .3em; } h2 { font-size: 1.15em; margin: 1.6em 0 .3em; }
.badge { display: inline-block; padding: .1em .55em; border-radius: 1em; color: #fff;
         font-weight: 600; font-size: .9em; }
.pass { background: var(--pass); } .late, .incomplete { background: var(--late); }
.silent, .fail { background: var(--fail); } .pending { background: var(--pend); }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { text-align: left; padding: .35em .5em; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #f6f8fa; }
.scroll { overflow-x: auto; }
.meta { color: #57606a; }
svg.timeline { width: 100%; height: auto; display: block; margin: .4em 0 .2em; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
.legend span { margin-right: 1em; white-space: nowrap; }
section { break-inside: avoid; }
@media print { body { max-width: none; } .badge { color: #000; border: 1px solid #000; background: none; } }
)css";

// An SVG timeline: t=0 at the injection, up to the window end (or the latest
// event), with the gate line, firing (circle), notification (diamond) and
// resolution (square) of each expectation, one lane per expectation.
std::string Timeline(const InjectionResult& ir) {
  const auto& inj = ir.injection;
  Duration span = std::max(ir.window, ir.gate);
  for (const auto& e : ir.expectations) {
    if (e.time_to_notify) span = std::max(span, *e.time_to_notify);
    if (e.resolved_at) span = std::max(span, *e.resolved_at - inj.injected_at);
  }
  if (inj.cleared_at) span = std::max(span, *inj.cleared_at - inj.injected_at);
  const double total = std::max(1.0, ToSeconds(span));
  const double left = 150, width = 620, lane = 26, top = 28;
  const double height = top + lane * static_cast<double>(ir.expectations.size()) + 30;
  auto x = [&](double s) { return left + width * std::clamp(s, 0.0, total) / total; };

  std::ostringstream svg;
  svg << "<svg class=\"timeline\" viewBox=\"0 0 800 " << Num(height)
      << "\" role=\"img\" aria-label=\"Timeline of " << EscapeMarkup(inj.id) << "\">\n";
  const double bottom = height - 24;
  // Axis, window end, gate.
  svg << "<line x1=\"" << left << "\" y1=\"" << Num(bottom) << "\" x2=\"" << left + width
      << "\" y2=\"" << Num(bottom) << "\" stroke=\"#8c959f\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double s = total * i / 4;
    svg << "<text x=\"" << Num(x(s)) << "\" y=\"" << Num(bottom + 15)
        << "\" text-anchor=\"middle\">" << Num(s) << " s</text>\n";
  }
  svg << "<line class=\"gate\" x1=\"" << Num(x(ToSeconds(ir.gate))) << "\" y1=\"14\" x2=\""
      << Num(x(ToSeconds(ir.gate))) << "\" y2=\"" << Num(bottom)
      << "\" stroke=\"#cf222e\" stroke-dasharray=\"5 3\"/>\n";
  svg << "<text x=\"" << Num(x(ToSeconds(ir.gate))) << "\" y=\"11\" text-anchor=\"middle\" "
      << "fill=\"#cf222e\">gate " << Secs(ir.gate) << "</text>\n";
  svg << "<line class=\"window-end\" x1=\"" << Num(x(ToSeconds(ir.window))) << "\" y1=\"14\" x2=\""
      << Num(x(ToSeconds(ir.window))) << "\" y2=\"" << Num(bottom)
      << "\" stroke=\"#6e7781\" stroke-dasharray=\"2 3\"/>\n";
  svg << "<text x=\"" << Num(std::min(x(ToSeconds(ir.window)), left + width - 40))
      << "\" y=\"24\" text-anchor=\"middle\" fill=\"#57606a\">window end</text>\n";
  svg << "<line class=\"injection\" x1=\"" << left << "\" y1=\"14\" x2=\"" << left << "\" y2=\""
      << Num(bottom) << "\" stroke=\"#0969da\" stroke-width=\"2\"/>\n";
  svg << "<text x=\"" << left - 4 << "\" y=\"11\" text-anchor=\"end\" fill=\"#0969da\">injected "
      << EscapeMarkup(FormatRfc3339(inj.injected_at).substr(11, 8)) << "</text>\n";
  if (inj.cleared_at) {
    const double c = x(ToSeconds(*inj.cleared_at - inj.injected_at));
    svg << "<line class=\"clear\" x1=\"" << Num(c) << "\" y1=\"" << Num(bottom - 6) << "\" x2=\""
        << Num(c) << "\" y2=\"" << Num(bottom + 4)
        << "\" stroke=\"#0969da\" stroke-width=\"3\"/>\n";
  }
  for (size_t i = 0; i < ir.expectations.size(); ++i) {
    const auto& e = ir.expectations[i];
    const double y = top + lane * static_cast<double>(i) + lane / 2;
    svg << "<text x=\"" << left - 8 << "\" y=\"" << Num(y + 4) << "\" text-anchor=\"end\">"
        << EscapeMarkup(e.name.size() > 22 ? e.name.substr(0, 21) + "…" : e.name) << "</text>\n";
    svg << "<line x1=\"" << left << "\" y1=\"" << Num(y) << "\" x2=\"" << left + width << "\" y2=\""
        << Num(y) << "\" stroke=\"#eaeef2\"/>\n";
    if (!e.alert) {
      svg << "<text x=\"" << Num(left + 6) << "\" y=\"" << Num(y + 4) << "\" fill=\"#cf222e\">"
          << (e.status == ExpectationStatus::kMissing ? "never notified" : "waiting")
          << "</text>\n";
      continue;
    }
    const std::string color = e.status == ExpectationStatus::kOnTime ? "#1a7f37" : "#bf8700";
    const double f = x(ToSeconds(*e.time_to_fire));
    const double n = x(ToSeconds(*e.time_to_notify));
    svg << "<line x1=\"" << Num(f) << "\" y1=\"" << Num(y) << "\" x2=\"" << Num(n) << "\" y2=\""
        << Num(y) << "\" stroke=\"" << color << "\" stroke-width=\"3\"/>\n";
    svg << "<circle class=\"firing\" cx=\"" << Num(f) << "\" cy=\"" << Num(y)
        << "\" r=\"5\" fill=\"#fff\" stroke=\"" << color << "\" stroke-width=\"2\"><title>"
        << EscapeMarkup(e.alert->alertname) << " firing at " << Secs(*e.time_to_fire)
        << "</title></circle>\n";
    svg << "<path class=\"notified\" d=\"M" << Num(n) << " " << Num(y - 7)
        << " l7 7 l-7 7 l-7 -7 z\" fill=\"" << color << "\"><title>"
        << EscapeMarkup(e.alert->alertname) << " notified at " << Secs(*e.time_to_notify)
        << "</title></path>\n";
    if (e.resolved_at) {
      const double rx = x(ToSeconds(*e.resolved_at - inj.injected_at));
      svg << "<rect class=\"resolved\" x=\"" << Num(rx - 4) << "\" y=\"" << Num(y - 4)
          << "\" width=\"8\" height=\"8\" fill=\"#57606a\"><title>resolved</title></rect>\n";
    }
  }
  svg << "</svg>\n";
  return svg.str();
}

std::string Badge(const char* verdict) {
  return std::string("<span class=\"badge ") + verdict + "\">" + verdict + "</span>";
}

}  // namespace

std::string RenderHtml(const DrillResult& r) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>Game day " << EscapeMarkup(r.drill.id) << " — " << Name(r.verdict) << "</title>\n"
    << "<style>" << kStyle << "</style>\n</head>\n<body>\n";
  h << "<h1>Game day " << EscapeMarkup(r.drill.id) << " " << Badge(Name(r.verdict)) << "</h1>\n";
  h << "<p class=\"meta\">Started " << FormatRfc3339(r.drill.started_at) << " · finished "
    << (r.drill.finished_at ? FormatRfc3339(*r.drill.finished_at) : std::string("not yet")) << " · "
    << r.injections.size() << " injections · " << r.unexpected.size()
    << " unexpected alerts · times UTC</p>\n";
  if (!r.drill.scenarios.empty()) {
    h << "<p class=\"meta\">Plan: " << EscapeMarkup(Join(r.drill.scenarios)) << "</p>\n";
  }
  for (const auto& id : r.not_run) {
    h << "<p>" << Badge("fail") << " Scenario " << EscapeMarkup(id)
      << " was planned but never injected before the drill finished.</p>\n";
  }
  h << "<h2>Summary</h2>\n<div class=\"scroll\"><table>\n<tr><th>Scenario</th><th>Injected "
       "at</th><th>Time to alert</th><th>Gate</th><th>Verdict</th></tr>\n";
  for (const auto& ir : r.injections) {
    h << "<tr><td>" << EscapeMarkup(ir.injection.scenario + " — " + ir.name)
      << " <span class=\"meta\">(" << EscapeMarkup(ir.injection.id) << ")</span></td><td>"
      << FormatRfc3339(ir.injection.injected_at) << "</td><td>"
      << (ir.time_to_alert ? Secs(*ir.time_to_alert) : std::string("—")) << "</td><td>"
      << Secs(ir.gate) << "</td><td>" << Badge(Name(ir.verdict)) << "</td></tr>\n";
  }
  h << "</table></div>\n";
  h << "<p class=\"legend meta\"><span>○ firing in Prometheus</span><span>◆ notified</span>"
       "<span>■ resolved</span><span style=\"color:#0969da\">▮ cleared</span><span "
       "style=\"color:#cf222e\">┆ gate</span><span>┆ window "
       "end</span></p>\n";
  for (const auto& ir : r.injections) {
    h << "<section>\n<h2>" << EscapeMarkup(ir.injection.scenario + " — " + ir.name) << " ("
      << EscapeMarkup(ir.injection.id) << ") " << Badge(Name(ir.verdict)) << "</h2>\n";
    const std::string reason = VerdictReason(ir);
    if (!reason.empty()) h << "<p>" << EscapeMarkup(reason) << "</p>\n";
    if (!ir.runbook.empty())
      h << "<p class=\"meta\">Runbook: " << EscapeMarkup(ir.runbook) << "</p>\n";
    h << Timeline(ir);
    h << "<div class=\"scroll\"><table>\n<tr><th>Expected alert</th><th>Status</th><th>Time to "
         "fire</th><th>Time to notify</th></tr>\n";
    for (const auto& e : ir.expectations) {
      h << "<tr><td><code>" << EscapeMarkup(e.matchers) << "</code></td><td>" << Name(e.status)
        << "</td><td>" << (e.time_to_fire ? Secs(*e.time_to_fire) : std::string("—")) << "</td><td>"
        << (e.time_to_notify ? Secs(*e.time_to_notify) : std::string("—")) << "</td></tr>\n";
    }
    h << "</table></div>\n</section>\n";
  }
  h << "<h2>Unexpected alerts</h2>\n";
  if (r.unexpected.empty()) {
    h << "<p>None.</p>\n";
  } else {
    h << "<div class=\"scroll\"><table>\n<tr><th>Alert</th><th>Firing since</th><th>Notified "
         "at</th></tr>\n";
    for (const auto& a : r.unexpected) {
      h << "<tr><td>" << EscapeMarkup(a.alertname) << "</td><td>" << FormatRfc3339(a.starts_at)
        << "</td><td>" << FormatRfc3339(a.notified_at) << "</td></tr>\n";
    }
    h << "</table></div>\n";
  }
  // Marks the document once the browser has laid out every timeline, so a
  // headless test can tell that the SVG rendered (not just that it exists).
  h << "<script>\ndocument.addEventListener('DOMContentLoaded', function () {\n"
       "  var n = 0;\n"
       "  document.querySelectorAll('svg.timeline').forEach(function (s) {\n"
       "    var b = s.getBoundingClientRect();\n"
       "    if (b.width > 0 && b.height > 0 && s.querySelector('line.gate')) n++;\n"
       "  });\n"
       "  document.body.setAttribute('data-timelines-rendered', String(n));\n"
       "});\n</script>\n";
  h << "</body>\n</html>\n";
  return h.str();
}

}  // namespace alertgate
