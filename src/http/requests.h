// Bodies of the API's POST requests, parsed and type-checked. Lenient about
// unknown fields (clients evolve), strict about the ones that matter; errors
// are InvalidArgument naming the field. Pure: no I/O, no clock.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace alertgate {

struct StartDrillRequest {
  std::string id;
  std::vector<std::string> matchers;
  std::vector<std::string> scenarios;  // the plan
};
// {"id": "...", "matchers": ["env=\"staging\""], "scenarios": ["A", "B"]};
// matchers and scenarios optional.
Result<StartDrillRequest> ParseStartDrillRequest(std::string_view body);

struct InjectionRequest {
  std::string scenario;
  std::optional<Timestamp> at;
  std::string key;
};
// {"scenario": "A", "at": "RFC 3339", "key": "..."}; at and key optional.
Result<InjectionRequest> ParseInjectionRequest(std::string_view body);

// {"at": "RFC 3339"} or an empty body.
Result<std::optional<Timestamp>> ParseClearRequest(std::string_view body);

}  // namespace alertgate
