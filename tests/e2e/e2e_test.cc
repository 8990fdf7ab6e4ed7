// End-to-end tests: the real pipeline, exporter -> scrape -> rule -> `for`
// -> Alertmanager routing and group_wait -> webhook -> alertgate, with one
// shared environment per test suite (see harness.h). Every test owns its
// drill, its scenario and its alertname, and its drill's matcher
// (case="...") scopes it to its own alerts, so the tests do not see each
// other's alerts even when they share the environment.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "core/time.h"
#include "harness.h"

namespace alertgate::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Scenario gates and windows: kept short so the suite stays fast; the
// pipeline notifies a `for: 0s` rule in about 2-3 s (scrape 1s + evaluation
// 1s + group_wait 1s).
constexpr const char* kAlertgateConfig = R"(# Written by the alertgate e2e harness.
global:
  gate: 10s
  window: 30s
  skew_tolerance: 2s
scenarios:
  - id: timely
    name: Timely alert (for 0s)
    runbook: tests/e2e/e2e_test.cc
    expect: ['alertname="E2ETimely"']
  - id: late
    name: Alert whose for (8s) exceeds the gate (5s)
    expect: ['alertname="E2ELate"']
    gate: 5s
    window: 30s
  - id: silent
    name: Rule watches a metric the fault does not change
    expect: ['alertname="E2ENeverFires"']
    gate: 5s
    window: 15s
  - id: silenced
    name: Alert silenced in Alertmanager
    expect: ['alertname="E2ESilenced"']
    gate: 5s
    window: 15s
  - id: duplicate
    name: Alert delivered by two Alertmanagers
    expect: ['alertname="E2EDuplicate"']
)";

constexpr double kSilentWindowSeconds = 15;
constexpr double kLateGateSeconds = 5;
constexpr double kLateForSeconds = 8;

// Every alert carries the `case` label of its series; drills match on it.
constexpr const char* kRules = R"(# Written by the alertgate e2e harness.
groups:
  - name: alertgate-e2e
    interval: 1s
    rules:
      - alert: E2ETimely
        expr: e2e_fault{case="timely"} == 1
        for: 0s
      - alert: E2ELate
        expr: e2e_fault{case="late"} == 1
        for: 8s
      # The fault flips e2e_fault{case="silent"}; this rule watches another
      # metric, which nothing ever flips: the silent fail.
      - alert: E2ENeverFires
        expr: e2e_probe_failed{case="silent"} == 1
        for: 0s
      - alert: E2ESilenced
        expr: e2e_fault{case="silenced"} == 1
        for: 0s
      - alert: E2EUnexpected
        expr: e2e_fault{case="unexpected"} == 1
        for: 0s
      - alert: E2EDuplicate
        expr: e2e_fault{case="duplicate"} == 1
        for: 0s
)";
constexpr size_t kRuleCount = 6;

// The harness measure and alertgate's must agree within this. A firing alert
// starts a new group on both of am1's routes (alertgate, capture) at the same
// moment, so both are flushed by the same group_wait tick.
constexpr double kToleranceSeconds = 0.5;
// Alertmanager's group_interval in the harness's configs.
constexpr double kGroupIntervalSeconds = 1;

EnvOptions Options() {
  EnvOptions o;
  o.alertgate_config = kAlertgateConfig;
  o.rules = kRules;
  o.rule_count = kRuleCount;
  for (const char* c : {"timely", "late", "silent", "silenced", "unexpected", "duplicate"}) {
    o.initial_series.push_back({"e2e_fault", {{"case", c}}, 0});
  }
  o.initial_series.push_back({"e2e_probe_failed", {{"case", "silent"}}, 0});
  o.duplicate_alertname = "E2EDuplicate";
  o.am1_duplicate_group_wait = "4s";
  return o;
}

struct Injected {
  std::string id;
  Timestamp injected_at;  // from alertgate's 201 answer
};

