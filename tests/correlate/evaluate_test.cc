#include "correlate/evaluate.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/time.h"
#include "report/json.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Timestamp kT0 = FromUnixMillis(1'770'022'800'000);  // 2026-02-02T09:00:00Z

Config TestConfig() {
  auto cfg = ParseConfig(R"(
global:
  gate: 60s
  window: 5m
  skew_tolerance: 2s
scenarios:
  - id: A
    name: Postgres primary failover
    runbook: docs/runbooks/db-failover.md
    expect:
      - 'alertname="PostgresPrimaryDown"'
      - 'alertname="PostgresReplicaPromoted", severity=~"critical|page"'
    window: 3m
  - id: B
    name: HAProxy backend down
    expect:
      - 'alertname="HAProxyBackendDown"'
)",
                         "test.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return *cfg;
}

Drill MakeDrill(std::vector<std::string> matchers = {}) {
  return Drill{"d1", std::move(matchers), kT0, std::nullopt, {}};
}

Injection Inject(const std::string& scenario, Timestamp at, const std::string& id = "") {
  Injection i;
  i.drill = "d1";
  i.id = id.empty() ? scenario + "-1" : id;
  i.scenario = scenario;
  i.injected_at = at;
  i.recorded_at = at;
  return i;
}

// A notification received at `received` for an alert that started firing at
// `starts`. Its id is derived from the inputs (the receipt time in ms), so it
// does not depend on which tests ran before; a test that needs two
// notifications received in the same millisecond sets the ids itself.
Notification Alert(const std::string& alertname, Timestamp starts, Timestamp received,
                   Labels extra = {}, AlertStatus status = AlertStatus::kFiring) {
  Notification n;
  n.id = ToUnixMillis(received);
  n.received_at = received;
  n.starts_at = starts;
  n.ends_at = ZeroTime();
  n.status = status;
  n.labels = std::move(extra);
  n.labels["alertname"] = alertname;
  n.fingerprint = "fp-" + alertname + "-" + std::to_string(ToUnixMillis(starts));
  return n;
}

Labels Critical() { return {{"severity", "critical"}}; }

TEST(EvaluateTest, AllExpectationsOnTimeIsPassAtOnce) {
  const Config cfg = TestConfig();
  const Timestamp inj = kT0 + seconds(10);
  std::vector<Notification> ns = {
      Alert("PostgresPrimaryDown", inj + seconds(8), inj + seconds(12)),
      Alert("PostgresReplicaPromoted", inj + seconds(20), inj + seconds(31), Critical()),
  };
  // Evaluated long before the window closes: the verdict is already certain.
  auto r = Evaluate(MakeDrill(), {Inject("A", inj)}, ns, cfg, inj + seconds(32));
  ASSERT_EQ(r.injections.size(), 1u);
  const auto& ir = r.injections[0];
  EXPECT_EQ(ir.verdict, InjectionVerdict::kPass);
  EXPECT_EQ(ir.expectations[0].status, ExpectationStatus::kOnTime);
  EXPECT_EQ(*ir.expectations[0].time_to_notify, seconds(12));
  EXPECT_EQ(*ir.expectations[0].time_to_fire, seconds(8));
  EXPECT_EQ(*ir.time_to_alert, seconds(12));
  EXPECT_EQ(ir.window, minutes(3));
  EXPECT_EQ(ir.window_end, inj + minutes(3));
  EXPECT_EQ(ir.acceptance, Acceptance::kPass);
  // The injection passed, but an open drill is never pass.
  EXPECT_EQ(r.verdict, DrillVerdict::kPending);
}

TEST(EvaluateTest, DrillPassesOnlyOnceFinished) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {Alert("HAProxyBackendDown", kT0 + seconds(5), kT0 + seconds(9))};
  Drill d = MakeDrill();
  EXPECT_EQ(Evaluate(d, {Inject("B", kT0)}, ns, cfg, kT0 + seconds(10)).verdict,
            DrillVerdict::kPending);
  d.finished_at = kT0 + seconds(20);
  const DrillResult r = Evaluate(d, {Inject("B", kT0)}, ns, cfg, kT0 + seconds(20));
  EXPECT_EQ(r.verdict, DrillVerdict::kPass);
  EXPECT_TRUE(r.not_run.empty());
}

