// Prometheus duration syntax: "1m30s", "500ms", "2h", "1d", "1w", "1y".
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace alertgate {

// Parses a Prometheus duration (model.ParseDuration): one or more
// <integer><unit> terms, units ms, s, m, h, d (24h), w (7d), y (365d), each at
// most once and in decreasing order. "0" alone is allowed. No sign, no
// fractions, no spaces. Errors name the offending input.
Result<Duration> ParseDuration(std::string_view text);

// Formats like Prometheus's model.Duration.String(): "1m30s", "500ms", "0s".
// Negative durations get a leading '-'.
std::string FormatDuration(Duration d);

// A measured time in seconds, to the millisecond, trailing zeros trimmed:
// "12.3s", "20.25s", "60s".
std::string FormatMeasuredSeconds(double seconds);

}  // namespace alertgate
