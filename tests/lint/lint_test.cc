// lint's model on the fixture cases (fixtures/lint/README.md): verdicts,
// stage breakdowns, findings with file:line, and golden text/JSON output.
#include "lint/lint.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/duration.h"
#include "lint/lint_test_util.h"
#include "lint/render.h"
#include "test_util.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using test::LintFixture;
using test::StripSourceDir;

const LintExpectation& Find(const LintReport& r, const std::string& ref) {
  for (const auto& s : r.scenarios) {
    for (const auto& e : s.expectations) {
      if (e.ref == ref) return e;
    }
  }
  ADD_FAILURE() << "no expectation " << ref;
  static const LintExpectation kNone;
  return kNone;
}

std::vector<const LintFinding*> FindingsOf(const LintReport& r, const std::string& kind,
                                           const std::string& ref) {
  std::vector<const LintFinding*> out;
  for (const auto& f : r.findings) {
    if (f.kind == kind &&
        std::find(f.expectations.begin(), f.expectations.end(), ref) != f.expectations.end()) {
      out.push_back(&f);
    }
  }
  return out;
}

std::string StagesText(const LintExpectation& e) {
  if (!e.best) return "";
  std::string out;
  for (const auto& s : e.candidates[*e.best].stages) {
    out += (out.empty() ? "" : " + ") + s.name + " " + FormatDuration(s.value);
  }
  return out;
}

TEST(LintTest, ShippedExamplesMeetEveryGate) {
  const LintReport r = LintFixture("examples");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.ExpectationCount(), 8u);
  EXPECT_EQ(r.alerting_rules, 21u);
  // rules/README.md: 10 + 10 + ceil(10/10)*10 + 10 + 10 = 50s, +5s scrape_timeout.
  const LintExpectation& a1 = Find(r, "A/1");
  EXPECT_TRUE(a1.ok);
  EXPECT_EQ(StagesText(a1),
            "scrape 10s + scrape_timeout 5s + evaluation 10s + for 10s + send 10s + "
            "group_interval 10s");
  EXPECT_EQ(a1.candidates[*a1.best].bound, seconds(55));
  EXPECT_EQ(Find(r, "B/1").candidates[0].bound, seconds(45));
  for (const auto& f : r.findings) EXPECT_NE(f.severity, LintSeverity::kError) << f.message;
}

TEST(LintTest, AlertgateAsOnlyChildRouteStarvesOncall) {
  // A matching child route is notified instead of its parent: with the
  // alertgate route as the only child, the root receiver "oncall" never is.
  const LintReport r = LintFixture("only-alertgate");
  auto only = FindingsOf(r, "only_alertgate", "A/1");
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0]->severity, LintSeverity::kWarning);
  EXPECT_EQ(StripSourceDir(only[0]->where.ToString()),
            "fixtures/lint/only-alertgate/alertmanager.yml:18");
  EXPECT_EQ(only[0]->expectations.size(), 8u);
}

TEST(LintTest, ExamplesPageOncallToo) {
  EXPECT_TRUE(FindingsOf(LintFixture("examples"), "only_alertgate", "A/1").empty());
}

TEST(LintTest, SaysWhichScrapeIntervalItAssumed) {
  const LintReport r = LintFixture("examples");
  // RabbitMQDown selects up{job="rabbitmq"}: its job's interval, no assumption.
  EXPECT_TRUE(FindingsOf(r, "scrape_interval_assumed", "E/1").empty());
  EXPECT_EQ(Find(r, "E/1").candidates[0].stages[0].detail, "job \"rabbitmq\"");
  auto assumed = FindingsOf(r, "scrape_interval_assumed", "A/1");
  ASSERT_EQ(assumed.size(), 1u);
  EXPECT_NE(assumed[0]->message.find("assumed the global scrape_interval 10s"), std::string::npos);
  EXPECT_EQ(StripSourceDir(assumed[0]->where.ToString()), "rules/scenarios.rules.yml:31");
}

