// The runner's subcommands and `report`, run as the real binary against a
// real server in-process: printed output and exit codes.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "app/app.h"
#include "app_fixture.h"
#include "core/time.h"
#include "test_util.h"

namespace alertgate {
namespace {

using test::RunAlertgate;

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::WriteFile(dir_.File("alertgate.yml"),
                    "scenarios:\n  - id: A\n    expect: ['alertname=\"X\"']\n    window: 1m\n");
    ServeOptions opts;
    opts.config_file = dir_.File("alertgate.yml");
    opts.storage_path = dir_.File("data");
    opts.listen_address = "127.0.0.1:0";
    app_ = test::RunningApp::Start(opts, &clock_, &log_);
    ASSERT_NE(app_, nullptr);
    url_ = "--url=http://127.0.0.1:" + std::to_string(app_->port());
  }

  test::TempDir dir_;
  SystemClock clock_;
  test::LogCapture log_;
  std::unique_ptr<test::RunningApp> app_;
  std::string url_;
};

TEST_F(CommandsTest, RunnerFlowPrintsIdsAndExitsZero) {
  auto start = RunAlertgate("drill start --drill=d1 " + url_);
  EXPECT_EQ(start.exit_code, 0) << start.out;
  EXPECT_EQ(start.out.rfind("drill d1 started 20", 0), 0u) << start.out;
  auto inject = RunAlertgate("inject --drill=d1 --scenario=A " + url_);
  EXPECT_EQ(inject.exit_code, 0) << inject.out;
  EXPECT_EQ(inject.out.rfind("A-1 20", 0), 0u) << inject.out;
  auto again = RunAlertgate("inject --drill=d1 --scenario=A --key=same " + url_);
  auto retry = RunAlertgate("inject --drill=d1 --scenario=A --key=same " + url_);
  EXPECT_EQ(again.out, retry.out) << "a retried key must return the same injection";
  auto clear = RunAlertgate("clear --drill=d1 --injection=A-1 " + url_);
  EXPECT_EQ(clear.exit_code, 0) << clear.out;
  EXPECT_EQ(clear.out.rfind("A-1 cleared 20", 0), 0u) << clear.out;
  auto finish = RunAlertgate("drill finish --drill=d1 " + url_);
  EXPECT_EQ(finish.exit_code, 0) << finish.out;
}

TEST_F(CommandsTest, RejectionExitsOneWithTheServersReason) {
  ASSERT_EQ(RunAlertgate("drill start --drill=d1 " + url_).exit_code, 0);
  auto r = RunAlertgate("inject --drill=d1 --scenario=Q " + url_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output().find("unknown scenario \"Q\""), std::string::npos) << r.output();
}

TEST_F(CommandsTest, UnreachableServerExitsThreeLoudly) {
  auto r = RunAlertgate("inject --drill=d1 --scenario=A --url=http://127.0.0.1:1 --attempts=1");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output().find("did not answer"), std::string::npos) << r.output();
}

TEST_F(CommandsTest, UsageErrorExitsTwo) {
  EXPECT_EQ(RunAlertgate("inject --scenario=A").exit_code, 2);
  EXPECT_EQ(RunAlertgate("drill pause --drill=x").exit_code, 2);
  EXPECT_EQ(RunAlertgate("report --drill=x --format=pdf").exit_code, 2);
}

// A fault time whose 5-minute window has closed.
std::string TenMinutesAgo() {
  return FormatRfc3339(SystemClock().Now() - std::chrono::minutes(10));
}

TEST_F(CommandsTest, ReportExitCodeFollowsTheVerdict) {
  ASSERT_EQ(RunAlertgate("drill start --drill=d1 " + url_).exit_code, 0);
  ASSERT_EQ(
      RunAlertgate("inject --drill=d1 --scenario=A --at=" + TenMinutesAgo() + " " + url_).exit_code,
      0);
  // Silent long ago: the drill failed.
  auto md = RunAlertgate("report --drill=d1 --format=markdown " + url_);
  EXPECT_EQ(md.exit_code, 1) << md.output();
  EXPECT_NE(md.output().find("# Game day d1"), std::string::npos);
  EXPECT_NE(md.output().find("drill d1: fail"), std::string::npos);
  // Pending (nothing injected in an open drill) is not a pass either: it
  // has its own code, so a pipeline can tell "wait" from "failed".
  ASSERT_EQ(RunAlertgate("drill start --drill=d2 " + url_).exit_code, 0);
  EXPECT_EQ(RunAlertgate("report --drill=d2 " + url_).exit_code, 4);
  // Every planned scenario passed, but the drill is still open: pending;
  // once finished: pass, exit 0.
  ASSERT_EQ(RunAlertgate("drill start --drill=d3 --scenarios=A " + url_).exit_code, 0);
  EXPECT_EQ(RunAlertgate("drill start --drill=d3 --scenarios=A,B " + url_).exit_code, 1);
  auto planned = RunAlertgate("report --drill=d3 --format=json " + url_);
  EXPECT_EQ(planned.exit_code, 4) << planned.output();
  EXPECT_NE(planned.output().find(R"("scenarios": [
    "A"
  ])"),
            std::string::npos)
      << planned.output();
  ASSERT_EQ(RunAlertgate("drill finish --drill=d3 " + url_).exit_code, 0);
  auto not_run = RunAlertgate("report --drill=d3 --format=json " + url_);
  EXPECT_EQ(not_run.exit_code, 1) << not_run.output();  // A never ran
  EXPECT_NE(not_run.output().find(R"("not_run": [
    "A"
  ])"),
            std::string::npos)
      << not_run.output();
  // Unknown drill: an error, not a verdict.
  EXPECT_EQ(RunAlertgate("report --drill=nope " + url_).exit_code, 2);
}

TEST_F(CommandsTest, ReportOfflineFromStorageWritesTheFile) {
  ASSERT_EQ(RunAlertgate("drill start --drill=d1 " + url_).exit_code, 0);
  ASSERT_EQ(
      RunAlertgate("inject --drill=d1 --scenario=A --at=" + TenMinutesAgo() + " " + url_).exit_code,
      0);
  const std::string out = dir_.File("report.xml");
  auto r = RunAlertgate("report --drill=d1 --format=junit --storage.path=" + dir_.File("data") +
                        " --config.file=" + dir_.File("alertgate.yml") + " --output=" + out);
  EXPECT_EQ(r.exit_code, 1) << r.output();
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("<failure type=\"silent\""), std::string::npos) << ss.str();
  auto missing = RunAlertgate("report --drill=d1 --storage.path=" + dir_.File("nowhere"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output().find("no database"), std::string::npos) << missing.output();
}

}  // namespace
}  // namespace alertgate
