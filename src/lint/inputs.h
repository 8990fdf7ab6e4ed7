// Reads the three files `alertgate lint` checks into a LintInput.
#pragma once

#include <string>

#include "lint/lint.h"

namespace alertgate {

struct LintPaths {
  std::string config = "alertgate.yml";
  std::string prometheus = "prometheus.yml";
  std::string alertmanager = "alertmanager.yml";
};

// Loads the alertgate config, the Prometheus config with its rule files and
// the Alertmanager config. Any unreadable or malformed file is an
// InvalidArgument naming "<file>:<line>".
Result<LintInput> LoadLintInput(const LintPaths& paths);

}  // namespace alertgate
