// The Markdown session document (report/markdown.cc) of the fixed drill:
// the golden file, and the numbers and template columns a reader relies on.
#include <gtest/gtest.h>

#include <string>

#include "report/report.h"
#include "report_fixture.h"

namespace alertgate {
namespace {

using test::FixedDrill;

TEST(MarkdownTest, MatchesGolden) {
  test::ExpectReportGolden("drill.md", RenderMarkdown(FixedDrill()));
}

TEST(MarkdownTest, GapStatesTheMeasuredNumbers) {
  const std::string md = RenderMarkdown(FixedDrill());
  EXPECT_NE(md.find("HAProxyServerDown notified 74.2 s after injection, 14.2 s over the 60 s gate"),
            std::string::npos);
  EXPECT_NE(md.find("| Timestamp | Action | Observation | Runbook used | Gap discovered |"),
            std::string::npos);
  EXPECT_NE(md.find("DiskWillFillIn4Hours"), std::string::npos);
}

// The verdict line says which rule decided it, so nobody reads an open
// drill's all-pass injections as a passed drill.
TEST(MarkdownTest, VerdictLineNamesWhyTheDrillIsNotPass) {
  DrillResult r = FixedDrill();
  r.drill.scenarios = {"A", "B", "F"};
  for (auto& ir : r.injections) ir.acceptance = Acceptance::kPass;
  r.not_run = {"F"};
  r.verdict = DrillVerdict::kFail;
  std::string md = RenderMarkdown(r);
  EXPECT_NE(md.find("| Plan | A, B, F |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Verdict | **FAIL — planned scenarios never ran: F** |"), std::string::npos)
      << md;
  r.not_run.clear();
  r.drill.finished_at.reset();
  r.verdict = DrillVerdict::kPending;
  md = RenderMarkdown(r);
  EXPECT_NE(md.find("| Verdict | **PENDING — the drill is still open** |"), std::string::npos)
      << md;
}
}  // namespace
}  // namespace alertgate