TEST(EvaluateTest, PlannedScenarioThatNeverRanFailsTheDrillAtFinish) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {Alert("HAProxyBackendDown", kT0 + seconds(5), kT0 + seconds(9))};
  Drill d = MakeDrill();
  d.scenarios = {"A", "B"};
  // Open: A may still run.
  DrillResult open = Evaluate(d, {Inject("B", kT0)}, ns, cfg, kT0 + seconds(10));
  EXPECT_EQ(open.verdict, DrillVerdict::kPending);
  EXPECT_TRUE(open.not_run.empty());
  d.finished_at = kT0 + seconds(20);
  DrillResult done = Evaluate(d, {Inject("B", kT0)}, ns, cfg, kT0 + seconds(20));
  EXPECT_EQ(done.verdict, DrillVerdict::kFail);
  EXPECT_EQ(done.not_run, std::vector<std::string>{"A"});
  // Every planned scenario ran and passed: pass.
  ns.push_back(Alert("PostgresPrimaryDown", kT0 + seconds(6), kT0 + seconds(11)));
  ns.push_back(Alert("PostgresReplicaPromoted", kT0 + seconds(7), kT0 + seconds(12), Critical()));
  DrillResult all = Evaluate(d, {Inject("B", kT0), Inject("A", kT0)}, ns, cfg, kT0 + seconds(20));
  EXPECT_EQ(all.verdict, DrillVerdict::kPass);
  EXPECT_TRUE(all.not_run.empty());
}

TEST(EvaluateTest, NotificationAfterGateIsLate) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {
      Alert("PostgresPrimaryDown", kT0 + seconds(50), kT0 + Millis(74'200)),
      Alert("PostgresReplicaPromoted", kT0 + seconds(5), kT0 + seconds(10), Critical()),
  };
  auto r = Evaluate(MakeDrill(), {Inject("A", kT0)}, ns, cfg, kT0 + seconds(80));
  const auto& ir = r.injections[0];
  EXPECT_EQ(ir.expectations[0].status, ExpectationStatus::kLate);
  EXPECT_EQ(*ir.expectations[0].time_to_notify, Millis(74'200));
  EXPECT_EQ(ir.verdict, InjectionVerdict::kLate);
  EXPECT_EQ(*ir.time_to_alert, seconds(10));
  EXPECT_EQ(r.verdict, DrillVerdict::kFail);
}

TEST(EvaluateTest, ExactlyAtGateIsOnTime) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {Alert("HAProxyBackendDown", kT0, kT0 + seconds(60))};
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, ns, cfg, kT0 + seconds(61));
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kPass);
}

struct WindowCase {
  const char* name;
  Duration now_after_injection;
  InjectionVerdict want;
};

class WindowTest : public ::testing::TestWithParam<WindowCase> {};

TEST_P(WindowTest, NothingArrivedIsPendingUntilWindowClosesThenSilent) {
  const Config cfg = TestConfig();
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, {}, cfg, kT0 + GetParam().now_after_injection);
  EXPECT_EQ(r.injections[0].verdict, GetParam().want) << GetParam().name;
  EXPECT_FALSE(r.injections[0].time_to_alert.has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WindowTest,
    ::testing::Values(WindowCase{"just injected", Duration(0), InjectionVerdict::kPending},
                      WindowCase{"past the gate", seconds(61), InjectionVerdict::kPending},
                      WindowCase{"1ms before window end", minutes(5) - Millis(1),
                                 InjectionVerdict::kPending},
                      WindowCase{"at window end", minutes(5), InjectionVerdict::kSilent},
                      WindowCase{"long after", minutes(60), InjectionVerdict::kSilent}),
    [](const auto& p) {
      std::string n = p.param.name;
      for (auto& c : n) {
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return n;
    });

TEST(EvaluateTest, SomeExpectationsMissingAfterWindowIsIncomplete) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {Alert("PostgresPrimaryDown", kT0, kT0 + seconds(5))};
  auto open = Evaluate(MakeDrill(), {Inject("A", kT0)}, ns, cfg, kT0 + minutes(2));
  EXPECT_EQ(open.injections[0].verdict, InjectionVerdict::kPending);
  EXPECT_EQ(open.injections[0].expectations[1].status, ExpectationStatus::kPending);
  EXPECT_EQ(open.verdict, DrillVerdict::kPending);

  auto closed = Evaluate(MakeDrill(), {Inject("A", kT0)}, ns, cfg, kT0 + minutes(3));
  EXPECT_EQ(closed.injections[0].verdict, InjectionVerdict::kIncomplete);
  EXPECT_EQ(closed.injections[0].expectations[0].status, ExpectationStatus::kOnTime);
  EXPECT_EQ(closed.injections[0].expectations[1].status, ExpectationStatus::kMissing);
  EXPECT_EQ(closed.verdict, DrillVerdict::kFail);
}

