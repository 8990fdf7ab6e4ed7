#include "cli/serve.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <iostream>
#include <memory>
#include <thread>

#include "app/app.h"
#include "core/duration.h"

namespace alertgate {
namespace {

int RunServe(const ServeOptions& options) {
  // Block the signals in every thread; one thread receives them with sigwait
  // and translates them into App calls.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  // Every connection is a file descriptor: take what the hard limit allows,
  // as Go programs do, so --web.max-connections is not cut short at 1024.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &files);
  }

  static const SystemClock clock;
  auto app = App::Create(options, &clock, &std::cerr);
  if (!app.ok()) {
    Logger log(&std::cerr, &clock, LogLevel::kInfo, LogFormat::kLogfmt);
    log.Error("alertgate cannot start", {{"err", app.status().message()}});
    return 1;
  }
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < options.http.max_connections + 64) {
    (*app)->logger().Warn("the open-file limit is below --web.max-connections",
                          {{"limit", std::to_string(files.rlim_cur)},
                           {"max_connections", std::to_string(options.http.max_connections)}});
  }
  App* raw = app->get();
  std::thread signals([raw, set] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == SIGHUP) {
        (void)raw->Reload();
        continue;
      }
      raw->logger().Info("shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
      raw->Shutdown();
      return;
    }
  });
  signals.detach();
  (*app)->Run();
  return 0;
}

// A flag in Prometheus duration syntax ("1m30s") that sets *target.
void DurationFlag(CLI::App* cmd, const std::string& name, Duration* target,
                  const std::string& help) {
  cmd->add_option_function<std::string>(
         name, [target](const std::string& v) { *target = *ParseDuration(v); }, help)
      ->check([](const std::string& v) {
        auto d = ParseDuration(v);
        return d.ok() ? std::string() : d.status().message();
      })
      ->default_str(FormatDuration(*target));
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run the referee: receive Alertmanager webhooks and injections, keep verdicts, "
      "serve the HTTP API and /metrics.");
  cmd->add_option("--config.file", options->config_file,
                  "Scenario configuration (YAML). Reloaded on SIGHUP and POST /-/reload.")
      ->capture_default_str();
  cmd->add_option("--web.listen-address", options->listen_address,
                  "Address for the API, webhooks and /metrics, as host:port or :port.")
      ->capture_default_str();
  cmd->add_option("--web.config.file", options->web_config_file,
                  "Web config in the exporter-toolkit format: tls_server_config, "
                  "basic_auth_users (bcrypt), plus bearer_tokens and roles (docs/security.md).");
  cmd->add_option("--web.max-body-bytes", options->http.max_body_bytes,
                  "Largest request body accepted, whatever its framing (Content-Length, chunked); "
                  "larger ones get 413 and nothing is stored.")
      ->capture_default_str();
  cmd->add_option("--storage.path", options->storage_path,
                  "Directory of the SQLite database (alertgate.db, WAL mode).")
      ->capture_default_str();
  DurationFlag(cmd, "--storage.retention", &options->retention,
               "Drop drills finished longer ago than this, with the alerts received before every "
               "remaining drill (0 keeps everything).");
  DurationFlag(cmd, "--storage.busy-timeout", &options->storage_busy_timeout,
               "How long a write waits for a database lock held by another process before the "
               "request fails with 503 (Alertmanager then retries).");
  DurationFlag(cmd, "--web.read-timeout", &options->http.read_timeout,
               "Deadline for a whole request, headers and body, from its first byte (and for a "
               "new connection's first request, from the accept); past it the request gets 408 "
               "and the connection is closed.");
  DurationFlag(cmd, "--web.idle-timeout", &options->http.idle_timeout,
               "An idle keep-alive connection is closed after this (longer than the 5m idle "
               "timeout of Alertmanager's HTTP client, so the client closes first).");
  DurationFlag(cmd, "--web.write-timeout", &options->http.write_timeout,
               "A client that reads the response slower than this is disconnected.");
  cmd->add_option("--web.max-connections", options->http.max_connections,
                  "Connections open at once; further ones are closed at accept and counted in "
                  "alertgate_http_connections_rejected_total.")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  cmd->add_option("--web.max-header-bytes", options->http.max_header_bytes,
                  "Largest request line plus header fields; larger requests get 431.")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1024}, size_t{1} << 20));
  cmd->add_option("--web.io-threads", options->http.io_threads,
                  "Threads serving connections (0: one per core). Connections never hold one.")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  cmd->add_option("--web.worker-threads", options->http.threads,
                  "Threads for requests that read or write storage or render documents (drills, "
                  "injections, results, reports, /metrics); webhooks and health checks never "
                  "wait for them.")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--webhook.max-alerts", options->webhook.max_alerts,
                  "Alerts accepted in one webhook; more is 413 (set Alertmanager's max_alerts).")
      ->capture_default_str();
  cmd->add_option("--webhook.max-labels", options->webhook.max_labels,
                  "Labels (or annotations) per alert; more is 413.")
      ->capture_default_str();
  cmd->add_option("--webhook.max-label-bytes", options->webhook.max_label_bytes,
                  "Bytes per label name or value; longer is 413.")
      ->capture_default_str();
  cmd->add_option("--log.level", options->log_level, "debug, info, warn or error.")
      ->capture_default_str();
  cmd->add_option("--log.format", options->log_format, "logfmt or json.")->capture_default_str();
  cmd->callback([options, exit_code] { *exit_code = RunServe(*options); });
}

}  // namespace alertgate
