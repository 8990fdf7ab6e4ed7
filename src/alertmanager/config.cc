#include "alertmanager/config.h"

#include "core/file.h"

namespace alertgate {
namespace {

class AlertmanagerLoader {
 public:
  explicit AlertmanagerLoader(const std::string& filename) : src_(filename) {}

  Result<AlertmanagerSetup> Load(const YAML::Node& root) {
    AlertmanagerSetup s;
    s.file = src_.filename();
    AG_RETURN_IF_ERROR(LoadReceivers(root, &s));
    const YAML::Node route = root["route"];
    if (!Has(route)) return src_.Error(root, "route: missing (Alertmanager needs a root route)");
    if (!route.IsMap()) return src_.Error(route, "route: expected a mapping");
    AG_RETURN_IF_ERROR(LoadRoute(route, nullptr, "route", &s.root));
    if (!s.root.matchers.empty()) {
      return src_.Error(route, "route: the root route must not have any matchers");
    }
    if (s.root.continue_matching) {
      return src_.Error(route, "route: cannot have continue in the root route");
    }
    if (s.root.receiver.empty()) {
      return src_.Error(route, "route: the root route must specify a default receiver");
    }
    AG_RETURN_IF_ERROR(CheckReceivers(s.root, s));
    AG_RETURN_IF_ERROR(LoadInhibitRules(root, &s));
    return s;
  }

 private:
  Status LoadReceivers(const YAML::Node& root, AlertmanagerSetup* s) {
    const YAML::Node rs = root["receivers"];
    if (!Has(rs)) return Status::Ok();
    if (!rs.IsSequence()) return src_.Error(rs, "receivers: expected a list");
    for (size_t i = 0; i < rs.size(); ++i) {
      const YAML::Node r = rs[i];
      const std::string ctx = "receivers[" + std::to_string(i) + "]";
      if (!r.IsMap()) return src_.Error(r, ctx + ": expected a mapping");
      if (!Has(r["name"])) return src_.Error(r, ctx + ": missing name in receiver");
      AmReceiver rec;
      auto name = src_.String(r["name"], ctx + ".name");
      if (!name.ok()) return name.status();
      rec.name = *name;
      rec.where = src_.Ref(r["name"]);
      if (s->FindReceiver(rec.name) != nullptr) {
        return src_.Error(r["name"], "notification config name \"" + rec.name + "\" is not unique");
      }
      for (const auto& kv : r) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
        if (key == "webhook_configs") {
          if (!kv.second.IsSequence()) {
            return src_.Error(kv.second, ctx + ".webhook_configs: expected a list");
          }
          for (size_t k = 0; k < kv.second.size(); ++k) {
            const YAML::Node w = kv.second[k];
            const std::string wctx = ctx + ".webhook_configs[" + std::to_string(k) + "]";
            if (!w.IsMap()) return src_.Error(w, wctx + ": expected a mapping");
            AmWebhook hook;
            hook.where = src_.Ref(Has(w["url"]) ? w["url"] : w);
            if (Has(w["url"])) {
              auto u = src_.String(w["url"], wctx + ".url");
              if (!u.ok()) return u.status();
              hook.url = *u;
            }
            if (Has(w["url_file"])) {
              auto u = src_.String(w["url_file"], wctx + ".url_file");
              if (!u.ok()) return u.status();
              hook.url_file = *u;
            }
            if (hook.url.empty() && hook.url_file.empty()) {
              return src_.Error(w, wctx + ": one of url or url_file must be configured");
            }
            if (Has(w["max_alerts"])) {
              auto m = src_.Int(w["max_alerts"], wctx + ".max_alerts");
              if (!m.ok()) return m.status();
              hook.max_alerts = *m;
            }
            rec.webhooks.push_back(std::move(hook));
          }
        } else if (key.size() > 8 && key.compare(key.size() - 8, 8, "_configs") == 0 &&
                   kv.second.IsSequence()) {
          rec.other_integrations += static_cast<int>(kv.second.size());
        }
      }
      s->receivers.push_back(std::move(rec));
    }
    return Status::Ok();
  }