TEST(EvaluateTest, NotificationAfterWindowDoesNotCount) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {Alert("HAProxyBackendDown", kT0, kT0 + minutes(5) + seconds(1))};
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, ns, cfg, kT0 + minutes(6));
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kSilent);
}

TEST(EvaluateTest, AlertFiringBeforeInjectionIsPreExistingNotDetection) {
  const Config cfg = TestConfig();
  // Started firing 10 s before the fault (beyond the 2 s skew tolerance),
  // notified after it: that is not the fault being detected.
  std::vector<Notification> ns = {Alert("HAProxyBackendDown", kT0 - seconds(10), kT0 + seconds(3))};
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, ns, cfg, kT0 + minutes(5));
  const auto& ir = r.injections[0];
  EXPECT_EQ(ir.verdict, InjectionVerdict::kSilent);
  ASSERT_EQ(ir.pre_existing.size(), 1u);
  EXPECT_EQ(ir.pre_existing[0].alertname, "HAProxyBackendDown");
  EXPECT_TRUE(r.unexpected.empty());
}

// The usual pre-existing case: the alert was notified before the fault and
// is still firing, so Alertmanager only resends it (deduplicated).
TEST(EvaluateTest, AlertNotifiedBeforeInjectionAndStillFiringIsPreExisting) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {
      Alert("HAProxyBackendDown", kT0 - seconds(90), kT0 - seconds(80))};
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, ns, cfg, kT0 + minutes(5));
  const auto& ir = r.injections[0];
  EXPECT_EQ(ir.verdict, InjectionVerdict::kSilent);
  ASSERT_EQ(ir.pre_existing.size(), 1u);
  EXPECT_EQ(ir.pre_existing[0].notified_at, kT0 - seconds(80));
  // The range a caller loads reaches back one window to find it.
  EXPECT_LE(NotificationRange(MakeDrill(), {Inject("B", kT0)}, cfg, kT0 + minutes(5)).from,
            kT0 - seconds(80));
}

TEST(EvaluateTest, AlertResolvedBeforeInjectionIsNotPreExisting) {
  const Config cfg = TestConfig();
  Notification firing = Alert("HAProxyBackendDown", kT0 - seconds(90), kT0 - seconds(80));
  Notification resolved = firing;
  resolved.status = AlertStatus::kResolved;
  resolved.received_at = kT0 - seconds(5);
  resolved.id = ToUnixMillis(resolved.received_at);
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, {firing, resolved}, cfg, kT0 + minutes(5));
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kSilent);
  EXPECT_TRUE(r.injections[0].pre_existing.empty());
}

// Re-running a scenario before its alert resolved: the second run cannot be
// detected, and says why.
TEST(EvaluateTest, SecondRunWhileTheFirstAlertStillFiresShowsItAsPreExisting) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {Alert("HAProxyBackendDown", kT0 + seconds(5), kT0 + seconds(9))};
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0, "B-1"), Inject("B", kT0 + minutes(2), "B-2")},
                    ns, cfg, kT0 + minutes(8));
  ASSERT_EQ(r.injections.size(), 2u);
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kPass);
  EXPECT_TRUE(r.injections[0].pre_existing.empty());
  EXPECT_EQ(r.injections[1].verdict, InjectionVerdict::kSilent);
  ASSERT_EQ(r.injections[1].pre_existing.size(), 1u);
  EXPECT_EQ(r.injections[1].pre_existing[0].alertname, "HAProxyBackendDown");
}

