#include "core/status.h"

#include <iterator>

namespace alertgate {
namespace {

// Every StatusCode, in enum order. The HTTP statuses and error types are the
// API's contract (docs/api.md); Prometheus's errorType names where one fits.
constexpr StatusCodeInfo kInfo[] = {
    {StatusCode::kOk, "ok", 200, ""},
    {StatusCode::kInvalidArgument, "invalid_argument", 400, "bad_data"},
    {StatusCode::kNotFound, "not_found", 404, "not_found"},
    {StatusCode::kConflict, "conflict", 409, "conflict"},
    {StatusCode::kTooLarge, "too_large", 413, "too_large"},
    {StatusCode::kUnauthenticated, "unauthenticated", 401, "unauthorized"},
    {StatusCode::kPermissionDenied, "permission_denied", 403, "forbidden"},
    {StatusCode::kUnavailable, "unavailable", 503, "unavailable"},
    {StatusCode::kInternal, "internal", 500, "internal"},
    {StatusCode::kMethodNotAllowed, "method_not_allowed", 405, "method_not_allowed"},
    {StatusCode::kTimeout, "timeout", 408, "timeout"},
    {StatusCode::kUnsupportedMedia, "unsupported_media_type", 415, "unsupported_media_type"},
    {StatusCode::kHeaderTooLarge, "header_too_large", 431, "too_large"},
    {StatusCode::kNotImplemented, "not_implemented", 501, "not_implemented"},
};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < std::size(kInfo); ++i) {
    if (kInfo[i].code != static_cast<StatusCode>(i)) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kInfo lists every StatusCode in enum order");

}  // namespace

const StatusCodeInfo& Info(StatusCode code) {
  const auto i = static_cast<size_t>(code);
  if (i < std::size(kInfo) && kInfo[i].code == code) return kInfo[i];
  return kInfo[static_cast<size_t>(StatusCode::kInternal)];
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace alertgate
