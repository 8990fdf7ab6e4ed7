// Shared helpers for the test suite.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace alertgate::test {

// Absolute path of a file below the source tree's fixtures/ folder.
// Absolute path of a file below the source tree.
std::string SourcePath(std::string_view relative);
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

// Polls `cond` every few milliseconds until it holds or `deadline` passes;
// returns whether it held. The suite's one way to wait for a condition: no
// test sleeps for a fixed time.
bool Eventually(const std::function<bool()>& cond,
                std::chrono::milliseconds deadline = std::chrono::seconds(10));
// The same with an absolute deadline and a chosen polling interval, for
// waits that share one deadline (the end-to-end tests' budgets).
bool EventuallyBy(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& cond,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(5));

// An httplib answer that is never a null to dereference. Made from an
// httplib::Result: when no response came (refused, reset, name did not
// resolve, TLS failed) the current test fails naming the error, and the
// answer holds a Response with status -1 and an empty body, so `->status`
// and `->body` are safe to read. Converts to false in that case, so
// ASSERT_TRUE(answer) stops the test.
class Answer {
 public:
  Answer(httplib::Result result);  // NOLINT(google-explicit-constructor): wraps call results
  explicit operator bool() const { return answered_; }
  const httplib::Response* operator->() const { return &response_; }
  const httplib::Response& operator*() const { return response_; }
  httplib::Error error() const { return error_; }

 private:
  bool answered_ = false;
  httplib::Error error_ = httplib::Error::Success;
  httplib::Response response_;
};

// A raw TCP connection to 127.0.0.1:port, for tests that must send exact
// bytes (framings, slow clients, pipelining). Closed on destruction.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `bytes`; false when the peer reset or closed.
  bool Send(std::string_view bytes);
  // Everything received until the peer closes or `timeout` passes.
  std::string ReadAll(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // One response (status line, header, Content-Length body), or nullopt when
  // none arrives within `timeout`. Bytes after it stay buffered.
  std::optional<std::string> ReadResponse(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the peer closed the connection (EOF or reset) within `timeout`.
  bool ClosedByPeer(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  // Waits for readable data and appends it to buffer_; false on EOF, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

// What a command printed and how it ended.
struct CommandResult {
  int exit_code = -1;  // the exit status; -1 when it did not exit normally
  std::string out;     // its stdout
  std::string err;     // its stderr
  std::string output() const { return out + err; }
};

// Runs `command` with /bin/sh and collects stdout and stderr separately.
CommandResult RunCommand(const std::string& command);
// Runs the alertgate binary under test with `args` (shell words).
CommandResult RunAlertgate(const std::string& args);
// `s` quoted for the shell: '...' with embedded quotes escaped.
std::string ShellQuote(const std::string& s);

// The status code of a response returned by ReadResponse ("HTTP/1.1 413 ..." → 413).
int StatusOf(const std::string& response);
// The body of such a response.
std::string BodyOf(const std::string& response);

// Writes `contents` to `path`, replacing it.
void WriteFile(const std::string& path, const std::string& contents);

// Compares `got` with the golden file at `relative` (below the source tree);
// UPDATE_GOLDEN=1 rewrites the file instead.
void ExpectGoldenFile(const std::string& relative, const std::string& got);

// The smallest useful alertgate config: scenario A, expecting
// PostgresPrimaryDown, with the global defaults.
inline constexpr const char* kOneScenarioConfig = R"(scenarios:
  - id: A
    name: Postgres primary failover
    expect: ['alertname="PostgresPrimaryDown"']
)";

}  // namespace alertgate::test