TEST(EvaluateTest, StartsAtWithinSkewToleranceBeforeInjectionCounts) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {Alert("HAProxyBackendDown", kT0 - seconds(2), kT0 + seconds(3))};
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, ns, cfg, kT0 + seconds(4));
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kPass);
  EXPECT_EQ(*r.injections[0].expectations[0].time_to_fire, seconds(-2));
}

TEST(EvaluateTest, FirstReceiptCountsWhenAlertArrivesTwice) {
  const Config cfg = TestConfig();
  Notification first = Alert("HAProxyBackendDown", kT0 + seconds(5), kT0 + seconds(20));
  Notification other =
      Alert("HAProxyBackendDown", kT0 + seconds(6), kT0 + seconds(40), {{"instance", "b2"}});
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, {first, other}, cfg, kT0 + seconds(41));
  EXPECT_EQ(*r.injections[0].expectations[0].time_to_notify, seconds(20));
  EXPECT_EQ(r.injections[0].expectations[0].alert->fingerprint, first.fingerprint);
}

TEST(EvaluateTest, ResolvedNotificationSetsResolvedAtButIsNotDetection) {
  const Config cfg = TestConfig();
  Notification firing = Alert("HAProxyBackendDown", kT0 + seconds(5), kT0 + seconds(20));
  Notification resolved = firing;
  resolved.status = AlertStatus::kResolved;
  resolved.received_at = kT0 + seconds(90);
  resolved.id = ToUnixMillis(resolved.received_at);
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, {firing, resolved}, cfg, kT0 + seconds(91));
  EXPECT_EQ(*r.injections[0].expectations[0].resolved_at, kT0 + seconds(90));

  // A resolved notification alone is no detection.
  auto alone = Evaluate(MakeDrill(), {Inject("B", kT0)}, {resolved}, cfg, kT0 + minutes(5));
  EXPECT_EQ(alone.injections[0].verdict, InjectionVerdict::kSilent);
}

TEST(EvaluateTest, RegexMatcherMustMatchFully) {
  const Config cfg = TestConfig();
  // severity=~"critical|page" is anchored: "critical-ish" does not match.
  std::vector<Notification> ns = {
      Alert("PostgresPrimaryDown", kT0, kT0 + seconds(5)),
      Alert("PostgresReplicaPromoted", kT0, kT0 + seconds(6), {{"severity", "critical-ish"}}),
  };
  auto r = Evaluate(MakeDrill(), {Inject("A", kT0)}, ns, cfg, kT0 + minutes(3));
  EXPECT_EQ(r.injections[0].expectations[1].status, ExpectationStatus::kMissing);
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kIncomplete);
}

TEST(EvaluateTest, DrillMatchersScopeNotifications) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {
      Alert("HAProxyBackendDown", kT0, kT0 + seconds(5), {{"env", "prod"}}),
      Alert("NoiseAlert", kT0, kT0 + seconds(6), {{"env", "prod"}}),
  };
  auto r = Evaluate(MakeDrill({"env=\"staging\""}), {Inject("B", kT0)}, ns, cfg, kT0 + minutes(5));
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kSilent);
  EXPECT_TRUE(r.unexpected.empty()) << "out-of-scope alerts are not the drill's business";
}

TEST(EvaluateTest, AlertMatchingNoInjectionIsUnexpected) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {
      Alert("HAProxyBackendDown", kT0, kT0 + seconds(5)),
      Alert("DiskFull", kT0, kT0 + seconds(7)),
      // Before the drill started: not the drill's.
      Alert("EarlyAlert", kT0 - minutes(2), kT0 - minutes(1)),
  };
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, ns, cfg, kT0 + seconds(8));
  ASSERT_EQ(r.unexpected.size(), 1u);
  EXPECT_EQ(r.unexpected[0].alertname, "DiskFull");
}

TEST(EvaluateTest, ExpectedAlertBeforeItsInjectionIsUnexpected) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {Alert("HAProxyBackendDown", kT0, kT0 + seconds(5))};
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0 + seconds(30))}, ns, cfg, kT0 + seconds(40));
  ASSERT_EQ(r.unexpected.size(), 1u);
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kPending);
}

