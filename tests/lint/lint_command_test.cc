// `alertgate lint` as the real binary: output, exit codes (0 every
// expectation can meet its gate, 1 some cannot, 2 usage/parse/fetch errors)
// and --drill against a results document served on loopback.
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <stdio.h>
#include <sys/wait.h>

#include <thread>

#include "lint/lint_test_util.h"
#include "test_util.h"

namespace alertgate {
namespace {

test::CommandResult RunLint(const std::string& args) { return test::RunAlertgate("lint " + args); }

std::string Flags(const std::string& name) {
  const LintPaths p = test::LintCase(name);
  return "--config.file=" + p.config + " --prometheus.config=" + p.prometheus +
         " --alertmanager.config=" + p.alertmanager;
}

TEST(LintCommandTest, ExamplesPassWithExitZero) {
  const test::CommandResult o = RunLint(Flags("examples"));
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_EQ(o.out.rfind("alertgate lint: 5 scenarios, 8 expectations\n", 0), 0u) << o.out;
  EXPECT_NE(o.out.find("\nok: all 8 expectations can meet their gates"), std::string::npos);
}

TEST(LintCommandTest, StockDefaultsFailWithExitOne) {
  const test::CommandResult o = RunLint(Flags("stock"));
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("8m20s > 1m gate: scrape 1m (assumed) + scrape_timeout 10s + evaluation "
                       "1m + for 1m + send 10s + group_interval 5m"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("FAIL: 8 of 8 expectations cannot meet their gates"), std::string::npos);
}

TEST(LintCommandTest, JsonIsValidAndSaysWhy) {
  const test::CommandResult o = RunLint(Flags("swallow") + " --format=json");
  EXPECT_EQ(o.exit_code, 1) << o.err;
  rapidjson::Document d;
  d.Parse(o.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << o.out;
  EXPECT_FALSE(d["ok"].GetBool());
  EXPECT_EQ(d["failing"].GetInt(), 5);
  const auto& first = d["findings"][0];
  EXPECT_STREQ(first["severity"].GetString(), "error");
  EXPECT_STREQ(first["kind"].GetString(), "not_routed_to_alertgate");
  EXPECT_EQ(first["line"].GetInt(), 9);
}

TEST(LintCommandTest, ParseErrorsExitTwoWithFileAndLine) {
  const std::string ex = test::SourcePath("rules/examples/");
  const std::string broken = test::SourcePath("fixtures/lint/broken/");
  test::CommandResult o =
      RunLint("--config.file=" + ex + "alertgate.yml --prometheus.config=" + broken +
              "prometheus.yml --alertmanager.config=" + ex + "alertmanager.yml");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(broken + "prometheus.yml:4: global.evaluation_interval: "),
            std::string::npos)
      << o.err;
  EXPECT_TRUE(o.out.empty());
  o = RunLint("--config.file=" + ex + "alertgate.yml --prometheus.config=" + ex +
              "prometheus.yml --alertmanager.config=" + broken + "alertmanager.yml");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(broken + "alertmanager.yml:5: undefined receiver \"pager\""),
            std::string::npos)
      << o.err;
  o = RunLint("--config.file=/nonexistent/alertgate.yml --prometheus.config=" + ex +
              "prometheus.yml --alertmanager.config=" + ex + "alertmanager.yml");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("/nonexistent/alertgate.yml"), std::string::npos) << o.err;
}

TEST(LintCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunLint(Flags("examples") + " --format=xml").exit_code, 2);
  EXPECT_EQ(RunLint(Flags("examples") + " --drill=d1").exit_code, 2);  // needs --alertgate.url
  EXPECT_EQ(RunLint(Flags("examples") + " --cluster.peer-timeout=soon").exit_code, 2);
}

class LintDrillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    body_ = test::ReadFixture("lint/drill-results.json");
    server_.Get("/api/v1/drills/2026-W5-game-day-1",
                [this](const httplib::Request&, httplib::Response& res) {
                  res.set_content(body_, "application/json");
                });
    server_.Get("/api/v1/drills/unknown", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content(R"({"status":"error","error":"unknown drill \"unknown\""})",
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket already listens; wait for the accept loop so stop() cannot race it.
    ASSERT_TRUE(test::Eventually([this] { return server_.is_running(); }))
        << "the results server did not start";
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url() const { return "--alertgate.url=http://127.0.0.1:" + std::to_string(port_); }

  std::string body_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(LintDrillTest, ShowsMeasurementsNextToBounds) {
  const test::CommandResult o =
      RunLint(Flags("examples") + " " + Url() + " --drill=2026-W5-game-day-1");
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("measured in drill 2026-W5-game-day-1: 20.25s (A-2, worst of 2 injections) "
                       "<= bound 55s"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("62.5s (A-1, worst of 2 injections) > bound 45s  ABOVE THE BOUND"),
            std::string::npos);
  EXPECT_NE(o.out.find("measured 62.5s in injection A-1 of drill 2026-W5-game-day-1"),
            std::string::npos);
}

TEST_F(LintDrillTest, UnknownDrillExitsTwo) {
  const test::CommandResult o = RunLint(Flags("examples") + " " + Url() + " --drill=unknown");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("HTTP 404: unknown drill"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace alertgate
