// libFuzzer target: the Alertmanager webhook parser must never crash, leak
// or hang on any body, and what it accepts must be well-formed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/time.h"
#include "ingest/webhook.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto msg = alertgate::ParseWebhook(body);
  if (!msg.ok()) return 0;
  if (msg->version != "4") std::abort();
  for (const auto& a : msg->alerts) {
    if (a.fingerprint.empty()) std::abort();
    (void)alertgate::FormatRfc3339(a.starts_at);
  }
  return 0;
}
