// RFC 3339 timestamps, as Alertmanager and the HTTP API exchange them.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace alertgate {

// Parses RFC 3339 ("2026-02-02T09:00:00Z", "2026-02-02T10:00:00.123456789+01:00")
// with 0-9 fraction digits and a 'Z' or +hh:mm / -hh:mm offset; 't' and 'z'
// are accepted as Go's time.Parse does. Fractions finer than a millisecond are
// truncated toward the past. Uses Howard Hinnant's date for the calendar.
Result<Timestamp> ParseRfc3339(std::string_view text);

// Formats as UTC with exactly three fraction digits: "2026-02-02T09:00:00.000Z".
std::string FormatRfc3339(Timestamp t);

// Alertmanager's "no end" value for a firing alert: 0001-01-01T00:00:00Z.
bool IsZeroTime(Timestamp t);
Timestamp ZeroTime();

}  // namespace alertgate
