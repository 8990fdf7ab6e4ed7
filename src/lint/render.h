// Renders a LintReport: text for an SRE at a terminal, JSON for tools.
#pragma once

#include <string>

#include "lint/lint.h"

namespace alertgate {

// One block per scenario, one entry per expectation (status, bound vs gate,
// stage breakdown, rule -> route), then the deduplicated findings with
// file:line and a fix, then a one-line summary.
std::string RenderLintText(const LintReport& report);

// The same content as a JSON document (docs/lint.md describes the fields).
std::string RenderLintJson(const LintReport& report);

}  // namespace alertgate
