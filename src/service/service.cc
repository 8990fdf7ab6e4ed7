#include "service/service.h"

#include <algorithm>

#include "core/duration.h"
#include "core/text.h"
#include "core/time.h"

namespace alertgate {

Status ValidateDrillId(std::string_view id) {
  if (id.empty() || id.size() > 128) {
    return InvalidArgument("drill id must be 1-128 characters long");
  }
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) {
      return InvalidArgument("drill id " + QuoteForMessage(id) +
                             " may contain only letters, digits, '.', '_', ':' and '-'");
    }
  }
  // A path segment of "." or ".." names the directory, not the drill: no
  // client could reach the drill's URL.
  if (id == "." || id == "..")
    return InvalidArgument("drill id \"" + std::string(id) + "\" is not a name");
  return Status::Ok();
}

Service::Service(Store* store, const Clock* clock, Metrics* metrics, Logger* log,
                 std::shared_ptr<const Config> config, WebhookLimits limits)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      log_(log),
      limits_(limits),
      config_(std::move(config)) {}

std::shared_ptr<const Config> Service::config() const {
  MutexLock lock(&config_mu_);
  return config_;
}

void Service::SetConfig(std::shared_ptr<const Config> config) {
  {
    MutexLock lock(&config_mu_);
    config_ = std::move(config);
  }
  (void)PublishAll();
}

void Service::Changed() {
  if (on_change_) on_change_();
}

void Service::StorageFailed(const std::string& operation, const Status& s,
                            const std::string& drill) {
  storage_ok_ = false;
  metrics_->CountStorageError(operation);
  if (drill.empty()) {
    log_->Error("storage failed", {{"operation", operation}, {"err", s.message()}});
  } else {
    log_->Error("storage failed",
                {{"operation", operation}, {"drill", drill}, {"err", s.message()}});
  }
}

void Service::StorageOk() {
  if (!storage_ok_.exchange(true)) {
    log_->Info("storage recovered");
  }
  metrics_->SetStorageHealthy(true);
}

Result<Drill> Service::StartDrill(const std::string& id, const std::vector<std::string>& matchers,
                                  const std::vector<std::string>& scenarios, bool* created) {
  *created = false;
  AG_RETURN_IF_ERROR(ValidateDrillId(id));
  for (size_t i = 0; i < matchers.size(); ++i) {
    auto m = ParseMatchers(matchers[i]);
    if (!m.ok()) {
      return InvalidArgument("matchers[" + std::to_string(i) + "]: " + m.status().message());
    }
  }
  const auto cfg = config();
  std::set<std::string_view> planned;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    if (!planned.insert(scenarios[i]).second) {
      return InvalidArgument("scenarios[" + std::to_string(i) +
                             "]: " + QuoteForMessage(scenarios[i]) + " is listed twice");
    }
    if (cfg->FindScenario(scenarios[i]) == nullptr) {
      return NotFound("scenarios[" + std::to_string(i) + "]: unknown scenario " +
                      QuoteForMessage(scenarios[i]) + " (not in the config)");
    }
  }
  MutexLock lock(&mutate_mu_);
  auto existing = store_->GetDrill(id);
  if (!existing.ok()) {
    StorageFailed("read", existing.status(), id);
    return existing.status();
  }
  if (existing->has_value()) {
    const Drill& d = **existing;
    if (d.finished_at) {
      return Conflict("drill " + QuoteForMessage(id) + " was finished at " +
                      FormatRfc3339(*d.finished_at) + "; start a drill with a new id");
    }
    if (d.matchers != matchers) {
      return Conflict("drill " + QuoteForMessage(id) + " is already running with other matchers");
    }
    if (d.scenarios != scenarios) {
      return Conflict("drill " + QuoteForMessage(id) + " is already running with another plan");
    }
    return d;
  }
  Drill d{id, matchers, clock_->Now(), std::nullopt, scenarios};
  Status s = store_->InsertDrill(d);
  if (!s.ok()) {
    if (s.code() == StatusCode::kUnavailable) StorageFailed("drill", s, id);
    return s;
  }
  StorageOk();
  *created = true;
  {
    MutexLock live(&live_mu_);
    live_.insert(id);
  }
  log_->Info("drill started", {{"drill", id}});
  Changed();
  return d;
}

