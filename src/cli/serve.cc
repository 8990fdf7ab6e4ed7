#include "cli/serve.h"

#include <pthread.h>
#include <signal.h>

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

  static const SystemClock clock;
  auto app = App::Create(options, &clock, &std::cerr);
  if (!app.ok()) {
    Logger log(&std::cerr, &clock, LogLevel::kInfo, LogFormat::kLogfmt);
    log.Error("alertgate cannot start", {{"err", app.status().message()}});
    return 1;
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
                  "Largest request body accepted; larger ones get 413.")
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
               "A client that sends headers or body slower than this is disconnected, so slow "
               "clients cannot hold worker threads.");
  DurationFlag(cmd, "--web.write-timeout", &options->http.write_timeout,
               "A client that reads the response slower than this is disconnected.");
  cmd->add_option("--web.worker-threads", options->http.threads,
                  "Requests served at once; further connections wait in the kernel's backlog.")
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
