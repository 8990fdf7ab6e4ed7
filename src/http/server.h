// The HTTP API (DESIGN.md "HTTP API") on one port, served by cpp-httplib.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/log.h"
#include "core/status.h"
#include "metrics/metrics.h"
#include "service/service.h"

namespace httplib {
class Server;
}

namespace alertgate {

class Authenticator;
struct TlsServerConfig;

struct HttpOptions {
  size_t max_body_bytes = 8 << 20;                    // larger bodies get 413
  Duration read_timeout = std::chrono::seconds(10);   // per read of headers or body
  Duration write_timeout = std::chrono::seconds(10);  // per write of the response
  // httplib ties a worker to a keep-alive connection for up to 5 requests, so
  // fewer workers than clients queue whole connections (docs/benchmarks.md).
  size_t threads = 64;
  // Who may do what (--web.config.file); null allows everything.
  std::shared_ptr<const Authenticator> auth;
  // Serve HTTPS with this config when set (tls_server_config).
  std::shared_ptr<const TlsServerConfig> tls;
};

// Splits a Prometheus-style listen address: ":9095" (all interfaces),
// "127.0.0.1:0", "[::1]:9095", "localhost:9095".
struct ListenAddress {
  std::string host;
  int port = 0;
};
Result<ListenAddress> ParseListenAddress(const std::string& text);

class HttpServer {
 public:
  // `reload` is called for POST /-/reload and returns the reload outcome.
  // All pointers must outlive the server.
  HttpServer(Service* service, Metrics* metrics, Logger* log, HttpOptions options,
             std::function<Status()> reload);
  ~HttpServer();

  // False when the TLS context could not be built (see Bind's error).
  bool valid() const;

  // Binds the socket; port 0 picks a free port (see port()).
  Status Bind(const ListenAddress& address);
  int port() const { return port_; }
  // Serves until Stop(); blocks.
  void Serve();
  void Stop();
  // True once Serve() accepts connections.
  bool IsRunning() const;

 private:
  void Routes();

  Service* service_;
  Metrics* metrics_;
  Logger* log_;
  HttpOptions options_;
  std::function<Status()> reload_;
  std::unique_ptr<httplib::Server> server_;
  int listen_fd_ = -1;  // set by the socket hook when Bind creates the socket
  int port_ = 0;
};

}  // namespace alertgate
