// Shared helpers for the test suite.
#pragma once

#include <mutex>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

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

// An ostream that threads may write to (the Logger does, from the ticker and
// HTTP workers) while a test reads what was written so far. Thread-safe.
class LogCapture : public std::ostream {
 public:
  LogCapture() : std::ostream(&buf_) {}
  std::string str() const { return buf_.Contents(); }

 private:
  class Buf : public std::stringbuf {
   public:
    std::string Contents() const {
      std::lock_guard<std::recursive_mutex> lock(mu_);
      return std::stringbuf::str();
    }

   protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      std::lock_guard<std::recursive_mutex> lock(mu_);
      return std::stringbuf::xsputn(s, n);
    }
    int_type overflow(int_type c) override {
      std::lock_guard<std::recursive_mutex> lock(mu_);
      return std::stringbuf::overflow(c);
    }

   private:
    // Recursive: the base xsputn calls our overflow with the lock held.
    mutable std::recursive_mutex mu_;
  };
  Buf buf_;
};

// The real `alertgate serve` binary as a child process, listening on a free
// loopback port, its stderr (the log) in a file. Killed with SIGKILL when
// the object goes out of scope, unless it already exited.
class ServeProcess {
 public:
  // `args` come after "serve --web.listen-address=127.0.0.1:0".
  ServeProcess(const std::vector<std::string>& args, const std::string& log_file);
  ~ServeProcess() { Kill(); }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Polls the log for "alertgate started ... port=N"; -1 (and a test
  // failure with the log) when it does not appear within 20 s.
  int WaitForPort();
  void Signal(int sig) const;
  void Kill();  // SIGKILL, then reaps the process
  // Waits up to 20 s for the process to exit; its exit status as waitpid
  // gives it, or -1 when it is still running.
  int WaitForExit();
  std::string Log() const;

 private:
  std::string log_;
  int pid_ = -1;
};

// Writes `contents` to `path`, replacing it.
void WriteFile(const std::string& path, const std::string& contents);

// The smallest useful alertgate config: scenario A, expecting
// PostgresPrimaryDown, with the global defaults.
inline constexpr const char* kOneScenarioConfig = R"(scenarios:
  - id: A
    name: Postgres primary failover
    expect: ['alertname="PostgresPrimaryDown"']
)";

}  // namespace alertgate::testing
