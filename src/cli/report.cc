#include "cli/report.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/client.h"
#include "cli/exit_codes.h"
#include "config/config.h"
#include "core/text.h"
#include "correlate/evaluate.h"
#include "report/report.h"
#include "service/service.h"
#include "store/sqlite_store.h"

namespace alertgate {
namespace {

struct ReportFlags {
  ClientOptions client;
  std::string drill;
  std::string format = "markdown";
  std::string output;
  std::string storage_path;
  std::string config_file = "alertgate.yml";
  std::string http_config_file;
};

// Offline: evaluates the drill from the database file with the config, at
// the current time (the one place the report reads the wall clock).
Result<DrillResult> EvaluateOffline(const ReportFlags& f) {
  const std::string db = DatabasePath(f.storage_path);
  if (!std::filesystem::exists(db)) {
    return InvalidArgument("--storage.path: no database at " + db);
  }
  auto config = LoadConfigFile(f.config_file);
  if (!config.ok()) return config.status();
  auto store = SqliteStore::OpenReadOnly(db);
  if (!store.ok()) return store.status();
  auto drill = (*store)->GetDrill(f.drill);
  if (!drill.ok()) return drill.status();
  if (!drill->has_value())
    return NotFound("unknown drill " + QuoteForMessage(f.drill) + " in " + db);
  return EvaluateStored(store->get(), **drill, *config, SystemClock().Now());
}

int Run(const ReportFlags& f) {
  auto format = ParseReportFormat(f.format);
  if (!format.ok()) {
    std::cerr << "alertgate report: " << format.status().message() << "\n";
    return kExitUsage;
  }
  std::string document;
  std::string verdict;
  if (!f.storage_path.empty()) {
    auto r = EvaluateOffline(f);
    if (!r.ok()) {
      std::cerr << "alertgate report: " << r.status().message() << "\n";
      return kExitUsage;
    }
    document = RenderReport(*r, *format);
    verdict = Name(r->verdict);
  } else {
    ClientOptions client = f.client;
    if (Status s = ApplyHttpConfigFile(f.http_config_file, &client); !s.ok()) {
      std::cerr << "alertgate report: " << s.message() << "\n";
      return kExitUsage;
    }
    auto r = CallApi(client, "GET", "/api/v1/drills/" + f.drill + "/report?format=" + f.format, "");
    if (!r.ok()) {
      std::cerr << "alertgate report: " << r.status().message() << "\n";
      return kExitUsage;
    }
    if (r->status != 200) {
      std::cerr << "alertgate report: HTTP " << r->status << ": " << ApiErrorMessage(r->body)
                << "\n";
      return kExitUsage;
    }
    document = r->body;
    verdict = r->verdict;
  }
  if (f.output.empty() || f.output == "-") {
    std::cout << document;
  } else {
    std::ofstream out(f.output, std::ios::binary | std::ios::trunc);
    out << document;
    out.close();
    if (!out) {
      std::cerr << "alertgate report: cannot write " << f.output << "\n";
      return kExitUsage;
    }
  }
  std::cerr << "drill " << f.drill << ": " << verdict << "\n";
  if (verdict == "pass") return kExitOk;
  if (verdict == "pending") return kExitPending;
  return kExitFailed;
}

}  // namespace

void AddReportCommand(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write a drill's acceptance report. Exit 0 only when the drill passed (it is finished and\n"
      "every planned scenario ran and met its gates), 1 when it failed, 4 while it is still\n"
      "pending (open, or a window is still open), 2 on usage or I/O errors, so a pipeline can\n"
      "gate on it.");
  cmd->add_option("--drill", f->drill, "Drill id.")->required();
  cmd->add_option("--format", f->format, "markdown (session document), json, junit or html.")
      ->capture_default_str()
      ->check(CLI::IsMember({"markdown", "md", "json", "junit", "html"}));
  cmd->add_option("--output", f->output, "Write to this file instead of stdout.");
  cmd->add_option("--url", f->client.url, "Ask this running alertgate.")->capture_default_str();
  cmd->add_option("--http.config.file", f->http_config_file,
                  "Credentials and TLS for --url (basic_auth, authorization, tls_config).");
  auto* storage =
      cmd->add_option("--storage.path", f->storage_path,
                      "Read the drill offline from this storage directory instead of a server.");
  cmd->add_option("--config.file", f->config_file,
                  "Scenario config used offline (with --storage.path).")
      ->capture_default_str()
      ->needs(storage);
  cmd->callback([f, exit_code] { *exit_code = Run(*f); });
}

}  // namespace alertgate