  Status LoadMatchers(const YAML::Node& r, const std::string& ctx, std::vector<Matcher>* out) {
    if (Has(r["match"])) {
      std::map<std::string, std::string> m;
      AG_RETURN_IF_ERROR(src_.StringMap(r["match"], ctx + ".match", &m));
      for (const auto& [k, v] : m) {
        auto mm = Matcher::Create(k, Matcher::Op::kEqual, v);
        if (!mm.ok()) return src_.Error(r["match"], ctx + ".match: " + mm.status().message());
        out->push_back(std::move(mm).value());
      }
    }
    if (Has(r["match_re"])) {
      std::map<std::string, std::string> m;
      AG_RETURN_IF_ERROR(src_.StringMap(r["match_re"], ctx + ".match_re", &m));
      for (const auto& [k, v] : m) {
        auto mm = Matcher::Create(k, Matcher::Op::kRegexMatch, v);
        if (!mm.ok()) {
          return src_.Error(r["match_re"], ctx + ".match_re: " + mm.status().message());
        }
        out->push_back(std::move(mm).value());
      }
    }
    if (Has(r["matchers"])) {
      const YAML::Node ms = r["matchers"];
      if (!ms.IsSequence()) return src_.Error(ms, ctx + ".matchers: expected a list of strings");
      for (size_t i = 0; i < ms.size(); ++i) {
        auto text = src_.String(ms[i], ctx + ".matchers[" + std::to_string(i) + "]");
        if (!text.ok()) return text.status();
        auto parsed = ParseMatchers(*text, MatcherSyntax::kAlertmanager);
        if (!parsed.ok()) {
          return src_.Error(
              ms[i], ctx + ".matchers[" + std::to_string(i) + "]: " + parsed.status().message());
        }
        for (const auto& m : parsed->matchers()) out->push_back(m);
      }
    }
    return Status::Ok();
  }

  Status LoadRoute(const YAML::Node& r, const AmRoute* parent, const std::string& path,
                   AmRoute* out) {
    if (!r.IsMap()) return src_.Error(r, path + ": expected a mapping");
    if (parent != nullptr) {
      // Inherit everything that NewRoute copies from the parent's options.
      out->receiver = parent->receiver;
      out->group_by = parent->group_by;
      out->group_by_all = parent->group_by_all;
      out->group_wait = parent->group_wait;
      out->group_interval = parent->group_interval;
      out->repeat_interval = parent->repeat_interval;
      out->group_wait_where = parent->group_wait_where;
      out->group_interval_where = parent->group_interval_where;
    } else {
      out->group_wait_where = src_.Ref(r);
      out->group_interval_where = src_.Ref(r);
    }
    out->path = path;
    out->where = src_.Ref(r);
    if (Has(r["receiver"])) {
      auto v = src_.String(r["receiver"], path + ".receiver");
      if (!v.ok()) return v.status();
      if (!v->empty()) {
        out->receiver = *v;
        out->receiver_set = true;
      }
    }
    if (Has(r["group_by"])) {
      std::vector<std::string> gb;
      AG_RETURN_IF_ERROR(src_.StringList(r["group_by"], path + ".group_by", &gb));
      const bool all = std::find(gb.begin(), gb.end(), "...") != gb.end();
      if (all && gb.size() > 1) {
        return src_.Error(r["group_by"], path +
                                             ".group_by: cannot have wildcard group_by (`...`) "
                                             "and other labels at the same time");
      }
      if (all) {
        out->group_by_all = true;
      } else if (!gb.empty()) {
        out->group_by = gb;
        out->group_by_all = false;
      }
    }
    if (Has(r["group_wait"])) {
      auto d = src_.Dur(r["group_wait"], path + ".group_wait");
      if (!d.ok()) return d.status();
      out->group_wait = *d;
      out->group_wait_set = true;
      out->group_wait_where = src_.Ref(r["group_wait"]);
    }
    if (Has(r["group_interval"])) {
      auto d = src_.Dur(r["group_interval"], path + ".group_interval");
      if (!d.ok()) return d.status();
      if (d->count() == 0) return src_.Error(r["group_interval"], "group_interval cannot be zero");
      out->group_interval = *d;
      out->group_interval_set = true;
      out->group_interval_where = src_.Ref(r["group_interval"]);
    }
    if (Has(r["repeat_interval"])) {
      auto d = src_.Dur(r["repeat_interval"], path + ".repeat_interval");
      if (!d.ok()) return d.status();
      if (d->count() == 0) {
        return src_.Error(r["repeat_interval"], "repeat_interval cannot be zero");
      }
      out->repeat_interval = *d;
    }
    if (Has(r["continue"])) {
      auto b = src_.Bool(r["continue"], path + ".continue");
      if (!b.ok()) return b.status();
      out->continue_matching = *b;
    }
    AG_RETURN_IF_ERROR(src_.StringList(r["mute_time_intervals"], path + ".mute_time_intervals",
                                       &out->mute_time_intervals));
    AG_RETURN_IF_ERROR(src_.StringList(r["active_time_intervals"], path + ".active_time_intervals",
                                       &out->active_time_intervals));
    AG_RETURN_IF_ERROR(LoadMatchers(r, path, &out->matchers));
    const YAML::Node children = r["routes"];
    if (Has(children)) {
      if (!children.IsSequence()) return src_.Error(children, path + ".routes: expected a list");
      for (size_t i = 0; i < children.size(); ++i) {
        AmRoute child;
        AG_RETURN_IF_ERROR(
            LoadRoute(children[i], out, path + ".routes[" + std::to_string(i) + "]", &child));
        out->routes.push_back(std::move(child));
      }
    }
    return Status::Ok();
  }

