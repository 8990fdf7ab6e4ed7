#pragma once

#include <CLI/CLI.hpp>

namespace alertgate {

// Registers `alertgate report`: the acceptance report of a drill, from a
// running server (--url) or offline from --storage.path. Exit 0 when the
// drill passed, 1 when it failed or is pending, 2 on usage or I/O errors.
void AddReportCommand(CLI::App& app, int* exit_code);

}  // namespace alertgate
