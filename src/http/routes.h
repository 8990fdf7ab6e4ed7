// The HTTP API as one table: each route's method, path pattern, the access
// it requires, and its handler. The server routes and authorizes with the
// same table (http/server.h), so the two cannot drift apart. Requests and
// responses here are plain values: handlers never see the HTTP library.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "http/roles.h"

namespace alertgate {

struct HttpRequest {
  std::string method;  // as sent; a HEAD request is routed as "GET" with head = true
  bool head = false;
  std::string target;  // the request-target as sent, e.g. /api/v1/drills/d1/report?format=html
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> params;  // the route pattern's {name} segments, decoded
  std::string body;
  std::string remote;  // the peer, "127.0.0.1:50412"

  // The first value of query parameter `name`, or `fallback`.
  std::string Query(std::string_view name, const std::string& fallback = "") const;
  bool HasQuery(std::string_view name) const;
  // The value of the pattern's {name}; "" when the pattern has none.
  const std::string& Param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers

  static HttpResponse Json(int status, std::string body);
  static HttpResponse Text(int status, std::string body);
  // The status's HTTP code (core/status.h) with the JSON error body.
  static HttpResponse Error(const Status& status);
};

// Delivers a response; thread-safe, call exactly once.
using Responder = std::function<void(HttpResponse)>;

// Where a handler runs.
enum class Dispatch {
  kInline,    // on the I/O thread: handlers that never block (no storage, no locks held long)
  kBlocking,  // on the worker pool: handlers that read or write storage or render documents
  kAsync,     // starts on the I/O thread and answers later through its Responder
};

struct Route {
  std::string method;   // "GET" (also serves HEAD) or "POST"
  std::string pattern;  // "/api/v1/drills/{drill}/report"; {name} is one non-empty segment
  Access access;
  Dispatch dispatch;
  std::function<HttpResponse(const HttpRequest&)> handle;    // kInline, kBlocking
  std::function<void(HttpRequest, Responder)> handle_async;  // kAsync
};

// Finds the route of a request.
class Router {
 public:
  explicit Router(std::vector<Route> routes);

  struct Match {
    const Route* route = nullptr;  // null: no route for this method and path
    bool path_exists = false;      // some route has this path with another method
    std::string allow;             // those methods, for a 405's Allow header
    std::map<std::string, std::string> params;
    // What the request requires: the route's access, or kAdmin for a
    // request no route declares (so only an admin learns it is a 404/405).
    Access access = Access::kAdmin;
  };
  // `method` as sent ("HEAD" matches GET routes); `path` percent-decoded
  // segment by segment from the raw path (so an encoded "/" stays inside
  // its segment).
  Match Find(std::string_view method, const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // routes_[i].pattern split into segments
};

// The parts of a request-target in origin form (/path?query). InvalidArgument
// for another form or a malformed percent escape.
struct Target {
  std::vector<std::string> segments;  // decoded; "/a//b/" is {"a", "", "b", ""}
  std::string path;                   // decoded
  std::vector<std::pair<std::string, std::string>> query;
};
Result<Target> ParseTarget(std::string_view target);

}  // namespace alertgate
