// The end-to-end harness: real processes on loopback ports.
//
//   alertgate-fake-exporter --scrape 1s--> prometheus (rules, eval 1s)
//     --> alertmanager "am1" (every alert: alertgate webhook + capture)
//     --> alertmanager "am2" (not clustered with am1; only the duplicate
//                             scenario's alert: alertgate webhook + capture)
//   capture: a cpp-httplib server inside the test process that stamps every
//            alert it receives with the harness's own clock.
//
// EnvOptions varies that shape for tests that need their own environment:
// alertgate behind TLS and authentication (web_config, alertgate_ca_file,
// am_webhook_auth), extra alertgate flags (alertgate_args), and a single
// Alertmanager (alertmanagers = 1).
//
// Every child is started with PR_SET_PDEATHSIG(SIGKILL) in its own process
// group and recorded in a process-wide table: it is killed by its owner's
// destructor, by an atexit hook, on SIGINT/SIGTERM/SIGHUP, and by the kernel
// if the test process itself is killed (a ctest timeout). Children are only
// ever started from the main thread (PDEATHSIG follows the creating thread).
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "test_util.h"

namespace httplib {
class Server;
}

namespace alertgate::e2e {

using SysTime = std::chrono::system_clock::time_point;
using Deadline = std::chrono::steady_clock::time_point;

inline Deadline After(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

// Seconds from `from` to `to` (may be negative).
double SecondsBetween(SysTime from, SysTime to);
SysTime ToSysTime(Timestamp t);

// ---------------------------------------------------------------------------
// Processes

// A child process. stdout and stderr go to <dir>/<name>.stdout / .stderr;
// stdin is /dev/null, or a pipe the harness writes to (stdin_pipe).
class Process {
 public:
  // Starts `argv` (argv[0] is looked up in PATH when it has no '/'). On
  // failure to start, error() says why and running() is false.
  Process(std::string name, std::vector<std::string> argv, const std::string& dir,
          bool stdin_pipe = false);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  const std::string& name() const { return name_; }
  const std::string& error() const { return error_; }
  // Reaps the child if it exited; true while it runs.
  bool Running();
  // How it ended ("exit code 1", "signal 9"), or "running".
  std::string Describe();
  // SIGKILL to its process group, then reap. Idempotent.
  void Kill();
  // Waits until it exits or the deadline passes (then kills it). Returns the
  // exit code, or -1 when it was killed or died of a signal.
  int Wait(Deadline deadline);

  // With stdin_pipe: writes to the child's stdin (false when it is closed
  // or the child stopped reading), and closes it (the child sees EOF).
  bool WriteStdin(const std::string& text);
  void CloseStdin();

  std::string Stdout() const;
  std::string Stderr() const;
  // The last `lines` lines of stdout and stderr, labelled, for failure output.
  std::string Tail(size_t lines) const;

 private:
  std::string name_;
  std::string stdout_path_;
  std::string stderr_path_;
  std::string error_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;  // the write end of the stdin pipe
  int status_ = 0;
  bool exited_ = false;
};

// Holds a write lock on a SQLite database from another process, as a backup
// or an operator's shell would: the sqlite3 shell ($SQLITE3, else
// "sqlite3") with stdin a pipe, in an open BEGIN EXCLUSIVE transaction.
// In WAL mode readers still read; every writer waits, then gets SQLITE_BUSY.
class DatabaseLock {
 public:
  DatabaseLock(std::string db_path, std::string dir);
  ~DatabaseLock();  // kills the shell (which rolls the transaction back)
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

  // Starts the shell and begins the transaction; "" once the shell says it
  // holds the lock, else why not (with the shell's output).
  std::string Acquire(Deadline deadline);
  // COMMIT, then EOF: "" once the shell exited 0, else why not.
  std::string Release(Deadline deadline);

 private:
  std::string db_path_;
  std::string dir_;
  std::string marker_;
  std::unique_ptr<Process> shell_;
};

struct CommandResult {
  int exit_code = -1;  // -1: did not finish before the deadline, or did not start
  std::string out;
  std::string err;
};
// Runs a short-lived command (amtool, promtool) to completion, with a deadline.
CommandResult RunCommand(const std::string& name, std::vector<std::string> argv,
                         const std::string& dir, std::chrono::milliseconds timeout);

// The external tool: $ENV_NAME if set (like fixtures/capture/capture.sh), else
// the Debian binary name.
std::string ToolPath(const char* env_name, const char* default_name);

// A port that was free a moment ago: bind 127.0.0.1:0, read it, close.
int PickFreePort();

// ---------------------------------------------------------------------------
// HTTP and JSON helpers (loopback only, with timeouts)

struct HttpReply {
  int status = 0;  // 0: no answer (connection refused, timeout, TLS handshake refused)
  std::string body;
  std::string error;  // when status == 0
};
HttpReply HttpGet(int port, const std::string& path);
HttpReply HttpPost(int port, const std::string& path, const std::string& body);

// A server on 127.0.0.1: plain HTTP, or HTTPS whose certificate is verified
// with `ca_file` (the certificate must name 127.0.0.1).
struct Endpoint {
  int port = -1;
  std::string ca_file;  // "": plain HTTP
};
// Who the request is from: basic auth when `user` is set, a bearer token
// when `bearer` is set, else anonymous.
struct Credentials {
  std::string user;
  std::string password;
  std::string bearer;
};
HttpReply HttpGet(const Endpoint& to, const std::string& path, const Credentials& as = {});
HttpReply HttpPost(const Endpoint& to, const std::string& path, const std::string& body,
                   const Credentials& as = {});

// Parses JSON; on a parse error the document is null and `error` is set.
rapidjson::Document ParseJson(const std::string& text, std::string* error = nullptr);
std::string JsonQuote(const std::string& s);
// A string member, or "" when absent or not a string.
std::string Str(const rapidjson::Value& obj, const char* member);

// Safe navigation: a member or an array element, or a null value when the
// path does not exist (RapidJSON's operator[] asserts instead). Get(v, "a", 0, "b").
const rapidjson::Value& Get(const rapidjson::Value& v, const char* member);
const rapidjson::Value& Get(const rapidjson::Value& v, int index);
template <typename First, typename Second, typename... Rest>
const rapidjson::Value& Get(const rapidjson::Value& v, First first, Second second, Rest... rest) {
  return Get(Get(v, first), second, rest...);
}
// A number member, or -1e9 (which no assertion accepts) when absent.
double Number(const rapidjson::Value& obj, const char* member);
// An RFC 3339 timestamp; a test failure (and the zero Timestamp) when invalid.
Timestamp ParseTime(const std::string& text);
// An array's size, or -1 when `v` is not an array.
int Size(const rapidjson::Value& v);
// An array's elements; none when `v` is not an array.
rapidjson::Value::ConstArray Items(const rapidjson::Value& v);
// The JSON text of a value, for failure messages.
std::string ToJson(const rapidjson::Value& v);

// Value of the sample `name{labels...}` (labels: a subset that must match) in
// a text exposition, or nullopt when no sample matches.
std::optional<double> MetricValue(const std::string& exposition, const std::string& name,
                                  const std::map<std::string, std::string>& labels = {});

// ---------------------------------------------------------------------------
// The capture receiver

struct CapturedAlert {
  std::string source;  // "am1" or "am2": which Alertmanager delivered it
  std::string alertname;
  std::string fingerprint;
  std::string status;  // "firing" or "resolved"
  std::string starts_at;
  std::map<std::string, std::string> labels;
  SysTime received_at;  // the harness's clock when the delivery arrived
};

// Receives Alertmanager webhooks on POST /capture/<source>, in-process, on a
// port bound with port 0, and records each alert's receipt time.
class CaptureServer {
 public:
  CaptureServer();
  ~CaptureServer();
  CaptureServer(const CaptureServer&) = delete;
  CaptureServer& operator=(const CaptureServer&) = delete;

  // Binds 127.0.0.1:0 and serves in a thread; false on failure.
  bool Start();
  int port() const { return port_; }

  std::vector<CapturedAlert> Alerts() const;
  // The first receipt of `alertname` with `status`, from `source` ("" = any).
  std::optional<CapturedAlert> First(const std::string& alertname, const std::string& status,
                                     const std::string& source = "") const;
  size_t Count(const std::string& alertname, const std::string& source = "") const;
  size_t Deliveries() const;

 private:
  void Record(const std::string& source, const std::string& body);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = -1;
  mutable std::mutex mu_;
  std::vector<CapturedAlert> alerts_;  // GUARDED_BY(mu_)
  size_t deliveries_ = 0;              // GUARDED_BY(mu_)
};

// ---------------------------------------------------------------------------
// The environment shared by one test suite

struct EnvOptions {
  std::string alertgate_config;  // alertgate.yml
  std::string rules;             // Prometheus rules file
  size_t rule_count = 0;         // how many rules `rules` declares (readiness check)
  // Series the exporter serves from the start: {name, labels, value}.
  struct Series {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
  };
  std::vector<Series> initial_series;
  // The alert that am2 also delivers (to alertgate and the capture). am1
  // holds it back `am1_duplicate_group_wait` so am2's copy arrives first.
  // "": no duplicate scenario; every Alertmanager sends every alert to
  // alertgate and to the capture, after the route's group_wait (1s).
  std::string duplicate_alertname;
  std::string am1_duplicate_group_wait = "4s";
  // 2: am1 and am2 as above; 1: am1 only.
  int alertmanagers = 2;

  // alertgate's --web.config.file, written into the temp dir as web.yml;
  // "" runs alertgate without one (plain HTTP, no authentication).
  std::string web_config;
  // Non-empty: alertgate serves HTTPS (web_config has tls_server_config),
  // and the harness and the Alertmanagers verify it with this CA file
  // (absolute path).
  std::string alertgate_ca_file;
  // How am1 and am2 authenticate their webhooks to alertgate: basic auth
  // (password_file) or a bearer token (authorization.credentials_file);
  // the harness writes the secrets into 0600 files in the temp dir.
  Credentials am_webhook_auth[2];
  // Extra flags for `alertgate serve`, e.g. "--storage.busy-timeout=100ms".
  std::vector<std::string> alertgate_args;
};

class Env {
 public:
  explicit Env(EnvOptions options);
  ~Env();  // kills every process; removes the temp dir unless KeepDir()
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  // Starts everything and waits until the pipeline is ready. On failure
  // returns a description (with log tails) and leaves nothing running
  // that the destructor would not kill.
  std::string Start();

  int alertgate_port() const { return alertgate_port_; }
  // alertgate's port, with its CA when it serves HTTPS.
  Endpoint alertgate() const { return {alertgate_port_, options_.alertgate_ca_file}; }
  // alertgate's SQLite database (<--storage.path>/alertgate.db).
  std::string alertgate_db() const { return File("alertgate-data/alertgate.db"); }
  // alertgate's log (its stderr) so far.
  std::string AlertgateLog() const;
  // Alertmanager `index` (0: am1, 1: am2)'s log (its stderr) so far.
  std::string AlertmanagerLog(int index) const;
  int exporter_port() const { return exporter_port_; }
  int prometheus_port() const { return prometheus_port_; }
  int am1_port() const { return am_port_[0]; }
  int am2_port() const { return am_port_[1]; }
  const std::string& dir() const { return dir_; }
  CaptureServer& capture() { return capture_; }

  // Sets a gauge on the fake exporter; "" on success, else the error.
  std::string SetGauge(const std::string& name, const std::map<std::string, std::string>& labels,
                       double value);

  // "" while every started process runs, else which one died and how.
  std::string DeadProcesses();
  // Tails of every component's logs, for failure output.
  std::string LogTails(size_t lines = 40);
  void KeepDir() { keep_dir_ = true; }
  // Prints "[e2e +12.3s] msg" on stderr (seconds since Start()).
  void Note(const std::string& msg) const;

 private:
  std::string StartExporter();
  std::string StartAlertgate();
  std::string StartAlertmanager(int index);
  std::string StartPrometheus();
  std::string WaitPipelineReady();
  // Starts an external server on a picked port, retrying on a port collision.
  std::string StartOnFreePort(const std::string& name,
                              const std::function<std::vector<std::string>(int port)>& argv,
                              const std::string& ready_path, std::unique_ptr<Process>* out,
                              int* port);
  std::string Fail(const std::string& what);
  std::string File(const std::string& name) const { return dir_ + "/" + name; }

  EnvOptions options_;
  std::string dir_;
  bool keep_dir_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  CaptureServer capture_;
  std::unique_ptr<Process> exporter_;
  std::unique_ptr<Process> alertgate_;
  std::unique_ptr<Process> am_[2];
  std::unique_ptr<Process> prometheus_;
  int exporter_port_ = -1;
  int alertgate_port_ = -1;
  int am_port_[2] = {-1, -1};
  int prometheus_port_ = -1;
};

// A test with its own environment: StartEnv() in SetUp; when the test
// failed, TearDown keeps the temp dir and prints every component's log tail.
class EnvTest : public ::testing::Test {
 protected:
  // Starts the environment; a fatal failure naming what did not start.
  void StartEnv(EnvOptions options) {
    env_ = std::make_unique<Env>(std::move(options));
    const std::string err = env_->Start();
    ASSERT_TRUE(err.empty()) << "environment setup failed: " << err;
    started_ = true;
  }

  void TearDown() override {
    if (HasFailure() && env_ != nullptr && started_) {
      env_->KeepDir();
      std::cerr << env_->LogTails() << std::flush;
    }
  }

  std::unique_ptr<Env> env_;
  bool started_ = false;
};

// Polls `done` every `interval` until it returns true or the deadline
// passes: the suite's one poller (test::EventuallyBy), at the pace of
// real servers.
inline bool PollUntil(Deadline deadline, const std::function<bool()>& done,
                      std::chrono::milliseconds interval = std::chrono::milliseconds(100)) {
  return test::EventuallyBy(deadline, done, interval);
}

}  // namespace alertgate::e2e
