// A bare Boost.Beast server for the load benchmark: the I/O model of
// alertgate's front end (asynchronous connections on one I/O thread per
// core, a strand per connection, keep-alive) answering every request with
// 200 and no work. alertgate against it shows what alertgate's own work
// (limits, routing, parse, stamp, durable commit) costs on the same HTTP
// library.
//
//   alertgate-bench-beast PORT [IO_THREADS]
//     listens on 127.0.0.1:PORT until SIGTERM/SIGINT; IO_THREADS defaults
//     to the number of cores.
#include <signal.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(tcp::socket socket) : stream_(std::move(socket)) {}

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(8 << 20);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->Answer();
                     });
  }

  void Answer() {
    const bool keep = parser_->get().keep_alive();
    response_.emplace(http::status::ok, parser_->get().version());
    response_->set(http::field::content_type, "application/json");
    response_->body() = "{\"status\":\"success\"}\n";
    response_->keep_alive(keep);
    response_->prepare_payload();
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                        if (ec || !keep) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
};

void Accept(net::io_context& ioc, tcp::acceptor& acceptor) {
  acceptor.async_accept(net::make_strand(ioc),
                        [&ioc, &acceptor](beast::error_code ec, tcp::socket socket) {
                          if (!acceptor.is_open()) return;
                          if (!ec) {
                            socket.set_option(tcp::no_delay(true), ec);
                            std::make_shared<Connection>(std::move(socket))->Start();
                          }
                          Accept(ioc, acceptor);
                        });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s PORT [IO_THREADS]\n", argv[0]);
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  size_t threads = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 0;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  net::io_context ioc;
  tcp::acceptor acceptor(net::make_strand(ioc));
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "beast: cannot listen on 127.0.0.1:%u: %s\n", port, ec.message().c_str());
    return 1;
  }
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    acceptor.close();
    ioc.stop();
  });
  Accept(ioc, acceptor);
  std::vector<std::thread> io;
  for (size_t i = 1; i < threads; ++i) io.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : io) t.join();
  return 0;
}
