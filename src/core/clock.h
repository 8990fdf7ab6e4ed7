// Time types and the Clock interface.
//
// alertgate keeps all instants as milliseconds since the Unix epoch (UTC):
// Alertmanager cuts startsAt to milliseconds and the results document prints
// milliseconds, so nothing finer is ever meaningful. Logic never reads the
// wall clock; it is handed a Clock (or a Timestamp) by its caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace alertgate {

using Millis = std::chrono::milliseconds;
// An instant, UTC, millisecond resolution. Covers year 1 .. 9999 and beyond.
using Timestamp = std::chrono::sys_time<Millis>;
// A span of time; may be negative (e.g. a startsAt before the injection).
using Duration = Millis;

inline double ToSeconds(Duration d) { return static_cast<double>(d.count()) / 1000.0; }
inline Timestamp FromUnixMillis(int64_t ms) { return Timestamp(Millis(ms)); }
inline int64_t ToUnixMillis(Timestamp t) { return t.time_since_epoch().count(); }

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time, for stamping facts (receipt of a webhook, an injection).
  virtual Timestamp Now() const = 0;
  // Monotonic time, for measuring intervals; never jumps.
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

// The production clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override {
    return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now();
  }
};

// A clock that moves only when told to. Thread-safe.
//
// Wall time and monotonic time move together under Advance(). Set() models a
// wall-clock step (NTP, an operator): Now() jumps to the new time, backwards
// too, while Monotonic() moves forward by the step when it is forward and not
// at all when it is backward, so Monotonic() never decreases.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_(start) {}

  Timestamp Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return std::chrono::steady_clock::time_point(monotonic_);
  }
  // REQUIRES: d >= 0 (time does not run backwards; use Set() for a step).
  void Advance(Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
    monotonic_ += d;
  }
  void Set(Timestamp t) {
    std::lock_guard<std::mutex> lock(mu_);
    if (t > now_) monotonic_ += t - now_;
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  Timestamp now_;
  Duration monotonic_{0};  // since construction
};

}  // namespace alertgate
