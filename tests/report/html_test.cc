// The HTML report (report/html.cc) of the fixed drill: the golden file,
// laid out by a real browser (headless Chromium), and self-contained.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "report/report.h"
#include "report_fixture.h"
#include "test_util.h"

namespace alertgate {
namespace {

using test::FixedDrill;

TEST(HtmlTest, MatchesGolden) { test::ExpectReportGolden("drill.html", RenderHtml(FixedDrill())); }

TEST(HtmlTest, ShowsThePlanAndEveryScenarioThatNeverRan) {
  DrillResult r = FixedDrill();
  r.drill.scenarios = {"A", "B", "<F>"};
  r.not_run = {"<F>"};
  const std::string html = RenderHtml(r);
  EXPECT_NE(html.find("<p class=\"meta\">Plan: A, B, &lt;F&gt;</p>"), std::string::npos) << html;
  EXPECT_NE(html.find("Scenario &lt;F&gt; was planned but never injected"), std::string::npos)
      << html;
}

TEST(HtmlTest, RendersEveryTimelineInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  ASSERT_TRUE(std::filesystem::exists(chromium))
      << "Debian's chromium is required (scripts/setup.sh installs it)";
  test::TempDir dir;
  const std::string page = dir.File("drill.html");
  test::WriteFile(page, RenderHtml(FixedDrill()));
  // No network at all: the page must be self-contained.
  // Appended piece by piece: GCC 12 warns falsely (-Warray-bounds) on this
  // operator+ chain when it inlines it (see test_util.cc's SourcePath).
  std::string cmd = chromium;
  cmd.append(" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run")
      .append(" --disable-background-networking --disable-component-update")
      .append(" --disable-sync --user-data-dir=")
      .append(dir.File("profile"))
      .append(" --proxy-server=127.0.0.1:9 --virtual-time-budget=2000 --dump-dom file://")
      .append(page);
  const test::CommandResult r = test::RunCommand(cmd);
  const std::string& dom = r.out;
  ASSERT_EQ(r.exit_code, 0) << r.output();
  EXPECT_NE(dom.find("data-timelines-rendered=\"5\""), std::string::npos)
      << "the browser did not lay out all 5 timelines:\n"
      << dom.substr(0, 400);
}

TEST(HtmlTest, HasNoExternalReferences) {
  const std::string html = RenderHtml(FixedDrill());
  for (const char* ref : {"http://", "https://", "src=", "<link", "@import", "url("}) {
    EXPECT_EQ(html.find(ref), std::string::npos) << ref;
  }
}
}  // namespace
}  // namespace alertgate
