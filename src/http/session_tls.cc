// Sessions of HTTPS connections (see http/session.h).
#include "http/session.h"

namespace alertgate::http_detail {

void StartTlsSession(HttpServer::Core* core, tcp::socket socket) {
  std::make_shared<Session<TlsStream>>(core, std::move(socket))->Start();
}

}  // namespace alertgate::http_detail
