// libFuzzer target: Prometheus durations parse without crashing and round-trip.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = alertgate::ParseDuration(text);
  if (!d.ok()) return 0;
  auto again = alertgate::ParseDuration(alertgate::FormatDuration(*d));
  if (!again.ok() || *again != *d) std::abort();
  return 0;
}