TEST(LintTest, MatcherOnALabelTheRuleDoesNotSetIsUnknown) {
  const LintReport r = LintFixture("examples");
  const LintExpectation& b1 = Find(r, "B/1");  // proxy="backend-api": from the series
  ASSERT_EQ(b1.candidates.size(), 1u);
  EXPECT_FALSE(b1.candidates[0].certain);
  EXPECT_EQ(b1.candidates[0].unknown_labels, std::vector<std::string>{"proxy"});
  EXPECT_EQ(FindingsOf(r, "unknown_label", "B/1").size(), 1u);
  EXPECT_TRUE(b1.ok);
}

TEST(LintTest, StockDefaultsFailWithTheDesignBreakdown) {
  const LintReport r = LintFixture("stock");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.FailingCount(), 8u);
  // scrape 1m (+10s timeout) + eval 1m + for 10s rounded up to one 1m
  // evaluation + send 10s + group_interval 5m.
  const LintExpectation& a1 = Find(r, "A/1");
  EXPECT_EQ(StagesText(a1),
            "scrape 1m + scrape_timeout 10s + evaluation 1m + for 1m + send 10s + "
            "group_interval 5m");
  EXPECT_EQ(a1.candidates[*a1.best].bound, minutes(8) + seconds(20));
  EXPECT_EQ(Find(r, "A/2").candidates[0].bound, minutes(7) + seconds(20));  // for: 0s
  auto over = FindingsOf(r, "exceeds_gate", "A/1");
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0]->severity, LintSeverity::kError);
  EXPECT_NE(over[0]->message.find("group_interval 5m dominates"), std::string::npos)
      << over[0]->message;
  EXPECT_EQ(StripSourceDir(over[0]->where.ToString()), "fixtures/lint/stock/alertmanager.yml:3");
  EXPECT_NE(over[0]->fix.find("lower group_interval"), std::string::npos);
}

TEST(LintTest, MissingRuleIsAGuaranteedSilentFail) {
  const LintReport r = LintFixture("missing-rule");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(Find(r, "A/1").ok);
  EXPECT_TRUE(Find(r, "A/2").ok);
  auto typo = FindingsOf(r, "no_rule", "A/1");
  ASSERT_EQ(typo.size(), 1u);
  EXPECT_EQ(StripSourceDir(typo[0]->where.ToString()),
            "fixtures/lint/missing-rule/alertgate.yml:8");
  EXPECT_NE(typo[0]->fix.find("did you mean PostgresPrimaryDown"), std::string::npos);
  auto label = FindingsOf(r, "no_rule", "B/1");
  ASSERT_EQ(label.size(), 1u);
  EXPECT_NE(label[0]->fix.find("sets scenario=\"B\""), std::string::npos) << label[0]->fix;
}

TEST(LintTest, RouteWithoutContinueSwallowsAlertsBeforeAlertgate) {
  const LintReport r = LintFixture("swallow");
  EXPECT_FALSE(Find(r, "A/1").ok);  // severity critical: taken by the pager route
  EXPECT_TRUE(Find(r, "B/1").ok);   // severity warning: reaches alertgate
  auto f = FindingsOf(r, "not_routed_to_alertgate", "A/1");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, LintSeverity::kError);
  EXPECT_EQ(StripSourceDir(f[0]->where.ToString()), "fixtures/lint/swallow/alertmanager.yml:9");
  EXPECT_EQ(f[0]->fix,
            "add continue: true to route.routes[0], or move route.routes[1] before it with "
            "continue: true");
  const auto& hits = Find(r, "A/1").candidates[0].routes;
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].receiver, "pager");
}

