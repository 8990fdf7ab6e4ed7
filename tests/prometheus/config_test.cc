#include "prometheus/config.h"

#include <gtest/gtest.h>

#include "lint/lint_test_util.h"
#include "test_util.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(PrometheusSetupTest, ReadsTheShippedExample) {
  auto s = LoadPrometheusSetup(test::SourcePath("rules/examples/prometheus.yml"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->scrape_interval, seconds(10));
  EXPECT_EQ(s->scrape_timeout, seconds(5));
  EXPECT_EQ(s->evaluation_interval, seconds(10));
  EXPECT_EQ(s->external_labels.at("env"), "staging");
  ASSERT_EQ(s->rule_files.size(), 2u);
  EXPECT_EQ(test::StripSourceDir(s->rule_files[0]), "rules/scenarios.rules.yml");
  EXPECT_EQ(s->rules.size(), 21u);
  ASSERT_EQ(s->alertmanagers.size(), 1u);
  EXPECT_EQ(s->alertmanagers[0].timeout, seconds(10));
  EXPECT_EQ(s->alertmanagers[0].static_targets, 1);
  const ScrapeJob* rabbit = s->FindJob("rabbitmq");
  ASSERT_NE(rabbit, nullptr);
  EXPECT_EQ(rabbit->interval, seconds(10));
  EXPECT_EQ(rabbit->timeout, seconds(5));
}

TEST(PrometheusSetupTest, DefaultsPerJobOverridesAndGroupIntervals) {
  auto stock = LoadPrometheusSetup(test::SourcePath("fixtures/lint/stock/prometheus.yml"));
  ASSERT_TRUE(stock.ok()) << stock.status().ToString();
  EXPECT_EQ(stock->scrape_interval, minutes(1));
  EXPECT_EQ(stock->scrape_timeout, seconds(10));
  EXPECT_EQ(stock->evaluation_interval, minutes(1));

  auto s = LoadPrometheusSetup(test::SourcePath("fixtures/lint/nested/prometheus.yml"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->FindJob("postgres")->interval, seconds(5));
  EXPECT_EQ(s->FindJob("postgres")->timeout, seconds(5));  // global 5s fits
  EXPECT_EQ(s->FindJob("queue")->timeout, seconds(10));
  ASSERT_EQ(s->rules.size(), 4u);  // the recording rule is not an alert
  EXPECT_EQ(s->rules[0].name, "DbPrimaryDown");
  EXPECT_EQ(s->rules[0].eval, seconds(5));
  EXPECT_TRUE(s->rules[0].group_interval_set);
  EXPECT_EQ(s->rules[0].for_duration, seconds(12));
  EXPECT_EQ(s->rules[2].eval, seconds(10));
  EXPECT_EQ(s->rules[2].keep_firing_for, minutes(5));
  EXPECT_EQ(s->rules[2].labels.at("team"), "{{ $labels.team }}");
  ASSERT_EQ(s->empty_globs.size(), 1u);
  EXPECT_EQ(s->empty_globs[0].pattern, "missing/*.yml");
}

TEST(PrometheusSetupTest, ScrapeTimeoutFollowsPrometheus) {
  test::TempDir dir;
  test::WriteFile(dir.File("p.yml"), R"(global: {scrape_interval: 5s}
scrape_configs:
  - job_name: fast
    scrape_interval: 2s
  - job_name: slow
    scrape_interval: 1m
)");
  auto s = LoadPrometheusSetup(dir.File("p.yml"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->scrape_timeout, seconds(5));  // default 10s, capped at the interval
  EXPECT_EQ(s->FindJob("fast")->timeout, seconds(2));
  EXPECT_EQ(s->FindJob("slow")->timeout, seconds(5));
}

TEST(PrometheusSetupTest, ErrorsNameFileAndLine) {
  test::TempDir dir;
  const struct {
    std::string prometheus;
    std::string rules;
    std::string want;  // after the directory
  } kCases[] = {
      {"global:\n  scrape_interval: 1 minute\n", "", "p.yml:2: global.scrape_interval: "},
      {"global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n", "",
       "p.yml:3: global.scrape_timeout is greater"},
      {"scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n", "",
       "p.yml:4: scrape_configs[0]: scrape_timeout is greater"},
      {"rule_files: [r.yml]\n",
       "groups:\n  - name: g\n    rules:\n      - alert: X\n        for: 1\n",
       "r.yml:4: groups[0].rules[0].expr: missing"},
      {"rule_files: [r.yml]\n",
       "groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: up\n        for: 5 min\n",
       "r.yml:6: groups[0].rules[0].for: "},
      {"rule_files: [r.yml]\n", "groups: [\n", "r.yml:2: "},
      {"alerting:\n  alertmanagers:\n    - timeout: x\n", "",
       "p.yml:3: alerting.alertmanagers[0].timeout: "},
  };
  for (const auto& c : kCases) {
    test::WriteFile(dir.File("p.yml"), c.prometheus);
    test::WriteFile(dir.File("r.yml"), c.rules);
    auto s = LoadPrometheusSetup(dir.File("p.yml"));
    ASSERT_FALSE(s.ok()) << c.prometheus;
    EXPECT_EQ(s.status().message().rfind(dir.path() + "/" + c.want, 0), 0u) << s.status().message();
  }
  EXPECT_FALSE(LoadPrometheusSetup(dir.File("nope.yml")).ok());
}

TEST(PrometheusSetupTest, JobsInExpr) {
  const struct {
    std::string expr;
    std::vector<std::string> want;
  } kCases[] = {
      {R"(up{job="rabbitmq"} == 0)", {"rabbitmq"}},
      {R"(up{job = "a", instance="x"} + up{job='b'} + up{job="a"})", {"a", "b"}},
      {R"(up{job=~"a|b"} == 0)", {}},
      {R"(up{job!="a"} == 0)", {}},
      {R"(up{myjob="a"} == 0)", {}},
      {R"(sum by (job) (rate(x[1m])) > 0)", {}},
  };
  for (const auto& c : kCases) EXPECT_EQ(JobsInExpr(c.expr), c.want) << c.expr;
}

}  // namespace
}  // namespace alertgate
