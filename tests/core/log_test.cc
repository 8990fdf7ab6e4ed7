#include "core/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace alertgate {
namespace {

using ::testing::HasSubstr;

// 2026-02-02T09:00:00Z in Unix milliseconds.
constexpr int64_t k20260202T09 = 1770022800000;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(LogTest, LogfmtEscapesControlBytesSoLinesCannotBeForged) {
  EXPECT_EQ(LogfmtValue("a\rlevel=error"), "\"a\\rlevel=error\"");
  EXPECT_EQ(LogfmtValue(std::string("x\x1b[31m")), "\"x\\x1b[31m\"");
  EXPECT_EQ(LogfmtValue(std::string("del\x7f")), "\"del\\x7f\"");
}

TEST(LogTest, WritesOneLogfmtLine) {
  std::ostringstream out;
  FakeClock clock(FromUnixMillis(k20260202T09));
  Logger log(&out, &clock, LogLevel::kInfo, LogFormat::kLogfmt);
  log.Info("drill started", {{"drill", "d1"}});
  EXPECT_EQ(out.str(), "ts=2026-02-02T09:00:00.000Z level=info msg=\"drill started\" drill=d1\n");
}

TEST(LogTest, StampsEachLineWithTheClock) {
  std::ostringstream out;
  FakeClock clock(FromUnixMillis(k20260202T09));
  Logger log(&out, &clock, LogLevel::kDebug, LogFormat::kLogfmt);
  log.Warn("first");
  clock.Advance(Millis(12'345));
  log.Error("second", {{"drill", "d1"}, {"scenario", "A"}, {"injection", "A-1"}});
  EXPECT_EQ(out.str(),
            "ts=2026-02-02T09:00:00.000Z level=warn msg=first\n"
            "ts=2026-02-02T09:00:12.345Z level=error msg=second drill=d1 scenario=A "
            "injection=A-1\n");
}

TEST(LogTest, LogfmtQuotesValuesThatAreNotPlainTokens) {
  struct Case {
    std::string value;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"d1", "d1"},
      {"pg-1:9187/metrics", "pg-1:9187/metrics"},
      {"", "\"\""},
      {"two words", "\"two words\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"a=b", "\"a=b\""},
      {"line1\nline2", "\"line1\\nline2\""},
      {"tab\there", "\"tab\\there\""},
      {"back\\slash", "\"back\\\\slash\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(LogfmtValue(c.value), c.want) << "value: " << c.value;
  }
}

TEST(LogTest, LogfmtLineStaysOnOneLine) {
  std::ostringstream out;
  FakeClock clock(FromUnixMillis(k20260202T09));
  Logger log(&out, &clock, LogLevel::kInfo, LogFormat::kLogfmt);
  log.Info("bad\nmessage", {{"err", "x=1 \"quoted\"\nnext"}});
  EXPECT_EQ(out.str(),
            "ts=2026-02-02T09:00:00.000Z level=info msg=\"bad\\nmessage\" "
            "err=\"x=1 \\\"quoted\\\"\\nnext\"\n");
}

TEST(LogTest, DropsLinesBelowTheLevel) {
  std::ostringstream out;
  FakeClock clock(FromUnixMillis(k20260202T09));
  Logger log(&out, &clock, LogLevel::kWarn, LogFormat::kLogfmt);
  log.Debug("debug");
  log.Info("info");
  log.Warn("warn");
  log.Error("error");
  std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 2u) << out.str();
  EXPECT_THAT(lines[0], HasSubstr("level=warn msg=warn"));
  EXPECT_THAT(lines[1], HasSubstr("level=error msg=error"));
}

TEST(LogTest, EnabledFollowsTheLevel) {
  std::ostringstream out;
  FakeClock clock(FromUnixMillis(k20260202T09));
  Logger info(&out, &clock, LogLevel::kInfo, LogFormat::kLogfmt);
  EXPECT_FALSE(info.Enabled(LogLevel::kDebug));
  EXPECT_TRUE(info.Enabled(LogLevel::kInfo));
  EXPECT_TRUE(info.Enabled(LogLevel::kError));
  Logger debug(&out, &clock, LogLevel::kDebug, LogFormat::kLogfmt);
  EXPECT_TRUE(debug.Enabled(LogLevel::kDebug));
  Logger error(&out, &clock, LogLevel::kError, LogFormat::kLogfmt);
  EXPECT_FALSE(error.Enabled(LogLevel::kWarn));
  EXPECT_TRUE(error.Enabled(LogLevel::kError));
}

TEST(LogTest, JsonLineParsesWithTsLevelMsgAndFields) {
  std::ostringstream out;
  FakeClock clock(FromUnixMillis(k20260202T09 + 345));
  Logger log(&out, &clock, LogLevel::kInfo, LogFormat::kJson);
  log.Warn("injection \"recorded\"\n", {{"drill", "d1"}, {"err", "a=b \\ c"}});

  const std::string text = out.str();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(Lines(text).size(), 1u) << text;

  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size() - 1);
  ASSERT_FALSE(doc.HasParseError()) << text;
  ASSERT_TRUE(doc.IsObject()) << text;
  ASSERT_TRUE(doc.HasMember("ts") && doc["ts"].IsString());
  EXPECT_STREQ(doc["ts"].GetString(), "2026-02-02T09:00:00.345Z");
  ASSERT_TRUE(doc.HasMember("level") && doc["level"].IsString());
  EXPECT_STREQ(doc["level"].GetString(), "warn");
  ASSERT_TRUE(doc.HasMember("msg") && doc["msg"].IsString());
  EXPECT_STREQ(doc["msg"].GetString(), "injection \"recorded\"\n");
  ASSERT_TRUE(doc.HasMember("drill") && doc["drill"].IsString());
  EXPECT_STREQ(doc["drill"].GetString(), "d1");
  ASSERT_TRUE(doc.HasMember("err") && doc["err"].IsString());
  EXPECT_STREQ(doc["err"].GetString(), "a=b \\ c");
  EXPECT_EQ(doc.MemberCount(), 5u);
}

TEST(LogTest, JsonFormatAlsoFiltersByLevel) {
  std::ostringstream out;
  FakeClock clock(FromUnixMillis(k20260202T09));
  Logger log(&out, &clock, LogLevel::kError, LogFormat::kJson);
  log.Info("dropped");
  EXPECT_EQ(out.str(), "");
}

TEST(LogTest, ConcurrentLinesDoNotInterleave) {
  std::ostringstream out;
  FakeClock clock(FromUnixMillis(k20260202T09));
  Logger log(&out, &clock, LogLevel::kInfo, LogFormat::kLogfmt);
  constexpr int kThreads = 4;
  constexpr int kLines = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < kLines; ++i) {
        log.Info("concurrent line", {{"thread", std::to_string(t)}, {"i", std::to_string(i)}});
      }
    });
  }
  for (auto& th : threads) th.join();

  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  for (const std::string& line : lines) {
    EXPECT_THAT(line, ::testing::MatchesRegex("ts=2026-02-02T09:00:00.000Z level=info "
                                              "msg=\"concurrent line\" thread=[0-9] i=[0-9]+"));
  }
}

