// Golden-file tests of every report format, rendered from one fixed drill
// built from facts (no clock), plus checks with a real XML parser (expat)
// and a real browser (headless Chromium).
#include "report/report.h"

#include <expat.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "core/time.h"
#include "store/sqlite_store.h"
#include "test_util.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Timestamp kT0 = *ParseRfc3339("2026-02-02T09:00:00Z");

Notification Alert(int64_t id, const std::string& name, Timestamp starts, Timestamp received,
                   const std::string& status = "firing", Labels extra = {}) {
  Notification n;
  n.id = id;
  n.received_at = received;
  n.starts_at = starts;
  n.ends_at = ZeroTime();
  n.status = status;
  n.labels = std::move(extra);
  n.labels["alertname"] = name;
  n.labels["env"] = "staging";
  n.fingerprint = "fp" + std::to_string(std::hash<std::string>()(name) % 100000);
  return n;
}

Injection Inj(const std::string& id, const std::string& scenario, Timestamp at,
              std::optional<Timestamp> cleared = std::nullopt) {
  Injection i;
  i.drill = "2026-W5-game-day-1";
  i.id = id;
  i.scenario = scenario;
  i.injected_at = at;
  i.recorded_at = at;
  i.cleared_at = cleared;
  return i;
}

// The stored facts of a drill with one of everything: pass (with resolve
// and clear), late, incomplete, silent with a pre-existing alert, pending,
// and an unexpected alert; evaluated at `now`.
struct Facts {
  Config config;
  Drill drill;
  std::vector<Injection> injections;
  std::vector<Notification> notifications;
  Timestamp now;
};

