// libFuzzer target: matcher lists parse without crashing, and what parses
// prints back to text that parses to the same matchers.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto set = alertgate::ParseMatchers(text);
  if (!set.ok()) return 0;
  const std::string printed = set->ToString();
  auto again = alertgate::ParseMatchers(printed);
  if (!again.ok() || again->ToString() != printed) std::abort();
  alertgate::Labels labels{{"alertname", std::string(text.substr(0, 16))}, {"severity", "page"}};
  (void)set->Matches(labels);
  return 0;
}
