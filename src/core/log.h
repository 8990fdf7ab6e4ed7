// Structured logging in logfmt (default) or JSON, one line per event:
//   ts=2026-02-02T09:00:12.345Z level=info msg="injection recorded" drill=d1 scenario=A
//   injection=A-1
// The field names operators grep for are fixed: level, msg, drill, scenario,
// injection, err. Thread-safe.
#pragma once

#include <initializer_list>
#include <ostream>
#include <string>
#include <utility>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/status.h"

namespace alertgate {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kLogfmt, kJson };

Result<LogLevel> ParseLogLevel(const std::string& text);    // debug|info|warn|error
Result<LogFormat> ParseLogFormat(const std::string& text);  // logfmt|json

using LogField = std::pair<std::string, std::string>;

class Logger {
 public:
  // `out` and `clock` must outlive the logger.
  Logger(std::ostream* out, const Clock* clock, LogLevel level, LogFormat format)
      : out_(out), clock_(clock), level_(level), format_(format) {}

  void Log(LogLevel level, const std::string& msg, std::initializer_list<LogField> fields = {});
  void Debug(const std::string& msg, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kDebug, msg, f);
  }
  void Info(const std::string& msg, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kInfo, msg, f);
  }
  void Warn(const std::string& msg, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kWarn, msg, f);
  }
  void Error(const std::string& msg, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kError, msg, f);
  }

  bool Enabled(LogLevel level) const { return level >= level_; }

 private:
  Mutex mu_;  // one line at a time
  std::ostream* out_ AG_PT_GUARDED_BY(mu_);
  const Clock* clock_;
  LogLevel level_;
  LogFormat format_;
};

// Formats one logfmt value: bare when it is a plain token, else quoted with
// \" \\ \n escapes.
std::string LogfmtValue(const std::string& v);

}  // namespace alertgate
