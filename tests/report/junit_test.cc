// The JUnit report (report/junit.cc) of the fixed drill: the golden file,
// and the same document through a real XML parser (expat).
#include <expat.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "report/report.h"
#include "report_fixture.h"

namespace alertgate {
namespace {

using test::FixedDrill;

TEST(JunitTest, MatchesGolden) { test::ExpectReportGolden("drill.xml", RenderJunit(FixedDrill())); }

struct JunitSummary {
  int testsuites = 0, testcases = 0, failures = 0, skipped = 0;
  std::vector<std::string> failure_types;
  std::string suite_failures_attr;
};

// Parses `xml` with expat; the counts a CI system reads from it.
JunitSummary Summarize(const std::string& xml) {
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
  EXPECT_EQ(status, XML_STATUS_OK) << error << "\n" << xml;
  return s;
}

TEST(JunitTest, IsWellFormedWithOneFailurePerFailedInjection) {
  const JunitSummary s = Summarize(RenderJunit(FixedDrill()));
  EXPECT_EQ(s.testsuites, 1);
  EXPECT_EQ(s.testcases, 5);
  EXPECT_EQ(s.failures, 3);
  EXPECT_EQ(s.skipped, 1);
  EXPECT_EQ(s.suite_failures_attr, "3");
  EXPECT_EQ(s.failure_types, (std::vector<std::string>{"late", "incomplete", "silent"}));
}

TEST(JunitTest, EachPlannedScenarioThatNeverRanIsAFailedTestCase) {
  DrillResult r = FixedDrill();
  r.not_run = {"F", "G"};
  const JunitSummary s = Summarize(RenderJunit(r));
  EXPECT_EQ(s.testcases, 7);
  EXPECT_EQ(s.failures, 5);
  EXPECT_EQ(s.suite_failures_attr, "5");
  EXPECT_EQ(s.failure_types,
            (std::vector<std::string>{"late", "incomplete", "silent", "not_run", "not_run"}));
}
}  // namespace
}  // namespace alertgate
