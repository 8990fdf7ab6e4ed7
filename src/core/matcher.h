// Prometheus / Alertmanager label matchers: name="v", name!="v", name=~"re",
// name!~"re". Regexes are RE2 and fully anchored, as Prometheus does.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"

namespace re2 {
class RE2;
}

namespace alertgate {

class Matcher {
 public:
  enum class Op { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

  // Builds a matcher; for regex ops compiles "^(?:value)$" with RE2 and fails
  // with InvalidArgument naming the regex when it does not compile.
  static Result<Matcher> Create(std::string name, Op op, std::string value);

  const std::string& name() const { return name_; }
  Op op() const { return op_; }
  const std::string& value() const { return value_; }

  // A missing label matches as the empty string, as in Prometheus.
  bool Matches(const Labels& labels) const;
  bool MatchesValue(std::string_view v) const;

  // Canonical text: name="value" with the value escaped as a Go string
  // literal (\\, \", \n), e.g. severity=~"critical|page".
  std::string ToString() const;

 private:
  Matcher(std::string name, Op op, std::string value, std::shared_ptr<const re2::RE2> re)
      : name_(std::move(name)), op_(op), value_(std::move(value)), re_(std::move(re)) {}

  std::string name_;
  Op op_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // set for regex ops; immutable, shared
};

// A conjunction of matchers (all must match).
class MatcherSet {
 public:
  MatcherSet() = default;
  explicit MatcherSet(std::vector<Matcher> matchers) : matchers_(std::move(matchers)) {}

  bool Matches(const Labels& labels) const;
  const std::vector<Matcher>& matchers() const { return matchers_; }
  bool empty() const { return matchers_.empty(); }
  // Matchers joined with ", ", e.g. alertname="X", severity=~"critical|page".
  std::string ToString() const;
  // The value of an alertname="X" equality matcher, or "" if there is none.
  std::string AlertName() const;

 private:
  std::vector<Matcher> matchers_;
};

// Parses one matcher list in Prometheus/Alertmanager syntax:
//   alertname="X", severity=~"critical|page"
// optionally wrapped in braces ({...}). Label names follow
// [a-zA-Z_][a-zA-Z0-9_]*; values are double-quoted with Go escapes
// (\" \\ \n \t). Whitespace around tokens is ignored; a trailing comma is
// allowed. An empty list is an error. Errors say what was expected and at
// which character offset.
//
// MatcherSyntax::kAlertmanager reads one entry of an Alertmanager 0.25
// `matchers:` list as its pkg/labels.ParseMatchers does: comma-separated,
// optional braces, names may contain ':', values quoted (escapes \" \\ \n;
// other backslashes literal) or bare, and an empty list is allowed.
enum class MatcherSyntax { kAlertgate, kAlertmanager };
Result<MatcherSet> ParseMatchers(std::string_view text,
                                 MatcherSyntax syntax = MatcherSyntax::kAlertgate);

}  // namespace alertgate
