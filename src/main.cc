// alertgate: referee for chaos drills. Parses flags and hands over to the
// subcommand; everything else lives in the library.
#include <CLI/CLI.hpp>

#include "cli/exit_codes.h"
#include "cli/lint.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "cli/serve.h"

int main(int argc, char** argv) {
  CLI::App app(
      "alertgate referees chaos drills: it records when each fault was injected, receives\n"
      "every Alertmanager notification as a webhook, matches the two and gives each\n"
      "scenario a verdict (pass, late, incomplete, silent, pending).");
  app.set_version_flag("--version", std::string("alertgate ") + ALERTGATE_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  alertgate::AddServeCommand(app, &exit_code);
  alertgate::AddRunnerCommands(app, &exit_code);
  alertgate::AddReportCommand(app, &exit_code);
  alertgate::AddLintCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? alertgate::kExitOk : alertgate::kExitUsage;
  }
  return exit_code;
}
