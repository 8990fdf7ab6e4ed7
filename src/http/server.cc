#include "http/server.h"

#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/json.h"
#include "core/time.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/requests.h"
#include "report/json.h"
#include "report/report.h"

namespace alertgate {
namespace {

constexpr const char* kJson = "application/json";

void Reply(httplib::Response& res, int code, const std::string& body) {
  res.status = code;
  res.set_content(body, kJson);
}

void ReplyError(httplib::Response& res, const Status& s) {
  Reply(res, HttpStatusFor(s.code()), ErrorBody(s));
}

std::string DrillJson(const Drill& d) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id");
  w.String(d.id);
  w.Key("matchers");
  w.StartArray();
  for (const auto& m : d.matchers) w.String(m);
  w.EndArray();
  w.Key("started_at");
  w.String(FormatRfc3339(d.started_at));
  w.Key("finished_at");
  WriteTimeOrNull(w, d.finished_at);
  w.EndObject();
  return std::string(buf.GetString()) + "\n";
}

std::string InjectionJson(const Injection& i) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id");
  w.String(i.id);
  w.Key("drill");
  w.String(i.drill);
  w.Key("scenario");
  w.String(i.scenario);
  w.Key("injected_at");
  w.String(FormatRfc3339(i.injected_at));
  w.Key("cleared_at");
  WriteTimeOrNull(w, i.cleared_at);
  w.Key("key");
  if (i.key.empty()) {
    w.Null();
  } else {
    w.String(i.key);
  }
  w.EndObject();
  return std::string(buf.GetString()) + "\n";
}

}  // namespace

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    return InvalidArgument("listen address \"" + text + "\" must be host:port or :port");
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
    return InvalidArgument("listen address \"" + text + "\": invalid port \"" + port + "\"");
  }
  a.port = std::stoi(port);
  return a;
}

HttpServer::HttpServer(Service* service, Metrics* metrics, Logger* log, HttpOptions options,
                       std::function<Status()> reload)
    : service_(service),
      metrics_(metrics),
      log_(log),
      options_(options),
      reload_(std::move(reload)),
      server_(options_.tls && options_.tls->enabled()
                  ? std::unique_ptr<httplib::Server>(
                        new httplib::SSLServer([tls = options_.tls](SSL_CTX& ctx) {
                          return ConfigureTlsContext(*tls, &ctx).ok();
                        }))
                  : std::make_unique<httplib::Server>()) {
  server_->set_tcp_nodelay(true);  // without it Nagle + delayed ACK cap keep-alive clients
  // httplib's default sets SO_REUSEPORT, which lets a second alertgate bind
  // the same port and silently take half of Alertmanager's deliveries into
  // another database. SO_REUSEADDR only allows a quick restart over
  // TIME_WAIT. The hook runs for the listening socket only; keep its fd to
  // raise the backlog after bind.
  server_->set_socket_options([this](socket_t fd) {
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = fd;
  });
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_read_timeout(options_.read_timeout);
  // httplib waits up to the keep-alive timeout for the rest of a request as
  // well, so it must not exceed the read timeout (slowloris protection).
  server_->set_keep_alive_timeout(std::max<time_t>(
      1,
      std::min<time_t>(5, std::chrono::ceil<std::chrono::seconds>(options_.read_timeout).count())));
  server_->set_write_timeout(options_.write_timeout);
  const size_t threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  Routes();
}

HttpServer::~HttpServer() { Stop(); }

bool HttpServer::valid() const { return server_->is_valid(); }

Status HttpServer::Bind(const ListenAddress& address) {
  if (!valid()) return Unavailable("cannot set up TLS with the configured certificate and key");
  if (address.port == 0) {
    port_ = server_->bind_to_any_port(address.host);
    if (port_ < 0) return Unavailable("cannot listen on " + address.host + ":0");
  } else {
    if (!server_->bind_to_port(address.host, address.port)) {
      return Unavailable("cannot listen on " + address.host + ":" + std::to_string(address.port) +
                         " (in use, or not permitted)");
    }
    port_ = address.port;
  }
  // Debian's httplib listens with a compiled-in backlog of 5: when several
  // Alertmanagers reconnect at once, the SYNs beyond it are dropped and each
  // such client waits a 1 s retransmit, which lands in time to notify. A
  // second listen() on Linux only changes the backlog.
  if (listen_fd_ >= 0 && ::listen(listen_fd_, SOMAXCONN) != 0) {
    return Unavailable("cannot raise the listen backlog: " + std::string(std::strerror(errno)));
  }
  return Status::Ok();
}

void HttpServer::Serve() { server_->listen_after_bind(); }

void HttpServer::Stop() {
  if (server_) server_->stop();
}

bool HttpServer::IsRunning() const { return server_->is_running(); }

