// report/json.h on its own: the results document's field types (seconds
// as integers or decimals, absent values as null, the error only when
// there is one), compact and pretty forms carrying the same document, and
// the drill list's per-verdict counts. The full document is pinned by the
// golden file; the other tests here are the rules behind it.
#include "report/json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "core/time.h"
#include "report/report.h"
#include "report_fixture.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Timestamp kT0 = *ParseRfc3339("2026-02-02T09:00:00Z");

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

// `json` parsed and written again compactly: equal for equal documents.
std::string Rewritten(const std::string& json) {
  const rapidjson::Document d = Parse(json);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

InjectionResult Injected(const std::string& id, InjectionVerdict verdict) {
  InjectionResult ir;
  ir.injection.drill = "d1";
  ir.injection.id = id;
  ir.injection.scenario = id.substr(0, 1);
  ir.injection.injected_at = kT0;
  ir.name = "Scenario " + ir.injection.scenario;
  ir.gate = seconds(60);
  ir.window = Millis(90'500);
  ir.window_end = kT0 + ir.window;
  ir.verdict = verdict;
  return ir;
}

// A-1 passed 12.3 s after the fault (its alert fired 8 s in); B-1 has an
// expectation nothing matched yet and an error.
DrillResult TwoInjections() {
  DrillResult r;
  r.drill = Drill{"d1", {"env=\"staging\""}, kT0, std::nullopt, {}};
  r.verdict = DrillVerdict::kPending;
  InjectionResult a = Injected("A-1", InjectionVerdict::kPass);
  a.time_to_alert = Millis(12'300);
  ExpectationResult e;
  e.matchers = "alertname=\"X\"";
  e.name = "X";
  e.status = ExpectationStatus::kOnTime;
  e.alert = AlertRef{"X", "fp1", {{"alertname", "X"}}, kT0 + seconds(8), kT0 + Millis(12'300)};
  e.time_to_fire = seconds(8);
  e.time_to_notify = Millis(12'300);
  a.expectations = {e};
  InjectionResult b = Injected("B-1", InjectionVerdict::kPending);
  ExpectationResult open;
  open.matchers = "alertname=\"Y\"";
  open.name = "Y";
  b.expectations = {open};
  b.error = "scenario \"B\" is not in the current config";
  r.injections = {a, b};
  return r;
}

TEST(ResultsJsonTest, FixedDrillMatchesGolden) {
  test::ExpectReportGolden("drill.json", RenderReport(test::FixedDrill(), ReportFormat::kJson));
}

TEST(ResultsJsonTest, DurationsAreSecondsAndAbsentValuesNull) {
  const rapidjson::Document d = Parse(RenderResultsJson(TwoInjections()));
  EXPECT_STREQ(d["drill"].GetString(), "d1");
  EXPECT_STREQ(d["started_at"].GetString(), "2026-02-02T09:00:00.000Z");
  EXPECT_TRUE(d["finished_at"].IsNull());
  EXPECT_STREQ(d["verdict"].GetString(), "pending");
  const auto& a = d["injections"][0];
  EXPECT_TRUE(a["gate_seconds"].IsInt64()) << "whole seconds are integers";
  EXPECT_EQ(a["gate_seconds"].GetInt64(), 60);
  EXPECT_TRUE(a["window_seconds"].IsDouble());
  EXPECT_DOUBLE_EQ(a["window_seconds"].GetDouble(), 90.5);
  EXPECT_DOUBLE_EQ(a["time_to_alert_seconds"].GetDouble(), 12.3);
  EXPECT_FALSE(a.HasMember("error")) << "no error member without an error";
  const auto& e = a["expectations"][0];
  EXPECT_STREQ(e["status"].GetString(), "on_time");
  EXPECT_STREQ(e["fingerprint"].GetString(), "fp1");
  EXPECT_STREQ(e["notified_at"].GetString(), "2026-02-02T09:00:12.300Z");
  EXPECT_EQ(e["time_to_fire_seconds"].GetInt64(), 8);
  EXPECT_TRUE(e["resolved_at"].IsNull());
  EXPECT_FALSE(e["clock_skew"].GetBool());

  const auto& b = d["injections"][1];
  EXPECT_TRUE(b["time_to_alert_seconds"].IsNull());
  EXPECT_STREQ(b["error"].GetString(), "scenario \"B\" is not in the current config");
  const auto& open = b["expectations"][0];
  EXPECT_STREQ(open["status"].GetString(), "pending");
  for (const char* field : {"alertname", "fingerprint", "starts_at", "notified_at", "resolved_at",
                            "time_to_fire_seconds", "time_to_notify_seconds"}) {
    EXPECT_TRUE(open[field].IsNull()) << field;
  }
}

TEST(ResultsJsonTest, CompactAndPrettyAreTheSameDocument) {
  const std::string pretty = RenderResultsJson(TwoInjections(), true);
  const std::string compact = RenderResultsJson(TwoInjections(), false);
  EXPECT_NE(pretty, compact);
  EXPECT_EQ(compact.find('\n'), compact.size() - 1) << "compact is one line";
  EXPECT_EQ(Rewritten(pretty), Rewritten(compact));
}

TEST(DrillListJsonTest, CountsEveryVerdictIncludingZeros) {
  DrillResult open = TwoInjections();
  DrillResult done = TwoInjections();
  done.drill.id = "d0";
  done.drill.finished_at = kT0 + minutes(30);
  done.verdict = DrillVerdict::kFail;
  done.injections = {Injected("A-1", InjectionVerdict::kLate),
                     Injected("A-2", InjectionVerdict::kLate),
                     Injected("B-1", InjectionVerdict::kSilent)};
  const rapidjson::Document d = Parse(RenderDrillListJson({done, open}));
  ASSERT_EQ(d["drills"].Size(), 2u);
  const auto& first = d["drills"][0];
  EXPECT_STREQ(first["drill"].GetString(), "d0") << "listed in the order given";
  EXPECT_STREQ(first["finished_at"].GetString(), "2026-02-02T09:30:00.000Z");
  EXPECT_STREQ(first["verdict"].GetString(), "fail");
  EXPECT_EQ(first["injections"].GetUint64(), 3u);
  EXPECT_EQ(first["verdicts"]["late"].GetUint64(), 2u);
  EXPECT_EQ(first["verdicts"]["silent"].GetUint64(), 1u);
  for (const char* zero : {"pass", "incomplete", "pending"}) {
    ASSERT_TRUE(first["verdicts"].HasMember(zero)) << zero;
    EXPECT_EQ(first["verdicts"][zero].GetUint64(), 0u) << zero;
  }
  const auto& second = d["drills"][1];
  EXPECT_TRUE(second["finished_at"].IsNull());
  EXPECT_EQ(second["verdicts"]["pass"].GetUint64(), 1u);
  EXPECT_EQ(second["verdicts"]["pending"].GetUint64(), 1u);
}

TEST(DrillListJsonTest, NoDrillsIsAnEmptyList) {
  const rapidjson::Document d = Parse(RenderDrillListJson({}));
  ASSERT_TRUE(d.HasMember("drills"));
  EXPECT_TRUE(d["drills"].IsArray());
  EXPECT_EQ(d["drills"].Size(), 0u);
}

}  // namespace
}  // namespace alertgate