Result<Drill> Service::FinishDrill(const std::string& id) {
  MutexLock lock(&mutate_mu_);
  auto existing = store_->GetDrill(id);
  if (!existing.ok()) {
    StorageFailed("read", existing.status(), id);
    return existing.status();
  }
  if (!existing->has_value()) return NotFound("unknown drill " + QuoteForMessage(id));
  Drill d = **existing;
  if (d.finished_at) return d;
  d.finished_at = clock_->Now();
  Status s = store_->FinishDrill(id, *d.finished_at);
  if (!s.ok()) {
    if (s.code() == StatusCode::kUnavailable) StorageFailed("drill", s, id);
    return s;
  }
  StorageOk();
  log_->Info("drill finished", {{"drill", id}});
  Changed();
  return d;
}

Result<Injection> Service::Inject(const InjectRequest& req, bool* created) {
  *created = false;
  const auto cfg = config();
  const Scenario* sc = cfg->FindScenario(req.scenario);
  if (sc == nullptr) {
    std::string known;
    for (const auto& s : cfg->scenarios) known += (known.empty() ? "" : ", ") + s.id;
    return NotFound("unknown scenario " + QuoteForMessage(req.scenario) + " (configured: " + known +
                    ")");
  }
  if (req.key.size() > 256) return InvalidArgument("key: longer than 256 characters");
  const Timestamp now = clock_->Now();
  if (req.at && *req.at > now + cfg->skew_tolerance) {
    return InvalidArgument("at: " + FormatRfc3339(*req.at) +
                           " is in the future (alertgate's clock says " + FormatRfc3339(now) + ")");
  }

  MutexLock lock(&mutate_mu_);
  auto drill = store_->GetDrill(req.drill);
  if (!drill.ok()) {
    StorageFailed("read", drill.status(), req.drill);
    return drill.status();
  }
  if (!drill->has_value()) return NotFound("unknown drill " + QuoteForMessage(req.drill));
  // A fault reported with its own time belongs near its drill: at most a day
  // before the drill started (a runner catching up on a fault applied just
  // before `drill start`). Earlier is a mistake that would be decided silent
  // at once and pin retention.
  if (req.at && *req.at < (*drill)->started_at - kMaxInjectionLead) {
    return InvalidArgument("at: " + FormatRfc3339(*req.at) + " is more than " +
                           FormatDuration(kMaxInjectionLead) + " before the drill started (" +
                           FormatRfc3339((*drill)->started_at) + ")");
  }
  auto existing = store_->ListInjections(req.drill);
  if (!existing.ok()) {
    StorageFailed("read", existing.status(), req.drill);
    return existing.status();
  }
  if (!req.key.empty()) {
    for (const auto& inj : *existing) {
      if (inj.key != req.key) continue;
      if (inj.scenario != req.scenario) {
        return Conflict("key " + QuoteForMessage(req.key) + " was already used for injection " +
                        inj.id + " of scenario " + inj.scenario);
      }
      return inj;  // a retry of the same request
    }
  }
  if ((*drill)->finished_at) {
    return Conflict("drill " + QuoteForMessage(req.drill) +
                    " is finished; start a new drill to inject");
  }
  const auto n = std::count_if(existing->begin(), existing->end(),
                               [&](const Injection& i) { return i.scenario == req.scenario; });
  Injection inj;
  inj.drill = req.drill;
  inj.id = req.scenario + "-" + std::to_string(n + 1);
  inj.scenario = req.scenario;
  inj.injected_at = req.at.value_or(now);
  inj.key = req.key;
  inj.recorded_at = now;
  Status s = store_->InsertInjection(inj);
  if (!s.ok()) {
    if (s.code() == StatusCode::kUnavailable) StorageFailed("injection", s, req.drill);
    return s;
  }
  StorageOk();
  *created = true;
  {
    MutexLock live(&live_mu_);
    live_.insert(req.drill);
  }
  log_->Info("injection recorded", {{"drill", inj.drill},
                                    {"scenario", inj.scenario},
                                    {"injection", inj.id},
                                    {"injected_at", FormatRfc3339(inj.injected_at)},
                                    {"gate", FormatDuration(sc->gate)},
                                    {"window", FormatDuration(sc->window)}});
  Changed();
  return inj;
}

