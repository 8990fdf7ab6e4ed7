// The drill service (service/service.h) on its own: a real SQLite store in
// memory, a FakeClock, real metrics; no HTTP. What the API promises is
// decided here: idempotent starts and retries, injection ids, clock stamps,
// webhook receipts and the results they lead to.
#include "service/service.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/time.h"
#include "ingest/webhook.h"
#include "metrics/metrics.h"
#include "store/sqlite_store.h"
#include "test_util.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// The alert of fixtures/webhooks/firing-single.json.
constexpr const char* kFixtureAlert = "HAProxyServerDown";

std::shared_ptr<const Config> MakeConfig(const std::string& gate) {
  auto cfg =
      ParseConfig("global:\n  gate: " + gate +
                      "\n  window: 5m\nscenarios:\n  - id: A\n    expect: ['alertname=\"" +
                      kFixtureAlert + "\"']\n  - id: B\n    expect: ['alertname=\"Never\"']\n",
                  "service-test.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return std::make_shared<const Config>(cfg.ok() ? *cfg : Config());
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(":memory:");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    metrics_ = std::make_unique<Metrics>(std::make_shared<prometheus::Registry>());
    service_ =
        std::make_unique<Service>(store_.get(), &clock_, metrics_.get(), &log_, MakeConfig("60s"));
  }

  Drill Start(const std::string& id, const std::vector<std::string>& matchers = {}) {
    bool created = false;
    auto d = service_->StartDrill(id, matchers, {}, &created);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_TRUE(created);
    return d.ok() ? *d : Drill{};
  }

  Result<Injection> Inject(const std::string& drill, const std::string& scenario,
                           std::optional<Timestamp> at = std::nullopt, const std::string& key = "",
                           bool* created = nullptr) {
    bool ignored = false;
    return service_->Inject({drill, scenario, at, key}, created != nullptr ? created : &ignored);
  }

  // Ingests `body` and waits (bounded) for its outcome, which comes from the
  // store's thread after the group commit.
  Result<WebhookOutcome> Ingest(const std::string& body) {
    // Shared: the callback may outlive this call when the wait times out.
    auto promise = std::make_shared<std::promise<Result<WebhookOutcome>>>();
    auto future = promise->get_future();
    service_->IngestWebhook(
        body, [promise](Result<WebhookOutcome> r) { promise->set_value(std::move(r)); });
    if (future.wait_for(seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "the webhook's outcome never arrived";
      return Unavailable("no outcome");
    }
    return future.get();
  }

  FakeClock clock_{*ParseRfc3339("2026-11-27T05:59:00Z")};
  test::LogCapture log_out_;
  Logger log_{&log_out_, &clock_, LogLevel::kInfo, LogFormat::kLogfmt};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Service> service_;
};

TEST_F(ServiceTest, StartDrillIsIdempotentWithTheSameMatchers) {
  const Drill first = Start("d1", {"env=\"staging\""});
  EXPECT_EQ(first.started_at, clock_.Now());
  clock_.Advance(seconds(30));
  bool created = true;
  auto again = service_->StartDrill("d1", {"env=\"staging\""}, {}, &created);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(created) << "starting a running drill again must not create it anew";
  EXPECT_EQ(again->started_at, first.started_at) << "a restart must not move the start time";
  auto listed = service_->ListResults();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
}

TEST_F(ServiceTest, StartDrillConflictsOnOtherMatchersAndWhenFinished) {
  Start("d1", {"env=\"staging\""});
  bool created = true;
  auto other = service_->StartDrill("d1", {"env=\"prod\""}, {}, &created);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kConflict);
  EXPECT_FALSE(created);
  ASSERT_TRUE(service_->FinishDrill("d1").ok());
  auto restarted = service_->StartDrill("d1", {"env=\"staging\""}, {}, &created);
  ASSERT_FALSE(restarted.ok());
  EXPECT_EQ(restarted.status().code(), StatusCode::kConflict);
  EXPECT_NE(restarted.status().message().find("was finished"), std::string::npos)
      << restarted.status().message();
}

