// Prometheus-style listen addresses: ":9095" (all interfaces),
// "127.0.0.1:0", "[::1]:9095", "localhost:9095".
#pragma once

#include <string>

#include "core/status.h"

namespace alertgate {

struct ListenAddress {
  std::string host;  // "0.0.0.0" for ":port"; IPv6 without brackets
  int port = 0;      // 0 picks a free port
};

Result<ListenAddress> ParseListenAddress(const std::string& text);

}  // namespace alertgate
