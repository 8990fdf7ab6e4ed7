#pragma once

#include <CLI/CLI.hpp>

namespace alertgate {

// Registers `drill start|finish`, `inject` and `clear`: thin HTTP clients for
// game-day runners. Running one sets *exit_code (cli/exit_codes.h).
void AddRunnerCommands(CLI::App& app, int* exit_code);

}  // namespace alertgate