TEST_F(ServiceTest, StartDrillRejectsBadIdsAndMatchersAndStoresNothing) {
  bool created = true;
  auto bad_id = service_->StartDrill("a/b", {}, {}, &created);
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.status().code(), StatusCode::kInvalidArgument);
  auto bad_matcher = service_->StartDrill("d1", {"env=\"x\"", "env=staging"}, {}, &created);
  ASSERT_FALSE(bad_matcher.ok());
  EXPECT_EQ(bad_matcher.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_matcher.status().message().rfind("matchers[1]: ", 0), 0u)
      << bad_matcher.status().message();
  EXPECT_FALSE(created);
  auto listed = service_->ListResults();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(ServiceTest, StartDrillStoresThePlanAndRefusesABadOne) {
  bool created = true;
  auto unknown = service_->StartDrill("d1", {}, {"A", "Z"}, &created);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message().rfind("scenarios[1]: unknown scenario \"Z\"", 0), 0u)
      << unknown.status().message();
  auto twice = service_->StartDrill("d1", {}, {"A", "A"}, &created);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(created);
  ASSERT_TRUE(service_->ListResults().ok());
  EXPECT_TRUE(service_->ListResults()->empty());

  auto planned = service_->StartDrill("d1", {}, {"B", "A"}, &created);
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  EXPECT_TRUE(created);
  EXPECT_EQ(planned->scenarios, (std::vector<std::string>{"B", "A"}));
  auto again = service_->StartDrill("d1", {}, {"B", "A"}, &created);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(created);
  auto other = service_->StartDrill("d1", {}, {"A"}, &created);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kConflict);
  auto results = service_->Results("d1");
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(results->drill.scenarios, (std::vector<std::string>{"B", "A"}));
}