TEST(LintTest, NestedRoutesInheritTimersAndContinue) {
  const LintReport r = LintFixture("nested");
  // DbPrimaryDown reaches alertgate twice: via route.routes[0].routes[0]
  // (inherits group_wait 5s, group_interval 20s, group_by [alertname]: 20s)
  // and route.routes[1] (group_by ['...'], group_wait 10s): the first ping
  // counts, 10s. scrape 5s (job postgres) + timeout 5s + eval 5s (group) +
  // for 12s rounded up to 15s + send 5s + 10s.
  const LintExpectation& db1 = Find(r, "db/1");
  EXPECT_TRUE(db1.ok);
  EXPECT_EQ(StagesText(db1),
            "scrape 5s + scrape_timeout 5s + evaluation 5s + for 15s + send 5s + group_wait 10s");
  const auto& hits = db1.candidates[0].routes;
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].path, "route.routes[0].routes[0]");
  EXPECT_EQ(hits[1].path, "route.routes[1]");
  EXPECT_EQ(hits[2].receiver, "oncall");
  // DbReplicaLag (warning) stops at db-pager; alertgate's routes want critical.
  EXPECT_FALSE(Find(r, "db/2").ok);
  auto nr = FindingsOf(r, "not_routed_to_alertgate", "db/2");
  ASSERT_EQ(nr.size(), 1u);
  EXPECT_NE(nr[0]->message.find("requires severity=\"critical\""), std::string::npos);
  EXPECT_EQ(FindingsOf(r, "inhibited", "db/2").size(), 1u);
  // QueueDown: job queue scrapes every 30s (timeout 10s): 65s > 60s.
  const LintExpectation& q1 = Find(r, "queue/1");
  EXPECT_FALSE(q1.ok);
  EXPECT_EQ(q1.candidates[0].bound, seconds(65));
  EXPECT_EQ(q1.candidates[0].routing_depends_on, std::set<std::string>{"team"});
  auto over = FindingsOf(r, "exceeds_gate", "queue/1");
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0]->subject, "job \"queue\"");
  EXPECT_EQ(FindingsOf(r, "keep_firing_for", "queue/1").size(), 1u);
  EXPECT_TRUE(Find(r, "queue/2").ok);
  EXPECT_EQ(FindingsOf(r, "scrape_interval_assumed", "queue/2").size(), 1u);
  EXPECT_EQ(FindingsOf(r, "other_receiver_slower", "db/1").size(), 1u);
  bool empty_glob = false;
  for (const auto& f : r.findings) empty_glob |= f.kind == "rule_files_empty_glob";
  EXPECT_TRUE(empty_glob);
}

TEST(LintTest, AlertgateUrlIdentifiesItsReceiver) {
  EXPECT_TRUE(IsAlertgateWebhook("http://127.0.0.1:9095/api/v1/webhook", ""));
  EXPECT_TRUE(IsAlertgateWebhook("https://ag.example/api/v1/webhook/", ""));
  EXPECT_FALSE(IsAlertgateWebhook("http://hooks.slack.com/services/x", ""));
  EXPECT_TRUE(IsAlertgateWebhook("http://ag:9095/hook", "http://ag:9095"));
  EXPECT_TRUE(IsAlertgateWebhook("http://ag:9095/hook", "http://ag:9095/"));
  EXPECT_FALSE(IsAlertgateWebhook("http://ag:90951/hook", "http://ag:9095"));
}

TEST(LintTest, MeasurementsSitNextToBounds) {
  LintReport r = LintFixture("examples");
  ASSERT_TRUE(AttachMeasurements(test::ReadFixture("lint/drill-results.json"), &r).ok());
  const LintExpectation& a1 = Find(r, "A/1");
  ASSERT_TRUE(a1.measured.has_value());
  EXPECT_EQ(a1.measured->injections, 2);
  EXPECT_DOUBLE_EQ(*a1.measured->time_to_notify, 20.25);  // the worst injection
  EXPECT_EQ(a1.measured->injection, "A-2");
  EXPECT_FALSE(a1.measured->above_bound);
  const LintExpectation& a2 = Find(r, "A/2");
  EXPECT_TRUE(a2.measured->above_bound);  // 62.5s > 45s
  auto above = FindingsOf(r, "measured_above_bound", "A/2");
  ASSERT_EQ(above.size(), 1u);
  EXPECT_NE(above[0]->message.find("measured 62.5s in injection A-1"), std::string::npos);
  const LintExpectation& b1 = Find(r, "B/1");
  ASSERT_TRUE(b1.measured.has_value());
  EXPECT_FALSE(b1.measured->time_to_notify.has_value());
  EXPECT_FALSE(Find(r, "C/1").measured.has_value());  // not injected in this drill
  EXPECT_TRUE(r.ok()) << "a measurement does not change what the config can do";
}