TEST(EvaluateTest, AlertsAfterDrillFinishedAreNotUnexpected) {
  const Config cfg = TestConfig();
  Drill d = MakeDrill();
  d.finished_at = kT0 + seconds(10);
  std::vector<Notification> ns = {Alert("DiskFull", kT0, kT0 + seconds(20))};
  auto r = Evaluate(d, {}, ns, cfg, kT0 + seconds(30));
  EXPECT_TRUE(r.unexpected.empty());
}

TEST(EvaluateTest, TwoInjectionsOfSameScenarioEachMeasureTheirOwnAlert) {
  const Config cfg = TestConfig();
  const Timestamp second = kT0 + minutes(10);
  std::vector<Notification> ns = {
      Alert("HAProxyBackendDown", kT0 + seconds(5), kT0 + seconds(10)),
      Alert("HAProxyBackendDown", second + seconds(50), second + seconds(70)),
  };
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0, "B-1"), Inject("B", second, "B-2")}, ns, cfg,
                    second + minutes(5));
  ASSERT_EQ(r.injections.size(), 2u);
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kPass);
  EXPECT_EQ(r.injections[1].verdict, InjectionVerdict::kLate);
  EXPECT_EQ(*r.injections[1].time_to_alert, seconds(70));
}

TEST(EvaluateTest, StartsAtLaterThanReceiptBeyondToleranceIsFlaggedAsSkew) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {
      Alert("HAProxyBackendDown", kT0 + seconds(30), kT0 + seconds(10))};
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0)}, ns, cfg, kT0 + seconds(11));
  EXPECT_TRUE(r.injections[0].expectations[0].clock_skew);
  EXPECT_EQ(*r.injections[0].expectations[0].time_to_notify, seconds(10));
}

TEST(EvaluateTest, DrillFailsAsSoonAsOneInjectionFailsEvenWithOthersPending) {
  const Config cfg = TestConfig();
  std::vector<Notification> ns = {};
  // B-1 is silent (window closed), A-1 still open, the drill too.
  auto r = Evaluate(MakeDrill(), {Inject("B", kT0), Inject("A", kT0 + minutes(4))}, ns, cfg,
                    kT0 + minutes(5));
  EXPECT_EQ(r.injections[0].acceptance, Acceptance::kFail);
  EXPECT_EQ(r.injections[1].acceptance, Acceptance::kPending);
  EXPECT_EQ(r.verdict, DrillVerdict::kFail);
}

TEST(EvaluateTest, FinishedDrillIsPendingWhileAWindowIsOpen) {
  const Config cfg = TestConfig();
  Drill d = MakeDrill();
  d.finished_at = kT0 + minutes(1);
  auto r = Evaluate(d, {Inject("B", kT0)}, {}, cfg, kT0 + minutes(2));
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kPending);
  EXPECT_EQ(r.verdict, DrillVerdict::kPending);
}

TEST(EvaluateTest, DrillWithoutInjections) {
  const Config cfg = TestConfig();
  Drill d = MakeDrill();
  EXPECT_EQ(Evaluate(d, {}, {}, cfg, kT0).verdict, DrillVerdict::kPending);
  d.finished_at = kT0 + minutes(1);
  EXPECT_EQ(Evaluate(d, {}, {}, cfg, kT0 + minutes(1)).verdict, DrillVerdict::kFail);
}

TEST(EvaluateTest, InjectionOfRemovedScenarioStaysPendingWithError) {
  const Config cfg = TestConfig();
  auto r = Evaluate(MakeDrill(), {Inject("Z", kT0)}, {}, cfg, kT0 + minutes(60));
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kPending);
  EXPECT_NE(r.injections[0].error.find("\"Z\" is not in the current config"), std::string::npos);
}

// Guards the engine's contract (evaluate.h): Evaluate() is a pure function of
// the facts, the config and `now`, and takes the injections in any order, so
// the same facts always give the same results document, before and after a
// restart. The facts are built twice, independently (config parsed again),
// the second time with the injections in reverse order and after evaluating
// an unrelated drill; the two documents must be byte-identical. It fails if
// the result follows the input order, keeps state between calls, or reads
// anything (a clock, a static) besides its arguments.
struct EvaluationInputs {
  Config config;
  Drill drill;
  std::vector<Injection> injections;
  std::vector<Notification> notifications;  // sorted by (received_at, id), as Evaluate requires
  Timestamp now;
};

