// Status and Result<T>: the one error type used throughout alertgate.
//
// Library code never throws; exceptions raised by third-party libraries are
// caught at the module boundary and turned into a Status. Each code's name,
// HTTP status and API error type live in one table (StatusCodeInfo); exit
// codes in cli/exit_codes.h.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace alertgate {

enum class StatusCode {
  kOk,
  kInvalidArgument,   // malformed input: never retried by the caller
  kNotFound,          // unknown drill, scenario or injection
  kConflict,          // request contradicts stored state
  kTooLarge,          // body or field over a configured limit
  kUnauthenticated,   // missing or wrong credentials
  kPermissionDenied,  // valid credentials, but the role does not allow it
  kUnavailable,       // storage could not commit, or overloaded: the caller should retry
  kInternal,          // a bug
  // Refusals of the HTTP layer, before any handler runs.
  kMethodNotAllowed,  // the path exists, the method does not
  kTimeout,           // the request did not arrive within --web.read-timeout
  kUnsupportedMedia,  // a Content-Encoding other than identity
  kHeaderTooLarge,    // request header over its size or field-count limit
  kNotImplemented,    // a Transfer-Encoding other than chunked
};

// What a StatusCode means outside the process.
struct StatusCodeInfo {
  StatusCode code;
  const char* name;        // stable lowercase name, e.g. "invalid_argument"
  int http_status;         // e.g. 400
  const char* error_type;  // the API's "errorType", e.g. "bad_data"
};

// The row of `code` in the one table of status codes.
const StatusCodeInfo& Info(StatusCode code);
inline const char* StatusCodeName(StatusCode code) { return Info(code).name; }

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with context: "config.yml:3: " + message.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + message_);
  }

  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string msg) {
  return Status(StatusCode::kInvalidArgument, std::move(msg));
}
inline Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
inline Status Conflict(std::string msg) { return Status(StatusCode::kConflict, std::move(msg)); }
inline Status TooLarge(std::string msg) { return Status(StatusCode::kTooLarge, std::move(msg)); }
inline Status Unavailable(std::string msg) {
  return Status(StatusCode::kUnavailable, std::move(msg));
}
inline Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace alertgate

// Returns early from the calling function when `expr` (a Status) is not OK.
#define AG_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::alertgate::Status ag_status_ = (expr); \
    if (!ag_status_.ok()) return ag_status_; \
  } while (0)