Result<Injection> Service::Clear(const std::string& drill, const std::string& id,
                                 std::optional<Timestamp> at) {
  const Timestamp now = clock_->Now();
  const auto cfg = config();
  if (at && *at > now + cfg->skew_tolerance) {
    return InvalidArgument("at: " + FormatRfc3339(*at) + " is in the future");
  }
  MutexLock lock(&mutate_mu_);
  auto d = store_->GetDrill(drill);
  if (!d.ok()) {
    StorageFailed("read", d.status(), drill);
    return d.status();
  }
  if (!d->has_value()) return NotFound("unknown drill " + QuoteForMessage(drill));
  auto injections = store_->ListInjections(drill);
  if (!injections.ok()) {
    StorageFailed("read", injections.status(), drill);
    return injections.status();
  }
  for (auto inj : *injections) {
    if (inj.id != id) continue;
    if (inj.cleared_at) return inj;
    inj.cleared_at = at.value_or(now);
    if (*inj.cleared_at < inj.injected_at) {
      return InvalidArgument("at: the fault cannot be cleared before it was injected (" +
                             FormatRfc3339(inj.injected_at) + ")");
    }
    Status s = store_->ClearInjection(drill, id, *inj.cleared_at);
    if (!s.ok()) {
      if (s.code() == StatusCode::kUnavailable) StorageFailed("injection", s, drill);
      return s;
    }
    StorageOk();
    log_->Info("injection cleared",
               {{"drill", drill}, {"scenario", inj.scenario}, {"injection", inj.id}});
    Changed();
    return inj;
  }
  return NotFound("unknown injection " + QuoteForMessage(id) + " in drill " +
                  QuoteForMessage(drill));
}

void Service::IngestWebhook(std::string body, std::function<void(Result<WebhookOutcome>)> done) {
  // Stamp first: the receipt time is the gate measure, parsing must not add to it.
  const Timestamp received_at = clock_->Now();
  auto msg = ParseWebhook(body, limits_);
  if (!msg.ok()) {
    log_->Warn("webhook rejected", {{"err", msg.status().message()}});
    return done(msg.status());
  }
  std::vector<Notification> alerts;
  alerts.reserve(msg->alerts.size());
  for (auto& a : msg->alerts) {
    Notification n;
    n.received_at = received_at;
    n.fingerprint = a.fingerprint;
    n.starts_at = a.starts_at;
    n.ends_at = a.ends_at;
    n.status = a.status;
    n.labels = std::move(a.labels);
    n.receiver = msg->receiver;
    alerts.push_back(std::move(n));
  }
  WebhookOutcome out{alerts.size(), 0, 0, msg->receiver, msg->group_key};
  store_->InsertWebhookAsync(
      received_at, std::move(body), std::move(alerts),
      [this, out = std::move(out), done = std::move(done)](Result<WebhookReceipt> receipt) mutable {
        if (!receipt.ok()) {
          StorageFailed("webhook", receipt.status(), "");
          return done(receipt.status());
        }
        StorageOk();
        metrics_->CountNotifications(receipt->stored, receipt->duplicates);
        out.stored = receipt->stored.size();
        out.duplicates = receipt->duplicates;
        if (log_->Enabled(LogLevel::kDebug)) {
          for (const auto& n : receipt->stored) {
            log_->Debug("notification stored", {{"alertname", n.AlertName()},
                                                {"status", std::string(AlertStatusName(n.status))},
                                                {"fingerprint", n.fingerprint},
                                                {"starts_at", FormatRfc3339(n.starts_at)}});
          }
        }
        if (!receipt->stored.empty()) Changed();
        done(std::move(out));
      });
}

Result<DrillResult> EvaluateStored(Store* store, const Drill& drill, const Config& config,
                                   Timestamp now) {
  auto injections = store->ListInjections(drill.id);
  if (!injections.ok()) return injections.status();
  const TimeRange range = NotificationRange(drill, *injections, config, now);
  auto notifications = store->ListNotifications(range.from, range.to);
  if (!notifications.ok()) return notifications.status();
  return Evaluate(drill, *injections, *notifications, config, now);
}

Result<DrillResult> Service::EvaluateDrill(const Drill& drill, const Config& config,
                                           Timestamp now) {
  return EvaluateStored(store_, drill, config, now);
}

Result<DrillResult> Service::Results(const std::string& id) {
  auto drill = store_->GetDrill(id);
  if (!drill.ok()) return drill.status();
  if (!drill->has_value()) return NotFound("unknown drill " + QuoteForMessage(id));
  return EvaluateDrill(**drill, *config(), clock_->Now());
}

