#include "http/routes.h"

#include <set>

#include "core/text.h"
#include "http/errors.h"

namespace alertgate {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding; '+' is a space in query components only.
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      const int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return InvalidArgument("malformed percent-escape in the request target");
      }
      const char c = static_cast<char>(hi << 4 | lo);
      if (c == '\0') return InvalidArgument("%00 in the request target");
      out += c;
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> SplitPattern(std::string_view pattern) {
  std::vector<std::string> out;
  pattern.remove_prefix(1);  // patterns start with '/'
  while (true) {
    const auto slash = pattern.find('/');
    out.emplace_back(pattern.substr(0, slash));
    if (slash == std::string_view::npos) break;
    pattern.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether `segments` fit `pattern`, filling `params` when they do.
bool MatchPattern(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
                  std::map<std::string, std::string>* params) {
  if (pattern.size() != segments.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (segments[i].empty()) return false;
    } else if (pattern[i] != segments[i]) {
      return false;
    }
  }
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = segments[i];
  }
  return true;
}

}  // namespace

std::string HttpRequest::Query(std::string_view name, const std::string& fallback) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return fallback;
}

bool HttpRequest::HasQuery(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return true;
  }
  return false;
}

const std::string& HttpRequest::Param(const std::string& name) const {
  static const std::string kEmpty;
  const auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  return HttpResponse{status, "application/json", std::move(body), {}};
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  return HttpResponse{status, "text/plain; charset=utf-8", std::move(body), {}};
}

HttpResponse HttpResponse::Error(const Status& status) {
  return Json(Info(status.code()).http_status, ErrorBody(status));
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (const auto& r : routes_) patterns_.push_back(SplitPattern(r.pattern));
}

Router::Match Router::Find(std::string_view method,
                           const std::vector<std::string>& segments) const {
  Match m;
  std::set<std::string> allowed;
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (size_t i = 0; i < routes_.size(); ++i) {
    std::map<std::string, std::string> params;
    if (!MatchPattern(patterns_[i], segments, &params)) continue;
    if (routes_[i].method == wanted) {
      m.route = &routes_[i];
      m.params = std::move(params);
      m.access = routes_[i].access;
      return m;
    }
    m.path_exists = true;
    allowed.insert(routes_[i].method);
    if (routes_[i].method == "GET") allowed.insert("HEAD");
  }
  for (const auto& a : allowed) m.allow += (m.allow.empty() ? "" : ", ") + a;
  return m;
}

Result<Target> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return InvalidArgument("request target " + QuoteForMessage(target) +
                           " is not a path (origin form)");
  }
  Target t;
  const auto q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  auto path = PercentDecode(raw_path, false);
  if (!path.ok()) return path.status();
  t.path = std::move(path).value();
  std::string_view rest = raw_path.substr(1);
  while (true) {
    const auto slash = rest.find('/');
    auto segment = PercentDecode(rest.substr(0, slash), false);
    if (!segment.ok()) return segment.status();
    t.segments.push_back(std::move(segment).value());
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      if (!pair.empty()) {
        const auto eq = pair.find('=');
        auto key = PercentDecode(pair.substr(0, eq), true);
        auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
        if (!key.ok()) return key.status();
        if (!value.ok()) return value.status();
        t.query.emplace_back(std::move(key).value(), std::move(value).value());
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return t;
}

}  // namespace alertgate
