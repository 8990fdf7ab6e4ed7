#include "http/roles.h"

#include "core/text.h"

namespace alertgate {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kWebhook:
      return "webhook";
    case Role::kRunner:
      return "runner";
    case Role::kViewer:
      return "viewer";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

Result<Role> ParseRole(const std::string& text) {
  for (Role r : {Role::kWebhook, Role::kRunner, Role::kViewer, Role::kAdmin}) {
    if (text == RoleName(r)) return r;
  }
  return InvalidArgument("unknown role " + QuoteForMessage(text) +
                         " (known: webhook, runner, viewer, admin)");
}

bool Permits(Role role, Access access) {
  if (role == Role::kAdmin) return true;
  switch (access) {
    case Access::kPublic:
      return true;
    case Access::kWebhook:
      return role == Role::kWebhook;
    case Access::kRead:
    case Access::kMetrics:
      return role == Role::kViewer || role == Role::kRunner;
    case Access::kRun:
      return role == Role::kRunner;
    case Access::kAdmin:
      return false;
  }
  return false;
}

}  // namespace alertgate
