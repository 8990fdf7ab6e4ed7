#include "prometheus/config.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/text.h"

namespace alertgate {
namespace {

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

// Matches `pattern` like Go's filepath.Glob (no brace expansion, no tilde).
// Returns the matches sorted.
std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}

std::string Normal(const std::filesystem::path& p) { return p.lexically_normal().string(); }

class PrometheusLoader {
 public:
  explicit PrometheusLoader(const std::string& path) : src_(path) {}

  Result<PrometheusSetup> Load() {
    return src_.Read([this](const YAML::Node& root) { return Load(root); });
  }

 private:
  Result<PrometheusSetup> Load(const YAML::Node& root) {
    AG_RETURN_IF_ERROR(src_.RequireMapping(root));
    PrometheusSetup s;
    s.file = src_.filename();
    s.alerting_where = SourceRef{s.file, 0};
    AG_RETURN_IF_ERROR(LoadGlobal(root, &s));
    AG_RETURN_IF_ERROR(LoadJobs(root, &s));
    AG_RETURN_IF_ERROR(LoadAlerting(root, &s));
    AG_RETURN_IF_ERROR(LoadRuleFiles(root, &s));
    return s;
  }

  Status LoadGlobal(const YAML::Node& root, PrometheusSetup* s) {
    const YAML::Node g = root["global"];
    s->global_where = Has(g) ? src_.Ref(g) : SourceRef{s->file, 0};
    if (!Has(g)) return Status::Ok();
    if (!g.IsMap()) return src_.Error(g, "global: expected a mapping");
    bool timeout_set = false;
    if (Has(g["scrape_interval"])) {
      auto d = src_.Dur(g["scrape_interval"], "global.scrape_interval");
      if (!d.ok()) return d.status();
      s->scrape_interval = *d;
    }
    if (Has(g["scrape_timeout"])) {
      auto d = src_.Dur(g["scrape_timeout"], "global.scrape_timeout");
      if (!d.ok()) return d.status();
      s->scrape_timeout = *d;
      timeout_set = true;
    }
    if (Has(g["evaluation_interval"])) {
      auto d = src_.Dur(g["evaluation_interval"], "global.evaluation_interval");
      if (!d.ok()) return d.status();
      s->evaluation_interval = *d;
    }
    if (s->scrape_interval.count() <= 0 || s->evaluation_interval.count() <= 0) {
      return src_.Error(g, "global: scrape_interval and evaluation_interval must be positive");
    }
    // As Prometheus's GlobalConfig.UnmarshalYAML.
    if (!timeout_set && s->scrape_timeout > s->scrape_interval) {
      s->scrape_timeout = s->scrape_interval;
    }
    if (s->scrape_timeout > s->scrape_interval) {
      return src_.Error(g["scrape_timeout"],
                        "global.scrape_timeout is greater than global.scrape_interval "
                        "(Prometheus refuses this config)");
    }
    return src_.StringMap(g["external_labels"], "global.external_labels", &s->external_labels);
  }

  Status LoadJobs(const YAML::Node& root, PrometheusSetup* s) {
    const YAML::Node jobs = root["scrape_configs"];
    if (!Has(jobs)) return Status::Ok();
    if (!jobs.IsSequence()) return src_.Error(jobs, "scrape_configs: expected a list");
    for (size_t i = 0; i < jobs.size(); ++i) {
      const YAML::Node j = jobs[i];
      const std::string ctx = "scrape_configs[" + std::to_string(i) + "]";
      if (!j.IsMap()) return src_.Error(j, ctx + ": expected a mapping");
      if (!Has(j["job_name"])) return src_.Error(j, ctx + ".job_name: missing");
      auto name = src_.String(j["job_name"], ctx + ".job_name");
      if (!name.ok()) return name.status();
      ScrapeJob job;
      job.name = *name;
      job.where = src_.Ref(j["job_name"]);
      job.interval = s->scrape_interval;
      if (Has(j["scrape_interval"])) {
        auto d = src_.Dur(j["scrape_interval"], ctx + ".scrape_interval");
        if (!d.ok()) return d.status();
        if (d->count() <= 0) return src_.Error(j["scrape_interval"], ctx + ": must be positive");
        job.interval = *d;
      }
      if (Has(j["scrape_timeout"])) {
        auto d = src_.Dur(j["scrape_timeout"], ctx + ".scrape_timeout");
        if (!d.ok()) return d.status();
        job.timeout = *d;
        if (job.timeout > job.interval) {
          return src_.Error(j["scrape_timeout"], ctx +
                                                     ": scrape_timeout is greater than "
                                                     "scrape_interval for job \"" +
                                                     job.name + "\" (Prometheus refuses this)");
        }
      } else {
        // As Prometheus's ScrapeConfig.Validate.
        job.timeout = std::min(s->scrape_timeout, job.interval);
      }
      if (s->FindJob(job.name) != nullptr) {
        return src_.Error(j["job_name"], ctx + ": duplicate job_name " + QuoteForMessage(job.name));
      }
      s->jobs.push_back(std::move(job));
    }
    return Status::Ok();
  }