EvaluationInputs RichInputs() {
  EvaluationInputs in{TestConfig(), MakeDrill(), {}, {}, kT0 + minutes(4)};
  in.injections = {Inject("A", kT0 + seconds(10)), Inject("B", kT0 + seconds(20)),
                   Inject("B", kT0 + minutes(3), "B-2")};
  in.notifications = {
      Alert("HAProxyBackendDown", kT0 - seconds(30), kT0 - seconds(25)),  // pre-existing for B-2
      Alert("PostgresPrimaryDown", kT0 + seconds(15), kT0 + seconds(18)),
      Alert("HAProxyBackendDown", kT0 + seconds(40), kT0 + seconds(95)),  // late for B-1
      Alert("DiskFull", kT0 + seconds(50), kT0 + seconds(55)),            // unexpected
  };
  return in;
}

TEST(EvaluateTest, SameInputsGiveSameResult) {
  const EvaluationInputs first = RichInputs();
  const DrillResult a =
      Evaluate(first.drill, first.injections, first.notifications, first.config, first.now);
  // The document compared is not trivially empty: every part of it is covered.
  ASSERT_EQ(a.injections.size(), 3u);
  EXPECT_EQ(a.injections[0].verdict, InjectionVerdict::kIncomplete);  // A: one alert missing
  EXPECT_EQ(a.injections[1].verdict, InjectionVerdict::kLate);
  EXPECT_EQ(a.injections[2].verdict, InjectionVerdict::kPending);
  EXPECT_FALSE(a.unexpected.empty());

  // Something else evaluated in between: no state may carry over.
  (void)Evaluate(Drill{"other", {}, kT0, kT0 + minutes(1), {}}, {Inject("A", kT0)}, {},
                 TestConfig(), kT0 + minutes(60));

  EvaluationInputs second = RichInputs();
  std::reverse(second.injections.begin(), second.injections.end());
  const DrillResult b =
      Evaluate(second.drill, second.injections, second.notifications, second.config, second.now);
  EXPECT_EQ(RenderResultsJson(a), RenderResultsJson(b));
  // The comparison sees a difference in the facts: the late alert on time instead.
  EvaluationInputs changed = RichInputs();
  changed.notifications[2].received_at = kT0 + seconds(30);
  EXPECT_NE(RenderResultsJson(Evaluate(changed.drill, changed.injections, changed.notifications,
                                       changed.config, changed.now)),
            RenderResultsJson(a));
  // And evaluating the very same objects again changes nothing either.
  EXPECT_EQ(RenderResultsJson(Evaluate(first.drill, first.injections, first.notifications,
                                       first.config, first.now)),
            RenderResultsJson(a));
}

TEST(NotificationRangeTest, CoversDrillAndEveryWindowButNotTheFuture) {
  const Config cfg = TestConfig();
  Drill d = MakeDrill();
  const Timestamp inj = kT0 - seconds(30);  // reported with an explicit earlier "at"
  auto r = NotificationRange(d, {Inject("B", inj)}, cfg, kT0 + minutes(1));
  EXPECT_EQ(r.from, inj - minutes(5));  // one window back, for pre-existing alerts
  EXPECT_EQ(r.to, kT0 + minutes(1));
  d.finished_at = kT0 + minutes(1);
  auto later = NotificationRange(d, {Inject("B", inj)}, cfg, kT0 + minutes(60));
  EXPECT_EQ(later.to, inj + minutes(5));
}

TEST(IsLiveTest, FinishedDrillWithClosedWindowsIsNotLive) {
  const Config cfg = TestConfig();
  Drill d = MakeDrill();
  d.finished_at = kT0 + minutes(1);
  EXPECT_TRUE(IsLive(Evaluate(d, {Inject("B", kT0)}, {}, cfg, kT0 + minutes(2))));
  EXPECT_FALSE(IsLive(Evaluate(d, {Inject("B", kT0)}, {}, cfg, kT0 + minutes(5))));
  EXPECT_TRUE(IsLive(Evaluate(MakeDrill(), {}, {}, cfg, kT0 + minutes(5))));
}

}  // namespace
}  // namespace alertgate