void HttpServer::Routes() {
  httplib::Server& s = *server_;

  // Bodies over the limit: httplib answers 413 before any handler runs; give
  // it our error body. Unknown paths get a JSON 404.
  s.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      ReplyError(res, TooLarge("request body exceeds the limit (--web.max-body-bytes)"));
      // No handler ran, so count a refused webhook here.
      if (req.path == "/api/v1/webhook") metrics_->CountWebhookRequest(413);
    } else if (res.status == 404) {
      ReplyError(res, NotFound("no endpoint " + req.method + " " + req.path));
    } else if (res.status == 405) {
      Reply(res, 405, ErrorBody(InvalidArgument("method not allowed")));
    }
  });
  s.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log_->Error("request failed", {{"path", req.path}, {"err", what}});
        ReplyError(res, Internal("internal error: " + what));
      });

  // Every request is authorized before routing: a rejected one reaches no
  // handler and changes nothing. The Authorization header is never logged.
  if (options_.auth) {
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      Status st =
          options_.auth->Authorize(req.method, req.path, req.get_header_value("Authorization"));
      if (st.ok()) return httplib::Server::HandlerResponse::Unhandled;
      if (st.code() == StatusCode::kUnauthenticated) {
        res.set_header("WWW-Authenticate", options_.auth->Challenge());
      }
      log_->Warn("request refused", {{"method", req.method},
                                     {"path", req.path},
                                     {"remote", req.remote_addr},
                                     {"err", st.message()}});
      ReplyError(res, st);
      if (req.path == "/api/v1/webhook") metrics_->CountWebhookRequest(res.status);
      return httplib::Server::HandlerResponse::Handled;
    });
  }

  s.Post("/api/v1/webhook", [this](const httplib::Request& req, httplib::Response& res) {
    auto out = service_->IngestWebhook(req.body);
    if (!out.ok()) {
      ReplyError(res, out.status());
      metrics_->CountWebhookRequest(res.status);
      return;
    }
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("status");
    w.String("success");
    w.Key("alerts");
    w.Uint64(out->alerts);
    w.Key("stored");
    w.Uint64(out->stored);
    w.Key("duplicates");
    w.Uint64(out->duplicates);
    w.EndObject();
    Reply(res, 200, std::string(buf.GetString()) + "\n");
    metrics_->CountWebhookRequest(200);
  });

  s.Post("/api/v1/drills", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseStartDrillRequest(req.body);
    if (!body.ok()) return ReplyError(res, body.status());
    bool created = false;
    auto drill = service_->StartDrill(body->id, body->matchers, &created);
    if (!drill.ok()) return ReplyError(res, drill.status());
    Reply(res, created ? 201 : 200, DrillJson(*drill));
  });

  s.Get("/api/v1/drills", [this](const httplib::Request&, httplib::Response& res) {
    auto list = service_->ListResults();
    if (!list.ok()) return ReplyError(res, list.status());
    Reply(res, 200, RenderDrillListJson(*list));
  });

  s.Get(R"(/api/v1/drills/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    auto r = service_->Results(req.matches[1]);
    if (!r.ok()) return ReplyError(res, r.status());
    Reply(res, 200, RenderResultsJson(*r));
  });

  s.Get(R"(/api/v1/drills/([^/]+)/report)", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
    auto format =
        ParseReportFormat(req.has_param("format") ? req.get_param_value("format") : "markdown");
    if (!format.ok()) return ReplyError(res, format.status());
    auto r = service_->Results(req.matches[1]);
    if (!r.ok()) return ReplyError(res, r.status());
    res.set_header("Alertgate-Drill-Verdict", Name(r->verdict));
    res.set_content(RenderReport(*r, *format), ContentType(*format));
  });

  s.Post(R"(/api/v1/drills/([^/]+)/finish)",
         [this](const httplib::Request& req, httplib::Response& res) {
           auto d = service_->FinishDrill(req.matches[1]);
           if (!d.ok()) return ReplyError(res, d.status());
           Reply(res, 200, DrillJson(*d));
         });

  s.Post(R"(/api/v1/drills/([^/]+)/injections)",
         [this](const httplib::Request& req, httplib::Response& res) {
           auto body = ParseInjectionRequest(req.body);
           if (!body.ok()) return ReplyError(res, body.status());
           InjectRequest ir{req.matches[1], body->scenario, body->at, body->key};
           bool created = false;
           auto inj = service_->Inject(ir, &created);
           if (!inj.ok()) return ReplyError(res, inj.status());
           Reply(res, created ? 201 : 200, InjectionJson(*inj));
         });

  s.Post(R"(/api/v1/drills/([^/]+)/injections/([^/]+)/clear)",
         [this](const httplib::Request& req, httplib::Response& res) {
           auto at = ParseClearRequest(req.body);
           if (!at.ok()) return ReplyError(res, at.status());
           auto inj = service_->Clear(req.matches[1], req.matches[2], *at);
           if (!inj.ok()) return ReplyError(res, inj.status());
           Reply(res, 200, InjectionJson(*inj));
         });

  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_->Serialize(), "text/plain; version=0.0.4; charset=utf-8");
  });

  s.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("alertgate is Healthy.\n", "text/plain");
  });

  s.Get("/-/ready", [this](const httplib::Request&, httplib::Response& res) {
    Status st = service_->Ready();
    if (!st.ok()) {
      res.status = 503;
      res.set_content("alertgate is not ready: " + st.message() + "\n", "text/plain");
      return;
    }
    res.set_content("alertgate is Ready.\n", "text/plain");
  });

  s.Post("/-/reload", [this](const httplib::Request&, httplib::Response& res) {
    Status st = reload_();
    if (!st.ok()) {
      res.status = 500;
      res.set_content("failed to reload config: " + st.message() + "\n", "text/plain");
      return;
    }
    res.set_content("config reloaded\n", "text/plain");
  });
}

}  // namespace alertgate