  Status LoadAlerting(const YAML::Node& root, PrometheusSetup* s) {
    const YAML::Node a = root["alerting"];
    if (!Has(a)) return Status::Ok();
    if (!a.IsMap()) return src_.Error(a, "alerting: expected a mapping");
    s->alerting_where = src_.Ref(a);
    s->alert_relabeling = Has(a["alert_relabel_configs"]);
    const YAML::Node ams = a["alertmanagers"];
    if (!Has(ams)) return Status::Ok();
    if (!ams.IsSequence()) return src_.Error(ams, "alerting.alertmanagers: expected a list");
    for (size_t i = 0; i < ams.size(); ++i) {
      const YAML::Node am = ams[i];
      const std::string ctx = "alerting.alertmanagers[" + std::to_string(i) + "]";
      if (!am.IsMap()) return src_.Error(am, ctx + ": expected a mapping");
      AlertmanagerTarget t;
      t.where = src_.Ref(am);
      if (Has(am["timeout"])) {
        auto d = src_.Dur(am["timeout"], ctx + ".timeout");
        if (!d.ok()) return d.status();
        t.timeout = *d;
      }
      for (const auto& kv : am) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
        if (key.size() > 11 && key.compare(key.size() - 11, 11, "_sd_configs") == 0) {
          t.service_discovery = true;
        }
      }
      const YAML::Node sc = am["static_configs"];
      if (Has(sc)) {
        if (!sc.IsSequence()) return src_.Error(sc, ctx + ".static_configs: expected a list");
        for (size_t k = 0; k < sc.size(); ++k) {
          std::vector<std::string> targets;
          AG_RETURN_IF_ERROR(src_.StringList(
              sc[k]["targets"], ctx + ".static_configs[" + std::to_string(k) + "].targets",
              &targets));
          t.static_targets += static_cast<int>(targets.size());
        }
      }
      s->alertmanagers.push_back(t);
    }
    return Status::Ok();
  }

  Status LoadRuleFiles(const YAML::Node& root, PrometheusSetup* s) {
    const YAML::Node rf = root["rule_files"];
    if (!Has(rf)) return Status::Ok();
    if (!rf.IsSequence()) return src_.Error(rf, "rule_files: expected a list of globs");
    const std::filesystem::path dir = std::filesystem::path(s->file).parent_path();
    std::set<std::string> seen;
    for (size_t i = 0; i < rf.size(); ++i) {
      auto pattern = src_.String(rf[i], "rule_files[" + std::to_string(i) + "]");
      if (!pattern.ok()) return pattern.status();
      std::filesystem::path p(*pattern);
      if (p.is_relative()) p = dir / p;
      const std::vector<std::string> matches = Glob(Normal(p));
      if (matches.empty()) s->empty_globs.push_back({*pattern, src_.Ref(rf[i])});
      for (const auto& m : matches) {
        const std::string file = Normal(m);
        if (!seen.insert(file).second) continue;
        s->rule_files.push_back(file);
        AG_RETURN_IF_ERROR(LoadRuleFile(file, s));
      }
    }
    return Status::Ok();
  }

  // One rule file in Prometheus's format (groups: [{name, interval, rules}]).
  Status LoadRuleFile(const std::string& file, PrometheusSetup* s) {
    const YamlSource rs(file);
    return rs.Read([&](const YAML::Node& root) { return LoadRules(rs, root, s); });
  }

