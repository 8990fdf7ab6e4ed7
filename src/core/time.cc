#include "core/time.h"

#include <date/date.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <optional>

#include "core/text.h"

namespace alertgate {
namespace {

Status Invalid(std::string_view text, const char* why) {
  return InvalidArgument("invalid timestamp " + QuoteForMessage(text) + ": " + why);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A strict left-to-right reader over the fixed RFC 3339 layout.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  // Reads exactly `n` decimal digits.
  std::optional<int> Digits(size_t n) {
    if (text_.size() - pos_ < n) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < n; ++i) {
      const char c = text_[pos_ + i];
      if (!IsDigit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += n;
    return value;
  }

  // Consumes one character if it is `a` or `b`.
  bool Accept(char a, char b) {
    if (pos_ < text_.size() && (text_[pos_] == a || text_[pos_] == b)) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Accept(char a) { return Accept(a, a); }

  std::optional<char> Peek() const {
    if (pos_ < text_.size()) return text_[pos_];
    return std::nullopt;
  }

  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<Timestamp> ParseRfc3339(std::string_view text) {
  constexpr const char* kLayout = "expected YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)";
  Scanner s(text);

  // Date and time of day: fixed widths, fixed separators.
  std::optional<int> year = s.Digits(4);
  if (!year || !s.Accept('-')) return Invalid(text, kLayout);
  std::optional<int> month = s.Digits(2);
  if (!month || !s.Accept('-')) return Invalid(text, kLayout);
  std::optional<int> day = s.Digits(2);
  if (!day || !s.Accept('T', 't')) return Invalid(text, kLayout);
  std::optional<int> hour = s.Digits(2);
  if (!hour || !s.Accept(':')) return Invalid(text, kLayout);
  std::optional<int> minute = s.Digits(2);
  if (!minute || !s.Accept(':')) return Invalid(text, kLayout);
  std::optional<int> second = s.Digits(2);
  if (!second) return Invalid(text, kLayout);

  // Fraction: 1-9 digits after '.', kept to milliseconds. Dropping the finer
  // digits of a non-negative fraction floors the instant (toward the past).
  int millis = 0;
  if (s.Accept('.')) {
    int digits = 0;
    while (s.Peek() && IsDigit(*s.Peek())) {
      const int d = *s.Digits(1);
      if (digits < 3) millis = millis * 10 + d;
      ++digits;
    }
    if (digits == 0) return Invalid(text, "'.' must be followed by fraction digits");
    if (digits > 9) return Invalid(text, "more than 9 fraction digits");
    for (int i = digits; i < 3; ++i) millis *= 10;
  }

  // Offset from UTC.
  std::chrono::minutes offset{0};
  if (!s.Accept('Z', 'z')) {
    int sign = 0;
    if (s.Accept('+')) {
      sign = 1;
    } else if (s.Accept('-')) {
      sign = -1;
    } else {
      return Invalid(text, "missing time zone: expected 'Z' or an offset like +01:00");
    }
    std::optional<int> off_hour = s.Digits(2);
    if (!off_hour || !s.Accept(':')) return Invalid(text, kLayout);
    std::optional<int> off_minute = s.Digits(2);
    if (!off_minute) return Invalid(text, kLayout);
    if (*off_hour > 23 || *off_minute > 59) return Invalid(text, "time zone offset out of range");
    offset = std::chrono::minutes(sign * (*off_hour * 60 + *off_minute));
  }
  if (!s.AtEnd()) return Invalid(text, "unexpected characters after the time zone");

  // Range checks. Like Go's time.Parse, a leap second (":60") is rejected.
  const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                 date::day{static_cast<unsigned>(*day)}};
  if (!ymd.month().ok()) return Invalid(text, "month out of range");
  if (!ymd.ok()) return Invalid(text, "day out of range");
  if (*hour > 23) return Invalid(text, "hour out of range");
  if (*minute > 59) return Invalid(text, "minute out of range");
  if (*second > 59) return Invalid(text, "second out of range");

  const Timestamp local = date::sys_days{ymd} + std::chrono::hours(*hour) +
                          std::chrono::minutes(*minute) + std::chrono::seconds(*second) +
                          Millis(millis);
  // The offset can move an instant near either end of the 4-digit year range
  // out of it ("0000-01-01T00:00:00+01:00" is in year -1 UTC). Such an instant
  // has no RFC 3339 form, so it is rejected rather than stored unprintable.
  const Timestamp utc = local - offset;
  const date::year utc_year = date::year_month_day{date::floor<date::days>(utc)}.year();
  if (utc_year < date::year{0} || utc_year > date::year{9999}) {
    return Invalid(text, "instant in UTC falls outside years 0000-9999");
  }
  return utc;
}

std::string FormatRfc3339(Timestamp t) { return date::format("%FT%TZ", t); }

Timestamp ZeroTime() {
  return Timestamp(date::sys_days{date::year{1} / date::January / date::day{1}});
}

bool IsZeroTime(Timestamp t) { return t == ZeroTime(); }

}  // namespace alertgate
