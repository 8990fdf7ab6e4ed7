#include "cli/runner.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <memory>

#include "cli/client.h"
#include "cli/exit_codes.h"
#include "core/json.h"

namespace alertgate {
namespace {

struct RunnerFlags {
  ClientOptions client;
  std::string drill;
  std::string action;
  std::vector<std::string> matchers;
  std::vector<std::string> scenarios;  // drill start: the plan
  std::string scenario;
  std::string at;
  std::string key;
  std::string injection;
  std::string http_config_file;
};

void AddClientFlags(CLI::App* cmd, RunnerFlags* f) {
  cmd->add_option("--url", f->client.url, "alertgate's base URL (https:// for TLS).")
      ->capture_default_str();
  cmd->add_option("--http.config.file", f->http_config_file,
                  "Credentials and TLS for calling alertgate, as amtool's: basic_auth, "
                  "authorization (Bearer), tls_config.");
  cmd->add_option("--attempts", f->client.attempts,
                  "Tries before giving up on network errors and 5xx (backoff doubles from 200ms).")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
}

std::string Json(const std::vector<std::pair<std::string, std::string>>& fields,
                 const std::vector<std::string>* matchers = nullptr,
                 const std::vector<std::string>* scenarios = nullptr) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : fields) {
    if (v.empty()) continue;
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v);
  }
  if (matchers != nullptr) {
    w.Key("matchers");
    WriteStringArray(w, *matchers);
  }
  if (scenarios != nullptr && !scenarios->empty()) {
    w.Key("scenarios");
    WriteStringArray(w, *scenarios);
  }
  w.EndObject();
  return buf.GetString();
}

std::string Field(const std::string& body, const char* name) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(name) || !d[name].IsString()) return "";
  return d[name].GetString();
}

// Loads --http.config.file into f->client; returns the exit code on error.
int LoadHttpConfig(RunnerFlags* f, const std::string& what) {
  Status s = ApplyHttpConfigFile(f->http_config_file, &f->client);
  if (s.ok()) return kExitOk;
  std::cerr << "alertgate " << what << ": " << s.message() << "\n";
  return kExitUsage;
}

// Runs one call; prints a one-line error to stderr and returns the exit code
// when it did not succeed, else kExitOk with *out set.
int Call(const RunnerFlags& f, const std::string& what, const std::string& path,
         const std::string& body, ApiResponse* out) {
  auto r = CallApi(f.client, "POST", path, body);
  if (!r.ok()) {
    std::cerr << "alertgate " << what << ": " << r.status().message() << "\n";
    return RunnerExitCode(r.status());
  }
  if (r->status >= 300) {
    std::cerr << "alertgate " << what << ": rejected (HTTP " << r->status
              << "): " << ApiErrorMessage(r->body) << "\n";
    return kExitFailed;
  }
  *out = *r;
  return kExitOk;
}

}  // namespace

void AddRunnerCommands(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<RunnerFlags>();

  CLI::App* drill =
      app.add_subcommand("drill", "Start or finish a drill (idempotent: safe to repeat).");
  drill->add_option("action", f->action, "start or finish")
      ->required()
      ->check(CLI::IsMember({"start", "finish"}));
  drill->add_option("--drill", f->drill, "Drill id, e.g. 2026-W5-game-day-1.")->required();
  drill->add_option(
      "--matcher", f->matchers,
      "Scope the drill to alerts matching this (repeatable), e.g. 'env=\"staging\"'.");
  drill
      ->add_option("--scenarios", f->scenarios,
                   "start: the plan, e.g. A,B,C,D,E: the drill passes only once each of these "
                   "scenarios was injected and met its gates.")
      ->delimiter(',');
  AddClientFlags(drill, f.get());
  drill->callback([f, exit_code] {
    if ((*exit_code = LoadHttpConfig(f.get(), "drill")) != kExitOk) return;
    ApiResponse r;
    if (f->action == "start") {
      *exit_code = Call(*f, "drill start", "/api/v1/drills",
                        Json({{"id", f->drill}}, &f->matchers, &f->scenarios), &r);
      if (*exit_code == kExitOk) {
        std::cout << "drill " << f->drill << " started " << Field(r.body, "started_at") << "\n";
      }
    } else {
      *exit_code = Call(*f, "drill finish", "/api/v1/drills/" + f->drill + "/finish", "", &r);
      if (*exit_code == kExitOk) {
        std::cout << "drill " << f->drill << " finished " << Field(r.body, "finished_at") << "\n";
      }
    }
  });

  CLI::App* inject = app.add_subcommand(
      "inject",
      "Record that a scenario's fault is being applied now; prints the injection id and time.\n"
      "Call it right before the fault. A retry never records the fault twice (idempotency key).");
  inject->add_option("--drill", f->drill, "Drill id.")->required();
  inject->add_option("--scenario", f->scenario, "Scenario id from the config, e.g. A.")->required();
  inject->add_option("--at", f->at,
                     "When the fault was applied (RFC 3339), if not now. Prefer omitting it: "
                     "alertgate's own clock then stamps both ends of the measure.");
  inject->add_option("--key", f->key, "Idempotency key (default: a random one per call).");
  AddClientFlags(inject, f.get());
  inject->callback([f, exit_code] {
    if ((*exit_code = LoadHttpConfig(f.get(), "inject")) != kExitOk) return;
    if (f->key.empty()) f->key = NewIdempotencyKey();
    ApiResponse r;
    *exit_code = Call(*f, "inject", "/api/v1/drills/" + f->drill + "/injections",
                      Json({{"scenario", f->scenario}, {"at", f->at}, {"key", f->key}}), &r);
    if (*exit_code == kExitOk) {
      std::cout << Field(r.body, "id") << " " << Field(r.body, "injected_at") << "\n";
    }
  });

  CLI::App* clear = app.add_subcommand(
      "clear", "Record that an injection's fault was removed (call it after recovery).");
  clear->add_option("--drill", f->drill, "Drill id.")->required();
  clear->add_option("--injection", f->injection, "Injection id printed by inject, e.g. A-1.")
      ->required();
  clear->add_option("--at", f->at, "When the fault was removed (RFC 3339), if not now.");
  AddClientFlags(clear, f.get());
  clear->callback([f, exit_code] {
    if ((*exit_code = LoadHttpConfig(f.get(), "clear")) != kExitOk) return;
    ApiResponse r;
    *exit_code =
        Call(*f, "clear", "/api/v1/drills/" + f->drill + "/injections/" + f->injection + "/clear",
             Json({{"at", f->at}}), &r);
    if (*exit_code == kExitOk) {
      std::cout << f->injection << " cleared " << Field(r.body, "cleared_at") << "\n";
    }
  });
}

}  // namespace alertgate
