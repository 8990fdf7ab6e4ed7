#include "alertmanager/router.h"

#include <algorithm>

namespace alertgate {
namespace {

void Append(std::vector<const AmRoute*>* to, const std::vector<const AmRoute*>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

// Merges outcomes with the same route list (their dependencies are joined).
std::vector<RouteOutcome> Dedupe(std::vector<RouteOutcome> in, size_t limit) {
  std::vector<RouteOutcome> out;
  for (auto& o : in) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const RouteOutcome& x) { return x.routes == o.routes; });
    if (it != out.end()) {
      it->depends_on.insert(o.depends_on.begin(), o.depends_on.end());
    } else if (out.size() < limit) {
      out.push_back(std::move(o));
    }
  }
  return out;
}

std::vector<RouteOutcome> Walk(const AmRoute& r, const Labels& known, size_t limit) {
  std::set<std::string> deps;
  const Tri t = MatchPartial(r.matchers, known, &deps);
  if (t == Tri::kNo) return {RouteOutcome{}};
  struct State {
    RouteOutcome so_far;
    bool stopped = false;
  };
  std::vector<State> states{State{RouteOutcome{{}, deps}, false}};
  for (const auto& child : r.routes) {
    const std::vector<RouteOutcome> child_outcomes = Walk(child, known, limit);
    std::vector<State> next;
    for (const auto& s : states) {
      if (s.stopped) {
        next.push_back(s);
        continue;
      }
      for (const auto& co : child_outcomes) {
        State n = s;
        Append(&n.so_far.routes, co.routes);
        n.so_far.depends_on.insert(co.depends_on.begin(), co.depends_on.end());
        n.stopped = !co.routes.empty() && !child.continue_matching;
        next.push_back(std::move(n));
      }
    }
    if (next.size() > limit) next.resize(limit);
    states = std::move(next);
  }
  std::vector<RouteOutcome> out;
  for (auto& s : states) {
    if (s.so_far.routes.empty()) s.so_far.routes.push_back(&r);
    out.push_back(std::move(s.so_far));
  }
  if (t == Tri::kMaybe) out.push_back(RouteOutcome{{}, deps});
  return Dedupe(std::move(out), limit);
}

}  // namespace

Tri MatchPartial(const Matcher& m, const Labels& known, std::set<std::string>* unknown) {
  auto it = known.find(m.name());
  if (it == known.end()) {
    if (unknown != nullptr) unknown->insert(m.name());
    return Tri::kMaybe;
  }
  return m.MatchesValue(it->second) ? Tri::kYes : Tri::kNo;
}

Tri MatchPartial(const std::vector<Matcher>& all, const Labels& known,
                 std::set<std::string>* unknown) {
  Tri result = Tri::kYes;
  std::set<std::string> deps;
  for (const auto& m : all) {
    const Tri t = MatchPartial(m, known, &deps);
    if (t == Tri::kNo) return Tri::kNo;
    if (t == Tri::kMaybe) result = Tri::kMaybe;
  }
  if (unknown != nullptr) unknown->insert(deps.begin(), deps.end());
  return result;
}

std::vector<const AmRoute*> MatchRoutes(const AmRoute& root, const Labels& labels) {
  for (const auto& m : root.matchers) {
    if (!m.Matches(labels)) return {};
  }
  std::vector<const AmRoute*> all;
  for (const auto& child : root.routes) {
    const std::vector<const AmRoute*> got = MatchRoutes(child, labels);
    Append(&all, got);
    if (!got.empty() && !child.continue_matching) break;
  }
  if (all.empty()) all.push_back(&root);
  return all;
}

std::vector<RouteOutcome> MatchRoutesPartial(const AmRoute& root, const Labels& known,
                                             size_t limit) {
  return Walk(root, known, std::max<size_t>(limit, 1));
}

}  // namespace alertgate
