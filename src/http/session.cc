#include "http/session.h"

namespace alertgate::http_detail {
namespace {

// One connection. Every member is touched only on the connection's strand
// (the stream's executor); work done elsewhere posts back to it.
class Session : public std::enable_shared_from_this<Session> {
  // Defined first: Start() uses its deduced type.
  // The completion handler of every asynchronous operation: one of the
  // member functions below, holding the session alive. Member functions of
  // one signature share one handler type, so each Beast operation is
  // instantiated once rather than once per call site.
  template <typename... Args>
  auto Then(void (Session::*fn)(Args...)) {
    return beast::bind_front_handler(fn, this->shared_from_this());
  }

 public:
  Session(Core* core, tcp::socket socket)
      : core_(core),
        remote_(RemoteOf(socket)),
        transport_(core->tls ? TlsTransport(std::move(socket), core->tls)
                             : PlainTransport(std::move(socket))),
        stream_(transport_.get()),
        buffer_(core->options.max_header_bytes + 64 * 1024),
        deadline_(stream_.get_executor()) {}

  ~Session() {
    const size_t open = core_->connections.fetch_sub(1) - 1;
    core_->metrics->SetHttpConnections(open);
    if (busy_) core_->Leave();
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->transport_->tls()) {
        self->Arm(self->core_->options.read_timeout);
        self->transport_->Handshake(self->Then(&Session::OnHandshake));
      } else {
        self->ReadRequest(/*first=*/true);
      }
    });
  }

 private:
  beast::tcp_stream& Tcp() { return transport_->Tcp(); }
  const HttpOptions& Options() const { return core_->options; }

  // --- the request deadline -------------------------------------------------
  // A timer of our own rather than the stream's expiry, so that a request
  // that runs out of time can still be answered 408.
  void Arm(Duration d) {
    const uint64_t gen = ++deadline_gen_;
    deadline_.expires_after(Steady(d));
    deadline_.async_wait([self = this->shared_from_this(), gen](beast::error_code ec) {
      if (ec || gen != self->deadline_gen_) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->Tcp().socket().cancel(ignored);
    });
  }
  void Disarm() {
    ++deadline_gen_;
    deadline_.cancel();
  }

  void OnHandshake(beast::error_code ec) {
    Disarm();
    if (ec) {
      core_->log->Debug("TLS handshake failed", {{"remote", remote_}, {"err", ec.message()}});
      return Close();
    }
    ReadRequest(/*first=*/true);
  }

  // --- reading ---------------------------------------------------------------
  void ReadRequest(bool first) {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(Options().max_header_bytes));
    // The body limit is set once the request is routed (ReadBody), so that
    // a Content-Length over it is refused by CheckFraming, named by route.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    timed_out_ = false;
    version_ = 11;
    head_ = false;
    keep_alive_ = false;
    route_ = nullptr;
    label_ = "other";
    close_after_ = false;
    unread_body_ = false;
    first_ = first;
    if (buffer_.size() > 0) return ReadHeader();  // pipelined: the next request is here
    if (buffer_.capacity() > kFirstRead) buffer_.shrink_to_fit();  // idle connections stay small
    // A new connection's first request must arrive whole within the read
    // timeout of the accept; between requests a connection may stay idle
    // for the idle timeout, and each request then has the read timeout.
    Arm(first ? Options().read_timeout : Options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead), Then(&Session::OnFirstBytes));
  }

  void OnFirstBytes(beast::error_code ec, size_t n) {
    if (ec) return Close();  // idle timeout, or the client went away: nothing to answer
    buffer_.commit(n);
    ReadHeader();
  }

  void ReadHeader() {
    started_ = std::chrono::steady_clock::now();
    if (!first_) Arm(Options().read_timeout);  // the first request's deadline runs from the accept
    first_ = false;
    http::async_read_header(stream_, buffer_, *parser_, Then(&Session::OnHeader));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return ReadFailed(ec);
    auto& req = parser_->get();
    method_ = std::string(req.method_string());
    target_ = std::string(req.target());
    head_ = req.method() == http::verb::head;
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    unread_body_ = !parser_->is_done();

    if (static_cast<size_t>(std::distance(req.begin(), req.end())) > Options().max_header_fields) {
      return Refuse(
          Status(StatusCode::kHeaderTooLarge,
                 "more than " + std::to_string(Options().max_header_fields) + " header fields"));
    }
    auto target = ParseTarget(target_);
    if (!target.ok()) return Refuse(target.status());
    target_parts_ = std::move(target).value();
    match_ = core_->router.Find(method_, target_parts_.segments);
    route_ = match_.route;
    if (route_ != nullptr) label_ = route_->pattern;
    if (Status s = CheckFraming(Framing(req), Options().max_body_bytes); !s.ok()) return Refuse(s);

    const auto& auth = Options().auth;
    if (!auth || !auth->NeedsCredentials(match_.access)) return OnAuthorized();
    std::string header(req[http::field::authorization]);
    if (!auth->RequiresBcrypt(header)) return OnAuthenticated(auth->Authenticate(header));
    // bcrypt runs on the password pool; a flood of wrong passwords waits
    // there (bounded) while cached credentials and tokens pass inline.
    if (core_->passwords_waiting.fetch_add(1) >= Options().password_queue) {
      core_->passwords_waiting.fetch_sub(1);
      HttpResponse busy = HttpResponse::Error(
          Unavailable("too many password checks are waiting; retry in a second"));
      busy.headers.emplace_back("Retry-After", "1");
      return Refuse(std::move(busy));
    }
    if (!Enter()) {
      core_->passwords_waiting.fetch_sub(1);
      return Refuse(HttpResponse::Error(Unavailable("alertgate is shutting down")));
    }
    net::post(core_->passwords, [self = this->shared_from_this(), header = std::move(header),
                                 ex = stream_.get_executor()]() mutable {
      Result<Principal> principal = self->Options().auth->Authenticate(header);
      self->core_->passwords_waiting.fetch_sub(1);
      net::post(ex, [self, principal = std::move(principal)] {
        self->LeaveBusy();
        self->OnAuthenticated(principal);
      });
    });
  }

  // The body's framing and coding, as CheckFraming sees them.
  RequestFraming Framing(const http::request<http::string_body>& req) const {
    RequestFraming f;
    const auto add = [&req](http::field field, std::vector<std::string_view>* out) {
      const auto range = req.equal_range(field);
      for (auto it = range.first; it != range.second; ++it) out->push_back(View(it->value()));
    };
    add(http::field::transfer_encoding, &f.transfer_encoding);
    add(http::field::content_encoding, &f.content_encoding);
    if (const auto length = parser_->content_length()) f.content_length = *length;
    return f;
  }

  void OnAuthenticated(const Result<Principal>& principal) {
    if (timed_out_) return Refuse(RequestTimeout());
    Status st = Options().auth->Authorize(match_.access, method_, target_parts_.path, principal);
    if (st.ok()) return OnAuthorized();
    core_->log->Warn("request refused", {{"method", method_},
                                         {"path", EscapeForMessage(target_parts_.path)},
                                         {"remote", remote_},
                                         {"err", st.message()}});
    HttpResponse res = HttpResponse::Error(st);
    if (st.code() == StatusCode::kUnauthenticated) {
      res.headers.emplace_back("WWW-Authenticate", Options().auth->Challenge());
    }
    Refuse(std::move(res));
  }

  void OnAuthorized() {
    if (route_ == nullptr) {
      if (match_.path_exists) {
        HttpResponse res = HttpResponse::Error(
            Status(StatusCode::kMethodNotAllowed,
                   "method " + EscapeForMessage(method_, 16) + " not allowed on " +
                       EscapeForMessage(target_parts_.path) + " (allowed: " + match_.allow + ")"));
        res.headers.emplace_back("Allow", match_.allow);
        return Refuse(std::move(res));
      }
      return Refuse(NotFound("no endpoint " + EscapeForMessage(method_, 16) + " " +
                             EscapeForMessage(target_parts_.path)));
    }
    if (parser_->is_done()) return OnBody({}, 0);
    auto& req = parser_->get();
    if (EqualsIgnoreCase(TrimSpace(View(req[http::field::expect])), "100-continue")) {
      // The client waits for this before it sends the body.
      continue_.emplace(http::status::continue_, version_);
      Tcp().expires_after(Steady(Options().write_timeout));
      http::async_write(stream_, *continue_, Then(&Session::OnContinueWritten));
      return;
    }
    ReadBody();
  }

  void OnContinueWritten(beast::error_code ec, size_t) {
    Tcp().expires_never();
    continue_.reset();
    if (ec) return Close();
    ReadBody();
  }

  void ReadBody() {
    parser_->body_limit(Options().max_body_bytes);  // whatever the framing
    http::async_read(stream_, buffer_, *parser_, Then(&Session::OnBody));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return ReadFailed(ec);
    Disarm();
    unread_body_ = false;
    Dispatch();
  }

  // A read that did not produce a request: answer what can be answered,
  // then close, since the stream cannot be resynchronized.
  void ReadFailed(beast::error_code ec) {
    if (timed_out_) return Refuse(RequestTimeout());
    if (ec == http::error::header_limit ||
        (ec == http::error::buffer_overflow && !parser_->is_header_done())) {
      return Refuse(Status(
          StatusCode::kHeaderTooLarge,
          "request header exceeds " + std::to_string(Options().max_header_bytes) + " bytes"));
    }
    if (ec == http::error::body_limit || ec == http::error::buffer_overflow) {
      return Refuse(TooLarge("request body exceeds the limit of " +
                             std::to_string(Options().max_body_bytes) +
                             " bytes (--web.max-body-bytes)"));
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::error::operation_aborted || ec == net::ssl::error::stream_truncated) {
      return Close();  // the client went away
    }
    Refuse(InvalidArgument("malformed HTTP request: " + ec.message()));
  }

  Status RequestTimeout() const {
    return Status(StatusCode::kTimeout, "the request did not arrive within " +
                                            std::to_string(Options().read_timeout.count()) +
                                            " ms (--web.read-timeout)");
  }

  // --- handling ---------------------------------------------------------------
  bool Enter() {
    if (busy_) return true;
    busy_ = core_->TryEnter();
    return busy_;
  }
  void LeaveBusy() {
    if (!busy_) return;
    busy_ = false;
    core_->Leave();
  }

  void Dispatch() {
    HttpRequest req;
    req.method = head_ ? "GET" : method_;
    req.head = head_;
    req.target = target_;
    req.path = std::move(target_parts_.path);
    req.query = std::move(target_parts_.query);
    req.params = std::move(match_.params);
    req.body = std::move(parser_->get().body());
    req.remote = remote_;
    const Route* route = route_;
    if (route->dispatch == Dispatch::kInline) return Respond(Handle(*route, req));
    if (!Enter()) return Refuse(HttpResponse::Error(Unavailable("alertgate is shutting down")));
    auto ex = stream_.get_executor();
    auto self = this->shared_from_this();
    if (route->dispatch == Dispatch::kBlocking) {
      net::post(core_->workers, [self, ex, route, req = std::move(req)] {
        HttpResponse res = Handle(*route, req);
        net::post(ex, [self, res = std::move(res)]() mutable { self->Respond(std::move(res)); });
      });
      return;
    }
    route->handle_async(std::move(req), [self, ex](HttpResponse res) {
      net::post(ex, [self, res = std::move(res)]() mutable { self->Respond(std::move(res)); });
    });
  }

  static HttpResponse Handle(const Route& route, const HttpRequest& req) {
    try {
      return route.handle(req);
    } catch (const std::exception& e) {
      return HttpResponse::Error(Internal(std::string("internal error: ") + e.what()));
    }
  }

  // Answers a request that no handler will see, then closes the connection
  // when its body was not read (it must never be parsed as a request).
  void Refuse(const Status& s) { Refuse(HttpResponse::Error(s)); }
  void Refuse(HttpResponse res) {
    Disarm();
    if (unread_body_ || !parser_ || !parser_->is_header_done() || timed_out_ || res.status == 400 ||
        res.status == 408 || res.status == 431 || res.status == 501) {
      close_after_ = true;
    }
    Respond(std::move(res));
  }

  // --- writing ----------------------------------------------------------------
  void Respond(HttpResponse res) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    core_->metrics->CountHttpRequest(label_, res.status, seconds);
    const bool keep = keep_alive_ && !close_after_;
    auto& out = response_.emplace(static_cast<http::status>(res.status), version_);
    out.set(http::field::content_type, res.content_type);
    for (const auto& [name, value] : res.headers) out.set(name, value);
    out.keep_alive(keep);
    if (head_) {
      out.content_length(res.body.size());
    } else {
      out.body() = std::move(res.body);
      out.prepare_payload();
    }
    close_after_ = !keep;
    Tcp().expires_after(Steady(Options().write_timeout));
    http::async_write(stream_, out, Then(&Session::OnWrite));
  }

  void OnWrite(beast::error_code ec, size_t) {
    Tcp().expires_never();
    response_.reset();
    LeaveBusy();
    if (ec) return Close();
    if (close_after_) return CloseGracefully();
    ReadRequest(/*first=*/false);
  }

  // --- closing ----------------------------------------------------------------
  void Close() {
    Disarm();
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  void CloseGracefully() {
    Disarm();
    if (transport_->tls()) {
      Tcp().expires_after(Steady(Options().write_timeout));
      transport_->Shutdown(Then(&Session::OnShutdown));
    } else {
      beast::error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (!unread_body_ && buffer_.size() == 0) return Close();
      // Read and drop what the client is still sending until it closes.
      buffer_.clear();
      lingered_ = 0;
      Tcp().expires_after(kLingerTime);
      Linger();
    }
  }

  void Linger() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kFirstRead), Then(&Session::OnLingerRead));
  }
  void OnLingerRead(beast::error_code ec, size_t n) {
    lingered_ += n;
    if (ec || lingered_ > kLingerBytes) return Close();
    Linger();
  }
  void OnShutdown(beast::error_code) { Close(); }

  Core* const core_;
  const std::string remote_;
  std::unique_ptr<Transport> transport_;
  AnyStream stream_;  // over transport_
  beast::flat_buffer buffer_;
  net::steady_timer deadline_;
  uint64_t deadline_gen_ = 0;
  bool timed_out_ = false;
  bool first_ = true;  // the connection's first request: its deadline runs from the accept
  bool busy_ = false;  // counted in Core::busy

  // The current request.
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string method_;
  std::string target_;
  unsigned version_ = 11;
  bool head_ = false;
  bool keep_alive_ = false;
  bool close_after_ = false;
  bool unread_body_ = false;  // its body was not (completely) read
  Target target_parts_;
  Router::Match match_;
  const Route* route_ = nullptr;
  std::string label_ = "other";  // the handler label of its metrics
  std::chrono::steady_clock::time_point started_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  size_t lingered_ = 0;
};

}  // namespace

void StartSession(HttpServer::Core* core, tcp::socket socket) {
  std::make_shared<Session>(core, std::move(socket))->Start();
}

}  // namespace alertgate::http_detail
