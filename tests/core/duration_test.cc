#include "core/duration.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace alertgate {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr Duration kWeek = days(7);
constexpr Duration kYear = days(365);

TEST(DurationTest, ParsesValidDurations) {
  const struct {
    std::string text;
    Duration want;
  } kCases[] = {
      {"0", Duration(0)},
      {"0s", Duration(0)},
      {"0ms", Duration(0)},
      {"1ms", milliseconds(1)},
      {"500ms", milliseconds(500)},
      {"1s", seconds(1)},
      {"90s", seconds(90)},
      {"1m30s", seconds(90)},
      {"2h", hours(2)},
      {"1d", days(1)},
      {"1w", kWeek},
      {"1y", kYear},
      {"1s500ms", milliseconds(1500)},
      {"1y2w3d4h5m6s7ms",
       kYear + 2 * kWeek + days(3) + hours(4) + minutes(5) + seconds(6) + milliseconds(7)},
      {"1h0m", hours(1)},
      {"0001s", seconds(1)},
      {"100d", days(100)},
      {"292y", 292 * kYear},
  };
  for (const auto& c : kCases) {
    Result<Duration> got = ParseDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(DurationTest, RejectsMalformedInput) {
  const std::string kCases[] = {
      "",       "1",  "00", "s",  "ms",  "1.5h", "-1s", "+1s",  " 1s",  "1s ",
      "1h 30m", "1S", "1H", "1x", "1sm", "1mss", "h1",  "1h30", "1e3s", "1µs",
  };
  for (const auto& text : kCases) {
    Result<Duration> got = ParseDuration(text);
    ASSERT_FALSE(got.ok()) << "accepted '" << text << "' as " << got->count() << "ms";
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(DurationTest, RejectsUnitsOutOfOrder) {
  for (const std::string text : {"1s1m", "1ms1s", "1d1w", "1w1y", "1m1h", "30s1h"}) {
    Result<Duration> got = ParseDuration(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.status().message(), "not a valid duration string: \"" + text + "\"");
  }
}

TEST(DurationTest, RejectsRepeatedUnits) {
  for (const std::string text : {"1h1h", "1s2s", "1ms1ms", "1m30s1s"}) {
    EXPECT_FALSE(ParseDuration(text).ok()) << text;
  }
}

TEST(DurationTest, RejectsEmptyStringWithItsOwnMessage) {
  Result<Duration> got = ParseDuration("");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), "empty duration string");
}

TEST(DurationTest, NamesUnknownUnitAndInput) {
  Result<Duration> got = ParseDuration("5x");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), "unknown unit \"x\" in duration \"5x\"");
}

// Prometheus keeps durations as int64 nanoseconds, so ~292 years is the limit.
TEST(DurationTest, RejectsOverflow) {
  const std::string kCases[] = {
      "293y",
      "106752d",
      "9223372036855s",
      "292y25w",
      "18446744073709551616ms",  // 2^64: does not even fit the digit parser
      "99999999999999999999999999y",
  };
  for (const auto& text : kCases) {
    Result<Duration> got = ParseDuration(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_NE(got.status().message().find(text), std::string::npos) << got.status().message();
  }
}

TEST(DurationTest, AcceptsLargestRepresentableDuration) {
  const int64_t kMaxMillis = std::numeric_limits<int64_t>::max() / 1'000'000;
  Result<Duration> got = ParseDuration(std::to_string(kMaxMillis) + "ms");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->count(), kMaxMillis);
  EXPECT_FALSE(ParseDuration(std::to_string(kMaxMillis + 1) + "ms").ok());
  EXPECT_TRUE(ParseDuration("106751d").ok());
}

TEST(DurationTest, FormatsLikePrometheus) {
  const struct {
    Duration d;
    std::string want;
  } kCases[] = {
      {Duration(0), "0s"},
      {milliseconds(1), "1ms"},
      {milliseconds(500), "500ms"},
      {seconds(1), "1s"},
      {seconds(90), "1m30s"},
      {milliseconds(1500), "1s500ms"},
      {hours(2), "2h"},
      {days(1), "1d"},
      {kWeek, "1w"},
      {kYear, "1y"},
      {days(90), "90d"},  // not 12w6d: weeks only when exact
      {days(14), "2w"},
      {days(366), "366d"},  // not 1y1d: years only when exact
      {days(730), "2y"},
      {days(8) + hours(1), "8d1h"},
      {hours(25), "1d1h"},
      {kWeek + milliseconds(1), "7d1ms"},
      {hours(1) + milliseconds(1), "1h1ms"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(FormatDuration(c.d), c.want) << c.d.count() << "ms";
  }
}

TEST(DurationTest, FormatsNegativeWithLeadingMinus) {
  EXPECT_EQ(FormatDuration(-seconds(90)), "-1m30s");
  EXPECT_EQ(FormatDuration(-milliseconds(1)), "-1ms");
  // The most negative value cannot be negated in int64; it must still format.
  EXPECT_EQ(FormatDuration(Duration(std::numeric_limits<int64_t>::min())),
            "-106751991167d7h12m55s808ms");
}

TEST(DurationTest, ParseInvertsFormat) {
  const Duration kCases[] = {Duration(0), milliseconds(1), seconds(61),
                             days(90),    days(366),       kYear + kWeek + milliseconds(1),
                             292 * kYear};
  for (const Duration d : kCases) {
    Result<Duration> got = ParseDuration(FormatDuration(d));
    ASSERT_TRUE(got.ok()) << FormatDuration(d) << ": " << got.status().ToString();
    EXPECT_EQ(*got, d) << FormatDuration(d);
  }
}

}  // namespace
}  // namespace alertgate
