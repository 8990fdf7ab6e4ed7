// Where Alertmanager sends an alert: its route tree walked as
// dispatch/route.go does, for alerts whose labels are known in full or only
// in part (lint knows a rule's static labels, not what its expression adds).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "alertmanager/config.h"

namespace alertgate {

// Three-valued truth for matching alerts whose labels are known only in part.
enum class Tri { kNo, kMaybe, kYes };

// Evaluates `m` against an alert of which only `known` labels are certain;
// any other label may be absent or carry any value, so a matcher on it is
// kMaybe. On `unknown`, when non-null, records the label names that made the
// answer kMaybe.
Tri MatchPartial(const Matcher& m, const Labels& known, std::set<std::string>* unknown = nullptr);
Tri MatchPartial(const std::vector<Matcher>& all, const Labels& known,
                 std::set<std::string>* unknown = nullptr);

// The routes an alert with exactly these labels lands on, in order: a
// depth-first, left-to-right walk where a matching child stops the search of
// its siblings unless it has `continue: true`, and a route none of whose
// children match is itself the match (dispatch.Route.Match).
std::vector<const AmRoute*> MatchRoutes(const AmRoute& root, const Labels& labels);

// One way an alert known only in part may be routed.
struct RouteOutcome {
  std::vector<const AmRoute*> routes;  // as MatchRoutes
  std::set<std::string> depends_on;    // unknown labels consulted on the way
};

// Every distinct outcome MatchRoutes can give for an alert of which only
// `known` labels are certain (at most `limit`; more are dropped). A single
// outcome with empty depends_on means the routing is certain.
std::vector<RouteOutcome> MatchRoutesPartial(const AmRoute& root, const Labels& known,
                                             size_t limit = 64);

}  // namespace alertgate
