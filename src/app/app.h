// `alertgate serve`: wires config, storage, service, metrics, HTTP and the
// ticker together. Signals are translated in main.cc, never here.
#pragma once

#include <atomic>
#include <memory>
#include <ostream>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/log.h"
#include "core/mutex.h"
#include "core/status.h"
#include "http/server.h"
#include "ingest/webhook.h"

namespace prometheus {
class Registry;
}

namespace alertgate {

class Metrics;
class Service;
class Store;

struct ServeOptions {
  std::string config_file = "alertgate.yml";
  std::string listen_address = ":9095";
  std::string storage_path = "data/";  // a directory; the database is <path>/alertgate.db
  std::string log_level = "info";
  std::string log_format = "logfmt";
  std::string web_config_file;  // --web.config.file: TLS and who may do what; empty = open
  HttpOptions http;
  WebhookLimits webhook;
  // How long a write waits for a database lock held by another process.
  Duration storage_busy_timeout = std::chrono::seconds(5);
  // Finished drills older than this are dropped with their facts; 0 keeps all.
  Duration retention = std::chrono::hours(24 * 30);
  // How often windows are re-checked so verdicts close without a request.
  std::chrono::milliseconds tick_interval{1000};
};

class App {
 public:
  // Loads the config, opens storage and binds the port. Nothing is served
  // until Run(). `clock` and `log_out` must outlive the app.
  static Result<std::unique_ptr<App>> Create(const ServeOptions& options, const Clock* clock,
                                             std::ostream* log_out);
  ~App();

  // Serves until Shutdown(); blocks.
  void Run();
  // Stops serving; safe from any thread, idempotent.
  void Shutdown();
  // Re-reads the config file; a bad file keeps the old config (and says so).
  Status Reload();

  int port() const;
  Logger& logger() { return *log_; }
  Service& service() { return *service_; }
  // Re-evaluate live drills now (the ticker also does this once a second).
  void TickNow();

 private:
  App() = default;
  void TickerLoop();
  // Blocks until a change asks for a tick, the tick interval passes, or
  // Shutdown(); false on Shutdown().
  bool WaitForTick() AG_EXCLUDES(tick_mu_);
  // After a tick, lets changes arriving in the next moment gather: a tick
  // re-reads and re-evaluates every live drill, so under a webhook burst
  // back-to-back ticks would compete with the writes for the store.
  void PauseAfterTick() AG_EXCLUDES(tick_mu_);

  ServeOptions options_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<Logger> log_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> http_;

  Mutex reload_mu_;  // one reload at a time
  Mutex tick_mu_;
  CondVar tick_cv_{&tick_mu_};
  bool tick_requested_ AG_GUARDED_BY(tick_mu_) = false;
  bool stopping_ AG_GUARDED_BY(tick_mu_) = false;
  std::chrono::steady_clock::time_point next_retention_;  // ticker thread only
  std::thread ticker_;
};

}  // namespace alertgate