TEST(LintTest, MalformedResultsDocumentIsAnError) {
  LintReport r = LintFixture("examples");
  EXPECT_FALSE(AttachMeasurements("{", &r).ok());
  EXPECT_FALSE(AttachMeasurements("{\"drill\": \"d\"}", &r).ok());
  EXPECT_FALSE(AttachMeasurements("{\"injections\": [{\"id\": 1}]}", &r).ok());
}

TEST(LintTest, HaPeersAddTheirWait) {
  test::TempDir dir;
  test::WriteFile(dir.File("rules.yml"), R"(groups:
  - name: g
    rules:
      - alert: X
        expr: up{job="a"} == 0
)");
  test::WriteFile(dir.File("prometheus.yml"),
                  R"(global: {scrape_interval: 10s, evaluation_interval: 10s}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{targets: ['am1:9093', 'am2:9093', 'am3:9093']}]
scrape_configs:
  - job_name: a
)");
  auto in =
      LoadLintInput({test::SourcePath("rules/examples/alertgate.yml"), dir.File("prometheus.yml"),
                     test::SourcePath("fixtures/lint/stock/alertmanager.yml")});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  in->peer_timeout = seconds(15);
  in->config.scenarios.resize(1);
  in->config.scenarios[0].expect = {*ParseMatchers("alertname=\"X\"")};
  const LintReport r = Lint(*in);
  const auto& stages = Find(r, "A/1").candidates.at(0).stages;
  ASSERT_FALSE(stages.empty());
  EXPECT_EQ(stages.back().name, "ha_peer_wait");
  EXPECT_EQ(stages.back().value, seconds(30));  // position 2 of 3 x 15s
  EXPECT_EQ(stages[1].value, seconds(10));      // scrape_timeout: global default, under 10s
}

TEST(LintTest, NoAlertmanagerMeansNothingIsNotified) {
  test::TempDir dir;
  test::WriteFile(dir.File("prometheus.yml"),
                  "rule_files: ['" + test::SourcePath("rules/scenarios.rules.yml") + "']\n");
  auto in =
      LoadLintInput({test::SourcePath("rules/examples/alertgate.yml"), dir.File("prometheus.yml"),
                     test::SourcePath("rules/examples/alertmanager.yml")});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  const LintReport r = Lint(*in);
  EXPECT_EQ(r.FailingCount(), r.ExpectationCount());
  EXPECT_EQ(FindingsOf(r, "no_alertmanager", "A/1").size(), 1u);
}

class LintGoldenTest : public ::testing::TestWithParam<const char*> {};

TEST_P(LintGoldenTest, TextAndJson) {
  const std::string name = GetParam();
  const LintReport r = LintFixture(name);
  test::ExpectGolden(name + ".txt", StripSourceDir(RenderLintText(r)));
  test::ExpectGolden(name + ".json", StripSourceDir(RenderLintJson(r)));
}

INSTANTIATE_TEST_SUITE_P(Cases, LintGoldenTest,
                         ::testing::Values("examples", "stock", "missing-rule", "swallow",
                                           "nested"),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(LintGoldenTest, ExamplesWithDrillMeasurements) {
  LintReport r = LintFixture("examples");
  ASSERT_TRUE(AttachMeasurements(test::ReadFixture("lint/drill-results.json"), &r).ok());
  test::ExpectGolden("examples-drill.txt", StripSourceDir(RenderLintText(r)));
  test::ExpectGolden("examples-drill.json", StripSourceDir(RenderLintJson(r)));
}

}  // namespace
}  // namespace alertgate
