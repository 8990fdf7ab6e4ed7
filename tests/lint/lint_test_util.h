// Shared by the lint tests: fixture paths, running lint on a case, goldens.
// Header-only: the build compiles tests/**/*_test.cc and nothing else here.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "lint/inputs.h"
#include "lint/lint.h"
#include "test_util.h"

namespace alertgate::test {

// The three files of a fixture case (fixtures/lint/README.md), as absolute paths.
inline LintPaths LintCase(const std::string& name) {
  const std::string f = "fixtures/lint/" + name + "/";
  LintPaths p;
  p.config = SourcePath("rules/examples/alertgate.yml");
  p.prometheus = SourcePath("rules/examples/prometheus.yml");
  p.alertmanager = SourcePath("rules/examples/alertmanager.yml");
  if (name == "stock") {
    p.prometheus = SourcePath(f + "prometheus.yml");
    p.alertmanager = SourcePath(f + "alertmanager.yml");
  } else if (name == "missing-rule") {
    p.config = SourcePath(f + "alertgate.yml");
  } else if (name == "only-alertgate") {
    p.alertmanager = SourcePath(f + "alertmanager.yml");
  } else if (name == "swallow") {
    p.alertmanager = SourcePath(f + "alertmanager.yml");
  } else if (name == "nested") {
    p.config = SourcePath(f + "alertgate.yml");
    p.prometheus = SourcePath(f + "prometheus.yml");
    p.alertmanager = SourcePath(f + "alertmanager.yml");
  } else {
    EXPECT_EQ(name, "examples") << "unknown lint case";
  }
  return p;
}

// Loads the case and runs lint; fails the test on a load error.
inline LintReport LintFixture(const std::string& name) {
  auto in = LoadLintInput(LintCase(name));
  EXPECT_TRUE(in.ok()) << in.status().ToString();
  if (!in.ok()) return LintReport{};
  return Lint(*in);
}

// Removes the source directory prefix, so output is stable wherever the
// tree is checked out.
inline std::string StripSourceDir(std::string text) {
  const std::string prefix = SourcePath("");
  for (size_t pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos)) {
    text.erase(pos, prefix.size());
  }
  return text;
}

// Compares `got` with tests/lint/golden/<name>; UPDATE_GOLDEN=1 rewrites it.
inline void ExpectGolden(const std::string& name, const std::string& got) {
  ExpectGoldenFile("tests/lint/golden/" + name, got);
}

}  // namespace alertgate::test
