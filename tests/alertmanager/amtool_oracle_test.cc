// The route resolver against the real thing: for a set of Alertmanager
// configs and label sets, `amtool config routes test` (Alertmanager 0.25,
// Debian's prometheus-alertmanager) must name the same receivers, in order.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "alertmanager/config.h"
#include "alertmanager/router.h"
#include "lint/lint_test_util.h"
#include "test_util.h"

namespace alertgate {
namespace {

bool HaveAmtool() { return system("amtool --version >/dev/null 2>&1") == 0; }

using test::ShellQuote;

// The receivers amtool prints for `labels`, comma-separated.
std::string Amtool(const std::string& config, const Labels& labels) {
  std::string cmd = "amtool config routes test --config.file=" + ShellQuote(config);
  for (const auto& [k, v] : labels) cmd += " " + ShellQuote(k + "=\"" + v + "\"");
  const test::CommandResult r = test::RunCommand(cmd);
  std::string out = r.out;
  if (r.exit_code != 0) return "<amtool failed: " + r.output() + ">";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string Ours(const AlertmanagerSetup& am, const Labels& labels) {
  std::string out;
  for (const AmRoute* r : MatchRoutes(am.root, labels)) {
    out += (out.empty() ? "" : ",") + r->receiver;
  }
  return out;
}

std::string Describe(const Labels& labels) {
  std::string out = "{";
  for (const auto& [k, v] : labels) out += (out.size() > 1 ? ", " : "") + k + "=\"" + v + "\"";
  return out + "}";
}

void CheckAgainstAmtool(const std::string& relative, const std::vector<Labels>& cases) {
  const std::string path = test::SourcePath(relative);
  auto am = LoadAlertmanagerSetup(path);
  ASSERT_TRUE(am.ok()) << am.status().ToString();
  for (const auto& labels : cases) {
    EXPECT_EQ(Ours(*am, labels), Amtool(path, labels)) << relative << " " << Describe(labels);
  }
}

class AmtoolOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveAmtool()) GTEST_SKIP() << "amtool is not installed (Debian: prometheus-alertmanager)";
  }
};

TEST_F(AmtoolOracleTest, EveryMatcherForm) {
  // Hand-picked edge cases: anchored regexes, negative matchers on absent
  // labels, quoted commas, continue inside nested routes, a child without a
  // receiver inheriting its parent's.
  CheckAgainstAmtool("fixtures/lint/routes/alertmanager.yml",
                     {
                         {{"alertname", "X"}},
                         {{"service", "pg"}, {"team", "db"}, {"env", "prod"}},
                         {{"service", "pg"}, {"team", "db"}, {"env", "dev"}},
                         {{"service", "pgx"}, {"team", "db"}},
                         {{"service", "mysql"}, {"team", "db"}, {"severity", "critical"}},
                         {{"service", "pg"}, {"team", "db"}, {"severity", "warning"}},
                         {{"service", "pg"}, {"team", "db"}, {"severity", "warn"}},
                         {{"service", "pg"}, {"team", "db"}, {"instance", "test-1"}},
                         {{"service", "pg"}, {"team", "db"}, {"instance", "prod-1"}},
                         {{"severity", "page"}, {"team", "web"}, {"region", "eu"}},
                         {{"severity", "critical"}, {"team", "web"}, {"region", "us"}},
                         {{"severity", "critical"}, {"region", "eu"}},
                         {{"severity", "critical"}, {"team", ""}},
                         {{"quote", "a,b"}, {"path", "/api/v1"}},
                         {{"quote", "a,b"}, {"path", "/api/"}},
                         {{"quote", "a"}, {"path", "/api/v1"}},
                         {{"team", "web"}},
                         {{"severity", "critical"}, {"team", "ops"}},
                     });
}

TEST_F(AmtoolOracleTest, LabelSweepOverTheMatcherFixture) {
  std::vector<Labels> cases;
  for (const char* severity : {"critical", "warning", "page", ""}) {
    for (const char* team : {"db", "web", ""}) {
      for (const char* service : {"pg", "mysql", ""}) {
        for (const char* region : {"eu", "us"}) {
          Labels l = {{"alertname", "Sweep"}, {"region", region}};
          if (*severity) l["severity"] = severity;
          if (*team) l["team"] = team;
          if (*service) l["service"] = service;
          cases.push_back(l);
        }
      }
    }
  }
  CheckAgainstAmtool("fixtures/lint/routes/alertmanager.yml", cases);
}

TEST_F(AmtoolOracleTest, LintFixturesAndTheShippedExample) {
  const std::vector<Labels> cases = {
      {{"alertname", "DbPrimaryDown"}, {"severity", "critical"}, {"team", "db"}},
      {{"alertname", "DbReplicaLag"}, {"severity", "warning"}, {"team", "db"}},
      {{"alertname", "QueueDown"}, {"severity", "critical"}, {"team", "payments"}},
      {{"alertname", "BackendErrors"}, {"severity", "page"}},
      {{"alertname", "PostgresPrimaryDown"}, {"scenario", "A"}, {"severity", "critical"}},
      {{"alertname", "HAProxyServerDown"}, {"scenario", "B"}, {"severity", "warning"}},
      {{"alertname", "Other"}},
  };
  for (const char* config :
       {"rules/examples/alertmanager.yml", "fixtures/lint/stock/alertmanager.yml",
        "fixtures/lint/swallow/alertmanager.yml", "fixtures/lint/nested/alertmanager.yml"}) {
    CheckAgainstAmtool(config, cases);
  }
}

}  // namespace
}  // namespace alertgate
