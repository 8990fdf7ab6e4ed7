// The App (app/app.h) called directly, not through HTTP or a signal:
// Create refuses bad options naming the flag, Reload keeps the old config
// when the new one is bad, TickNow decides closed windows without the
// ticker, Shutdown is idempotent and safe from any thread.
#include "app/app.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "app_fixture.h"
#include "core/clock.h"
#include "core/time.h"
#include "service/service.h"
#include "test_util.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::WriteFile(dir_.File("alertgate.yml"), test::kOneScenarioConfig);
    opts_.config_file = dir_.File("alertgate.yml");
    opts_.storage_path = dir_.File("data");
    opts_.listen_address = "127.0.0.1:0";
  }

  Result<std::unique_ptr<App>> Create() { return App::Create(opts_, &clock_, &log_); }

  test::TempDir dir_;
  FakeClock clock_{*ParseRfc3339("2026-02-02T09:00:00Z")};
  test::LogCapture log_;
  ServeOptions opts_;
};

struct BadOption {
  const char* name;
  void (*apply)(ServeOptions* opts, const test::TempDir& dir);
  const char* message;  // a fragment of the error
};

void PrintTo(const BadOption& b, std::ostream* os) { *os << b.name; }

class AppBadOptionTest : public AppTest, public ::testing::WithParamInterface<BadOption> {};

TEST_P(AppBadOptionTest, CreateFailsNamingTheFlag) {
  GetParam().apply(&opts_, dir_);
  auto app = Create();
  ASSERT_FALSE(app.ok()) << GetParam().name << " was accepted";
  EXPECT_NE(app.status().message().find(GetParam().message), std::string::npos)
      << app.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AppBadOptionTest,
    ::testing::Values(
        BadOption{"log_level", [](ServeOptions* o, const test::TempDir&) { o->log_level = "loud"; },
                  "--log.level: unknown log level"},
        BadOption{"log_format",
                  [](ServeOptions* o, const test::TempDir&) { o->log_format = "xml"; },
                  "--log.format: unknown log format"},
        BadOption{"listen_address",
                  [](ServeOptions* o, const test::TempDir&) { o->listen_address = "nowhere"; },
                  "--web.listen-address: "},
        BadOption{
            "missing_config",
            [](ServeOptions* o, const test::TempDir& d) { o->config_file = d.File("missing.yml"); },
            "missing.yml"},
        BadOption{"bad_config",
                  [](ServeOptions* o, const test::TempDir& d) {
                    test::WriteFile(d.File("bad.yml"),
                                    "scenarios: [ {id: A, expect: ['not a matcher']} ]\n");
                    o->config_file = d.File("bad.yml");
                  },
                  "bad.yml:1"},
        BadOption{
            "missing_web_config",
            [](ServeOptions* o, const test::TempDir& d) { o->web_config_file = d.File("web.yml"); },
            "--web.config.file: "},
        BadOption{"storage_under_a_file",
                  [](ServeOptions* o, const test::TempDir& d) {
                    test::WriteFile(d.File("plain-file"), "x");
                    o->storage_path = d.File("plain-file") + "/data";
                  },
                  "--storage.path: "}),
    [](const auto& p) { return std::string(p.param.name); });

TEST_F(AppTest, ReloadKeepsTheOldConfigWhenTheNewOneIsBad) {
  auto app = Create();
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const auto before = (*app)->service().config();
  ASSERT_EQ(before->scenarios.size(), 1u);

  test::WriteFile(opts_.config_file, "scenarios: [ {id: A, expect: ['not a matcher']} ]\n");
  const Status s = (*app)->Reload();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("alertgate.yml:1"), std::string::npos) << s.ToString();
  EXPECT_EQ((*app)->service().config(), before) << "a bad file must not replace the config";
  EXPECT_NE(log_.str().find("config reload failed; keeping the previous config"), std::string::npos)
      << log_.str();
}

TEST_F(AppTest, ReloadSwapsInAGoodConfig) {
  auto app = Create();
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  test::WriteFile(opts_.config_file, std::string(test::kOneScenarioConfig) +
                                         "  - id: B\n    expect: ['alertname=\"Other\"']\n");
  ASSERT_TRUE((*app)->Reload().ok());
  const auto cfg = (*app)->service().config();
  ASSERT_EQ(cfg->scenarios.size(), 2u);
  EXPECT_NE(cfg->FindScenario("B"), nullptr);
  EXPECT_NE(log_.str().find("msg=\"config reloaded\""), std::string::npos) << log_.str();
}

// Create does not start the ticker (only Run does), so here nothing but
// TickNow can have decided the verdict.
TEST_F(AppTest, TickNowDecidesClosedWindowsWithoutTheTicker) {
  opts_.storage_path = ":memory:";
  auto app = Create();
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  Service& service = (*app)->service();
  bool created = false;
  ASSERT_TRUE(service.StartDrill("d1", {}, {}, &created).ok());
  ASSERT_TRUE(service.Inject({"d1", "A", std::nullopt, ""}, &created).ok());
  clock_.Advance(minutes(6));  // past the default 5m window, with no alert
  const std::string decided = "msg=\"injection decided\" drill=d1 scenario=A injection=A-1";
  EXPECT_EQ(log_.str().find(decided), std::string::npos) << "decided before any tick";
  (*app)->TickNow();
  EXPECT_NE(log_.str().find(decided + " verdict=silent"), std::string::npos) << log_.str();
}

TEST_F(AppTest, RunLogsThePortItServesOn) {
  auto running = test::RunningApp::Start(opts_, &clock_, &log_);
  ASSERT_NE(running, nullptr);
  EXPECT_NE(log_.str().find("msg=\"alertgate started\""), std::string::npos) << log_.str();
  EXPECT_NE(log_.str().find(" port=" + std::to_string(running->port())), std::string::npos)
      << log_.str();
}

TEST_F(AppTest, ShutdownFromSeveralThreadsStopsRunOnce) {
  auto app = Create();
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  App* raw = app->get();
  auto run = std::async(std::launch::async, [raw] { raw->Run(); });
  const int port = raw->port();
  ASSERT_TRUE(test::Eventually([&] { return test::RunningApp::PlainHttpHealthy(port); }))
      << log_.str();
  std::thread a([raw] { raw->Shutdown(); });
  std::thread b([raw] { raw->Shutdown(); });
  a.join();
  b.join();
  raw->Shutdown();  // and once more, after it stopped
  ASSERT_EQ(run.wait_for(seconds(10)), std::future_status::ready) << "Run() did not return";
  run.get();
  const std::string log = log_.str();
  const auto stopped = log.find("msg=\"alertgate stopped\"");
  ASSERT_NE(stopped, std::string::npos) << log;
  EXPECT_EQ(log.find("msg=\"alertgate stopped\"", stopped + 1), std::string::npos)
      << "stopped twice:\n"
      << log;
  EXPECT_FALSE(test::RunningApp::PlainHttpHealthy(port)) << "still serving after Shutdown";
}

}  // namespace
}  // namespace alertgate
