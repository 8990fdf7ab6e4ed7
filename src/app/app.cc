#include "app/app.h"

#include <prometheus/registry.h>

#include <filesystem>

#include "config/config.h"
#include "http/api.h"
#include "http/authenticator.h"
#include "http/web_config.h"
#include "metrics/metrics.h"
#include "service/service.h"
#include "store/sqlite_store.h"

namespace alertgate {

Result<std::unique_ptr<App>> App::Create(const ServeOptions& options, const Clock* clock,
                                         std::ostream* log_out) {
  auto level = ParseLogLevel(options.log_level);
  if (!level.ok()) return level.status().WithContext("--log.level: ");
  auto format = ParseLogFormat(options.log_format);
  if (!format.ok()) return format.status().WithContext("--log.format: ");
  auto address = ParseListenAddress(options.listen_address);
  if (!address.ok()) return address.status().WithContext("--web.listen-address: ");

  std::unique_ptr<App> app(new App());
  app->options_ = options;
  app->clock_ = clock;
  app->log_ = std::make_unique<Logger>(log_out, clock, *level, *format);

  auto config = LoadConfigFile(options.config_file);
  if (!config.ok()) return config.status();

  HttpOptions http = options.http;
  if (!options.web_config_file.empty()) {
    auto web = LoadWebConfig(options.web_config_file);
    if (!web.ok()) return web.status().WithContext("--web.config.file: ");
    for (const auto& w : web->warnings) {
      app->log_->Warn("web config", {{"config", options.web_config_file}, {"warning", w}});
    }
    if (web->auth_enabled()) http.auth = std::make_shared<const Authenticator>(*web);
    if (web->tls.enabled()) http.tls = std::make_shared<const TlsServerConfig>(web->tls);
    app->log_->Info("web config loaded", {{"config", options.web_config_file},
                                          {"tls", web->tls.enabled() ? "on" : "off"},
                                          {"auth", web->auth_enabled() ? "on" : "off"}});
  }

  const std::string db_path = DatabasePath(options.storage_path);
  if (db_path != options.storage_path) {
    std::error_code ec;
    std::filesystem::create_directories(options.storage_path, ec);
    if (ec) {
      return Unavailable("--storage.path: cannot create directory " + options.storage_path + ": " +
                         ec.message());
    }
  }
  auto store = SqliteStore::Open(db_path, options.storage_busy_timeout);
  if (!store.ok()) return store.status().WithContext("--storage.path: ");
  app->store_ = std::move(store).value();

  app->registry_ = std::make_shared<prometheus::Registry>();
  app->metrics_ = std::make_unique<Metrics>(app->registry_);
  app->metrics_->SetConfigReload(true, clock->Now());
  app->service_ = std::make_unique<Service>(
      app->store_.get(), clock, app->metrics_.get(), app->log_.get(),
      std::make_shared<const Config>(std::move(config).value()), options.webhook);
  if (options.retention.count() > 0) {
    auto removed = app->service_->ApplyRetention(options.retention);
    if (!removed.ok()) return removed.status().WithContext("--storage.retention: ");
    app->next_retention_ = clock->Monotonic() + std::chrono::hours(1);
  }
  AG_RETURN_IF_ERROR(app->service_->PublishAll());

  App* raw = app.get();
  app->service_->SetOnChange([raw] {
    MutexLock lock(&raw->tick_mu_);
    raw->tick_requested_ = true;
    raw->tick_cv_.Signal();
  });
  app->http_ = std::make_unique<HttpServer>(
      ApiRoutes(app->service_.get(), app->metrics_.get(), [raw] { return raw->Reload(); }),
      app->metrics_.get(), app->log_.get(), http);
  AG_RETURN_IF_ERROR(app->http_->Bind(*address).WithContext("--web.listen-address: "));
  return app;
}

App::~App() {
  Shutdown();
  if (ticker_.joinable()) ticker_.join();
}

int App::port() const { return http_->port(); }

void App::Run() {
  const auto cfg = service_->config();
  log_->Info("alertgate started", {{"version", ALERTGATE_VERSION},
                                   {"config", options_.config_file},
                                   {"scenarios", std::to_string(cfg->scenarios.size())},
                                   {"storage", options_.storage_path},
                                   {"address", options_.listen_address},
                                   {"port", std::to_string(port())}});
  ticker_ = std::thread([this] { TickerLoop(); });
  http_->Serve();
  log_->Info("alertgate stopped");
}

void App::Shutdown() {
  {
    MutexLock lock(&tick_mu_);
    if (stopping_) return;
    stopping_ = true;
    tick_cv_.SignalAll();
  }
  if (http_) http_->Stop();
}

void App::TickNow() { service_->Tick(); }

void App::TickerLoop() {
  while (WaitForTick()) {
    service_->Tick();
    if (options_.retention.count() > 0 && clock_->Monotonic() >= next_retention_) {
      (void)service_->ApplyRetention(options_.retention);  // failures are logged and counted
      next_retention_ = clock_->Monotonic() + std::chrono::hours(1);
    }
    PauseAfterTick();
  }
}

bool App::WaitForTick() {
  MutexLock lock(&tick_mu_);
  const auto deadline = std::chrono::steady_clock::now() + options_.tick_interval;
  while (!stopping_ && !tick_requested_ && tick_cv_.WaitUntil(deadline)) {
  }
  tick_requested_ = false;
  return !stopping_;
}

void App::PauseAfterTick() {
  MutexLock lock(&tick_mu_);
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::min<std::chrono::milliseconds>(options_.tick_interval, std::chrono::milliseconds(250));
  while (!stopping_ && tick_cv_.WaitUntil(deadline)) {
  }
}

Status App::Reload() {
  MutexLock lock(&reload_mu_);
  auto config = LoadConfigFile(options_.config_file);
  if (!config.ok()) {
    metrics_->SetConfigReload(false, clock_->Now());
    log_->Error("config reload failed; keeping the previous config",
                {{"config", options_.config_file}, {"err", config.status().message()}});
    return config.status();
  }
  const size_t n = config->scenarios.size();
  service_->SetConfig(std::make_shared<const Config>(std::move(config).value()));
  metrics_->SetConfigReload(true, clock_->Now());
  log_->Info("config reloaded",
             {{"config", options_.config_file}, {"scenarios", std::to_string(n)}});
  return Status::Ok();
}

}  // namespace alertgate