// True when the member is present and null (Get() also answers null for absent).
bool IsNull(const rapidjson::Value& obj, const char* member) {
  return obj.IsObject() && obj.HasMember(member) && Get(obj, member).IsNull();
}

class AlertgateE2E : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    env_ = new Env(Options());
    setup_error_ = env_->Start();
    if (!setup_error_.empty()) std::cerr << "environment setup failed: " << setup_error_ << "\n";
  }
  static void TearDownTestSuite() {
    delete env_;  // kills every process
    env_ = nullptr;
  }

 protected:
  void SetUp() override {
    ASSERT_NE(env_, nullptr);
    ASSERT_TRUE(setup_error_.empty())
        << "environment setup failed: " << setup_error_.substr(0, setup_error_.find('\n'))
        << " (component logs above)";
  }

  void TearDown() override {
    if (HasFailure() && env_ != nullptr && setup_error_.empty()) {
      env_->KeepDir();
      std::cerr << env_->LogTails() << std::flush;
    }
  }

  // --- alertgate's API -----------------------------------------------------

  void StartDrill(const std::string& drill, const std::string& matcher) {
    const HttpReply r =
        HttpPost(env_->alertgate_port(), "/api/v1/drills",
                 "{\"id\":" + JsonQuote(drill) + ",\"matchers\":[" + JsonQuote(matcher) + "]}");
    ASSERT_EQ(r.status, 201) << r.error << r.body;
  }

  void FinishDrill(const std::string& drill) {
    const HttpReply r = HttpPost(env_->alertgate_port(), "/api/v1/drills/" + drill + "/finish", "");
    ASSERT_EQ(r.status, 200) << r.error << r.body;
  }

  // Records the injection right before the fault, as a runner would.
  void Inject(const std::string& drill, const std::string& scenario, Injected* out) {
    const HttpReply r = HttpPost(env_->alertgate_port(), "/api/v1/drills/" + drill + "/injections",
                                 "{\"scenario\":" + JsonQuote(scenario) + "}");
    ASSERT_EQ(r.status, 201) << r.error << r.body;
    const rapidjson::Document d = ParseJson(r.body);
    ASSERT_TRUE(d.IsObject()) << r.body;
    out->id = Str(d, "id");
    ASSERT_EQ(out->id, scenario + "-1") << r.body;
    out->injected_at = ParseTime(Str(d, "injected_at"));
  }

  void Fault(const std::string& name, const std::string& case_label, double value) {
    ASSERT_EQ(env_->SetGauge(name, {{"case", case_label}}, value), "");
  }

  void GetResults(const std::string& drill, rapidjson::Document* doc) {
    const HttpReply r = HttpGet(env_->alertgate_port(), "/api/v1/drills/" + drill);
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    std::string err;
    *doc = ParseJson(r.body, &err);
    ASSERT_TRUE(doc->IsObject()) << err;
  }

  // Polls the drill's results until `done(doc)`; fails on the deadline or
  // when a component dies.
  void PollResults(const std::string& drill, Deadline deadline,
                   const std::function<bool(const rapidjson::Value&)>& done,
                   const std::string& what, rapidjson::Document* doc) {
    std::string last;
    std::string dead;
    const bool ok = PollUntil(deadline, [&] {
      dead = env_->DeadProcesses();
      if (!dead.empty()) return true;
      const HttpReply r = HttpGet(env_->alertgate_port(), "/api/v1/drills/" + drill);
      last = r.status == 200 ? r.body : std::to_string(r.status) + " " + r.error + r.body;
      *doc = ParseJson(r.body);
      return r.status == 200 && doc->IsObject() && done(*doc);
    });
    ASSERT_TRUE(dead.empty()) << "a component died while waiting for " << what << ": " << dead;
    ASSERT_TRUE(ok) << "timed out waiting for " << what << "; last results: " << last;
  }

  // The injection `id` of a results document, or nullptr.
  static const rapidjson::Value* FindInjection(const rapidjson::Value& doc, const std::string& id) {
    for (const auto& inj : Items(Get(doc, "injections"))) {
      if (Str(inj, "id") == id) return &inj;
    }
    return nullptr;
  }

  // The injection `id` of a results document (fails the test when absent).
  static const rapidjson::Value& InjectionOf(const rapidjson::Value& doc, const std::string& id) {
    static const rapidjson::Value kNull;
    if (const rapidjson::Value* inj = FindInjection(doc, id)) return *inj;
    ADD_FAILURE() << "no injection " << id << " in " << ToJson(doc);
    return kNull;
  }

  static std::string VerdictOf(const rapidjson::Value& doc, const std::string& id) {
    const rapidjson::Value* inj = FindInjection(doc, id);
    return inj != nullptr ? Str(*inj, "verdict") : "";
  }

  // Waits until the injection is decided (not pending) and returns the document.
  void WaitDecided(const std::string& drill, const std::string& id, Deadline deadline,
                   rapidjson::Document* doc) {
    PollResults(
        drill, deadline,
        [&](const rapidjson::Value& d) {
          const std::string v = VerdictOf(d, id);
          return !v.empty() && v != "pending";
        },
        "a verdict for " + drill + "/" + id, doc);
  }

  std::string Metrics() {
    const HttpReply r = HttpGet(env_->alertgate_port(), "/metrics");
    EXPECT_EQ(r.status, 200) << r.error;
    return r.body;
  }

  // Waits until the sample equals `want` on alertgate's /metrics.
  void WaitMetric(const std::string& name, const std::map<std::string, std::string>& labels,
                  double want, Deadline deadline) {
    std::optional<double> got;
    const bool ok = PollUntil(deadline, [&] {
      got = MetricValue(Metrics(), name, labels);
      return got && *got == want;
    });
    std::string l;
    for (const auto& [k, v] : labels) l += k + "=\"" + v + "\" ";
    ASSERT_TRUE(ok) << name << "{" << l << "} is " << (got ? std::to_string(*got) : "absent")
                    << ", want " << want;
  }

  // --- the harness's own measure ------------------------------------------

  // The capture receiver's first receipt of the alert (waits for it).
  void CaptureFirst(const std::string& alertname, const std::string& status,
                    const std::string& source, CapturedAlert* out) {
    std::optional<CapturedAlert> got;
    PollUntil(After(seconds(15)), [&] {
      got = env_->capture().First(alertname, status, source);
      return got.has_value();
    });
    ASSERT_TRUE(got.has_value()) << "the capture receiver never got " << status << " " << alertname
                                 << (source.empty() ? "" : " from " + source);
    *out = *got;
  }

  // alertgate's time_to_notify agrees with the harness's measure, and the
  // expectation is the alert the capture receiver saw.
  static void ExpectAgrees(const rapidjson::Value& expectation, const Injected& inj,
                           const CapturedAlert& first) {
    const double harness = SecondsBetween(ToSysTime(inj.injected_at), first.received_at);
    const double ttn = Number(expectation, "time_to_notify_seconds");
    EXPECT_NEAR(ttn, harness, kToleranceSeconds)
        << "alertgate's time_to_notify_seconds vs the capture receiver's receipt - injected_at; "
        << ToJson(expectation);
    const Timestamp notified = ParseTime(Str(expectation, "notified_at"));
    EXPECT_NEAR(SecondsBetween(first.received_at, ToSysTime(notified)), 0, kToleranceSeconds);
    EXPECT_EQ(Str(expectation, "fingerprint"), first.fingerprint);
    EXPECT_EQ(ParseTime(Str(expectation, "starts_at")), ParseTime(first.starts_at))
        << "starts_at is Prometheus's FiredAt, cut to milliseconds";
    env_->Note(Str(expectation, "alertname") + ": time_to_notify_seconds " + std::to_string(ttn) +
               ", harness " + std::to_string(harness) + " (capture from " + first.source + ")");
    // time_to_fire is on Prometheus's clock (same host): the alert fired
    // after the injection and before the notification.
    const double ttf = Number(expectation, "time_to_fire_seconds");
    EXPECT_GT(ttf, -1.0) << ToJson(expectation);
    EXPECT_LE(ttf, ttn + 0.1) << ToJson(expectation);
    EXPECT_TRUE(Get(expectation, "clock_skew").IsFalse()) << ToJson(expectation);
  }

  static Env* env_;
  static std::string setup_error_;
};

