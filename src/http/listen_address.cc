#include "http/listen_address.h"

#include "core/text.h"

namespace alertgate {

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    return InvalidArgument("listen address " + QuoteForMessage(text) +
                           " must be host:port or :port");
  }
  ListenAddress a;
  a.host = text.substr(0, colon);
  if (a.host.size() >= 2 && a.host.front() == '[' && a.host.back() == ']') {
    a.host = a.host.substr(1, a.host.size() - 2);
  }
  if (a.host.empty()) a.host = "0.0.0.0";
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return InvalidArgument("listen address " + QuoteForMessage(text) + ": invalid port " +
                           QuoteForMessage(port));
  }
  a.port = std::stoi(port);
  return a;
}

}  // namespace alertgate