  Status CheckReceivers(const AmRoute& r, const AlertmanagerSetup& s) {
    if (r.receiver_set && s.FindReceiver(r.receiver) == nullptr) {
      return InvalidArgument(r.where.ToString() + ": undefined receiver \"" + r.receiver +
                             "\" used in " + r.path);
    }
    for (const auto& c : r.routes) AG_RETURN_IF_ERROR(CheckReceivers(c, s));
    return Status::Ok();
  }

  Status LoadInhibitRules(const YAML::Node& root, AlertmanagerSetup* s) {
    const YAML::Node irs = root["inhibit_rules"];
    if (!Has(irs)) return Status::Ok();
    if (!irs.IsSequence()) return src_.Error(irs, "inhibit_rules: expected a list");
    for (size_t i = 0; i < irs.size(); ++i) {
      const YAML::Node ir = irs[i];
      const std::string ctx = "inhibit_rules[" + std::to_string(i) + "]";
      if (!ir.IsMap()) return src_.Error(ir, ctx + ": expected a mapping");
      AmInhibitRule rule;
      rule.where = src_.Ref(ir);
      // Reuse the route matcher reader on renamed keys.
      YAML::Node src_node(YAML::NodeType::Map), dst_node(YAML::NodeType::Map);
      if (Has(ir["source_match"])) src_node["match"] = ir["source_match"];
      if (Has(ir["source_match_re"])) src_node["match_re"] = ir["source_match_re"];
      if (Has(ir["source_matchers"])) src_node["matchers"] = ir["source_matchers"];
      if (Has(ir["target_match"])) dst_node["match"] = ir["target_match"];
      if (Has(ir["target_match_re"])) dst_node["match_re"] = ir["target_match_re"];
      if (Has(ir["target_matchers"])) dst_node["matchers"] = ir["target_matchers"];
      AG_RETURN_IF_ERROR(LoadMatchers(src_node, ctx + ".source", &rule.source));
      AG_RETURN_IF_ERROR(LoadMatchers(dst_node, ctx + ".target", &rule.target));
      AG_RETURN_IF_ERROR(src_.StringList(ir["equal"], ctx + ".equal", &rule.equal));
      s->inhibit_rules.push_back(std::move(rule));
    }
    return Status::Ok();
  }

  YamlSource src_;
};

}  // namespace

std::string AmRoute::Describe() const { return path + " (receiver " + receiver + ")"; }

std::string AmRoute::MatchersText() const {
  std::string out = "{";
  for (size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) out += ", ";
    out += matchers[i].ToString();
  }
  return out + "}";
}

const AmReceiver* AlertmanagerSetup::FindReceiver(const std::string& name) const {
  for (const auto& r : receivers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Result<AlertmanagerSetup> ParseAlertmanagerSetup(const std::string& yaml,
                                                 const std::string& filename) {
  const YamlSource src(filename);
  return src.Parse(yaml, [&](const YAML::Node& root) -> Result<AlertmanagerSetup> {
    AG_RETURN_IF_ERROR(src.RequireMapping(root));
    return AlertmanagerLoader(filename).Load(root);
  });
}

Result<AlertmanagerSetup> LoadAlertmanagerSetup(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseAlertmanagerSetup(*text, path);
}

}  // namespace alertgate