Env* AlertgateE2E::env_ = nullptr;
std::string AlertgateE2E::setup_error_;

// 1. A `for: 0s` rule: notified well within the gate -> pass. Then the fault
//    is cleared and the resolved notification arrives.
TEST_F(AlertgateE2E, TimelyAlertPasses) {
  const std::string drill = "e2e-timely";
  ASSERT_NO_FATAL_FAILURE(StartDrill(drill, "case=\"timely\""));
  Injected inj;
  ASSERT_NO_FATAL_FAILURE(Inject(drill, "timely", &inj));
  ASSERT_NO_FATAL_FAILURE(Fault("e2e_fault", "timely", 1));

  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(WaitDecided(drill, inj.id, After(seconds(30)), &doc));
  const rapidjson::Value& ir = InjectionOf(doc, inj.id);
  ASSERT_TRUE(ir.IsObject());
  EXPECT_EQ(Str(ir, "verdict"), "pass") << ToJson(ir);
  EXPECT_EQ(Str(ir, "acceptance"), "pass") << ToJson(ir);
  EXPECT_EQ(Str(doc, "verdict"), "pending");  // an open drill is never pass
  EXPECT_EQ(Number(ir, "gate_seconds"), 10);
  ASSERT_EQ(Size(Get(ir, "expectations")), 1) << ToJson(ir);
  const rapidjson::Value& e = Get(ir, "expectations", 0);
  EXPECT_EQ(Str(e, "status"), "on_time");
  EXPECT_EQ(Str(e, "alertname"), "E2ETimely");
  EXPECT_EQ(Number(ir, "time_to_alert_seconds"), Number(e, "time_to_notify_seconds"));
  EXPECT_LT(Number(e, "time_to_notify_seconds"), 10);
  EXPECT_EQ(Size(Get(doc, "unexpected_alerts")), 0) << ToJson(doc);
  EXPECT_EQ(Size(Get(ir, "pre_existing_alerts")), 0) << ToJson(ir);

  CapturedAlert first;
  ASSERT_NO_FATAL_FAILURE(CaptureFirst("E2ETimely", "firing", "am1", &first));
  ExpectAgrees(e, inj, first);
  ASSERT_NO_FATAL_FAILURE(WaitMetric(
      "alertgate_injection_verdict",
      {{"drill", drill}, {"injection", inj.id}, {"scenario", "timely"}, {"verdict", "pass"}}, 1,
      After(seconds(5))));

  // Recovery: clear the injection, remove the fault; the resolved
  // notification is recorded on the expectation.
  const HttpReply clear = HttpPost(
      env_->alertgate_port(), "/api/v1/drills/" + drill + "/injections/" + inj.id + "/clear", "");
  ASSERT_EQ(clear.status, 200) << clear.error << clear.body;
  ASSERT_NO_FATAL_FAILURE(Fault("e2e_fault", "timely", 0));
  ASSERT_NO_FATAL_FAILURE(PollResults(
      drill, After(seconds(30)),
      [&](const rapidjson::Value& d) {
        const rapidjson::Value* i = FindInjection(d, inj.id);
        return i != nullptr && Get(*i, "expectations", 0, "resolved_at").IsString();
      },
      "the resolved notification", &doc));
  const rapidjson::Value& cleared = InjectionOf(doc, inj.id);
  EXPECT_TRUE(Get(cleared, "cleared_at").IsString());
  EXPECT_EQ(Str(cleared, "verdict"), "pass");
  // The resolved alert joins groups that already notified, so each route's
  // group sends it on its own next group_interval tick (1s): the capture's
  // receipt and alertgate's may be one tick apart.
  CapturedAlert resolved;
  ASSERT_NO_FATAL_FAILURE(CaptureFirst("E2ETimely", "resolved", "am1", &resolved));
  EXPECT_NEAR(
      SecondsBetween(resolved.received_at,
                     ToSysTime(ParseTime(Str(Get(cleared, "expectations", 0), "resolved_at")))),
      0, kGroupIntervalSeconds + kToleranceSeconds);

  ASSERT_NO_FATAL_FAILURE(FinishDrill(drill));
  ASSERT_NO_FATAL_FAILURE(GetResults(drill, &doc));
  EXPECT_EQ(Str(doc, "verdict"), "pass");
}