Result<std::vector<DrillResult>> Service::ListResults() {
  auto drills = store_->ListDrills();
  if (!drills.ok()) return drills.status();
  const auto cfg = config();
  const Timestamp now = clock_->Now();
  std::vector<DrillResult> out;
  for (const auto& d : *drills) {
    auto r = EvaluateDrill(d, *cfg, now);
    if (!r.ok()) return r.status();
    out.push_back(std::move(r).value());
  }
  return out;
}

void Service::Publish(const DrillResult& r, bool log_changes) {
  metrics_->PublishDrill(r);
  MutexLock lock(&live_mu_);
  if (IsLive(r)) {
    live_.insert(r.drill.id);
  } else {
    live_.erase(r.drill.id);
  }
  for (const auto& ir : r.injections) {
    const std::string key = r.drill.id + "/" + ir.injection.id;
    auto [it, inserted] = verdicts_.emplace(key, ir.verdict);
    const bool changed = inserted || it->second != ir.verdict;
    it->second = ir.verdict;
    if (!log_changes || !changed || ir.verdict == InjectionVerdict::kPending) continue;
    const LogLevel level =
        ir.verdict == InjectionVerdict::kPass ? LogLevel::kInfo : LogLevel::kWarn;
    log_->Log(level, "injection decided",
              {{"drill", r.drill.id},
               {"scenario", ir.injection.scenario},
               {"injection", ir.injection.id},
               {"verdict", Name(ir.verdict)},
               {"time_to_alert",
                ir.time_to_alert ? FormatDuration(*ir.time_to_alert) : std::string("none")},
               {"gate", FormatDuration(ir.gate)}});
  }
}

Status Service::PublishAll() {
  auto drills = store_->ListDrills();
  if (!drills.ok()) {
    StorageFailed("read", drills.status(), "");
    return drills.status();
  }
  const auto cfg = config();
  const Timestamp now = clock_->Now();
  for (const auto& d : *drills) {
    auto r = EvaluateDrill(d, *cfg, now);
    if (!r.ok()) {
      StorageFailed("read", r.status(), d.id);
      return r.status();
    }
    Publish(*r, /*log_changes=*/false);
  }
  return Status::Ok();
}

void Service::Tick() {
  std::vector<std::string> live;
  {
    MutexLock lock(&live_mu_);
    live.assign(live_.begin(), live_.end());
  }
  const auto cfg = config();
  const Timestamp now = clock_->Now();
  for (const auto& id : live) {
    auto drill = store_->GetDrill(id);
    if (!drill.ok()) {
      StorageFailed("read", drill.status(), id);
      continue;
    }
    if (!drill->has_value()) continue;
    auto r = EvaluateDrill(**drill, *cfg, now);
    if (!r.ok()) {
      StorageFailed("read", r.status(), id);
      continue;
    }
    Publish(*r, /*log_changes=*/true);
  }
}

Result<RetentionStats> Service::ApplyRetention(Duration retention) {
  const Timestamp cutoff = clock_->Now() - retention;
  MutexLock lock(&mutate_mu_);
  // Evaluate reads one window back from each injection (pre-existing alerts).
  const auto cfg = config();
  Duration lookback = cfg->window;
  for (const auto& sc : cfg->scenarios) lookback = std::max(lookback, sc.window);
  auto stats = store_->DeleteOlderThan(cutoff, lookback);
  if (!stats.ok()) {
    StorageFailed("retention", stats.status(), "");
    return stats.status();
  }
  for (const auto& id : stats->drill_ids) {
    metrics_->ForgetDrill(id);
    MutexLock live(&live_mu_);
    live_.erase(id);
    for (auto it = verdicts_.lower_bound(id + "/");
         it != verdicts_.end() && it->first.compare(0, id.size() + 1, id + "/") == 0;) {
      it = verdicts_.erase(it);
    }
  }
  if (stats->drills + stats->notifications + stats->webhooks > 0) {
    log_->Info("retention applied", {{"cutoff", FormatRfc3339(cutoff)},
                                     {"drills", std::to_string(stats->drills)},
                                     {"notifications", std::to_string(stats->notifications)},
                                     {"webhooks", std::to_string(stats->webhooks)}});
  }
  return stats;
}

Status Service::Ready() {
  Status s = store_->Ping();
  if (!s.ok()) return Unavailable("storage does not answer: " + s.message());
  if (!storage_ok_) return Unavailable("the last storage write failed");
  return Status::Ok();
}

}  // namespace alertgate
