#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "core/duration.h"
#include "core/text.h"
#include "core/yaml.h"

namespace alertgate {
namespace {

class Loader : public YamlSource {
 public:
  using YamlSource::YamlSource;

  Result<Config> Load(const YAML::Node& root) const {
    Config cfg;
    cfg.source = filename();
    if (!Has(root)) return InvalidArgument(filename() + ":1: the file is empty");
    if (!root.IsMap()) return Error(root, "expected a mapping with 'global' and 'scenarios'");
    AG_RETURN_IF_ERROR(CheckKeys(root, "the top level", {"global", "scenarios"}));

    if (const YAML::Node global = root["global"]; global.IsDefined() && !global.IsNull()) {
      if (!global.IsMap()) return Error(global, "global: expected a mapping");
      AG_RETURN_IF_ERROR(CheckKeys(global, "global", {"gate", "window", "skew_tolerance"}));
      if (global["gate"]) {
        auto d = Dur(global["gate"], "global.gate");
        if (!d.ok()) return d.status();
        cfg.gate = *d;
      }
      if (global["window"]) {
        auto d = Dur(global["window"], "global.window");
        if (!d.ok()) return d.status();
        cfg.window = *d;
      }
      if (global["skew_tolerance"]) {
        auto d = Dur(global["skew_tolerance"], "global.skew_tolerance");
        if (!d.ok()) return d.status();
        cfg.skew_tolerance = *d;
      }
      if (cfg.gate.count() <= 0) return Error(global["gate"], "global.gate: must be positive");
      if (cfg.window < cfg.gate) {
        return Error(global["window"] ? global["window"] : global,
                     "global.window (" + FormatDuration(cfg.window) +
                         ") must not be shorter than global.gate (" + FormatDuration(cfg.gate) +
                         ")");
      }
    }

    const YAML::Node scenarios = root["scenarios"];
    if (!scenarios.IsDefined() || scenarios.IsNull()) {
      return Error(root, "scenarios: missing; declare at least one scenario");
    }
    if (!scenarios.IsSequence()) return Error(scenarios, "scenarios: expected a list");
    std::set<std::string> seen;
    for (size_t i = 0; i < scenarios.size(); ++i) {
      auto sc = LoadScenario(scenarios[i], i, cfg);
      if (!sc.ok()) return sc.status();
      if (!seen.insert(sc->id).second) {
        return Error(scenarios[i]["id"], "scenarios[" + std::to_string(i) + "].id: duplicate id " +
                                             QuoteForMessage(sc->id));
      }
      cfg.scenarios.push_back(std::move(sc).value());
    }
    if (cfg.scenarios.empty()) return Error(scenarios, "scenarios: declare at least one scenario");
    return cfg;
  }

  Result<Scenario> LoadScenario(const YAML::Node& node, size_t index, const Config& cfg) const {
    const std::string ctx = "scenarios[" + std::to_string(index) + "]";
    if (!node.IsMap()) return Error(node, ctx + ": expected a mapping");
    AG_RETURN_IF_ERROR(CheckKeys(node, ctx, {"id", "name", "runbook", "expect", "gate", "window"}));
    Scenario sc;
    if (!node["id"]) return Error(node, ctx + ".id: missing required field");
    auto id = String(node["id"], ctx + ".id");
    if (!id.ok()) return id.status();
    sc.id = *id;
    if (sc.id.empty() ||
        sc.id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789_.-") != std::string::npos ||
        sc.id.size() > 64) {
      return Error(node["id"], ctx + ".id: \"" + sc.id +
                                   "\" must be 1-64 characters of letters, digits, '_', '.', '-'");
    }
    if (node["name"]) {
      auto v = String(node["name"], ctx + ".name");
      if (!v.ok()) return v.status();
      sc.name = *v;
    }
    if (sc.name.empty()) sc.name = sc.id;
    if (node["runbook"]) {
      auto v = String(node["runbook"], ctx + ".runbook");
      if (!v.ok()) return v.status();
      sc.runbook = *v;
    }
    const YAML::Node expect = node["expect"];
    if (!expect) return Error(node, ctx + ".expect: missing; list at least one alert matcher");
    if (!expect.IsSequence() || expect.size() == 0) {
      return Error(expect, ctx + ".expect: expected a non-empty list of matchers");
    }
    for (size_t j = 0; j < expect.size(); ++j) {
      const std::string ectx = ctx + ".expect[" + std::to_string(j) + "]";
      auto text = String(expect[j], ectx);
      if (!text.ok()) return text.status();
      auto set = ParseMatchers(*text);
      if (!set.ok()) return Error(expect[j], ectx + ": " + set.status().message());
      sc.expect.push_back(std::move(set).value());
      sc.expect_lines.push_back(Ref(expect[j]).line);
    }
    sc.gate = cfg.gate;
    sc.window = cfg.window;
    if (node["gate"]) {
      auto d = Dur(node["gate"], ctx + ".gate");
      if (!d.ok()) return d.status();
      if (d->count() <= 0) return Error(node["gate"], ctx + ".gate: must be positive");
      sc.gate = *d;
    }
    if (node["window"]) {
      auto d = Dur(node["window"], ctx + ".window");
      if (!d.ok()) return d.status();
      sc.window = *d;
    }
    if (sc.window < sc.gate) {
      return Error(node["window"] ? node["window"] : node,
                   ctx + ": window (" + FormatDuration(sc.window) +
                       ") must not be shorter than gate (" + FormatDuration(sc.gate) + ")");
    }
    return sc;
  }
};

}  // namespace

const Scenario* Config::FindScenario(std::string_view id) const {
  for (const auto& s : scenarios) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

Result<Config> ParseConfig(std::string_view yaml, const std::string& filename) {
  const Loader loader(filename);
  return loader.Parse(yaml, [&](const YAML::Node& root) { return loader.Load(root); });
}

Result<Config> LoadConfigFile(const std::string& path) {
  const Loader loader(path);
  return loader.Read([&](const YAML::Node& root) { return loader.Load(root); });
}

}  // namespace alertgate