// 2. `for: 8s` against a 5s gate: notified, but after the gate -> late.
TEST_F(AlertgateE2E, AlertSlowerThanGateIsLate) {
  const std::string drill = "e2e-late";
  ASSERT_NO_FATAL_FAILURE(StartDrill(drill, "case=\"late\""));
  Injected inj;
  ASSERT_NO_FATAL_FAILURE(Inject(drill, "late", &inj));
  ASSERT_NO_FATAL_FAILURE(Fault("e2e_fault", "late", 1));

  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(GetResults(drill, &doc));
  EXPECT_EQ(VerdictOf(doc, inj.id), "pending") << "nothing can have fired yet";
  EXPECT_EQ(Str(doc, "verdict"), "pending");

  ASSERT_NO_FATAL_FAILURE(WaitDecided(drill, inj.id, After(seconds(45)), &doc));
  const rapidjson::Value& ir = InjectionOf(doc, inj.id);
  ASSERT_TRUE(ir.IsObject());
  EXPECT_EQ(Str(ir, "verdict"), "late") << ToJson(ir);
  EXPECT_EQ(Str(doc, "verdict"), "fail");
  EXPECT_EQ(Number(ir, "gate_seconds"), kLateGateSeconds);
  ASSERT_EQ(Size(Get(ir, "expectations")), 1) << ToJson(ir);
  const rapidjson::Value& e = Get(ir, "expectations", 0);
  EXPECT_EQ(Str(e, "status"), "late");
  EXPECT_GT(Number(e, "time_to_notify_seconds"), kLateGateSeconds);
  // The rule's `for` held the alert back: it fired at least 8s after the fault.
  EXPECT_GE(Number(e, "time_to_fire_seconds"), kLateForSeconds - 0.5) << ToJson(e);

  CapturedAlert first;
  ASSERT_NO_FATAL_FAILURE(CaptureFirst("E2ELate", "firing", "am1", &first));
  ExpectAgrees(e, inj, first);
  ASSERT_NO_FATAL_FAILURE(WaitMetric(
      "alertgate_injection_verdict",
      {{"drill", drill}, {"injection", inj.id}, {"scenario", "late"}, {"verdict", "late"}}, 1,
      After(seconds(5))));
}

