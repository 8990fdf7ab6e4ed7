// The Prometheus-style error body every error response carries.
#pragma once

#include <string>

#include "core/status.h"

namespace alertgate {

// {"status":"error","errorType":"bad_data","error":"..."} with the error type
// of the status's code (core/status.h's table gives the HTTP status too).
std::string ErrorBody(const Status& status);

}  // namespace alertgate