TEST_F(ServiceTest, FinishDrillIsIdempotentAndUnknownDrillIsNotFound) {
  Start("d1");
  clock_.Advance(seconds(10));
  auto finished = service_->FinishDrill("d1");
  ASSERT_TRUE(finished.ok());
  ASSERT_TRUE(finished->finished_at.has_value());
  EXPECT_EQ(*finished->finished_at, clock_.Now());
  clock_.Advance(seconds(10));
  auto again = service_->FinishDrill("d1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->finished_at, finished->finished_at) << "finishing again changes nothing";
  EXPECT_EQ(service_->FinishDrill("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ServiceTest, InjectionIdsCountEachScenarioInItsDrill) {
  Start("d1");
  Start("d2");
  std::vector<std::string> ids;
  for (const auto& [drill, scenario] : std::vector<std::pair<std::string, std::string>>{
           {"d1", "A"}, {"d1", "A"}, {"d1", "B"}, {"d1", "A"}, {"d2", "A"}}) {
    auto inj = Inject(drill, scenario);
    ASSERT_TRUE(inj.ok()) << inj.status().ToString();
    EXPECT_EQ(inj->drill, drill);
    ids.push_back(inj->id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"A-1", "A-2", "B-1", "A-3", "A-1"}));
}

TEST_F(ServiceTest, InjectionIsStampedWithTheClockOrItsOwnAt) {
  Start("d1");
  clock_.Advance(seconds(5));
  auto now = Inject("d1", "A");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->injected_at, clock_.Now());
  EXPECT_EQ(now->recorded_at, clock_.Now());
  const Timestamp earlier = clock_.Now() - minutes(2);
  clock_.Advance(seconds(5));
  auto reported = Inject("d1", "A", earlier);
  ASSERT_TRUE(reported.ok());
  EXPECT_EQ(reported->injected_at, earlier);
  EXPECT_EQ(reported->recorded_at, clock_.Now()) << "recorded_at is when alertgate stored it";
}

TEST_F(ServiceTest, RetryWithTheSameKeyReturnsTheFirstInjection) {
  Start("d1");
  bool created = false;
  auto first = Inject("d1", "A", std::nullopt, "k1", &created);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(created);
  clock_.Advance(seconds(3));
  auto retry = Inject("d1", "A", std::nullopt, "k1", &created);
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(retry->injected_at, first->injected_at);
  auto other = Inject("d1", "B", std::nullopt, "k1", &created);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kConflict);
  auto r = service_->Results("d1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->injections.size(), 1u);
  // A new key is a new injection.
  auto next = Inject("d1", "A", std::nullopt, "k2", &created);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(created);
  EXPECT_EQ(next->id, "A-2");
}

TEST_F(ServiceTest, InjectRejectsWhatCannotBeAFault) {
  Start("d1");
  auto unknown_scenario = Inject("d1", "Q");
  EXPECT_EQ(unknown_scenario.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown_scenario.status().message().find("(configured: A, B)"), std::string::npos)
      << unknown_scenario.status().message();
  EXPECT_EQ(Inject("nope", "A").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Inject("d1", "A", clock_.Now() + minutes(1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Inject("d1", "A", clock_.Now() - kMaxInjectionLead - seconds(1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Inject("d1", "A", std::nullopt, std::string(257, 'k')).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(service_->FinishDrill("d1").ok());
  EXPECT_EQ(Inject("d1", "A").status().code(), StatusCode::kConflict);
  auto r = service_->Results("d1");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->injections.empty()) << "a rejected injection must not be stored";
}

TEST_F(ServiceTest, ClearIsIdempotentAndNotBeforeTheInjection) {
  Start("d1");
  auto inj = Inject("d1", "A");
  ASSERT_TRUE(inj.ok());
  EXPECT_EQ(service_->Clear("d1", "A-1", inj->injected_at - seconds(1)).status().code(),
            StatusCode::kInvalidArgument);
  clock_.Advance(seconds(40));
  auto cleared = service_->Clear("d1", "A-1", std::nullopt);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->cleared_at, clock_.Now());
  clock_.Advance(seconds(40));
  auto again = service_->Clear("d1", "A-1", std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->cleared_at, cleared->cleared_at);
  EXPECT_EQ(service_->Clear("d1", "A-9", std::nullopt).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->Clear("nope", "A-1", std::nullopt).status().code(), StatusCode::kNotFound);
}

TEST_F(ServiceTest, WebhookReceiptIsStampedStoredOnceAndJudged) {
  const std::string body = test::ReadFixture("webhooks/firing-single.json");
  auto alert = ParseWebhook(body);
  ASSERT_TRUE(alert.ok());
  const Timestamp fired = alert->alerts.at(0).starts_at;
  clock_.Set(fired - seconds(10));
  Start("d1");
  ASSERT_TRUE(Inject("d1", "A").ok());
  clock_.Set(fired + seconds(2));  // received 12 s after the fault

  auto first = Ingest(body);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->alerts, 1u);
  EXPECT_EQ(first->stored, 1u);
  EXPECT_EQ(first->duplicates, 0u);
  EXPECT_EQ(first->receiver, "alertgate\\.webhook");

  clock_.Advance(seconds(30));  // Alertmanager resends the same alert later
  auto resent = Ingest(body);
  ASSERT_TRUE(resent.ok()) << resent.status().ToString();
  EXPECT_EQ(resent->stored, 0u);
  EXPECT_EQ(resent->duplicates, 1u);

  auto r = service_->Results("d1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->injections.size(), 1u);
  EXPECT_EQ(r->injections[0].verdict, InjectionVerdict::kPass);
  ASSERT_TRUE(r->injections[0].time_to_alert.has_value());
  EXPECT_EQ(*r->injections[0].time_to_alert, seconds(12))
      << "measured from the first receipt, stamped with the service's clock";
}

TEST_F(ServiceTest, BadWebhookIsRejectedAtOnceAndStoresNothing) {
  auto r = Ingest(R"({"version":"4"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  Start("d1");
  auto results = service_->Results("d1");
  ASSERT_TRUE(results.ok());
  EXPECT_TRUE(results->unexpected.empty());
}

TEST_F(ServiceTest, ResultsOfAnUnknownDrillAreNotFound) {
  EXPECT_EQ(service_->Results("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ServiceTest, NewConfigRejudgesTheStoredFacts) {
  const std::string body = test::ReadFixture("webhooks/firing-single.json");
  auto alert = ParseWebhook(body);
  ASSERT_TRUE(alert.ok());
  const Timestamp fired = alert->alerts.at(0).starts_at;
  clock_.Set(fired - seconds(80));
  Start("d1");
  ASSERT_TRUE(Inject("d1", "A").ok());
  clock_.Set(fired + seconds(10));  // 90 s: late at a 60 s gate
  ASSERT_TRUE(Ingest(body).ok());
  auto late = service_->Results("d1");
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->injections.at(0).verdict, InjectionVerdict::kLate);

  service_->SetConfig(MakeConfig("2m"));
  auto pass = service_->Results("d1");
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->injections.at(0).verdict, InjectionVerdict::kPass);
}

TEST_F(ServiceTest, EveryStoredFactCallsOnChange) {
  int changes = 0;
  service_->SetOnChange([&changes] { ++changes; });
  Start("d1");
  EXPECT_EQ(changes, 1);
  ASSERT_TRUE(Inject("d1", "A").ok());
  EXPECT_EQ(changes, 2);
  ASSERT_EQ(Inject("d1", "Q").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(changes, 2) << "a rejected request stores nothing and changes nothing";
  ASSERT_TRUE(service_->Clear("d1", "A-1", std::nullopt).ok());
  EXPECT_EQ(changes, 3);
  ASSERT_TRUE(service_->FinishDrill("d1").ok());
  EXPECT_EQ(changes, 4);
}

TEST_F(ServiceTest, ReadyWhileTheStoreAnswers) { EXPECT_TRUE(service_->Ready().ok()); }

}  // namespace
}  // namespace alertgate