// 3. The fault happens, but the rule watches a metric the fault does not
//    change: nothing fires, and when the window closes -> silent.
TEST_F(AlertgateE2E, AlertThatNeverFiresIsSilent) {
  const std::string drill = "e2e-silent";
  ASSERT_NO_FATAL_FAILURE(StartDrill(drill, "case=\"silent\""));
  Injected inj;
  ASSERT_NO_FATAL_FAILURE(Inject(drill, "silent", &inj));
  ASSERT_NO_FATAL_FAILURE(Fault("e2e_fault", "silent", 1));

  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(WaitDecided(
      drill, inj.id, After(seconds(static_cast<int>(kSilentWindowSeconds) + 20)), &doc));
  const SysTime decided_seen = std::chrono::system_clock::now();
  const rapidjson::Value& ir = InjectionOf(doc, inj.id);
  ASSERT_TRUE(ir.IsObject());
  EXPECT_EQ(Str(ir, "verdict"), "silent") << ToJson(ir);
  EXPECT_EQ(Str(doc, "verdict"), "fail");
  EXPECT_TRUE(IsNull(ir, "time_to_alert_seconds")) << ToJson(ir);
  ASSERT_EQ(Size(Get(ir, "expectations")), 1) << ToJson(ir);
  const rapidjson::Value& e = Get(ir, "expectations", 0);
  EXPECT_EQ(Str(e, "status"), "missing");
  EXPECT_TRUE(IsNull(e, "notified_at")) << ToJson(e);
  EXPECT_TRUE(IsNull(e, "time_to_notify_seconds")) << ToJson(e);
  // Not decided before the window closed.
  EXPECT_GE(SecondsBetween(ToSysTime(inj.injected_at), decided_seen), kSilentWindowSeconds - 0.1);
  EXPECT_EQ(env_->capture().Count("E2ENeverFires"), 0u);
  // The ticker publishes the silent verdict on /metrics without a request.
  ASSERT_NO_FATAL_FAILURE(WaitMetric(
      "alertgate_injection_verdict",
      {{"drill", drill}, {"injection", inj.id}, {"scenario", "silent"}, {"verdict", "silent"}}, 1,
      After(seconds(5))));
}

