// What holds for every report format (report/report.h): the fixed drill
// (report_fixture.h) covers every verdict, stored and read back it renders
// every golden file byte for byte, renderers are pure, and the format
// names, content types and seconds. Each renderer has its own test file
// (markdown_test.cc, json_test.cc, junit_test.cc, html_test.cc).
#include "report/report.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <map>
#include <optional>
#include <string>

#include "report_fixture.h"

namespace alertgate {
namespace {

using test::FixedDrill;
using test::StoredFixedDrill;

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

// Stored and read back, the drill renders byte for byte the same documents.
TEST(ReportTest, StoredDrillMatchesEveryGolden) {
  const DrillResult stored = StoredFixedDrill();
  test::ExpectReportGolden("drill.md", RenderMarkdown(stored));
  test::ExpectReportGolden("drill.json", RenderReport(stored, ReportFormat::kJson));
  test::ExpectReportGolden("drill.xml", RenderJunit(stored));
  test::ExpectReportGolden("drill.html", RenderHtml(stored));
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

TEST(ReportTest, ParseReportFormat) {
  EXPECT_EQ(*ParseReportFormat("markdown"), ReportFormat::kMarkdown);
  EXPECT_EQ(*ParseReportFormat("md"), ReportFormat::kMarkdown);
  EXPECT_EQ(*ParseReportFormat("json"), ReportFormat::kJson);
  EXPECT_EQ(*ParseReportFormat("junit"), ReportFormat::kJunit);
  EXPECT_EQ(*ParseReportFormat("html"), ReportFormat::kHtml);
  EXPECT_FALSE(ParseReportFormat("HTML").ok()) << "format names are exact";
  auto bad = ParseReportFormat("pdf");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("want markdown, json, junit or html"), std::string::npos);
}

TEST(ReportTest, ContentTypeNamesEachFormatWithItsCharset) {
  EXPECT_STREQ(ContentType(ReportFormat::kMarkdown), "text/markdown; charset=utf-8");
  EXPECT_STREQ(ContentType(ReportFormat::kJson), "application/json");
  EXPECT_STREQ(ContentType(ReportFormat::kJunit), "application/xml; charset=utf-8");
  EXPECT_STREQ(ContentType(ReportFormat::kHtml), "text/html; charset=utf-8");
}

// report.h: seconds with one decimal, without a trailing ".0".
TEST(ReportTest, FormatSecondsHasOneDecimalAndNoTrailingZero) {
  EXPECT_EQ(FormatSeconds(Millis(12'300)), "12.3");
  EXPECT_EQ(FormatSeconds(Millis(12'340)), "12.3");
  EXPECT_EQ(FormatSeconds(std::chrono::seconds(60)), "60");
  EXPECT_EQ(FormatSeconds(std::chrono::seconds(-2)), "-2");
  EXPECT_EQ(FormatSeconds(Millis(-20)), "0") << "no negative zero";
  EXPECT_EQ(FormatSeconds(Millis(0)), "0");
}

}  // namespace
}  // namespace alertgate