TEST(LogTest, ParsesLogLevels) {
  struct Case {
    std::string text;
    LogLevel want;
  };
  for (const Case& c : std::vector<Case>{{"debug", LogLevel::kDebug},
                                         {"info", LogLevel::kInfo},
                                         {"warn", LogLevel::kWarn},
                                         {"error", LogLevel::kError}}) {
    Result<LogLevel> level = ParseLogLevel(c.text);
    ASSERT_TRUE(level.ok()) << c.text << ": " << level.status().ToString();
    EXPECT_EQ(*level, c.want) << c.text;
  }
}

TEST(LogTest, RejectsUnknownLogLevel) {
  for (const std::string text : {"", "verbose", "warning", "INFO", " info"}) {
    Result<LogLevel> level = ParseLogLevel(text);
    ASSERT_FALSE(level.ok()) << "[" << text << "]";
    EXPECT_EQ(level.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(level.status().message(), HasSubstr("\"" + text + "\""));
    EXPECT_THAT(level.status().message(), HasSubstr("debug, info, warn or error"));
  }
}

TEST(LogTest, ParsesLogFormats) {
  Result<LogFormat> logfmt = ParseLogFormat("logfmt");
  ASSERT_TRUE(logfmt.ok()) << logfmt.status().ToString();
  EXPECT_EQ(*logfmt, LogFormat::kLogfmt);
  Result<LogFormat> json = ParseLogFormat("json");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(*json, LogFormat::kJson);
}

TEST(LogTest, RejectsUnknownLogFormat) {
  for (const std::string text : {"", "text", "JSON", "logfmt "}) {
    Result<LogFormat> format = ParseLogFormat(text);
    ASSERT_FALSE(format.ok()) << "[" << text << "]";
    EXPECT_EQ(format.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(format.status().message(), HasSubstr("\"" + text + "\""));
    EXPECT_THAT(format.status().message(), HasSubstr("logfmt or json"));
  }
}

}  // namespace
}  // namespace alertgate
