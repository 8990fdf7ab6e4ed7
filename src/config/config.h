// The alertgate configuration file: global defaults and the scenarios a
// drill can inject (see docs/configuration.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/matcher.h"
#include "core/status.h"

namespace alertgate {

struct Scenario {
  std::string id;                  // "A"; unique, [A-Za-z0-9_.-]+
  std::string name;                // "Postgres primary failover"
  std::string runbook;             // path or URL, free text
  std::vector<MatcherSet> expect;  // at least one
  std::vector<int> expect_lines;   // expect[i]'s line in Config::source (0: unknown)
  Duration gate{0};                // resolved: scenario override or global
  Duration window{0};              // resolved: scenario override or global
};

struct Config {
  Duration gate = std::chrono::seconds(60);
  Duration window = std::chrono::minutes(5);
  Duration skew_tolerance = std::chrono::seconds(2);
  std::vector<Scenario> scenarios;
  std::string source;  // file name the config came from, for messages

  // Returns nullptr when no scenario has this id.
  const Scenario* FindScenario(std::string_view id) const;
};

// Parses and validates YAML text. Unknown keys, wrong types, bad durations or
// matchers, duplicate ids, and a window shorter than its gate are errors of
// the form "<filename>:<line>: <what is wrong>".
Result<Config> ParseConfig(std::string_view yaml, const std::string& filename);

// Reads and parses a file; an unreadable file is an error naming it.
Result<Config> LoadConfigFile(const std::string& path);

}  // namespace alertgate
