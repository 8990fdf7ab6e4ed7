// Who may do what: the roles of the web config and the access each route of
// the API requires. The route table (http/routes.h) names one Access per
// route; Permits() is the one rule that relates the two.
#pragma once

#include <string>

#include "core/status.h"

namespace alertgate {

// What a caller may do. Ordered by nothing: use Permits(), not comparisons.
enum class Role {
  kWebhook,  // POST /api/v1/webhook only (Alertmanager)
  kRunner,   // start/finish drills, inject, clear, post probes, plus everything kViewer may
  kViewer,   // GET drills, results, reports, the status page, /metrics
  kAdmin,    // everything, including POST /-/reload
};

const char* RoleName(Role role);                  // "webhook", "runner", ...
Result<Role> ParseRole(const std::string& text);  // the inverse of RoleName

// What a route requires of its caller.
enum class Access {
  kPublic,   // anyone, with or without credentials: /-/healthy, /-/ready
  kWebhook,  // Alertmanager's deliveries
  kRead,     // results, reports, the status page
  kMetrics,  // /metrics: kRead, or anyone when the web config says metrics_public
  kRun,      // the drill runner's writes
  kAdmin,    // reload, and every path or method no route declares
};

// Whether `role` may call a route that requires `access` (kPublic and
// kMetrics-when-public are decided before any role is known).
bool Permits(Role role, Access access);

}  // namespace alertgate
