// When storage cannot commit, webhooks get 503 (Alertmanager retries 5xx,
// never 4xx), readiness drops, a metric and a log line say why, and service
// resumes when storage is back.
#include <gtest/gtest.h>
#include <httplib.h>
#include <prometheus/registry.h>

#include <sstream>
#include <thread>

#include "config/config.h"
#include "http/api.h"
#include "http/server.h"
#include "metrics/metrics.h"
#include "service/service.h"
#include "store/failing_store.h"
#include "store/sqlite_store.h"
#include "test_util.h"

namespace alertgate {
namespace {

class StorageFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = ParseConfig("scenarios:\n  - id: A\n    expect: ['alertname=\"X\"']\n", "t.yml");
    ASSERT_TRUE(cfg.ok());
    auto sqlite = SqliteStore::Open(":memory:");
    ASSERT_TRUE(sqlite.ok());
    sqlite_ = std::move(sqlite).value();
    failing_ = std::make_unique<test::FailingStore>(sqlite_.get());
    metrics_ = std::make_unique<Metrics>(std::make_shared<prometheus::Registry>());
    service_ = std::make_unique<Service>(failing_.get(), &clock_, metrics_.get(), &log_,
                                         std::make_shared<const Config>(*cfg));
    http_ = std::make_unique<HttpServer>(
        ApiRoutes(service_.get(), metrics_.get(), [] { return Status::Ok(); }), metrics_.get(),
        &log_, HttpOptions{});
    ASSERT_TRUE(http_->Bind({"127.0.0.1", 0}).ok());
    thread_ = std::thread([this] { http_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
    ASSERT_TRUE(test::Eventually([this] {
      auto r = client_->Get("/-/healthy");
      return r && r->status == 200;
    })) << "the server never answered /-/healthy; log:\n"
        << log_out_.str();
  }

  // Answers, never null: a request that gets no response fails the test.
  test::Answer Get(const std::string& path) { return client_->Get(path.c_str()); }
  test::Answer Post(const std::string& path, const std::string& body) {
    return client_->Post(path.c_str(), body, "application/json");
  }

  void TearDown() override {
    if (http_) http_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  FakeClock clock_{FromUnixMillis(1'770'022'800'000)};
  test::LogCapture log_out_;
  Logger log_{&log_out_, &clock_, LogLevel::kInfo, LogFormat::kLogfmt};
  std::unique_ptr<SqliteStore> sqlite_;
  std::unique_ptr<test::FailingStore> failing_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> http_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(StorageFailureTest, WebhookGets503ThenIsAcceptedWhenStorageIsBack) {
  const std::string body = test::ReadFixture("webhooks/firing-single.json");
  failing_->FailWrites(true);
  test::Answer r = client_->Post("/api/v1/webhook", body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("\"errorType\":\"unavailable\""), std::string::npos) << r->body;
  EXPECT_EQ(Get("/-/ready")->status, 503);
  const std::string metrics = Get("/metrics")->body;
  EXPECT_NE(metrics.find(R"(alertgate_storage_errors_total{operation="webhook"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(alertgate_webhook_requests_total{code="503"} 1)"), std::string::npos);
  EXPECT_NE(metrics.find("alertgate_storage_healthy 0"), std::string::npos);
  EXPECT_NE(log_out_.str().find("level=error msg=\"storage failed\" operation=webhook "
                                "err=\"injected write failure\""),
            std::string::npos)
      << log_out_.str();

  // Alertmanager retries the same body; storage is back.
  failing_->FailWrites(false);
  r = client_->Post("/api/v1/webhook", body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("\"stored\":1"), std::string::npos) << r->body;
  EXPECT_EQ(Get("/-/ready")->status, 200);
  EXPECT_NE(log_out_.str().find("msg=\"storage recovered\""), std::string::npos);
}

TEST_F(StorageFailureTest, InjectionGets503AndIsNotRecorded) {
  ASSERT_EQ(Post("/api/v1/drills", R"({"id":"d1"})")->status, 201);
  failing_->FailWrites(true);
  test::Answer r = Post("/api/v1/drills/d1/injections", R"({"scenario":"A"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  failing_->FailWrites(false);
  auto doc = Get("/api/v1/drills/d1")->body;
  EXPECT_NE(doc.find("\"injections\": []"), std::string::npos) << doc;
}

TEST_F(StorageFailureTest, ReadFailureGets503NotACrash) {
  failing_->FailReads(true);
  EXPECT_EQ(Get("/api/v1/drills")->status, 503);
  EXPECT_EQ(Get("/-/ready")->status, 503);
}

}  // namespace
}  // namespace alertgate
