#include "http/server.h"

#include <thread>
#include <vector>

#include "http/session.h"
#include "http/tls.h"

namespace alertgate {

namespace beast = http_detail::beast;
namespace net = http_detail::net;
namespace ssl = http_detail::ssl;
using http_detail::tcp;

void HttpServer::Core::DoAccept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void HttpServer::Core::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor.is_open() || ec == net::error::operation_aborted) return;
  if (ec) {
    // Out of file descriptors, most likely: wait a little instead of spinning.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_error > std::chrono::seconds(10)) {
      last_accept_error = now;
      log->Error("cannot accept connections", {{"err", ec.message()}});
    }
    accept_retry.expires_after(std::chrono::milliseconds(100));
    accept_retry.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec) DoAccept();
    });
    return;
  }
  if (connections.load() >= options.max_connections) {
    metrics->CountHttpConnectionRejected();
    beast::error_code ignored;
    socket.close(ignored);
    return DoAccept();
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  metrics->SetHttpConnections(connections.fetch_add(1) + 1);
  http_detail::StartSession(this, std::move(socket));
  DoAccept();
}

HttpServer::HttpServer(std::vector<Route> routes, Metrics* metrics, Logger* log,
                       HttpOptions options)
    : core_(std::make_shared<Core>(std::move(routes), metrics, log, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Bind(const ListenAddress& address) {
  Core& c = *core_;
  if (c.options.tls && c.options.tls->enabled()) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    AG_RETURN_IF_ERROR(ConfigureTlsContext(*c.options.tls, ctx->native_handle())
                           .WithContext("cannot set up TLS: "));
    c.tls = std::move(ctx);
  }
  const std::string where = address.host + ":" + std::to_string(address.port);
  beast::error_code ec;
  tcp::resolver resolver(c.ioc);
  const auto endpoints =
      resolver.resolve(address.host, std::to_string(address.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  // SO_REUSEADDR lets a restart bind over TIME_WAIT; SO_REUSEPORT is never
  // set, so a second alertgate cannot share the port and silently take half
  // of Alertmanager's deliveries into another database.
  c.acceptor.open(endpoint.protocol(), ec);
  if (!ec) c.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) c.acceptor.bind(endpoint, ec);
  // A backlog of SOMAXCONN: Alertmanagers reconnecting together after a
  // restart queue in the kernel instead of waiting out SYN retransmits.
  if (!ec) c.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + where +
                       " (in use, or not permitted): " + ec.message());
  }
  c.port = c.acceptor.local_endpoint(ec).port();
  return Status::Ok();
}

int HttpServer::port() const { return core_->port; }

void HttpServer::Serve() {
  Core& c = *core_;
  {
    MutexLock lock(&c.busy_mu);
    if (c.stopping) return;
  }
  net::post(c.accept_strand, [&c] { c.DoAccept(); });
  size_t threads = c.options.io_threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> io;
  for (size_t i = 1; i < threads; ++i) io.emplace_back([&c] { c.ioc.run(); });
  c.running = true;
  c.ioc.run();
  for (auto& t : io) t.join();
  c.running = false;
}

void HttpServer::Stop() {
  Core& c = *core_;
  {
    MutexLock lock(&c.busy_mu);
    if (c.stopping) return;
    c.stopping = true;
  }
  net::post(c.accept_strand, [&c] {
    beast::error_code ignored;
    c.acceptor.close(ignored);
    c.accept_retry.cancel();
  });
  {
    // Requests already handed to a handler finish and are answered.
    MutexLock lock(&c.busy_mu);
    while (c.busy != 0) c.busy_cv.Wait();
  }
  c.ioc.stop();
}

bool HttpServer::IsRunning() const { return core_->running.load(); }

}  // namespace alertgate
