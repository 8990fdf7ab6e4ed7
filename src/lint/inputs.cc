#include "lint/inputs.h"

namespace alertgate {

Result<LintInput> LoadLintInput(const LintPaths& paths) {
  LintInput in;
  auto config = LoadConfigFile(paths.config);
  if (!config.ok()) return config.status();
  in.config = std::move(config).value();
  auto prom = LoadPrometheusSetup(paths.prometheus);
  if (!prom.ok()) return prom.status();
  in.prometheus = std::move(prom).value();
  auto am = LoadAlertmanagerSetup(paths.alertmanager);
  if (!am.ok()) return am.status();
  in.alertmanager = std::move(am).value();
  return in;
}

}  // namespace alertgate
