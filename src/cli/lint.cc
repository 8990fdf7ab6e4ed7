#include "cli/lint.h"

#include <iostream>
#include <memory>

#include "cli/client.h"
#include "cli/exit_codes.h"
#include "core/duration.h"
#include "lint/inputs.h"
#include "lint/render.h"

namespace alertgate {
namespace {

struct LintFlags {
  LintPaths paths;
  std::string alertgate_url;
  std::string format = "text";
  std::string drill;
  std::string http_config_file;
  std::string peer_timeout = "15s";
};

int Run(const LintFlags& f) {
  auto peer_timeout = ParseDuration(f.peer_timeout);
  if (!peer_timeout.ok()) {
    std::cerr << "alertgate lint: --cluster.peer-timeout: " << peer_timeout.status().message()
              << "\n";
    return kExitUsage;
  }
  auto input = LoadLintInput(f.paths);
  if (!input.ok()) {
    std::cerr << "alertgate lint: " << input.status().message() << "\n";
    return kExitUsage;
  }
  input->alertgate_url = f.alertgate_url;
  input->peer_timeout = *peer_timeout;
  LintReport report = Lint(*input);
  if (!f.drill.empty()) {
    ClientOptions client;
    client.url = f.alertgate_url;
    client.attempts = 3;
    if (Status s = ApplyHttpConfigFile(f.http_config_file, &client); !s.ok()) {
      std::cerr << "alertgate lint: " << s.message() << "\n";
      return kExitUsage;
    }
    auto r = CallApi(client, "GET", "/api/v1/drills/" + f.drill, "");
    if (!r.ok()) {
      std::cerr << "alertgate lint: --drill: " << r.status().message() << "\n";
      return kExitUsage;
    }
    if (r->status != 200) {
      std::cerr << "alertgate lint: --drill: GET /api/v1/drills/" << f.drill << ": HTTP "
                << r->status << ": " << ApiErrorMessage(r->body) << "\n";
      return kExitUsage;
    }
    Status s = AttachMeasurements(r->body, &report);
    if (!s.ok()) {
      std::cerr << "alertgate lint: --drill: " << s.message() << "\n";
      return kExitUsage;
    }
  }
  std::cout << (f.format == "json" ? RenderLintJson(report) : RenderLintText(report));
  return report.ok() ? kExitOk : kExitFailed;
}

}  // namespace

void AddLintCommand(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<LintFlags>();
  CLI::App* cmd = app.add_subcommand(
      "lint",
      "Check statically that every expected alert can be raised, routed to alertgate's webhook\n"
      "and notified within its gate, from the Prometheus, rule and Alertmanager files. Exit 0\n"
      "when every expectation can meet its gate, 1 when any cannot, 2 on usage or parse errors.");
  cmd->add_option("--config.file", f->paths.config, "alertgate scenario config.")
      ->capture_default_str();
  cmd->add_option("--prometheus.config", f->paths.prometheus,
                  "Prometheus config; its rule_files are read relative to it.")
      ->capture_default_str();
  cmd->add_option("--alertmanager.config", f->paths.alertmanager, "Alertmanager config.")
      ->capture_default_str();
  auto* url = cmd->add_option("--alertgate.url", f->alertgate_url,
                              "alertgate's base URL (e.g. http://127.0.0.1:9095): webhook URLs "
                              "under it count as alertgate's; --drill reads from it.");
  cmd->add_option("--format", f->format, "text or json.")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--drill", f->drill,
                  "Also fetch this drill's results and show each measured time_to_notify "
                  "next to its bound.")
      ->needs(url);
  cmd->add_option("--http.config.file", f->http_config_file,
                  "Credentials and TLS for reading --drill from --alertgate.url (basic_auth, "
                  "authorization, tls_config), as for alertgate report.");
  cmd->add_option("--cluster.peer-timeout", f->peer_timeout,
                  "Alertmanager's --cluster.peer-timeout, for the HA peer wait.")
      ->capture_default_str();
  cmd->callback([f, exit_code] { *exit_code = Run(*f); });
}

}  // namespace alertgate
