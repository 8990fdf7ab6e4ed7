// alertgate's HTTP API (docs/api.md) as a route table: the operations of the
// Service, the metrics exposition, health, readiness and reload.
#pragma once

#include <functional>
#include <vector>

#include "core/status.h"
#include "http/routes.h"

namespace alertgate {

class Metrics;
class Service;

// The routes of the API. `reload` is called for POST /-/reload and returns
// the outcome. The pointers must outlive every use of the routes.
std::vector<Route> ApiRoutes(Service* service, Metrics* metrics, std::function<Status()> reload);

}  // namespace alertgate