// 4. The alert fires, but an amtool silence (added before the injection)
//    suppresses it in Alertmanager: nothing reaches a human -> silent.
TEST_F(AlertgateE2E, SilencedAlertIsSilent) {
  const std::string am = "http://127.0.0.1:" + std::to_string(env_->am1_port());
  const CommandResult add =
      RunCommand("amtool-silence-add",
                 {ToolPath("AMTOOL", "amtool"), "silence", "add", "alertname=E2ESilenced",
                  "--alertmanager.url=" + am, "--author=alertgate-e2e",
                  "--comment=alertgate e2e: silenced scenario", "--duration=10m"},
                 env_->dir(), seconds(20));
  ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
  std::string silence_id = add.out;
  while (!silence_id.empty() && isspace(static_cast<unsigned char>(silence_id.back()))) {
    silence_id.pop_back();
  }
  ASSERT_FALSE(silence_id.empty());
  {
    const HttpReply r = HttpGet(env_->am1_port(), "/api/v2/silence/" + silence_id);
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    const rapidjson::Document s = ParseJson(r.body);
    ASSERT_TRUE(s.IsObject()) << r.body;
    EXPECT_EQ(Str(Get(s, "status"), "state"), "active") << r.body;
  }

  const std::string drill = "e2e-silenced";
  ASSERT_NO_FATAL_FAILURE(StartDrill(drill, "case=\"silenced\""));
  Injected inj;
  ASSERT_NO_FATAL_FAILURE(Inject(drill, "silenced", &inj));
  ASSERT_NO_FATAL_FAILURE(Fault("e2e_fault", "silenced", 1));

  // Alertmanager has the alert, suppressed by our silence.
  std::string last;
  const bool suppressed = PollUntil(
      After(seconds(20)),
      [&] {
        const HttpReply r = HttpGet(env_->am1_port(), "/api/v2/alerts");
        last = r.body;
        const rapidjson::Document alerts = ParseJson(r.body);
        if (r.status != 200 || !alerts.IsArray()) return false;
        for (const auto& a : Items(alerts)) {
          if (Str(Get(a, "labels"), "alertname") != "E2ESilenced") continue;
          if (Str(Get(a, "status"), "state") != "suppressed") return false;
          for (const auto& by : Items(Get(a, "status", "silencedBy"))) {
            if (by.IsString() && by.GetString() == silence_id) return true;
          }
        }
        return false;
      },
      milliseconds(200));
  ASSERT_TRUE(suppressed) << "E2ESilenced is not suppressed by silence " << silence_id
                          << " in Alertmanager's /api/v2/alerts: " << last;

  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(WaitDecided(
      drill, inj.id, After(seconds(static_cast<int>(kSilentWindowSeconds) + 20)), &doc));
  const rapidjson::Value& ir = InjectionOf(doc, inj.id);
  ASSERT_TRUE(ir.IsObject());
  EXPECT_EQ(Str(ir, "verdict"), "silent") << ToJson(ir);
  EXPECT_EQ(Str(doc, "verdict"), "fail");
  ASSERT_EQ(Size(Get(ir, "expectations")), 1) << ToJson(ir);
  EXPECT_EQ(Str(Get(ir, "expectations", 0), "status"), "missing");
  EXPECT_TRUE(IsNull(ir, "time_to_alert_seconds"));
  EXPECT_EQ(Size(Get(doc, "unexpected_alerts")), 0) << ToJson(doc);
  EXPECT_EQ(env_->capture().Count("E2ESilenced"), 0u) << "a silenced alert was delivered";
}

