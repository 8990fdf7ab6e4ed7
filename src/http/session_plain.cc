// Sessions of plain HTTP connections (see http/session.h).
#include "http/session.h"

namespace alertgate::http_detail {

void StartPlainSession(HttpServer::Core* core, tcp::socket socket) {
  std::make_shared<Session<PlainStream>>(core, std::move(socket))->Start();
}

}  // namespace alertgate::http_detail
