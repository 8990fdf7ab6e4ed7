// `alertgate serve` as the real process: SIGHUP reloads the config (and past
// results follow the new config, since only facts are stored), a bad config
// on SIGHUP keeps the old one, SIGTERM shuts down cleanly with exit 0.
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "core/time.h"
#include "test_util.h"

namespace alertgate {
namespace {

using test::ServeProcess;
using test::TempDir;
using test::WriteFile;

std::string Config(const std::string& gate) {
  return "global:\n  gate: " + gate +
         "\nscenarios:\n  - id: A\n    name: Postgres primary failover\n"
         "    expect: ['alertname=\"PostgresPrimaryDown\"']\n";
}

// One PostgresPrimaryDown alert that started at `starts_at`.
std::string Webhook(const std::string& starts_at) {
  return R"({"version":"4","groupKey":"{}:{}","truncatedAlerts":0,"status":"firing",)"
         R"("receiver":"alertgate","groupLabels":{},"commonLabels":{},"commonAnnotations":{},)"
         R"("externalURL":"http://127.0.0.1:9093","alerts":[{"status":"firing",)"
         R"("labels":{"alertname":"PostgresPrimaryDown"},"annotations":{},"startsAt":")" +
         starts_at + R"(","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"f1"}]})";
}

std::string InjectionVerdict(httplib::Client& cli) {
  auto r = cli.Get("/api/v1/drills/d1");
  if (!r || r->status != 200) return "no answer";
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  return d["injections"][0]["verdict"].GetString();
}

// Polls until the injection's verdict is `want`, for up to 10 s.
bool VerdictBecomes(httplib::Client& cli, const std::string& want) {
  return test::Eventually([&] { return InjectionVerdict(cli) == want; });
}

TEST(ServeProcessTest, SighupReloadsConfigAndResultsFollowIt) {
  TempDir dir;
  WriteFile(dir.File("alertgate.yml"), Config("60s"));
  ServeProcess serve(
      {"--config.file=" + dir.File("alertgate.yml"), "--storage.path=" + dir.File("data")},
      dir.File("serve.log"));
  const int port = serve.WaitForPort();
  ASSERT_GT(port, 0);
  httplib::Client cli("127.0.0.1", port);
  ASSERT_EQ(test::Answer(cli.Post("/api/v1/drills", R"({"id":"d1"})", "application/json"))->status,
            201);
  // The fault was injected 90 s ago; the alert arrives now: late at a 60 s gate.
  const std::string at =
      FormatRfc3339(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()) -
                    std::chrono::seconds(90));
  ASSERT_EQ(test::Answer(cli.Post("/api/v1/drills/d1/injections",
                                  R"({"scenario":"A","at":")" + at + R"("})", "application/json"))
                ->status,
            201);
  ASSERT_EQ(test::Answer(cli.Post("/api/v1/webhook", Webhook(at), "application/json"))->status,
            200);
  EXPECT_EQ(InjectionVerdict(cli), "late");

  // A gate of 2m in the file, then SIGHUP: the stored facts are judged anew.
  WriteFile(dir.File("alertgate.yml"), Config("2m"));
  serve.Signal(SIGHUP);
  EXPECT_TRUE(VerdictBecomes(cli, "pass")) << serve.Log();

  // A broken file on SIGHUP: the error is logged, the 2m config stays.
  WriteFile(dir.File("alertgate.yml"), "scenarios: [ {id: A, expect: ['not a matcher']} ]\n");
  serve.Signal(SIGHUP);
  ASSERT_TRUE(test::Eventually([&] {
    return serve.Log().find("config reload failed") != std::string::npos;
  })) << serve.Log();
  EXPECT_NE(serve.Log().find("alertgate.yml:1"), std::string::npos) << serve.Log();
  EXPECT_EQ(InjectionVerdict(cli), "pass");
  EXPECT_NE(
      test::Answer(cli.Get("/metrics"))->body.find("alertgate_config_last_reload_successful 0"),
      std::string::npos);

  serve.Signal(SIGTERM);
  const int status = serve.WaitForExit();
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << serve.Log();
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(serve.Log().find("signal=SIGTERM"), std::string::npos) << serve.Log();
}

}  // namespace
}  // namespace alertgate