// 5. An alert fires during a drill with no injection to explain it ->
//    listed under unexpected_alerts.
TEST_F(AlertgateE2E, AlertWithoutInjectionIsUnexpected) {
  const std::string drill = "e2e-unexpected";
  ASSERT_NO_FATAL_FAILURE(StartDrill(drill, "case=\"unexpected\""));
  ASSERT_NO_FATAL_FAILURE(Fault("e2e_fault", "unexpected", 1));

  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(PollResults(
      drill, After(seconds(30)),
      [](const rapidjson::Value& d) { return Size(Get(d, "unexpected_alerts")) > 0; },
      "an unexpected alert", &doc));
  ASSERT_EQ(Size(Get(doc, "unexpected_alerts")), 1) << ToJson(doc);
  const rapidjson::Value& u = Get(doc, "unexpected_alerts", 0);
  EXPECT_EQ(Str(u, "alertname"), "E2EUnexpected");
  EXPECT_EQ(Str(Get(u, "labels"), "case"), "unexpected");
  EXPECT_EQ(Size(Get(doc, "injections")), 0) << ToJson(doc);
  EXPECT_EQ(Str(doc, "verdict"), "pending") << "an open drill without injections";

  CapturedAlert first;
  ASSERT_NO_FATAL_FAILURE(CaptureFirst("E2EUnexpected", "firing", "am1", &first));
  EXPECT_EQ(Str(u, "fingerprint"), first.fingerprint);
  EXPECT_EQ(ParseTime(Str(u, "starts_at")), ParseTime(first.starts_at));
  EXPECT_NEAR(SecondsBetween(first.received_at, ToSysTime(ParseTime(Str(u, "notified_at")))), 0,
              kToleranceSeconds);
  ASSERT_NO_FATAL_FAILURE(
      WaitMetric("alertgate_drill_unexpected_alerts", {{"drill", drill}}, 1, After(seconds(5))));

  // A finished drill that measured nothing proved nothing (docs/results.md).
  ASSERT_NO_FATAL_FAILURE(FinishDrill(drill));
  ASSERT_NO_FATAL_FAILURE(GetResults(drill, &doc));
  EXPECT_EQ(Str(doc, "verdict"), "fail");
  EXPECT_EQ(Size(Get(doc, "unexpected_alerts")), 1) << ToJson(doc);
}

