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
}  // namespace
}  // namespace alertgate
