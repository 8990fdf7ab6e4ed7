// The two transports of http/session.h: plain TCP, and TLS over it.
#include <boost/beast/ssl.hpp>

#include "http/session.h"

namespace alertgate::http_detail {
namespace {

// One async_write_some of `buffers` on `stream`. The buffers point into the
// caller's message, which outlives the write; the vector itself is kept by
// the operation's handler.
template <typename Stream>
void WriteSomeOn(Stream& stream, std::vector<net::const_buffer> buffers, IoHandler done) {
  auto owned = std::make_shared<std::vector<net::const_buffer>>(std::move(buffers));
  stream.async_write_some(
      *owned, [owned, done = std::move(done)](beast::error_code ec, std::size_t n) mutable {
        done(ec, n);
      });
}

class Plain final : public Transport {
 public:
  explicit Plain(tcp::socket socket) : stream_(std::move(socket)) {}
  beast::tcp_stream& Tcp() override { return stream_; }
  bool tls() const override { return false; }
  void ReadSome(net::mutable_buffer buffer, IoHandler done) override {
    stream_.async_read_some(buffer, std::move(done));
  }
  void WriteSome(std::vector<net::const_buffer> buffers, IoHandler done) override {
    WriteSomeOn(stream_, std::move(buffers), std::move(done));
  }
  void Handshake(std::function<void(beast::error_code)> done) override { done({}); }
  void Shutdown(std::function<void(beast::error_code)> done) override { done({}); }

 private:
  beast::tcp_stream stream_;
};

class Tls final : public Transport {
 public:
  Tls(tcp::socket socket, std::shared_ptr<ssl::context> ctx)
      : ctx_(std::move(ctx)), stream_(std::move(socket), *ctx_) {}
  beast::tcp_stream& Tcp() override { return beast::get_lowest_layer(stream_); }
  bool tls() const override { return true; }
  void ReadSome(net::mutable_buffer buffer, IoHandler done) override {
    stream_.async_read_some(buffer, std::move(done));
  }
  void WriteSome(std::vector<net::const_buffer> buffers, IoHandler done) override {
    WriteSomeOn(stream_, std::move(buffers), std::move(done));
  }
  void Handshake(std::function<void(beast::error_code)> done) override {
    stream_.async_handshake(ssl::stream_base::server, std::move(done));
  }
  void Shutdown(std::function<void(beast::error_code)> done) override {
    stream_.async_shutdown(std::move(done));
  }

 private:
  std::shared_ptr<ssl::context> ctx_;  // outlives the stream that uses it
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

std::unique_ptr<Transport> PlainTransport(tcp::socket socket) {
  return std::make_unique<Plain>(std::move(socket));
}

std::unique_ptr<Transport> TlsTransport(tcp::socket socket, std::shared_ptr<ssl::context> ctx) {
  return std::make_unique<Tls>(std::move(socket), std::move(ctx));
}

}  // namespace alertgate::http_detail