// 6. Two non-clustered Alertmanagers deliver the same alert: am2 after
//    group_wait 1s, am1 after 4s. The expectation counts once, from am2's
//    (first) delivery; am1's copy is counted as a duplicate.
TEST_F(AlertgateE2E, DuplicateDeliveriesCountOnce) {
  const std::string before = Metrics();
  const double dup_before =
      MetricValue(before, "alertgate_notifications_duplicate_total").value_or(-1);
  const double stored_before =
      MetricValue(before, "alertgate_notifications_total", {{"status", "firing"}}).value_or(-1);
  const double requests_before =
      MetricValue(before, "alertgate_webhook_requests_total", {{"code", "200"}}).value_or(-1);
  ASSERT_GE(dup_before, 0) << "alertgate_notifications_duplicate_total is not exported";
  ASSERT_GE(stored_before, 0) << "alertgate_notifications_total{status=\"firing\"} is not exported";
  ASSERT_GE(requests_before, 0) << "alertgate_webhook_requests_total{code=\"200\"} is not exported";

  const std::string drill = "e2e-duplicate";
  ASSERT_NO_FATAL_FAILURE(StartDrill(drill, "case=\"duplicate\""));
  Injected inj;
  ASSERT_NO_FATAL_FAILURE(Inject(drill, "duplicate", &inj));
  ASSERT_NO_FATAL_FAILURE(Fault("e2e_fault", "duplicate", 1));

  rapidjson::Document doc;
  ASSERT_NO_FATAL_FAILURE(WaitDecided(drill, inj.id, After(seconds(30)), &doc));
  EXPECT_EQ(VerdictOf(doc, inj.id), "pass");

  CapturedAlert from_am2;
  CapturedAlert from_am1;
  ASSERT_NO_FATAL_FAILURE(CaptureFirst("E2EDuplicate", "firing", "am2", &from_am2));
  ASSERT_NO_FATAL_FAILURE(CaptureFirst("E2EDuplicate", "firing", "am1", &from_am1));
  // The same alert, delivered twice, far enough apart to tell which counted.
  ASSERT_EQ(from_am1.fingerprint, from_am2.fingerprint);
  ASSERT_EQ(ParseTime(from_am1.starts_at), ParseTime(from_am2.starts_at));
  ASSERT_GT(SecondsBetween(from_am2.received_at, from_am1.received_at), 1.5)
      << "am1 should deliver about 3s after am2";

  // alertgate received am1's copy as well (it arrives with the capture's).
  PollUntil(After(seconds(10)), [&] {
    return MetricValue(Metrics(), "alertgate_notifications_duplicate_total").value_or(0) >=
           dup_before + 1;
  });
  const std::string after = Metrics();
  EXPECT_GE(MetricValue(after, "alertgate_notifications_duplicate_total").value_or(-1),
            dup_before + 1)
      << "am1's copy was not counted as a duplicate";
  EXPECT_GE(MetricValue(after, "alertgate_webhook_requests_total", {{"code", "200"}}).value_or(-1),
            requests_before + 2)
      << "both Alertmanagers' deliveries were accepted";
  // Both deliveries, one stored notification (the only alert that fired meanwhile).
  EXPECT_EQ(
      MetricValue(after, "alertgate_notifications_total", {{"status", "firing"}}).value_or(-1),
      stored_before + 1);

  ASSERT_NO_FATAL_FAILURE(GetResults(drill, &doc));
  const rapidjson::Value& ir = InjectionOf(doc, inj.id);
  ASSERT_TRUE(ir.IsObject());
  EXPECT_EQ(Str(ir, "verdict"), "pass") << ToJson(ir);
  EXPECT_EQ(Str(doc, "verdict"), "pending");  // open
  ASSERT_EQ(Size(Get(ir, "expectations")), 1) << ToJson(ir);
  const rapidjson::Value& e = Get(ir, "expectations", 0);
  EXPECT_EQ(Str(e, "status"), "on_time");
  // The first receipt (am2's) is the measure, not am1's later copy.
  ExpectAgrees(e, inj, from_am2);
  const double am1_measure = SecondsBetween(ToSysTime(inj.injected_at), from_am1.received_at);
  EXPECT_LT(Number(e, "time_to_notify_seconds"), am1_measure - 1.0) << ToJson(e);
  EXPECT_EQ(Size(Get(doc, "unexpected_alerts")), 0) << ToJson(doc);
  EXPECT_EQ(Size(Get(ir, "pre_existing_alerts")), 0) << ToJson(ir);
}

}  // namespace
}  // namespace alertgate::e2e
