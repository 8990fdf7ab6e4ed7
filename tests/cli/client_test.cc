#include "cli/client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "test_util.h"

namespace alertgate {
namespace {

// A real HTTP server on an ephemeral loopback port answering from a script.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      const size_t i = calls_++;
      {
        std::lock_guard<std::mutex> lock(mu_);
        bodies_.push_back(req.body);
      }
      res.status = statuses_[std::min(i, statuses_.size() - 1)];
      res.set_content(
          res.status >= 400 ? R"({"status":"error","error":"nope"})" : R"({"id":"A-1"})",
          "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    EXPECT_TRUE(test::Eventually([this] { return server_.is_running(); }))
        << "the scripted server did not start";
  }
  ~ScriptedServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  size_t calls() const { return calls_; }
  // A copy: the server's thread appends while the test reads.
  std::vector<std::string> bodies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }

 private:
  httplib::Server server_;
  std::vector<int> statuses_;
  std::atomic<size_t> calls_{0};
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;  // GUARDED_BY(mu_)
  int port_ = 0;
  std::thread thread_;
};

TEST(ClientTest, RetriesServerErrorsWithDoublingBackoffAndSameBody) {
  ScriptedServer server({503, 503, 201});
  ClientOptions opts;
  opts.url = server.url();
  std::vector<std::chrono::milliseconds> waits;
  auto r = CallApi(opts, "POST", "/x", R"({"key":"k"})",
                   [&](std::chrono::milliseconds d) { waits.push_back(d); });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(server.calls(), 3u);
  EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(200),
                                                           std::chrono::milliseconds(400)}));
  for (const auto& b : server.bodies()) EXPECT_EQ(b, R"({"key":"k"})");
}

TEST(ClientTest, DoesNotRetryClientErrors) {
  ScriptedServer server({404});
  ClientOptions opts;
  opts.url = server.url();
  auto r = CallApi(opts, "POST", "/x", "{}", [](std::chrono::milliseconds) {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(server.calls(), 1u);
  EXPECT_EQ(ApiErrorMessage(r->body), "nope");
}

TEST(ClientTest, GivesUpAfterAttemptsWithUnavailable) {
  ScriptedServer server({503});
  ClientOptions opts;
  opts.url = server.url();
  opts.attempts = 3;
  auto r = CallApi(opts, "POST", "/x", "{}", [](std::chrono::milliseconds) {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("after 3 attempts: HTTP 503: nope"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(server.calls(), 3u);
}

TEST(ClientTest, UnreachableServerIsUnavailableNamingTheUrl) {
  // Nothing listens on port 1 of the loopback: connections are refused.
  ClientOptions opts;
  opts.url = "http://127.0.0.1:1";
  opts.attempts = 2;
  auto r = CallApi(opts, "POST", "/x", "{}", [](std::chrono::milliseconds) {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find(opts.url), std::string::npos);
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos);
}

TEST(ClientTest, IdempotencyKeysAreRandomHex) {
  const std::string a = NewIdempotencyKey(), b = NewIdempotencyKey();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace alertgate
