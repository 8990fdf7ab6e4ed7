// The HTTP server: Boost.Beast on Boost.Asio, one port, HTTP/1.1 with
// keep-alive and pipelining, optional TLS (asio::ssl on OpenSSL).
//
// Connections are asynchronous: a small pool of I/O threads serves all of
// them, so idle and slow connections cost memory, never a thread. Each
// request is held to hard limits whatever its framing, and a refused
// request's body is never read as the next request (docs/security.md,
// "The HTTP front end"). Handlers run where their route says
// (http/routes.h): inline, on a worker pool, or asynchronously.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "core/status.h"
#include "http/listen_address.h"
#include "http/routes.h"

namespace alertgate {

class Authenticator;
class Metrics;
struct TlsServerConfig;

struct HttpOptions {
  size_t max_body_bytes = 8 << 20;     // decoded body, any framing; larger → 413
  size_t max_header_bytes = 16 << 10;  // request line and header fields; larger → 431
  size_t max_header_fields = 100;      // more fields → 431
  // The whole request, from its first byte to the end of its body (and a
  // new connection's first request, from the accept); past it → 408.
  Duration read_timeout = std::chrono::seconds(10);
  // An idle keep-alive connection is closed after this. Longer than the
  // 5-minute idle timeout of Alertmanager's HTTP client, so the client
  // closes first and never sends a delivery into a closing connection.
  Duration idle_timeout = std::chrono::minutes(6);
  Duration write_timeout = std::chrono::seconds(10);  // the whole response
  size_t max_connections = 4096;  // open at once; further ones are closed at accept and counted
  size_t io_threads = 0;          // 0: one per core
  size_t threads = 4;             // the worker pool for kBlocking handlers
  size_t password_threads = 1;    // bcrypt checks run here, never on an I/O thread
  size_t password_queue = 64;     // waiting bcrypt checks; more → 503 with Retry-After
  // Who may do what (--web.config.file); null allows everything.
  std::shared_ptr<const Authenticator> auth;
  // Serve HTTPS with this config when set (tls_server_config).
  std::shared_ptr<const TlsServerConfig> tls;
};

class HttpServer {
 public:
  // `metrics` counts requests and connections; `metrics` and `log` must
  // outlive the server, and so must whatever the routes' handlers use.
  HttpServer(std::vector<Route> routes, Metrics* metrics, Logger* log, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Builds the TLS context (when configured) and binds and listens; port 0
  // picks a free port (see port()). Connections queue in the kernel's
  // backlog (SOMAXCONN) until Serve().
  Status Bind(const ListenAddress& address);
  int port() const;

  // Serves until Stop(); blocks, running one of the I/O threads.
  void Serve();
  // Stops accepting, lets requests already being handled finish and answer
  // (up to the write timeout), then closes every connection. Safe from any
  // thread, idempotent.
  void Stop();
  // True once Serve() accepts connections.
  bool IsRunning() const;

  struct Core;  // the implementation's shared state (http/server.cc)

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace alertgate
