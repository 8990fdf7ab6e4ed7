#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "test_util.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The documented example configuration (docs/configuration.md), plus a
// second scenario that overrides nothing.
constexpr const char* kDesignExample = R"yaml(global:
  gate: 60s            # time-to-notify gate, per expectation
  window: 5m           # after this, missing expectations are final
  skew_tolerance: 2s
scenarios:
  - id: A
    name: Postgres primary failover
    runbook: docs/runbooks/db-failover.md
    expect:
      - 'alertname="PostgresPrimaryDown"'
      - 'alertname="PostgresReplicaPromoted", severity=~"critical|page"'
    gate: 60s          # optional per-scenario override
    window: 3m
  - id: B
    name: HAProxy backend down
    expect:
      - 'alertname="HAProxyBackendDown"'
)yaml";

TEST(ConfigTest, ParsesDesignExample) {
  Result<Config> cfg = ParseConfig(kDesignExample, "alertgate.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->source, "alertgate.yml");
  EXPECT_EQ(cfg->gate, seconds(60));
  EXPECT_EQ(cfg->window, minutes(5));
  EXPECT_EQ(cfg->skew_tolerance, seconds(2));
  ASSERT_EQ(cfg->scenarios.size(), 2u);

  const Scenario& a = cfg->scenarios[0];
  EXPECT_EQ(a.id, "A");
  EXPECT_EQ(a.name, "Postgres primary failover");
  EXPECT_EQ(a.runbook, "docs/runbooks/db-failover.md");
  ASSERT_EQ(a.expect.size(), 2u);
  EXPECT_EQ(a.expect[0].ToString(), "alertname=\"PostgresPrimaryDown\"");
  EXPECT_EQ(a.expect[1].ToString(),
            "alertname=\"PostgresReplicaPromoted\", severity=~\"critical|page\"");
  EXPECT_TRUE(
      a.expect[1].Matches({{"alertname", "PostgresReplicaPromoted"}, {"severity", "page"}}));
  EXPECT_EQ(a.gate, seconds(60));
  EXPECT_EQ(a.window, minutes(3));  // the scenario's override

  const Scenario& b = cfg->scenarios[1];
  EXPECT_EQ(b.id, "B");
  EXPECT_EQ(b.runbook, "");
  ASSERT_EQ(b.expect.size(), 1u);
  EXPECT_EQ(b.expect[0].AlertName(), "HAProxyBackendDown");
  EXPECT_EQ(b.gate, seconds(60));   // global
  EXPECT_EQ(b.window, minutes(5));  // global
}

TEST(ConfigTest, ScenariosInheritGlobalValuesTheyDoNotOverride) {
  Result<Config> cfg = ParseConfig(R"yaml(global:
  gate: 30s
  window: 10m
  skew_tolerance: 5s
scenarios:
  - id: plain
    expect: ['alertname="X"']
  - id: gate-only
    expect: ['alertname="Y"']
    gate: 1m30s
  - id: window-only
    expect: ['alertname="Z"']
    window: 2m
)yaml",
                                   "f.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->gate, seconds(30));
  EXPECT_EQ(cfg->window, minutes(10));
  EXPECT_EQ(cfg->skew_tolerance, seconds(5));
  ASSERT_EQ(cfg->scenarios.size(), 3u);
  EXPECT_EQ(cfg->scenarios[0].gate, seconds(30));
  EXPECT_EQ(cfg->scenarios[0].window, minutes(10));
  EXPECT_EQ(cfg->scenarios[1].gate, seconds(90));
  EXPECT_EQ(cfg->scenarios[1].window, minutes(10));
  EXPECT_EQ(cfg->scenarios[2].gate, seconds(30));
  EXPECT_EQ(cfg->scenarios[2].window, minutes(2));
}

TEST(ConfigTest, DefaultsApplyWhenGlobalIsMissing) {
  Result<Config> cfg = ParseConfig(R"yaml(scenarios:
  - id: A
    expect: ['alertname="X"']
)yaml",
                                   "f.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->gate, seconds(60));
  EXPECT_EQ(cfg->window, minutes(5));
  EXPECT_EQ(cfg->skew_tolerance, seconds(2));
  ASSERT_EQ(cfg->scenarios.size(), 1u);
  EXPECT_EQ(cfg->scenarios[0].gate, seconds(60));
  EXPECT_EQ(cfg->scenarios[0].window, minutes(5));
}

TEST(ConfigTest, DefaultsApplyToFieldsMissingFromGlobal) {
  Result<Config> cfg = ParseConfig(R"yaml(global:
  window: 10m
scenarios:
  - id: A
    expect: ['alertname="X"']
)yaml",
                                   "f.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->gate, seconds(60));
  EXPECT_EQ(cfg->window, minutes(10));
  EXPECT_EQ(cfg->skew_tolerance, seconds(2));
}

TEST(ConfigTest, FindScenarioLooksUpById) {
  Result<Config> cfg = ParseConfig(kDesignExample, "f.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const Scenario* b = cfg->FindScenario("B");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->name, "HAProxy backend down");
  EXPECT_EQ(cfg->FindScenario("C"), nullptr);
  EXPECT_EQ(cfg->FindScenario("a"), nullptr);  // ids are case-sensitive
}

TEST(ConfigTest, RejectsInvalidConfigNamingFileLineAndProblem) {
  struct Case {
    std::string name;
    std::string yaml;
    int line;            // expected in "file.yml:<line>:"
    std::string phrase;  // names the problem
  };
  const std::vector<Case> cases = {
      {"unknown top-level key",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "alerts: []\n",
       4, "unknown field \"alerts\""},
      {"unknown global key",
       "global:\n"
       "  gate: 60s\n"
       "  timeout: 5m\n"
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n",
       3, "unknown field \"timeout\" in global"},
      {"unknown scenario key",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "    gates: 60s\n",
       4, "unknown field \"gates\" in scenarios[0]"},
      {"bad scenario duration",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "    gate: 1x\n",
       4, "scenarios[0].gate"},
      {"bad global duration",
       "global:\n"
       "  gate: 60s\n"
       "  window: 1x\n"
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n",
       3, "global.window"},
      {"duration without unit",
       "global:\n"
       "  skew_tolerance: 2\n"
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n",
       2, "global.skew_tolerance"},
      {"bad matcher",
       "scenarios:\n"
       "  - id: A\n"
       "    expect:\n"
       "      - 'alertname=\"X\"'\n"
       "      - 'alertname=X'\n",
       5, "scenarios[0].expect[1]"},
      {"matcher not a string",
       "scenarios:\n"
       "  - id: A\n"
       "    expect:\n"
       "      - [alertname]\n",
       4, "scenarios[0].expect[0]: expected a string"},
      {"missing id",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "  - name: no id here\n"
       "    expect: ['alertname=\"Y\"']\n",
       4, "scenarios[1].id: missing"},
      {"invalid id",
       "scenarios:\n"
       "  - id: 'A B'\n"
       "    expect: ['alertname=\"X\"']\n",
       2, "scenarios[0].id"},
      {"duplicate id",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "  - id: B\n"
       "    expect: ['alertname=\"Y\"']\n"
       "  - id: A\n"
       "    expect: ['alertname=\"Z\"']\n",
       6, "duplicate id \"A\""},
      {"missing expect",
       "scenarios:\n"
       "  - id: A\n"
       "    name: no expectations\n",
       2, "scenarios[0].expect: missing"},
      {"empty expect",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: []\n",
       3, "scenarios[0].expect: expected a non-empty list"},
      {"expect not a list",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: 'alertname=\"X\"'\n",
       3, "scenarios[0].expect: expected a non-empty list"},
      {"global window shorter than gate",
       "global:\n"
       "  gate: 2m\n"
       "  window: 1m\n"
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n",
       3, "global.window (1m) must not be shorter than global.gate (2m)"},
      {"global gate longer than default window",
       "global:\n"
       "  gate: 10m\n"
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n",
       2, "must not be shorter than global.gate (10m)"},
      {"scenario window shorter than gate",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "    gate: 1m\n"
       "    window: 30s\n",
       5, "scenarios[0]: window (30s) must not be shorter than gate (1m)"},
      {"scenario window shorter than global gate",
       "global:\n"
       "  gate: 1m\n"
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "    window: 30s\n",
       6, "window (30s) must not be shorter than gate (1m)"},
      {"zero global gate",
       "global:\n"
       "  gate: 0\n"
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n",
       2, "global.gate: must be positive"},
      {"zero scenario gate",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "    gate: 0\n",
       4, "scenarios[0].gate: must be positive"},
      {"wrong type for name",
       "scenarios:\n"
       "  - id: A\n"
       "    name: [Postgres, failover]\n"
       "    expect: ['alertname=\"X\"']\n",
       3, "scenarios[0].name: expected a string"},
      {"wrong type for runbook",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "    runbook: {url: x}\n",
       4, "scenarios[0].runbook: expected a string"},
      {"duration not a scalar",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "    gate: [60s]\n",
       4, "scenarios[0].gate: expected a duration"},
      {"YAML syntax error",
       "global:\n"
       "  gate: 60s\n"
       " window: 5m\n"
       "scenarios: []\n",
       3, "end of map not found"},
      {"top level not a mapping",
       "- id: A\n"
       "  expect: ['alertname=\"X\"']\n",
       1, "expected a mapping"},
      {"global not a mapping",
       "global: 60s\n"
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n",
       1, "global: expected a mapping"},
      {"scenario not a mapping",
       "scenarios:\n"
       "  - id: A\n"
       "    expect: ['alertname=\"X\"']\n"
       "  - B\n",
       4, "scenarios[1]: expected a mapping"},
      {"scenarios not a list",
       "global:\n"
       "  gate: 60s\n"
       "scenarios: A\n",
       3, "scenarios: expected a list"},
      {"no scenarios",
       "global:\n"
       "  gate: 60s\n"
       "scenarios: []\n",
       3, "declare at least one scenario"},
      {"scenarios missing",
       "global:\n"
       "  gate: 60s\n",
       1, "scenarios: missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Config> cfg = ParseConfig(c.yaml, "file.yml");
    ASSERT_FALSE(cfg.ok()) << c.yaml;
    EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(cfg.status().message(), StartsWith("file.yml:" + std::to_string(c.line) + ": "));
    EXPECT_THAT(cfg.status().message(), HasSubstr(c.phrase));
  }
}

TEST(ConfigTest, BadDurationErrorQuotesTheValue) {
  Result<Config> cfg = ParseConfig(
      "scenarios:\n  - id: A\n    expect: ['alertname=\"X\"']\n    window: 1x\n", "file.yml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("1x"));
}

TEST(ConfigTest, BadMatcherErrorQuotesTheMatcher) {
  Result<Config> cfg =
      ParseConfig("scenarios:\n  - id: A\n    expect: ['alertname=X']\n", "file.yml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("alertname=X"));
}

TEST(ConfigTest, RejectsDuplicateFieldNamingItsLine) {
  Result<Config> cfg = ParseConfig(
      "scenarios:\n  - id: A\n    gate: 30s\n    gate: 2m\n    expect: ['a=\"b\"']\n", "file.yml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), HasSubstr("file.yml:4: duplicate field \"gate\""));
}

TEST(ConfigTest, RejectsEmptyFile) {
  // An empty document has no node to take a line from; the message names
  // the file and says it is empty.
  for (const std::string yaml : {"", "\n", "# only a comment\n"}) {
    Result<Config> cfg = ParseConfig(yaml, "file.yml");
    ASSERT_FALSE(cfg.ok()) << "[" << yaml << "]";
    EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(cfg.status().message(), StartsWith("file.yml:1: "));
    EXPECT_THAT(cfg.status().message(), HasSubstr("empty"));
  }
}

TEST(ConfigTest, LoadConfigFileReadsAndNamesTheFile) {
  test::TempDir dir;
  const std::string path = dir.File("alertgate.yml");
  test::WriteFile(path, kDesignExample);
  Result<Config> cfg = LoadConfigFile(path);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->source, path);
  EXPECT_EQ(cfg->scenarios.size(), 2u);
}

TEST(ConfigTest, LoadConfigFileErrorsUseThePath) {
  test::TempDir dir;
  const std::string path = dir.File("bad.yml");
  test::WriteFile(path, "scenarios: []\n");
  Result<Config> cfg = LoadConfigFile(path);
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(cfg.status().message(), StartsWith(path + ":1: "));
}

TEST(ConfigTest, LoadConfigFileOnMissingFileNamesThePath) {
  test::TempDir dir;
  const std::string path = dir.File("missing.yml");
  Result<Config> cfg = LoadConfigFile(path);
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(cfg.status().message(), HasSubstr(path));
  EXPECT_THAT(cfg.status().message(), HasSubstr("cannot read"));
}

}  // namespace
}  // namespace alertgate
