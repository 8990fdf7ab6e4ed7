// lint/render.h on its own: a LintReport built by hand, with the cases the
// example configs behind the golden files never reach (a failing
// expectation, no rule at all, a rule that never reaches alertgate, a
// measurement above the bound, findings), rendered as text and as JSON.
#include "lint/render.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace alertgate {
namespace {

using std::chrono::seconds;

LintStage Stage(const std::string& name, Duration value, const std::string& detail = "") {
  return LintStage{name, value, detail, "", SourceRef{"prometheus.yml", 3}};
}

LintCandidate Candidate(const std::string& rule, Duration bound, bool reaches) {
  LintCandidate c;
  c.rule = rule;
  c.where = {"rules.yml", 12};
  c.reaches_alertgate = reaches;
  c.always_reaches_alertgate = reaches;
  c.routes = {LintRouteHit{
      "route.routes[0]", {"alertmanager.yml", 9}, reaches ? "alertgate" : "oncall", reaches}};
  if (reaches) {
    c.stages = {Stage("scrape", seconds(10), "assumed: no scrape_interval"),
                Stage("evaluation", bound - seconds(10))};
    c.bound = bound;
  }
  return c;
}

// Scenario A: A/1 meets its 60 s gate (measured above its bound), A/2 has a
// rule that only reaches another receiver. Scenario B: B/1 has no rule and
// a fractional gate. One error and one warning.
LintReport Report() {
  LintReport r;
  r.config_file = "alertgate.yml";
  r.prometheus_file = "prometheus.yml";
  r.alertmanager_file = "alertmanager.yml";
  r.rule_files = {"rules.yml"};
  r.alerting_rules = 2;
  r.routes = 1;
  r.alertgate_receivers = {"alertgate"};

  LintExpectation a1;
  a1.ref = "A/1";
  a1.matchers = "alertname=\"Fast\"";
  a1.where = {"alertgate.yml", 5};
  a1.gate = seconds(60);
  a1.ok = true;
  a1.candidates = {Candidate("Fast", seconds(45), true)};
  a1.best = 0;
  a1.measured = LintMeasurement{"d1", "A-2", 50.125, 2, true};

  LintExpectation a2;
  a2.ref = "A/2";
  a2.matchers = "alertname=\"Elsewhere\"";
  a2.where = {"alertgate.yml", 6};
  a2.gate = seconds(60);
  a2.candidates = {Candidate("Elsewhere", seconds(0), false)};

  LintExpectation b1;
  b1.ref = "B/1";
  b1.matchers = "alertname=\"Nothing\"";
  b1.where = {"alertgate.yml", 0};  // line unknown
  b1.gate = Millis(90'500);
  b1.measured = LintMeasurement{"d1", "", std::nullopt, 1, false};

  r.scenarios = {LintScenario{"A", "Scenario A", seconds(60), {a1, a2}},
                 LintScenario{"B", "Scenario B", Millis(90'500), {b1}}};
  r.findings = {
      LintFinding{LintSeverity::kError,
                  "not_routed",
                  {"alertmanager.yml", 9},
                  "rule Elsewhere",
                  "lands on receiver oncall only",
                  "route it to alertgate",
                  {"A/2"}},
      LintFinding{LintSeverity::kWarning,
                  "no_rule",
                  {"alertgate.yml", 0},
                  "B/1",
                  "no alerting rule can raise it",
                  "add a rule",
                  {}},
  };
  return r;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(LintRenderTest, TextStatesEachExpectationsOutcome) {
  const std::string text = RenderLintText(Report());
  EXPECT_EQ(text.rfind("alertgate lint: 2 scenarios, 3 expectations\n", 0), 0u) << text;
  EXPECT_TRUE(Contains(text, "prometheus.yml (1 rule file, 2 alerting rules)")) << text;
  EXPECT_TRUE(Contains(text, "alertmanager.yml (1 route, alertgate receiver: alertgate)")) << text;
  EXPECT_TRUE(Contains(text, "  ok    A/1  alertname=\"Fast\"\n")) << text;
  EXPECT_TRUE(Contains(text, "45s <= 1m gate: scrape 10s (assumed) + evaluation 35s\n")) << text;
  EXPECT_TRUE(Contains(text, "rule Fast (rules.yml:12) -> route.routes[0] (receiver alertgate)"))
      << text;
  EXPECT_TRUE(Contains(text,
                       "measured in drill d1: 50.125s (A-2, worst of 2 injections) > bound "
                       "45s  ABOVE THE BOUND"))
      << text;
  EXPECT_TRUE(Contains(text, "  FAIL  A/2  alertname=\"Elsewhere\"\n")) << text;
  EXPECT_TRUE(Contains(text, "never reaches alertgate's webhook\n")) << text;
  EXPECT_TRUE(Contains(text,
                       "rule Elsewhere (rules.yml:12) -> route.routes[0] (receiver oncall): "
                       "not alertgate\n"))
      << text;
  EXPECT_TRUE(Contains(text, "  FAIL  B/1  alertname=\"Nothing\"\n")) << text;
  EXPECT_TRUE(Contains(text, "no rule can raise this alert\n")) << text;
}

TEST(LintRenderTest, TextListsFindingsAndEndsWithTheVerdict) {
  const std::string text = RenderLintText(Report());
  EXPECT_TRUE(Contains(text, "\nFindings: 1 error, 1 warning, 0 notes\n")) << text;
  EXPECT_TRUE(Contains(text,
                       "  error   alertmanager.yml:9  rule Elsewhere  [A/2]\n"
                       "          lands on receiver oncall only\n"
                       "          fix: route it to alertgate\n"))
      << text;
  EXPECT_TRUE(Contains(text, "  warning alertgate.yml  B/1\n")) << "unknown line: file only\n"
                                                                << text;
  const std::string last = "FAIL: 2 of 3 expectations cannot meet their gates\n";
  ASSERT_GE(text.size(), last.size());
  EXPECT_EQ(text.substr(text.size() - last.size()), last) << text;
}

TEST(LintRenderTest, TextOfAPassingReportNamesTheSlowestExpectation) {
  LintReport r = Report();
  r.scenarios.resize(1);
  r.scenarios[0].expectations.resize(1);  // only A/1, which meets its gate
  r.findings.clear();
  const std::string text = RenderLintText(r);
  EXPECT_FALSE(Contains(text, "Findings:")) << text;
  const std::string last =
      "ok: all 1 expectations can meet their gates (slowest worst case 45s, A/1)\n";
  ASSERT_GE(text.size(), last.size());
  EXPECT_EQ(text.substr(text.size() - last.size()), last) << text;
}

TEST(LintRenderTest, JsonCarriesTheSameContent) {
  const std::string json = RenderLintJson(Report());
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  EXPECT_FALSE(d["ok"].GetBool());
  EXPECT_EQ(d["expectations"].GetUint64(), 3u);
  EXPECT_EQ(d["failing"].GetUint64(), 2u);
  EXPECT_STREQ(d["files"]["alertmanager"].GetString(), "alertmanager.yml");
  ASSERT_EQ(d["scenarios"].Size(), 2u);

  const auto& a1 = d["scenarios"][0]["expectations"][0];
  EXPECT_STREQ(a1["ref"].GetString(), "A/1");
  EXPECT_TRUE(a1["ok"].GetBool());
  EXPECT_EQ(a1["gate_seconds"].GetInt64(), 60);
  EXPECT_EQ(a1["bound_seconds"].GetInt64(), 45);
  EXPECT_STREQ(a1["rule"].GetString(), "Fast");
  ASSERT_EQ(a1["stages"].Size(), 2u);
  EXPECT_STREQ(a1["stages"][0]["stage"].GetString(), "scrape");
  EXPECT_EQ(a1["line"].GetInt(), 5);
  EXPECT_DOUBLE_EQ(a1["measured"]["time_to_notify_seconds"].GetDouble(), 50.125);
  EXPECT_TRUE(a1["measured"]["above_bound"].GetBool());
  EXPECT_STREQ(a1["measured"]["injection"].GetString(), "A-2");

  const auto& a2 = d["scenarios"][0]["expectations"][1];
  EXPECT_FALSE(a2["ok"].GetBool());
  EXPECT_TRUE(a2["bound_seconds"].IsNull());
  EXPECT_TRUE(a2["rule"].IsNull());
  EXPECT_EQ(a2["stages"].Size(), 0u);
  EXPECT_TRUE(a2["measured"].IsNull());
  ASSERT_EQ(a2["candidates"].Size(), 1u);
  EXPECT_FALSE(a2["candidates"][0]["reaches_alertgate"].GetBool());
  EXPECT_TRUE(a2["candidates"][0]["bound_seconds"].IsNull());
  EXPECT_STREQ(a2["candidates"][0]["routes"][0]["receiver"].GetString(), "oncall");

  const auto& b1 = d["scenarios"][1]["expectations"][0];
  EXPECT_DOUBLE_EQ(b1["gate_seconds"].GetDouble(), 90.5);
  EXPECT_TRUE(b1["line"].IsNull()) << "an unknown line is null, not 0";
  EXPECT_EQ(b1["candidates"].Size(), 0u);
  EXPECT_TRUE(b1["measured"]["time_to_notify_seconds"].IsNull());
  EXPECT_TRUE(b1["measured"]["injection"].IsNull());

  ASSERT_EQ(d["findings"].Size(), 2u);
  EXPECT_STREQ(d["findings"][0]["severity"].GetString(), "error");
  EXPECT_STREQ(d["findings"][0]["kind"].GetString(), "not_routed");
  EXPECT_STREQ(d["findings"][0]["expectations"][0].GetString(), "A/2");
  EXPECT_STREQ(d["findings"][1]["severity"].GetString(), "warning");
  EXPECT_TRUE(d["findings"][1]["line"].IsNull());
  EXPECT_EQ(json.back(), '\n');
}

}  // namespace
}  // namespace alertgate
