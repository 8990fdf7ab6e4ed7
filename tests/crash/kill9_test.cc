// Acknowledged data survives kill -9: the real alertgate binary is killed
// while clients post webhooks and injections; after a restart every
// acknowledged request is present exactly once, and the results document is
// the one a server that never crashed computes from the same requests.
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/clock.h"
#include "core/time.h"
#include "test_util.h"

namespace alertgate {
namespace {

using test::kOneScenarioConfig;
using test::ServeProcess;
using test::TempDir;
using test::WriteFile;

// `alertgate serve` on the test's config and the storage directory `data`.
std::vector<std::string> ServeArgs(const TempDir& dir, const std::string& data) {
  return {"--config.file=" + dir.File("alertgate.yml"), "--storage.path=" + dir.File(data)};
}

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

// Injection n says it was applied n seconds after an instant two hours
// before the test began, so its window is long closed and its verdict does
// not depend on when the request happened to arrive: the crash run and the
// reference run must agree on it. (An injection may lie at most a day
// before its drill started.)
std::string InjectionAt(int n) {
  static const Timestamp base =
      std::chrono::floor<std::chrono::seconds>(SystemClock().Now()) - std::chrono::hours(2);
  return FormatRfc3339(base + std::chrono::seconds(n)).substr(0, 19) + "Z";  // whole seconds
}

std::string InjectionBody(const std::string& key, int n) {
  return R"({"scenario":"A","key":")" + key + R"(","at":")" + InjectionAt(n) + R"("})";
}

rapidjson::Document GetResults(int port) {
  httplib::Client cli("127.0.0.1", port);
  rapidjson::Document d;
  auto r = cli.Get("/api/v1/drills/crash");
  if (!r || r->status != 200) {
    ADD_FAILURE() << "GET /api/v1/drills/crash failed: " << (r ? r->body : "no response");
    d.SetObject();
    return d;
  }
  d.Parse(r->body.c_str());
  EXPECT_FALSE(d.HasParseError());
  return d;
}

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

// The results document as one line per part (the drill, each injection,
// each unexpected alert by fingerprint), without the two values that are
// receipt times on the server's own clock (the drill's start and each
// alert's arrival), which no two runs can share.
std::set<std::string> PartsWithoutReceiptTimes(rapidjson::Document& d) {
  std::set<std::string> parts;
  if (!d.IsObject() || !d.HasMember("injections") || !d.HasMember("unexpected_alerts")) {
    parts.insert("not a results document: " + ToJson(d));
    return parts;
  }
  d.RemoveMember("started_at");
  for (auto& inj : d["injections"].GetArray()) parts.insert("injection " + ToJson(inj));
  for (auto& a : d["unexpected_alerts"].GetArray()) {
    a.RemoveMember("notified_at");
    parts.insert("unexpected alert " + ToJson(a));
  }
  d.RemoveMember("injections");
  d.RemoveMember("unexpected_alerts");
  parts.insert("drill " + ToJson(d));
  return parts;
}

// The parts of `a` that `b` lacks, at most a few, one per line.
std::string Missing(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::string out;
  int shown = 0;
  for (const auto& part : a) {
    if (b.count(part) == 0 && shown++ < 5) out += "  " + part + "\n";
  }
  return out;
}

TEST(Kill9Test, AcknowledgedRequestsSurviveKillAtRandomMoments) {
  TempDir dir;
  WriteFile(dir.File("alertgate.yml"), kOneScenarioConfig);
  std::set<std::string> acked_webhooks;
  std::set<std::string> acked_keys;
  std::map<std::string, std::string> key_to_id;
  std::map<std::string, std::string> at_to_key;  // every injection sent
  std::mutex mu;
  int next = 0;
  constexpr int kRounds = 10;
  // Each round kills after a random number of acknowledged requests; the
  // seed is printed with any failure so the run can be repeated.
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("kill moments from seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> acks_before_kill(5, 200);

  for (int round = 0; round < kRounds; ++round) {
    ServeProcess server(ServeArgs(dir, "data"),
                        dir.File("serve-" + std::to_string(round) + ".log"));
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
            {
              std::lock_guard<std::mutex> lock(mu);
              at_to_key[InjectionAt(n)] = name;
            }
            auto r = cli.Post("/api/v1/drills/crash/injections", InjectionBody(name, n),
                              "application/json");
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
    // Kill at a random moment, while requests are in flight.
    const int kill_after = acks_before_kill(rng);
    test::Eventually([&] { return acks >= kill_after; }, std::chrono::seconds(30));
    server.Kill();
    stop = true;
    for (auto& t : clients) t.join();
    ASSERT_GE(acks.load(), kill_after) << server.Log();
  }

  ServeProcess server(ServeArgs(dir, "data"), dir.File("serve-final.log"));
  const int port = server.WaitForPort();
  ASSERT_GT(port, 0);
  rapidjson::Document d = GetResults(port);
  ASSERT_TRUE(d.IsObject() && d.HasMember("unexpected_alerts") && d.HasMember("injections"));
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

  // The same facts give the same document after one more restart.
  const std::string after_crashes = ToJson(d);
  server.Kill();
  {
    ServeProcess again(ServeArgs(dir, "data"), dir.File("serve-again.log"));
    const int again_port = again.WaitForPort();
    ASSERT_GT(again_port, 0);
    EXPECT_EQ(ToJson(GetResults(again_port)), after_crashes);
  }

  // A server that never crashed, sent what the crashed one stored (the
  // acknowledged requests plus any whose answer the kill cut off), in the
  // order it stored them, computes the same results.
  ServeProcess reference(ServeArgs(dir, "reference"), dir.File("serve-reference.log"));
  const int ref_port = reference.WaitForPort();
  ASSERT_GT(ref_port, 0);
  httplib::Client ref("127.0.0.1", ref_port);
  auto started = ref.Post("/api/v1/drills", R"({"id":"crash"})", "application/json");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 201);
  std::vector<std::pair<int, std::string>> injections;  // (n in "A-n", injected_at)
  for (const auto& inj : d["injections"].GetArray()) {
    const std::string id = inj["id"].GetString();
    injections.emplace_back(std::stoi(id.substr(id.find('-') + 1)), inj["injected_at"].GetString());
  }
  std::sort(injections.begin(), injections.end());
  for (const auto& [n, at] : injections) {
    const std::string at_z = at.substr(0, 19) + "Z";  // "...T00:01:02.000Z" -> "...T00:01:02Z"
    ASSERT_EQ(at_to_key.count(at_z), 1u) << "stored injection at " << at << " was never sent";
    const std::string& key = at_to_key[at_z];
    auto posted = ref.Post("/api/v1/drills/crash/injections",
                           R"({"scenario":"A","key":")" + key + R"(","at":")" + at_z + R"("})",
                           "application/json");
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 201) << posted->body;
  }
  std::vector<std::pair<std::string, std::string>> alerts;  // (notified_at, fingerprint)
  for (const auto& a : d["unexpected_alerts"].GetArray()) {
    alerts.emplace_back(a["notified_at"].GetString(), a["fingerprint"].GetString());
  }
  std::sort(alerts.begin(), alerts.end());
  for (const auto& [notified_at, fp] : alerts) {
    auto posted = ref.Post("/api/v1/webhook", WebhookBody(fp), "application/json");
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 200) << posted->body;
  }
  rapidjson::Document crashed;
  crashed.Parse(after_crashes.c_str());
  rapidjson::Document clean = GetResults(ref_port);
  const std::set<std::string> crashed_parts = PartsWithoutReceiptTimes(crashed);
  const std::set<std::string> clean_parts = PartsWithoutReceiptTimes(clean);
  EXPECT_EQ(crashed_parts.size(), d["injections"].Size() + d["unexpected_alerts"].Size() + 1);
  EXPECT_EQ(Missing(crashed_parts, clean_parts), "") << "only after the crashes (first 5)";
  EXPECT_EQ(Missing(clean_parts, crashed_parts), "") << "only without a crash (first 5)";
}

}  // namespace
}  // namespace alertgate
