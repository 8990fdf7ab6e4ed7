// The real App (config, storage, service, HTTP, ticker) serving in-process
// on a thread of its own, for tests that talk to it over HTTP. Header-only:
// the test binary links the product library, test_util does not need to.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>

#include "app/app.h"
#include "core/clock.h"
#include "test_util.h"

namespace alertgate::test {

class RunningApp {
 public:
  // Whether the app on `port` answers; by default GET /-/healthy over plain
  // HTTP on the loopback answers 200.
  using HealthCheck = std::function<bool(int port)>;

  static bool PlainHttpHealthy(int port) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(1);
    client.set_read_timeout(1);
    auto r = client.Get("/-/healthy");
    return r && r->status == 200;
  }

  // Creates the app, runs it on a thread and waits (Eventually) until
  // `healthy` holds. On failure the test gets a failure saying which step
  // failed (with the log when it never became healthy), whatever was started
  // is stopped, and the result is null: callers ASSERT_NE(..., nullptr).
  // `clock` and `log` must outlive the returned object.
  static std::unique_ptr<RunningApp> Start(const ServeOptions& options, const Clock* clock,
                                           LogCapture* log,
                                           const HealthCheck& healthy = PlainHttpHealthy) {
    auto app = App::Create(options, clock, log);
    if (!app.ok()) {
      ADD_FAILURE() << "App::Create failed: " << app.status().ToString();
      return nullptr;
    }
    std::unique_ptr<RunningApp> running(new RunningApp(std::move(app).value()));
    const int port = running->port();
    if (!Eventually([&] { return healthy(port); })) {
      ADD_FAILURE() << "the app on port " << port << " never became healthy; log:\n" << log->str();
      return nullptr;  // the destructor shuts it down and joins
    }
    return running;
  }

  // Shuts the app down and waits for Run() to return.
  ~RunningApp() {
    app_->Shutdown();
    if (thread_.joinable()) thread_.join();
  }
  RunningApp(const RunningApp&) = delete;
  RunningApp& operator=(const RunningApp&) = delete;

  int port() const { return app_->port(); }
  App& app() { return *app_; }

 private:
  explicit RunningApp(std::unique_ptr<App> app) : app_(std::move(app)) {
    thread_ = std::thread([this] { app_->Run(); });
  }

  std::unique_ptr<App> app_;
  std::thread thread_;
};

}  // namespace alertgate::test