Facts FixedFacts() {
  auto cfg = ParseConfig(R"(
global: {gate: 60s, window: 5m, skew_tolerance: 2s}
scenarios:
  - id: A
    name: Postgres primary failover
    runbook: docs/runbooks/db-failover.md
    expect: ['alertname="PostgresPrimaryDown"', 'alertname="PostgresReplicaPromoted"']
    window: 3m
  - id: B
    name: HAProxy backend-api 1 fail-over
    runbook: docs/runbooks/haproxy-backend-down.md
    expect: ['alertname="HAProxyServerDown", proxy="backend-api"']
    window: 3m
  - id: C
    name: Redis Sentinel master promotion
    runbook: docs/runbooks/redis-down.md
    expect: ['alertname="RedisSentinelMasterChanged"', 'alertname="RedisDown"']
    window: 3m
  - id: D
    name: MinIO 2-node loss <EC:2> & "reconstruction"
    expect: ['alertname="MinioNodesOffline"']
    window: 3m
  - id: E
    name: RabbitMQ outage backend stays up
    runbook: docs/runbooks/rabbitmq-outage.md
    expect: ['alertname="RabbitMQDown"']
)",
                         "golden.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  Drill drill{"2026-W5-game-day-1", {"env=\"staging\""}, kT0, kT0 + minutes(30)};
  const Timestamp a = kT0 + minutes(1), b = kT0 + minutes(5), c = kT0 + minutes(10),
                  d = kT0 + minutes(15), e = kT0 + minutes(27);
  std::vector<Injection> injections = {Inj("A-1", "A", a, a + minutes(2)),
                                       Inj("B-1", "B", b, b + minutes(2)), Inj("C-1", "C", c),
                                       Inj("D-1", "D", d), Inj("E-1", "E", e)};
  std::vector<Notification> ns = {
      Alert(1, "PostgresPrimaryDown", a + Millis(8'100), a + Millis(12'300)),
      Alert(2, "PostgresReplicaPromoted", a + seconds(20), a + Millis(31'500)),
      Alert(3, "PostgresPrimaryDown", a + Millis(8'100), a + seconds(150), "resolved"),
      Alert(4, "HAProxyServerDown", b + seconds(55), b + Millis(74'200), "firing",
            {{"proxy", "backend-api"}}),
      Alert(5, "RedisSentinelMasterChanged", c + seconds(9), c + seconds(14)),
      Alert(6, "MinioNodesOffline", d - minutes(10), d + seconds(30)),
      Alert(7, "DiskWillFillIn4Hours", kT0 + minutes(20), kT0 + minutes(20) + seconds(5), "firing",
            {{"instance", "minio-2:9000"}, {"severity", "warning"}}),
  };
  for (auto& n : ns) {
    if (n.status == "resolved") n.fingerprint = ns[0].fingerprint;
  }
  return {*cfg, drill, injections, ns, kT0 + minutes(28)};
}

DrillResult FixedDrill() {
  const Facts f = FixedFacts();
  return Evaluate(f.drill, f.injections, f.notifications, f.config, f.now);
}

// The same facts written to a real SQLite file through the Store, then read
// back and evaluated as the server does.
DrillResult StoredFixedDrill() {
  const Facts f = FixedFacts();
  test::TempDir dir;
  auto store = SqliteStore::Open(dir.File("alertgate.db"));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  EXPECT_TRUE((*store)->InsertDrill(f.drill).ok());
  for (const auto& inj : f.injections) EXPECT_TRUE((*store)->InsertInjection(inj).ok());
  for (const auto& n : f.notifications) {
    EXPECT_TRUE((*store)->InsertWebhook(n.received_at, "{}", {n}).ok());
  }
  auto drill = (*store)->GetDrill(f.drill.id);
  auto injections = (*store)->ListInjections(f.drill.id);
  EXPECT_TRUE(drill.ok() && drill->has_value() && injections.ok());
  if (!drill.ok() || !drill->has_value() || !injections.ok()) return {};
  const TimeRange range = NotificationRange(**drill, *injections, f.config, f.now);
  auto notifications = (*store)->ListNotifications(range.from, range.to);
  EXPECT_TRUE(notifications.ok());
  if (!notifications.ok()) return {};
  return Evaluate(**drill, *injections, *notifications, f.config, f.now);
}

std::string Golden(const std::string& name) {
  return test::SourcePath("tests/report/golden/" + name);
}

// Compares with the golden file; UPDATE_GOLDEN=1 rewrites it instead.
void ExpectGolden(const std::string& name, const std::string& got) {
  if (getenv("UPDATE_GOLDEN") != nullptr) {
    test::WriteFile(Golden(name), got);
    return;
  }
  std::ifstream in(Golden(name), std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << name << " (run with UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << "golden file " << name
                             << " differs; if intended, rerun with UPDATE_GOLDEN=1 and review";
}

TEST(ReportTest, FixedDrillCoversEveryVerdict) {
  const DrillResult r = FixedDrill();
  ASSERT_EQ(r.injections.size(), 5u);
  EXPECT_EQ(r.injections[0].verdict, InjectionVerdict::kPass);
  EXPECT_EQ(r.injections[1].verdict, InjectionVerdict::kLate);
  EXPECT_EQ(r.injections[2].verdict, InjectionVerdict::kIncomplete);
  EXPECT_EQ(r.injections[3].verdict, InjectionVerdict::kSilent);
  EXPECT_EQ(r.injections[4].verdict, InjectionVerdict::kPending);
  EXPECT_EQ(r.unexpected.size(), 1u);
  EXPECT_EQ(r.injections[3].pre_existing.size(), 1u);
}

TEST(ReportTest, MarkdownMatchesGolden) { ExpectGolden("drill.md", RenderMarkdown(FixedDrill())); }
TEST(ReportTest, JsonMatchesGolden) {
  ExpectGolden("drill.json", RenderReport(FixedDrill(), ReportFormat::kJson));
}
TEST(ReportTest, JunitMatchesGolden) { ExpectGolden("drill.xml", RenderJunit(FixedDrill())); }
TEST(ReportTest, HtmlMatchesGolden) { ExpectGolden("drill.html", RenderHtml(FixedDrill())); }

// Stored and read back, the drill renders byte for byte the same documents.
TEST(ReportTest, StoredDrillMatchesEveryGolden) {
  const DrillResult stored = StoredFixedDrill();
  ExpectGolden("drill.md", RenderMarkdown(stored));
  ExpectGolden("drill.json", RenderReport(stored, ReportFormat::kJson));
  ExpectGolden("drill.xml", RenderJunit(stored));
  ExpectGolden("drill.html", RenderHtml(stored));
}

TEST(ReportTest, MarkdownGapStatesTheMeasuredNumbers) {
  const std::string md = RenderMarkdown(FixedDrill());
  EXPECT_NE(md.find("HAProxyServerDown notified 74.2 s after injection, 14.2 s over the 60 s gate"),
            std::string::npos);
  EXPECT_NE(md.find("| Timestamp | Action | Observation | Runbook used | Gap discovered |"),
            std::string::npos);
  EXPECT_NE(md.find("DiskWillFillIn4Hours"), std::string::npos);
}

// Every format, rendered from `r`.
std::map<ReportFormat, std::string> RenderAll(const DrillResult& r) {
  std::map<ReportFormat, std::string> out;
  for (ReportFormat f :
       {ReportFormat::kMarkdown, ReportFormat::kJson, ReportFormat::kJunit, ReportFormat::kHtml}) {
    out[f] = RenderReport(r, f);
  }
  return out;
}

// Sets TZ for the lifetime of the object, restoring the old value after.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = getenv("TZ"); old != nullptr) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

// Guards report.h's promise: renderers are pure functions of the
// DrillResult, so the same stored facts render the same bytes on any
// machine, at any time. The result is built twice independently; the second
// rendering happens after rendering a different drill (no state may carry
// over) and under a time zone 14 hours from UTC (nothing may read local
// time). Each format must come out byte-identical, and must change when
// the result does, so the comparison is not vacuous.
TEST(ReportTest, RenderersDoNotDependOnAnythingButTheResult) {
  const std::map<ReportFormat, std::string> first = RenderAll(FixedDrill());

  DrillResult other = FixedDrill();
  other.drill.id = "another-drill";
  other.injections.erase(other.injections.begin());
  const std::map<ReportFormat, std::string> different = RenderAll(other);

  std::map<ReportFormat, std::string> again;
  {
    ScopedTimeZone far_from_utc("<+14>-14");  // POSIX form: needs no zoneinfo
    again = RenderAll(FixedDrill());
  }
  for (const auto& [format, text] : first) {
    EXPECT_FALSE(text.empty()) << static_cast<int>(format);
    EXPECT_EQ(again.at(format), text)
        << "format " << static_cast<int>(format) << " depends on something besides the result";
    EXPECT_NE(different.at(format), text)
        << "format " << static_cast<int>(format) << " ignores the result it is given";
  }
}

// --- JUnit through a real XML parser -------------------------------------

struct JunitSummary {
  int testsuites = 0, testcases = 0, failures = 0, skipped = 0;
  std::vector<std::string> failure_types;
  std::string suite_failures_attr;
};

TEST(ReportTest, JunitIsWellFormedWithOneFailurePerFailedInjection) {
  const std::string xml = RenderJunit(FixedDrill());
  JunitSummary s;
  XML_Parser p = XML_ParserCreate("UTF-8");
  XML_SetUserData(p, &s);
  XML_SetStartElementHandler(p, [](void* data, const XML_Char* name, const XML_Char** attrs) {
    auto* sum = static_cast<JunitSummary*>(data);
    const std::string n = name;
    if (n == "testsuite") {
      ++sum->testsuites;
      for (int i = 0; attrs[i] != nullptr; i += 2) {
        if (std::string(attrs[i]) == "failures") sum->suite_failures_attr = attrs[i + 1];
      }
    }
    if (n == "testcase") ++sum->testcases;
    if (n == "skipped") ++sum->skipped;
    if (n == "failure") {
      ++sum->failures;
      for (int i = 0; attrs[i] != nullptr; i += 2) {
        if (std::string(attrs[i]) == "type") sum->failure_types.push_back(attrs[i + 1]);
      }
    }
  });
  const auto status = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1);
  const XML_LChar* err = XML_ErrorString(XML_GetErrorCode(p));
  const std::string error = err != nullptr ? err : "";
  XML_ParserFree(p);
  ASSERT_EQ(status, XML_STATUS_OK) << error << "\n" << xml;
  EXPECT_EQ(s.testsuites, 1);
  EXPECT_EQ(s.testcases, 5);
  EXPECT_EQ(s.failures, 3);
  EXPECT_EQ(s.skipped, 1);
  EXPECT_EQ(s.suite_failures_attr, "3");
  EXPECT_EQ(s.failure_types, (std::vector<std::string>{"late", "incomplete", "silent"}));
}

// --- HTML in a real browser ----------------------------------------------

TEST(ReportTest, HtmlRendersEveryTimelineInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  ASSERT_TRUE(std::filesystem::exists(chromium))
      << "Debian's chromium is required (scripts/setup.sh installs it)";
  test::TempDir dir;
  const std::string page = dir.File("drill.html");
  test::WriteFile(page, RenderHtml(FixedDrill()));
  // No network at all: the page must be self-contained.
  const std::string cmd = std::string(chromium) +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                          "--disable-background-networking --disable-component-update "
                          "--disable-sync --user-data-dir=" +
                          dir.File("profile") +
                          " --proxy-server=127.0.0.1:9 --virtual-time-budget=2000 --dump-dom "
                          "file://" +
                          page;
  const test::CommandResult r = test::RunCommand(cmd);
  const std::string& dom = r.out;
  ASSERT_EQ(r.exit_code, 0) << r.output();
  EXPECT_NE(dom.find("data-timelines-rendered=\"5\""), std::string::npos)
      << "the browser did not lay out all 5 timelines:\n"
      << dom.substr(0, 400);
}

TEST(ReportTest, HtmlHasNoExternalReferences) {
  const std::string html = RenderHtml(FixedDrill());
  for (const char* ref : {"http://", "https://", "src=", "<link", "@import", "url("}) {
    EXPECT_EQ(html.find(ref), std::string::npos) << ref;
  }
}

TEST(ReportTest, ParseReportFormat) {
  EXPECT_EQ(*ParseReportFormat("markdown"), ReportFormat::kMarkdown);
  EXPECT_EQ(*ParseReportFormat("junit"), ReportFormat::kJunit);
  auto bad = ParseReportFormat("pdf");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("want markdown, json, junit or html"), std::string::npos);
}

}  // namespace
}  // namespace alertgate
