// A Store wrapper that injects storage failures, for testing the error paths
// of its callers (503 on a failed commit, /-/ready on a dead database).
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace alertgate::test {

// Forwards every call to `inner` unless told to fail. While writes fail, the
// write methods return kUnavailable "injected write failure" and never reach
// `inner`, so nothing changes; while reads fail, the read methods (and Ping)
// return kUnavailable "injected read failure". Thread-safe when `inner` is.
// `inner` must outlive the wrapper.
class FailingStore final : public Store {
 public:
  explicit FailingStore(Store* inner) : inner_(inner) {}

  void FailWrites(bool fail) { fail_writes_.store(fail); }
  void FailReads(bool fail) { fail_reads_.store(fail); }
  // Webhook inserts so far, failed ones included.
  size_t webhook_writes() const { return webhook_writes_.load(); }

  Result<std::optional<Drill>> GetDrill(const std::string& id) override {
    if (fail_reads_.load()) return ReadFailure();
    return inner_->GetDrill(id);
  }
  Result<std::vector<Drill>> ListDrills() override {
    if (fail_reads_.load()) return ReadFailure();
    return inner_->ListDrills();
  }
  Status InsertDrill(const Drill& drill) override {
    if (fail_writes_.load()) return WriteFailure();
    return inner_->InsertDrill(drill);
  }
  Status FinishDrill(const std::string& id, Timestamp at) override {
    if (fail_writes_.load()) return WriteFailure();
    return inner_->FinishDrill(id, at);
  }
  Result<std::vector<Injection>> ListInjections(const std::string& drill) override {
    if (fail_reads_.load()) return ReadFailure();
    return inner_->ListInjections(drill);
  }
  Status InsertInjection(const Injection& injection) override {
    if (fail_writes_.load()) return WriteFailure();
    return inner_->InsertInjection(injection);
  }
  Status ClearInjection(const std::string& drill, const std::string& id, Timestamp at) override {
    if (fail_writes_.load()) return WriteFailure();
    return inner_->ClearInjection(drill, id, at);
  }
  void InsertWebhookAsync(Timestamp received_at, std::string body, std::vector<Notification> alerts,
                          WebhookDone done) override {
    webhook_writes_.fetch_add(1);
    if (fail_writes_.load()) return done(WriteFailure());
    inner_->InsertWebhookAsync(received_at, std::move(body), std::move(alerts), std::move(done));
  }
  Result<std::vector<Notification>> ListNotifications(Timestamp from, Timestamp to) override {
    if (fail_reads_.load()) return ReadFailure();
    return inner_->ListNotifications(from, to);
  }
  Result<RetentionStats> DeleteOlderThan(Timestamp cutoff, Duration lookback) override {
    if (fail_writes_.load()) return WriteFailure();
    return inner_->DeleteOlderThan(cutoff, lookback);
  }
  Status Ping() override {
    if (fail_reads_.load()) return ReadFailure();
    return inner_->Ping();
  }

 private:
  static Status WriteFailure() { return Unavailable("injected write failure"); }
  static Status ReadFailure() { return Unavailable("injected read failure"); }

  Store* inner_;
  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> fail_reads_{false};
  std::atomic<size_t> webhook_writes_{0};
};

}  // namespace alertgate::test
