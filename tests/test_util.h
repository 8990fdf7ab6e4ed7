// Shared helpers for the test suite.
#pragma once

#include <string>

namespace alertgate::testing {

// Absolute path of a file below the source tree's fixtures/ folder.
std::string FixturePath(const std::string& relative);
// Contents of fixtures/<relative>; fails the current test if unreadable.
std::string ReadFixture(const std::string& relative);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `contents` to `path`, replacing it.
void WriteFile(const std::string& path, const std::string& contents);

}  // namespace alertgate::testing
