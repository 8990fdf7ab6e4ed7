// libFuzzer target: the API's request bodies (drill start, injection, clear).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/requests.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto start = alertgate::ParseStartDrillRequest(body);
  if (start.ok() && start->id.empty()) std::abort();
  auto inject = alertgate::ParseInjectionRequest(body);
  if (inject.ok() && inject->scenario.empty()) std::abort();
  (void)alertgate::ParseClearRequest(body);
  return 0;
}
