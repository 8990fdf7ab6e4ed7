// The connection side of the HTTP server (http/server.h), shared by the
// files that build it: the server's state (HttpServer::Core), the transport
// a connection speaks over (plain TCP or TLS) behind one small interface,
// and the entry point of a connection's state machine. server.cc accepts,
// session.cc runs the HTTP exchange (Beast's HTTP operations, instantiated
// once for the erased stream), transport.cc adapts TCP and TLS. Include
// only from those files.
#pragma once

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/mutex.h"
#include "core/text.h"
#include "http/authenticator.h"
#include "http/framing.h"
#include "http/server.h"
#include "metrics/metrics.h"

namespace alertgate {
namespace http_detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// Bytes read at once while waiting for a request to begin.
constexpr size_t kFirstRead = 4096;
// After a refused request whose body was not read, the connection is shut
// down for writing and what the client still sends is read and dropped for
// this long (or this much), so that closing does not reset the connection
// before the client has read the answer.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 1 << 20;

inline std::chrono::steady_clock::duration Steady(Duration d) { return d; }

inline std::string RemoteOf(const tcp::socket& s) {
  beast::error_code ec;
  const tcp::endpoint ep = s.remote_endpoint(ec);
  if (ec) return "unknown";
  const std::string host = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
}

// Beast's string_view is std::string_view here (BOOST_BEAST_USE_STD_STRING_VIEW).
inline std::string_view View(beast::string_view s) { return s; }

// A completion handler of signature void(error_code, size_t), move-only and
// type-erased, so that the transports' operations are instantiated once.
class IoHandler {
 public:
  IoHandler() = default;
  template <typename Handler>
  explicit IoHandler(Handler h) : impl_(std::make_unique<Impl<Handler>>(std::move(h))) {}
  void operator()(beast::error_code ec, std::size_t n) {
    auto impl = std::move(impl_);
    impl->Call(ec, n);
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void Call(beast::error_code ec, std::size_t n) = 0;
  };
  template <typename Handler>
  struct Impl final : Base {
    explicit Impl(Handler h) : handler(std::move(h)) {}
    void Call(beast::error_code ec, std::size_t n) override { std::move(handler)(ec, n); }
    Handler handler;
  };
  std::unique_ptr<Base> impl_;
};

// What a connection reads and writes over. Every call is made on the
// connection's strand, and completions run there.
class Transport {
 public:
  virtual ~Transport() = default;
  // The TCP layer: its executor (the strand), deadlines, cancel and close.
  virtual beast::tcp_stream& Tcp() = 0;
  virtual bool tls() const = 0;
  virtual void ReadSome(net::mutable_buffer buffer, IoHandler done) = 0;
  virtual void WriteSome(std::vector<net::const_buffer> buffers, IoHandler done) = 0;
  // The TLS handshake and close_notify; for plain TCP both complete at once.
  virtual void Handshake(std::function<void(beast::error_code)> done) = 0;
  virtual void Shutdown(std::function<void(beast::error_code)> done) = 0;
};

std::unique_ptr<Transport> PlainTransport(tcp::socket socket);
std::unique_ptr<Transport> TlsTransport(tcp::socket socket, std::shared_ptr<ssl::context> ctx);

// A Beast AsyncReadStream and AsyncWriteStream over a Transport, so that
// the HTTP operations are instantiated for this one type whatever the
// transport. Reads fill the first non-empty buffer; writes gather.
class AnyStream {
 public:
  using executor_type = net::any_io_executor;
  explicit AnyStream(Transport* t) : t_(t) {}
  executor_type get_executor() { return t_->Tcp().get_executor(); }

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return net::async_initiate<Token, void(beast::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          net::mutable_buffer first;
          for (auto it = net::buffer_sequence_begin(b); it != net::buffer_sequence_end(b); ++it) {
            if (net::mutable_buffer(*it).size() > 0) {
              first = *it;
              break;
            }
          }
          t_->ReadSome(first, IoHandler(std::move(handler)));
        },
        token, buffers);
  }

  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return net::async_initiate<Token, void(beast::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          std::vector<net::const_buffer> all(net::buffer_sequence_begin(b),
                                             net::buffer_sequence_end(b));
          t_->WriteSome(std::move(all), IoHandler(std::move(handler)));
        },
        token, buffers);
  }

 private:
  Transport* t_;
};

// Serves an accepted connection until it closes (session.cc).
void StartSession(HttpServer::Core* core, tcp::socket socket);

}  // namespace http_detail

struct HttpServer::Core {
  Core(std::vector<Route> routes, Metrics* m, Logger* l, HttpOptions o)
      : router(std::move(routes)),
        metrics(m),
        log(l),
        options(std::move(o)),
        workers(std::max<size_t>(1, options.threads)),
        passwords(std::max<size_t>(1, options.password_threads)) {}

  // Counts work handed to another thread that will come back to a
  // connection (a password check, a handler, a response being written), so
  // that Stop() can wait for it. False once stopping: the request is then
  // refused instead.
  bool TryEnter() {
    MutexLock lock(&busy_mu);
    if (stopping) return false;
    ++busy;
    return true;
  }
  void Leave() {
    MutexLock lock(&busy_mu);
    if (--busy == 0) busy_cv.SignalAll();
  }

  void DoAccept();
  void OnAccept(http_detail::beast::error_code ec, http_detail::tcp::socket socket);

  const Router router;
  Metrics* const metrics;
  Logger* const log;
  const HttpOptions options;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> passwords_waiting{0};
  std::atomic<bool> running{false};
  Mutex busy_mu;
  CondVar busy_cv{&busy_mu};
  size_t busy AG_GUARDED_BY(busy_mu) = 0;
  bool stopping AG_GUARDED_BY(busy_mu) = false;
  std::chrono::steady_clock::time_point last_accept_error;  // accept strand only
  int port = 0;

  // Declared after everything sessions touch when they are destroyed (the
  // io_context destroys the sessions it still holds).
  http_detail::net::io_context ioc;
  http_detail::net::strand<http_detail::net::io_context::executor_type> accept_strand{
      http_detail::net::make_strand(ioc)};
  http_detail::tcp::acceptor acceptor{accept_strand};
  http_detail::net::steady_timer accept_retry{accept_strand};
  std::shared_ptr<http_detail::ssl::context> tls;  // null: plain HTTP
  // Destroyed first: joined before the io_context goes.
  http_detail::net::thread_pool workers;
  http_detail::net::thread_pool passwords;
};

namespace http_detail {
using Core = HttpServer::Core;
}  // namespace http_detail
}  // namespace alertgate
