#pragma once

#include <CLI/CLI.hpp>

namespace alertgate {

// Registers `alertgate serve` on `app`; running it sets *exit_code.
void AddServeCommand(CLI::App& app, int* exit_code);

}  // namespace alertgate
