// The one mapping from StatusCode to HTTP, and the Prometheus-style error body.
#pragma once

#include <string>

#include "core/status.h"

namespace alertgate {

// 400 invalid_argument, 404 not_found, 409 conflict, 413 too_large,
// 401 unauthenticated, 403 permission_denied, 503 unavailable, 500 internal.
int HttpStatusFor(StatusCode code);

// {"status":"error","errorType":"bad_data","error":"..."}
std::string ErrorBody(const Status& status);

}  // namespace alertgate