  Status LoadRules(const YamlSource& rs, const YAML::Node& root, PrometheusSetup* s) {
    AG_RETURN_IF_ERROR(rs.RequireMapping(root));
    const YAML::Node groups = root["groups"];
    if (!Has(groups)) return Status::Ok();
    if (!groups.IsSequence()) return rs.Error(groups, "groups: expected a list");
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const YAML::Node g = groups[gi];
      const std::string gctx = "groups[" + std::to_string(gi) + "]";
      if (!g.IsMap()) return rs.Error(g, gctx + ": expected a mapping");
      if (!Has(g["name"])) return rs.Error(g, gctx + ".name: missing");
      auto gname = rs.String(g["name"], gctx + ".name");
      if (!gname.ok()) return gname.status();
      Duration eval = s->evaluation_interval;
      bool interval_set = false;
      if (Has(g["interval"])) {
        auto d = rs.Dur(g["interval"], gctx + ".interval");
        if (!d.ok()) return d.status();
        if (d->count() > 0) {
          eval = *d;
          interval_set = true;
        }
      }
      const YAML::Node rules = g["rules"];
      if (!Has(rules)) continue;
      if (!rules.IsSequence()) return rs.Error(rules, gctx + ".rules: expected a list");
      for (size_t ri = 0; ri < rules.size(); ++ri) {
        const YAML::Node r = rules[ri];
        const std::string rctx = gctx + ".rules[" + std::to_string(ri) + "]";
        if (!r.IsMap()) return rs.Error(r, rctx + ": expected a mapping");
        if (!Has(r["alert"])) continue;  // a recording rule
        AlertingRule rule;
        auto name = rs.String(r["alert"], rctx + ".alert");
        if (!name.ok()) return name.status();
        rule.name = *name;
        rule.where = rs.Ref(r["alert"]);
        rule.group = *gname;
        rule.group_where = rs.Ref(g["name"]);
        rule.eval = eval;
        rule.group_interval_set = interval_set;
        if (!Has(r["expr"])) return rs.Error(r, rctx + ".expr: missing");
        auto expr = rs.String(r["expr"], rctx + ".expr");
        if (!expr.ok()) return expr.status();
        rule.expr = *expr;
        if (Has(r["for"])) {
          auto d = rs.Dur(r["for"], rctx + ".for");
          if (!d.ok()) return d.status();
          rule.for_duration = *d;
        }
        if (Has(r["keep_firing_for"])) {
          auto d = rs.Dur(r["keep_firing_for"], rctx + ".keep_firing_for");
          if (!d.ok()) return d.status();
          rule.keep_firing_for = *d;
        }
        AG_RETURN_IF_ERROR(rs.StringMap(r["labels"], rctx + ".labels", &rule.labels));
        s->rules.push_back(std::move(rule));
      }
    }
    return Status::Ok();
  }

  YamlSource src_;
};

}  // namespace

const ScrapeJob* PrometheusSetup::FindJob(const std::string& name) const {
  for (const auto& j : jobs) {
    if (j.name == name) return &j;
  }
  return nullptr;
}

Result<PrometheusSetup> LoadPrometheusSetup(const std::string& path) {
  return PrometheusLoader(path).Load();
}

std::vector<std::string> JobsInExpr(const std::string& expr) {
  std::vector<std::string> out;
  for (size_t pos = expr.find("job"); pos != std::string::npos; pos = expr.find("job", pos + 1)) {
    if (pos > 0 && IsIdentChar(expr[pos - 1])) continue;
    size_t i = pos + 3;
    while (i < expr.size() && (expr[i] == ' ' || expr[i] == '\t')) ++i;
    if (i >= expr.size() || expr[i] != '=') continue;
    ++i;
    if (i < expr.size() && (expr[i] == '~' || expr[i] == '=')) continue;
    while (i < expr.size() && (expr[i] == ' ' || expr[i] == '\t')) ++i;
    if (i >= expr.size()) continue;
    const char quote = expr[i];
    if (quote != '"' && quote != '\'' && quote != '`') continue;
    const size_t end = expr.find(quote, i + 1);
    if (end == std::string::npos) continue;
    std::string name = expr.substr(i + 1, end - i - 1);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

}  // namespace alertgate
