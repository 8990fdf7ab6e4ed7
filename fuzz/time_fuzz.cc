// libFuzzer target: RFC 3339 timestamps parse without crashing and what
// parses formats back to a timestamp that parses to the same instant.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = alertgate::ParseRfc3339(text);
  if (!t.ok()) return 0;
  auto again = alertgate::ParseRfc3339(alertgate::FormatRfc3339(*t));
  if (!again.ok() || *again != *t) std::abort();
  return 0;
}
