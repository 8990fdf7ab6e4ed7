// libFuzzer target: the YAML config loader never crashes; yaml-cpp exceptions
// must all be turned into a Status at the boundary.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cfg = alertgate::ParseConfig(text, "fuzz.yml");
  if (cfg.ok() && cfg->scenarios.empty()) std::abort();
  return 0;
}
