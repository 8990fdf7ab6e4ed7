#pragma once

#include <CLI/CLI.hpp>

namespace alertgate {

// Registers `alertgate lint`: checks statically that every expectation of
// every scenario can be raised by a rule, routed to alertgate's webhook and
// notified within its gate (docs/lint.md). Exit 0 when every expectation can
// meet its gate, 1 when any cannot, 2 on usage, parse or fetch errors.
void AddLintCommand(CLI::App& app, int* exit_code);

}  // namespace alertgate
