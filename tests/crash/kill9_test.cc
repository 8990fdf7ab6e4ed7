// Acknowledged data survives kill -9: the real alertgate binary is killed
// while clients post webhooks and injections; after a restart every
// acknowledged request is present exactly once.
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "test_util.h"

extern char** environ;

namespace alertgate {
namespace {

using testing::TempDir;
using testing::WriteFile;

constexpr const char* kConfig = R"(scenarios:
  - id: A
    name: Postgres primary failover
    expect: ['alertname="PostgresPrimaryDown"']
)";

// A running `alertgate serve` child process.
class Server {
 public:
  Server(const TempDir& dir, int attempt)
      : log_(dir.File("serve-" + std::to_string(attempt) + ".log")) {
    std::vector<std::string> args = {
        ALERTGATE_BINARY, "serve", "--config.file=" + dir.File("alertgate.yml"),
        "--storage.path=" + dir.File("data"), "--web.listen-address=127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_EQ(posix_spawn(&pid_, ALERTGATE_BINARY, &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Server() { Kill(); }

  // Waits for the "alertgate started ... port=N" log line.
  int WaitForPort() {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end) {
      std::ifstream in(log_);
      std::string line;
      while (std::getline(in, line)) {
        auto pos = line.find("msg=\"alertgate started\"");
        auto port = line.find(" port=");
        if (pos != std::string::npos && port != std::string::npos) {
          return std::stoi(line.substr(port + 6));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "alertgate did not start; log:\n" << Log();
    return -1;
  }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

std::string WebhookBody(const std::string& fingerprint) {
  return R"({"version":"4","groupKey":"{}:{alertname=\"CrashTestAlert\"}","truncatedAlerts":0,)"
         R"("status":"firing","receiver":"alertgate","groupLabels":{},"commonLabels":{},)"
         R"("commonAnnotations":{},"externalURL":"http://127.0.0.1:9093","alerts":[{"status":"firing",)"
         R"("labels":{"alertname":"CrashTestAlert","n":")" +
         fingerprint +
         R"("},"annotations":{},"startsAt":"2020-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z",)"
         R"("generatorURL":"","fingerprint":")" +
         fingerprint + R"("}]})";
}

TEST(Kill9Test, AcknowledgedRequestsSurviveKillAtRandomMoments) {
  TempDir dir;
  WriteFile(dir.File("alertgate.yml"), kConfig);
  std::set<std::string> acked_webhooks;
  std::set<std::string> acked_keys;
  std::map<std::string, std::string> key_to_id;
  std::mutex mu;
  int next = 0;
  constexpr int kRounds = 4;

  for (int round = 0; round < kRounds; ++round) {
    Server server(dir, round);
    const int port = server.WaitForPort();
    ASSERT_GT(port, 0);
    httplib::Client setup("127.0.0.1", port);
    if (round == 0) {
      auto r = setup.Post("/api/v1/drills", R"({"id":"crash"})", "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 201);
    }
    std::atomic<int> acks{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&, c] {
        httplib::Client cli("127.0.0.1", port);
        cli.set_connection_timeout(1);
        cli.set_read_timeout(2);
        while (!stop) {
          int n;
          {
            std::lock_guard<std::mutex> lock(mu);
            n = next++;
          }
          const std::string name = "r" + std::to_string(round) + "-" + std::to_string(n);
          if (c % 2 == 0) {
            auto r = cli.Post("/api/v1/webhook", WebhookBody(name), "application/json");
            if (!r) break;  // the server is gone
            if (r->status == 200) {
              std::lock_guard<std::mutex> lock(mu);
              acked_webhooks.insert(name);
              ++acks;
            }
          } else {
            auto r = cli.Post("/api/v1/drills/crash/injections",
                              R"({"scenario":"A","key":")" + name + R"("})", "application/json");
            if (!r) break;
            if (r->status == 201 || r->status == 200) {
              rapidjson::Document d;
              d.Parse(r->body.c_str());
              std::lock_guard<std::mutex> lock(mu);
              acked_keys.insert(name);
              key_to_id[name] = d["id"].GetString();
              ++acks;
            }
          }
        }
      });
    }
    // Kill at a different moment each round, while requests are in flight.
    const int kill_after = 20 + 37 * round;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acks < kill_after && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server.Kill();
    stop = true;
    for (auto& t : clients) t.join();
    ASSERT_GE(acks.load(), kill_after) << server.Log();
  }

  Server server(dir, kRounds);
  const int port = server.WaitForPort();
  httplib::Client cli("127.0.0.1", port);
  auto r = cli.Get("/api/v1/drills/crash");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  std::map<std::string, int> seen_alerts;
  for (const auto& a : d["unexpected_alerts"].GetArray()) {
    ++seen_alerts[a["fingerprint"].GetString()];
  }
  for (const auto& fp : acked_webhooks) {
    EXPECT_EQ(seen_alerts[fp], 1) << "acknowledged webhook " << fp << " lost or duplicated";
  }
  std::map<std::string, int> seen_ids;
  for (const auto& inj : d["injections"].GetArray()) ++seen_ids[inj["id"].GetString()];
  for (const auto& key : acked_keys) {
    EXPECT_EQ(seen_ids[key_to_id[key]], 1) << "acknowledged injection " << key << " lost";
  }
  // Every stored injection id is unique even across crashes.
  for (const auto& [id, n] : seen_ids) EXPECT_EQ(n, 1) << id;
  EXPECT_GT(acked_webhooks.size(), 10u);
  EXPECT_GT(acked_keys.size(), 10u);
}

}  // namespace
}  // namespace alertgate
