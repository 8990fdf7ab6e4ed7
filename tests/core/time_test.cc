#include "core/time.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace alertgate {
namespace {

using ::testing::HasSubstr;

// 2026-02-02T09:00:00Z in Unix milliseconds.
constexpr int64_t k20260202T09 = 1770022800000;

TEST(TimeTest, ParsesValidTimestamps) {
  struct Case {
    std::string input;
    int64_t unix_millis;
  };
  const std::vector<Case> cases = {
      {"2026-02-02T09:00:00Z", k20260202T09},
      {"2026-02-02t09:00:00z", k20260202T09},
      {"2026-02-02T09:00:00.5Z", k20260202T09 + 500},
      {"2026-02-02T09:00:00.12Z", k20260202T09 + 120},
      {"2026-02-02T09:00:00.123Z", k20260202T09 + 123},
      {"2026-02-02T09:00:00.1239Z", k20260202T09 + 123},
      {"2026-02-02T09:00:00.123999999Z", k20260202T09 + 123},
      {"2026-02-02T09:00:00.000000001Z", k20260202T09},
      {"2026-02-02T10:00:00.123456789+01:00", k20260202T09 + 123},
      {"2026-02-02T03:30:00-05:30", k20260202T09},
      {"2026-02-02T09:00:00+00:00", k20260202T09},
      {"2026-02-02T09:00:00-00:00", k20260202T09},
      {"2026-02-03T08:59:00+23:59", k20260202T09},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59.9999Z", -1},  // floors toward the past, before the epoch too
      {"2024-02-29T00:00:00Z", 1709164800000},
      {"2000-02-29T23:59:59.999Z", 951868799999},
      {"0001-01-01T00:00:00Z", -62135596800000},
      {"9999-12-31T23:59:59.999Z", 253402300799999},
  };
  for (const Case& c : cases) {
    Result<Timestamp> t = ParseRfc3339(c.input);
    ASSERT_TRUE(t.ok()) << c.input << ": " << t.status().ToString();
    EXPECT_EQ(ToUnixMillis(*t), c.unix_millis) << c.input;
  }
}

TEST(TimeTest, RejectsMalformedTimestamps) {
  const std::vector<std::string> cases = {
      "",
      "xyz",
      "2026-02-02",
      "2026-02-02T09:00Z",
      "2026-02-02T09:00:00",              // no zone
      "2026-02-02 09:00:00Z",             // space separator
      "2026-02-02T09:00:00.Z",            // '.' without digits
      "2026-02-02T09:00:00,123Z",         // comma fraction
      "2026-02-02T09:00:00.1234567890Z",  // 10 fraction digits
      "2026-02-02T09:00:00ZZ",            // trailing characters
      "2026-02-02T09:00:00Z ",
      " 2026-02-02T09:00:00Z",
      "2026-02-02T09:00:00+0100",  // offset without colon
      "2026-02-02T09:00:00+01",
      "2026-02-02T09:00:00+24:00",
      "2026-02-02T09:00:00+01:60",
      "2026-2-02T09:00:00Z",
      "2026-02-02T9:00:00Z",
      "+2026-02-02T09:00:00Z",
      "2026-02-30T00:00:00Z",  // no such day
      "2025-02-29T00:00:00Z",  // not a leap year
      "1900-02-29T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-13-10T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-02-02T24:00:00Z",
      "2026-02-02T09:60:00Z",
      "2026-02-02T09:00:60Z",  // leap seconds are rejected, as by Go
      std::string("2026-02-02T09:00:00Z\0", 21),
      "0000-01-01T00:00:01+01:03",  // year -1 in UTC (found by fuzz/time_fuzz)
      "9999-12-31T23:59:59-00:01",  // year 10000 in UTC
  };
  for (const std::string& input : cases) {
    Result<Timestamp> t = ParseRfc3339(input);
    ASSERT_FALSE(t.ok()) << "accepted " << input;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << input;
  }
}

TEST(TimeTest, ErrorQuotesInputAndReason) {
  struct Case {
    std::string input;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"xyz", "invalid timestamp \"xyz\": expected YYYY-MM-DDThh:mm:ss"},
      {"2026-02-30T00:00:00Z", "invalid timestamp \"2026-02-30T00:00:00Z\": day out of range"},
      {"2026-13-01T00:00:00Z", "month out of range"},
      {"2026-02-02T09:00:00Zjunk", "unexpected characters after the time zone"},
      {"2026-02-02T09:00:00", "missing time zone"},
      {"2026-02-02T09:00:00.1234567890Z", "more than 9 fraction digits"},
      {"a\"b\n", "invalid timestamp \"a\\\"b\\x0a\""},
      {"0000-01-01T00:00:00+00:01", "instant in UTC falls outside years 0000-9999"},
  };
  for (const Case& c : cases) {
    Result<Timestamp> t = ParseRfc3339(c.input);
    ASSERT_FALSE(t.ok()) << c.input;
    EXPECT_THAT(t.status().message(), HasSubstr(c.message));
  }
}

TEST(TimeTest, ErrorCutsLongInput) {
  Result<Timestamp> t = ParseRfc3339(std::string(10000, '9'));
  ASSERT_FALSE(t.ok());
  EXPECT_LT(t.status().message().size(), 200u);
  EXPECT_THAT(t.status().message(), HasSubstr("\"...: "));
}

TEST(TimeTest, FormatsUtcWithMilliseconds) {
  struct Case {
    int64_t unix_millis;
    std::string text;
  };
  const std::vector<Case> cases = {
      {k20260202T09, "2026-02-02T09:00:00.000Z"},
      {k20260202T09 + 123, "2026-02-02T09:00:00.123Z"},
      {k20260202T09 + 5, "2026-02-02T09:00:00.005Z"},
      {0, "1970-01-01T00:00:00.000Z"},
      {-1, "1969-12-31T23:59:59.999Z"},
      {-62135596800000, "0001-01-01T00:00:00.000Z"},
      {253402300799999, "9999-12-31T23:59:59.999Z"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormatRfc3339(FromUnixMillis(c.unix_millis)), c.text);
  }
}

TEST(TimeTest, FormatRoundTripsThroughParse) {
  for (int64_t ms : {int64_t{0}, k20260202T09 + 1, int64_t{-62135596800000}, int64_t{-1}}) {
    Result<Timestamp> t = ParseRfc3339(FormatRfc3339(FromUnixMillis(ms)));
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(ToUnixMillis(*t), ms);
  }
}

TEST(TimeTest, ZeroTimeIsAlertmanagersNoEnd) {
  EXPECT_EQ(FormatRfc3339(ZeroTime()), "0001-01-01T00:00:00.000Z");
  Result<Timestamp> t = ParseRfc3339("0001-01-01T00:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, ZeroTime());
  EXPECT_TRUE(IsZeroTime(*t));
  EXPECT_FALSE(IsZeroTime(FromUnixMillis(0)));
  EXPECT_FALSE(IsZeroTime(ZeroTime() + Millis(1)));
}

}  // namespace
}  // namespace alertgate
