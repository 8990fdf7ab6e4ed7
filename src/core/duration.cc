#include "core/duration.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <limits>

#include "core/text.h"

namespace alertgate {
namespace {

struct Unit {
  std::string_view name;
  int64_t millis;
  // Years and weeks are printed only when they divide the remainder exactly:
  // "90d" reads better than "12w6d".
  bool exact_only;
};

// Largest unit first; the index is the unit's position, which must strictly
// increase along a duration string.
constexpr std::array<Unit, 7> kUnits = {{
    {"y", 365LL * 24 * 60 * 60 * 1000, true},
    {"w", 7LL * 24 * 60 * 60 * 1000, true},
    {"d", 24LL * 60 * 60 * 1000, false},
    {"h", 60LL * 60 * 1000, false},
    {"m", 60LL * 1000, false},
    {"s", 1000, false},
    {"ms", 1, false},
}};

// Prometheus stores durations as int64 nanoseconds and rejects anything
// longer (about 292 years); we keep the same range so a config that loads
// here loads there.
constexpr uint64_t kMaxMillis =
    static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / 1'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status NotValid(std::string_view text) {
  return InvalidArgument("not a valid duration string: " + QuoteForMessage(text));
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text == "0") return Duration(0);
  if (text.empty()) return InvalidArgument("empty duration string");

  uint64_t total = 0;
  size_t next_unit = 0;  // index into kUnits of the smallest unit still allowed
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) return NotValid(text);
    uint64_t value = 0;
    bool too_long = false;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
      if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) too_long = true;
      value = value * 10 + digit;
    }
    if (too_long) return NotValid(text);

    const size_t unit_start = i;
    while (i < text.size() && !IsDigit(text[i])) ++i;
    const std::string_view unit_name = text.substr(unit_start, i - unit_start);
    if (unit_name.empty()) return NotValid(text);

    size_t u = 0;
    while (u < kUnits.size() && kUnits[u].name != unit_name) ++u;
    if (u == kUnits.size()) {
      return InvalidArgument("unknown unit " + QuoteForMessage(unit_name) + " in duration " +
                             QuoteForMessage(text));
    }
    if (u < next_unit) return NotValid(text);  // repeated or out of order
    next_unit = u + 1;

    const uint64_t millis = static_cast<uint64_t>(kUnits[u].millis);
    if (value > kMaxMillis / millis || value * millis > kMaxMillis - total) {
      return InvalidArgument("duration out of range: " + QuoteForMessage(text));
    }
    total += value * millis;
  }
  return Duration(static_cast<int64_t>(total));
}

std::string FormatDuration(Duration d) {
  const int64_t count = d.count();
  if (count == 0) return "0s";

  // Unsigned so that the most negative value can be negated.
  uint64_t rest = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  std::string out = count < 0 ? "-" : "";
  for (const Unit& unit : kUnits) {
    const uint64_t millis = static_cast<uint64_t>(unit.millis);
    if (unit.exact_only && rest % millis != 0) continue;
    const uint64_t value = rest / millis;
    if (value == 0) continue;
    out += std::to_string(value);
    out += unit.name;
    rest -= value * millis;
  }
  return out;
}

std::string FormatMeasuredSeconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", seconds);
  std::string out = buf;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out + "s";
}

}  // namespace alertgate
