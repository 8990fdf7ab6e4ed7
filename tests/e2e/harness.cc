#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/time.h"

extern char** environ;

namespace alertgate::e2e {
namespace {

// ---------------------------------------------------------------------------
// Every live child, so that an exit path or a signal can kill all of them.

constexpr size_t kMaxChildren = 64;
std::array<std::atomic<pid_t>, kMaxChildren> g_children{};

void KillAllChildren(bool reap) {
  for (auto& slot : g_children) {
    const pid_t pid = slot.exchange(0);
    if (pid <= 0) continue;
    kill(-pid, SIGKILL);  // its process group (it is the leader)
    kill(pid, SIGKILL);
    if (reap) waitpid(pid, nullptr, 0);
  }
}

void OnFatalSignal(int sig) {
  KillAllChildren(/*reap=*/false);  // async-signal-safe: kill() only
  signal(sig, SIG_DFL);
  raise(sig);
}

void InstallHooksOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    atexit([] { KillAllChildren(/*reap=*/true); });
    // A child that stops reading its stdin pipe must not kill the harness;
    // WriteStdin() sees EPIPE instead. Children get the default back.
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {};
    sa.sa_handler = OnFatalSignal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaction(sig, &sa, nullptr);
  });
}

bool RegisterChild(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return true;
  }
  return false;
}

// True when `pid` was still registered (so it is ours to kill and reap).
bool UnregisterChild(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return true;
  }
  return false;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string LastLines(const std::string& text, size_t lines) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  size_t found = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++found == lines) break;
    --pos;
  }
  return text.substr(pos);
}

void WriteTextFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

std::string FindInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// The child's environment: ours without proxy settings (loopback only).
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string key = entry.substr(0, entry.find('='));
    std::string lower = key;
    for (auto& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (lower == "http_proxy" || lower == "https_proxy" || lower == "all_proxy" ||
        lower == "no_proxy") {
      continue;
    }
    env.push_back(entry);
  }
  env.push_back("NO_PROXY=127.0.0.1,localhost");
  env.push_back("no_proxy=127.0.0.1,localhost");
  return env;
}

std::string Addr(int port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

std::string ToolPath(const char* env_name, const char* default_name) {
  const char* v = getenv(env_name);
  return v != nullptr && *v != '\0' ? v : default_name;
}

double SecondsBetween(SysTime from, SysTime to) {
  return std::chrono::duration<double>(to - from).count();
}

SysTime ToSysTime(Timestamp t) {
  return SysTime(std::chrono::duration_cast<SysTime::duration>(t.time_since_epoch()));
}

// ---------------------------------------------------------------------------
// Process

Process::Process(std::string name, std::vector<std::string> argv, const std::string& dir,
                 bool stdin_pipe)
    : name_(std::move(name)),
      stdout_path_(dir + "/" + name_ + ".stdout"),
      stderr_path_(dir + "/" + name_ + ".stderr") {
  InstallHooksOnce();
  const std::string exe = argv.empty() ? "" : FindInPath(argv[0]);
  if (exe.empty()) {
    error_ = "cannot find executable \"" + (argv.empty() ? "" : argv[0]) + "\" in PATH";
    exited_ = true;
    return;
  }
  // Everything the child needs is prepared before fork(): between fork and
  // exec only async-signal-safe calls are allowed (the harness has threads).
  std::vector<char*> cargv;
  argv[0] = exe;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> env = ChildEnvironment();
  std::vector<char*> cenv;
  for (auto& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  int in_fd = -1;
  if (stdin_pipe) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) == 0) {
      in_fd = fds[0];
      stdin_fd_ = fds[1];
    }
  } else {
    in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  const int out_fd = open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int exec_pipe[2] = {-1, -1};
  if (in_fd < 0 || out_fd < 0 || err_fd < 0 || pipe2(exec_pipe, O_CLOEXEC) != 0) {
    error_ = std::string("cannot set up the child's files: ") + strerror(errno);
    for (int fd : {in_fd, out_fd, err_fd, exec_pipe[0], exec_pipe[1]}) {
      if (fd >= 0) close(fd);
    }
    CloseStdin();
    exited_ = true;
    return;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // die with the harness, even on SIGKILL
    if (getppid() != parent) _exit(127);
    signal(SIGPIPE, SIG_DFL);  // the harness ignores it; exec keeps SIG_IGN
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    // Inherited descriptors (sockets of the capture server, ...) close on exec.
    for (int fd = 3; fd < 4096; ++fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
    execve(cargv[0], cargv.data(), cenv.data());
    const int e = errno;
    (void)!write(exec_pipe[1], &e, sizeof(e));
    _exit(127);
  }
  close(exec_pipe[1]);
  close(in_fd);
  close(out_fd);
  close(err_fd);
  if (pid < 0) {
    error_ = std::string("fork failed: ") + strerror(errno);
    close(exec_pipe[0]);
    exited_ = true;
    return;
  }
  pid_ = pid;
  if (!RegisterChild(pid)) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    error_ = "too many child processes";
    exited_ = true;
    close(exec_pipe[0]);
    return;
  }
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(exec_pipe[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(exec_pipe[0]);
  if (n > 0) {
    error_ = "cannot execute " + exe + ": " + strerror(child_errno);
    Wait(After(std::chrono::seconds(5)));
  }
}

Process::~Process() {
  Kill();
  CloseStdin();
}

bool Process::WriteStdin(const std::string& text) {
  size_t done = 0;
  while (stdin_fd_ >= 0 && done < text.size()) {
    const ssize_t n = write(stdin_fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // EPIPE: the child is gone or closed its stdin
    done += static_cast<size_t>(n);
  }
  return stdin_fd_ >= 0;
}

void Process::CloseStdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

bool Process::Running() {
  if (exited_ || pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    UnregisterChild(pid_);
    status_ = status;
    exited_ = true;
    return false;
  }
  return true;
}

std::string Process::Describe() {
  if (!error_.empty()) return error_;
  if (Running()) return "running";
  if (WIFEXITED(status_)) return "exited with code " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) return "killed by signal " + std::to_string(WTERMSIG(status_));
  return "ended";
}

void Process::Kill() {
  if (exited_ || pid_ <= 0) return;
  // Unregistered already means an exit hook killed and reaped it.
  if (UnregisterChild(pid_)) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  exited_ = true;
}

int Process::Wait(Deadline deadline) {
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      Kill();
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (pid_ > 0 && WIFEXITED(status_)) return WEXITSTATUS(status_);
  return -1;
}

std::string Process::Stdout() const { return ReadFile(stdout_path_); }
std::string Process::Stderr() const { return ReadFile(stderr_path_); }

std::string Process::Tail(size_t lines) const {
  std::string out;
  for (const auto& [label, path] : {std::pair{"stdout", stdout_path_}, {"stderr", stderr_path_}}) {
    const std::string text = ReadFile(path);
    if (text.empty()) continue;
    out += "----- " + name_ + " " + label + " (last " + std::to_string(lines) + " lines of " +
           path + ") -----\n" + LastLines(text, lines);
    if (out.back() != '\n') out += '\n';
  }
  if (out.empty()) out = "----- " + name_ + ": no output -----\n";
  return out;
}

CommandResult RunCommand(const std::string& name, std::vector<std::string> argv,
                         const std::string& dir, std::chrono::milliseconds timeout) {
  CommandResult r;
  Process p(name, std::move(argv), dir);
  if (!p.error().empty()) {
    r.err = p.error();
    return r;
  }
  r.exit_code = p.Wait(After(timeout));
  r.out = p.Stdout();
  r.err = p.Stderr();
  return r;
}

// ---------------------------------------------------------------------------
// DatabaseLock

DatabaseLock::DatabaseLock(std::string db_path, std::string dir)
    : db_path_(std::move(db_path)), dir_(std::move(dir)), marker_(dir_ + "/sqlite3-locked") {}

DatabaseLock::~DatabaseLock() {
  if (shell_) shell_->Kill();
}

std::string DatabaseLock::Acquire(Deadline deadline) {
  std::filesystem::remove(marker_);
  shell_ = std::make_unique<Process>(
      "sqlite3-lock", std::vector<std::string>{ToolPath("SQLITE3", "sqlite3"), db_path_}, dir_,
      /*stdin_pipe=*/true);
  if (!shell_->error().empty()) return "sqlite3: " + shell_->error();
  // .timeout: wait out a write alertgate may be doing right now. .bail: a
  // failed BEGIN ends the shell before the marker says the lock is held.
  // The marker is a file rather than output: the shell's stdout is a file,
  // so block-buffered.
  const std::string script =
      ".timeout 5000\n.bail on\nBEGIN EXCLUSIVE;\n.system touch " + marker_ + "\n";
  if (!shell_->WriteStdin(script)) return "sqlite3: cannot write to its stdin";
  const bool held = PollUntil(
      deadline, [&] { return access(marker_.c_str(), F_OK) == 0 || !shell_->Running(); },
      std::chrono::milliseconds(10));
  if (held && access(marker_.c_str(), F_OK) == 0 && shell_->Running()) return "";
  return "sqlite3 did not take the lock on " + db_path_ + " (" + shell_->Describe() + ")\n" +
         shell_->Tail(20);
}

std::string DatabaseLock::Release(Deadline deadline) {
  if (!shell_) return "sqlite3: not started";
  if (!shell_->WriteStdin("COMMIT;\n")) return "sqlite3: cannot write to its stdin";
  shell_->CloseStdin();
  const int code = shell_->Wait(deadline);
  if (code != 0) {
    return "sqlite3 did not COMMIT and exit 0 (" + shell_->Describe() + ")\n" + shell_->Tail(20);
  }
  return "";
}

int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = -1;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// ---------------------------------------------------------------------------
// HTTP and JSON

namespace {

HttpReply ToReply(const httplib::Result& res) {
  HttpReply r;
  if (!res) {
    r.error = httplib::to_string(res.error());
    return r;
  }
  r.status = res->status;
  r.body = res->body;
  return r;
}

httplib::Client MakeClient(int port) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(2, 0);
  cli.set_read_timeout(10, 0);
  cli.set_write_timeout(5, 0);
  cli.set_keep_alive(false);
  return cli;
}

}  // namespace

HttpReply HttpGet(int port, const std::string& path) {
  auto cli = MakeClient(port);
  return ToReply(cli.Get(path));
}

HttpReply HttpPost(int port, const std::string& path, const std::string& body) {
  auto cli = MakeClient(port);
  return ToReply(cli.Post(path, body, "application/json"));
}

namespace {

httplib::Client MakeClient(const Endpoint& to, const Credentials& as) {
  const std::string origin = (to.ca_file.empty() ? "http://" : "https://") +
                             std::string("127.0.0.1:") + std::to_string(to.port);
  httplib::Client cli(origin);
  cli.set_connection_timeout(2, 0);
  cli.set_read_timeout(10, 0);
  cli.set_write_timeout(5, 0);
  cli.set_keep_alive(false);
  if (!to.ca_file.empty()) {
    cli.set_ca_cert_path(to.ca_file.c_str());
    cli.enable_server_certificate_verification(true);
  }
  if (!as.user.empty()) cli.set_basic_auth(as.user.c_str(), as.password.c_str());
  if (!as.bearer.empty()) cli.set_bearer_token_auth(as.bearer.c_str());
  return cli;
}

}  // namespace

HttpReply HttpGet(const Endpoint& to, const std::string& path, const Credentials& as) {
  auto cli = MakeClient(to, as);
  return ToReply(cli.Get(path.c_str()));
}

HttpReply HttpPost(const Endpoint& to, const std::string& path, const std::string& body,
                   const Credentials& as) {
  auto cli = MakeClient(to, as);
  return ToReply(cli.Post(path.c_str(), body, "application/json"));
}

rapidjson::Document ParseJson(const std::string& text, std::string* error) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError()) {
    if (error != nullptr) {
      *error = "invalid JSON at offset " + std::to_string(d.GetErrorOffset()) + ": " +
               text.substr(0, 300);
    }
    d.SetNull();
  }
  return d;
}

std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Str(const rapidjson::Value& obj, const char* member) {
  if (!obj.IsObject()) return "";
  auto it = obj.FindMember(member);
  if (it == obj.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

const rapidjson::Value& Get(const rapidjson::Value& v, const char* member) {
  static const rapidjson::Value kNull;
  if (!v.IsObject()) return kNull;
  auto it = v.FindMember(member);
  return it == v.MemberEnd() ? kNull : it->value;
}

const rapidjson::Value& Get(const rapidjson::Value& v, int index) {
  static const rapidjson::Value kNull;
  if (!v.IsArray() || index < 0 || static_cast<rapidjson::SizeType>(index) >= v.Size())
    return kNull;
  return v[static_cast<rapidjson::SizeType>(index)];
}

double Number(const rapidjson::Value& obj, const char* member) {
  const rapidjson::Value& v = Get(obj, member);
  return v.IsNumber() ? v.GetDouble() : -1e9;
}

Timestamp ParseTime(const std::string& text) {
  auto t = ParseRfc3339(text);
  EXPECT_TRUE(t.ok()) << "bad timestamp \"" << text << "\": " << t.status().message();
  return t.ok() ? *t : Timestamp{};
}

int Size(const rapidjson::Value& v) { return v.IsArray() ? static_cast<int>(v.Size()) : -1; }

rapidjson::Value::ConstArray Items(const rapidjson::Value& v) {
  static const rapidjson::Value kEmpty(rapidjson::kArrayType);
  return v.IsArray() ? v.GetArray() : kEmpty.GetArray();
}

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

std::optional<double> MetricValue(const std::string& exposition, const std::string& name,
                                  const std::map<std::string, std::string>& labels) {
  std::istringstream in(exposition);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t pos = line.find_first_of("{ ");
    if (pos == std::string::npos || line.compare(0, pos, name) != 0 || pos != name.size()) {
      continue;
    }
    std::map<std::string, std::string> got;
    if (line[pos] == '{') {
      ++pos;
      while (pos < line.size() && line[pos] != '}') {
        const size_t eq = line.find('=', pos);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') break;
        const std::string key = line.substr(pos, eq - pos);
        std::string value;
        size_t i = eq + 2;
        for (; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
        }
        got[key] = value;
        pos = i + 1;
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      ++pos;  // '}'
    }
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = got.find(k);
      if (it == got.end() || it->second != v) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    std::istringstream value(line.substr(pos));
    double v = 0;
    if (value >> v) return v;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// CaptureServer

CaptureServer::CaptureServer() : server_(std::make_unique<httplib::Server>()) {}

CaptureServer::~CaptureServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void CaptureServer::Record(const std::string& source, const std::string& body) {
  // Stamp first: this is the harness's own measure of the delivery.
  const SysTime now = std::chrono::system_clock::now();
  const rapidjson::Document d = ParseJson(body);
  std::vector<CapturedAlert> got;
  for (const auto& a : Items(Get(d, "alerts"))) {
    CapturedAlert c;
    c.source = source;
    c.received_at = now;
    c.fingerprint = Str(a, "fingerprint");
    c.status = Str(a, "status");
    c.starts_at = Str(a, "startsAt");
    const rapidjson::Value& labels = Get(a, "labels");
    if (labels.IsObject()) {
      for (const auto& m : labels.GetObject()) {
        if (m.value.IsString()) c.labels[m.name.GetString()] = m.value.GetString();
      }
    }
    c.alertname = c.labels["alertname"];
    got.push_back(std::move(c));
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++deliveries_;
  for (auto& c : got) alerts_.push_back(std::move(c));
}

bool CaptureServer::Start() {
  server_->set_tcp_nodelay(true);
  server_->Post(R"(/capture/([a-z0-9]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Record(req.matches[1], req.body);
                  res.set_content("ok\n", "text/plain");
                });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return true;
}

std::vector<CapturedAlert> CaptureServer::Alerts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return alerts_;
}

std::optional<CapturedAlert> CaptureServer::First(const std::string& alertname,
                                                  const std::string& status,
                                                  const std::string& source) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<CapturedAlert> best;
  for (const auto& a : alerts_) {
    if (a.alertname != alertname || a.status != status) continue;
    if (!source.empty() && a.source != source) continue;
    if (!best || a.received_at < best->received_at) best = a;
  }
  return best;
}

size_t CaptureServer::Count(const std::string& alertname, const std::string& source) const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& a : alerts_) {
    if (a.alertname == alertname && (source.empty() || a.source == source)) ++n;
  }
  return n;
}

size_t CaptureServer::Deliveries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return deliveries_;
}

// ---------------------------------------------------------------------------
// Env

Env::Env(EnvOptions options) : options_(std::move(options)) {}

Env::~Env() {
  // Upstream first, so nothing logs errors about a peer that vanished.
  if (prometheus_) prometheus_->Kill();
  for (auto& am : am_) {
    if (am) am->Kill();
  }
  if (alertgate_) alertgate_->Kill();
  if (exporter_) exporter_->Kill();
  const char* keep = getenv("ALERTGATE_E2E_KEEP");
  if (!dir_.empty()) {
    if (keep_dir_ || (keep != nullptr && *keep != '\0' && *keep != '0')) {
      fprintf(stderr, "alertgate e2e: logs and data kept in %s\n", dir_.c_str());
    } else {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
}

std::string Env::Fail(const std::string& what) {
  keep_dir_ = true;
  return what + "\n" + LogTails();
}

std::string Env::DeadProcesses() {
  std::string out;
  for (Process* p :
       {exporter_.get(), alertgate_.get(), am_[0].get(), am_[1].get(), prometheus_.get()}) {
    if (p != nullptr && !p->Running()) out += p->name() + " " + p->Describe() + "; ";
  }
  return out;
}

std::string Env::LogTails(size_t lines) {
  std::string out = "===== component logs (" + dir_ + ") =====\n";
  for (Process* p :
       {prometheus_.get(), am_[0].get(), am_[1].get(), alertgate_.get(), exporter_.get()}) {
    if (p != nullptr) out += p->Tail(lines);
  }
  out += "----- capture receiver: " + std::to_string(capture_.Deliveries()) + " deliveries, " +
         std::to_string(capture_.Alerts().size()) + " alerts -----\n";
  for (const auto& a : capture_.Alerts()) {
    out += "  " + a.source + " " + a.status + " " + a.alertname + " " + a.fingerprint +
           " startsAt=" + a.starts_at + "\n";
  }
  return out;
}

void Env::Note(const std::string& msg) const {
  const double t =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  char prefix[32];
  snprintf(prefix, sizeof(prefix), "[e2e +%.2fs] ", t);
  fprintf(stderr, "%s%s\n", prefix, msg.c_str());
}

std::string Env::Start() {
  started_ = std::chrono::steady_clock::now();
  const char* tmp = getenv("TMPDIR");
  std::string templ =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/alertgate-e2e-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return std::string("mkdtemp: ") + strerror(errno);
  dir_ = templ;
  if (!capture_.Start()) return Fail("the capture receiver cannot listen on 127.0.0.1:0");
  Note("capture receiver on :" + std::to_string(capture_.port()) + ", dir " + dir_);
  if (std::string err = StartExporter(); !err.empty()) return Fail(err);
  Note("fake exporter on :" + std::to_string(exporter_port_));
  if (std::string err = StartAlertgate(); !err.empty()) return Fail(err);
  Note("alertgate ready on :" + std::to_string(alertgate_port_));
  // The Alertmanager configs name alertgate's and the capture's ports.
  if (options_.alertmanagers < 1 || options_.alertmanagers > 2) {
    return Fail("EnvOptions::alertmanagers must be 1 or 2");
  }
  for (int i = 0; i < options_.alertmanagers; ++i) {
    if (std::string err = StartAlertmanager(i); !err.empty()) return Fail(err);
    Note("alertmanager" + std::to_string(i + 1) + " ready on :" + std::to_string(am_port_[i]));
  }
  if (std::string err = StartPrometheus(); !err.empty()) return Fail(err);
  Note("prometheus ready on :" + std::to_string(prometheus_port_));
  if (std::string err = WaitPipelineReady(); !err.empty()) return Fail(err);
  Note("pipeline ready: target scraped, " + std::to_string(options_.alertmanagers) +
       " alertmanager(s), rules evaluated");
  return "";
}

std::string Env::StartExporter() {
  exporter_ = std::make_unique<Process>(
      "fake-exporter",
      std::vector<std::string>{ALERTGATE_FAKE_EXPORTER_BINARY, "--host=127.0.0.1", "--port=0"},
      dir_);
  if (!exporter_->error().empty()) return "fake exporter: " + exporter_->error();
  const bool up = PollUntil(
      After(std::chrono::seconds(20)),
      [&] {
        const std::string out = exporter_->Stdout();
        const auto pos = out.find("listening port=");
        if (pos != std::string::npos && out.find('\n', pos) != std::string::npos) {
          exporter_port_ = std::stoi(out.substr(pos + 15));
          return true;
        }
        return !exporter_->Running();
      },
      std::chrono::milliseconds(10));
  if (!up || exporter_port_ <= 0) {
    return "fake exporter did not report its port (" + exporter_->Describe() + ")";
  }
  for (const auto& s : options_.initial_series) {
    if (std::string err = SetGauge(s.name, s.labels, s.value); !err.empty()) return err;
  }
  return "";
}

std::string Env::SetGauge(const std::string& name, const std::map<std::string, std::string>& labels,
                          double value) {
  std::string body = "{\"name\":" + JsonQuote(name) + ",\"type\":\"gauge\",\"labels\":{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    body += (first ? "" : ",") + JsonQuote(k) + ":" + JsonQuote(v);
    first = false;
  }
  std::ostringstream num;
  num << value;
  body += "},\"value\":" + num.str() + "}";
  const HttpReply r = HttpPost(exporter_port_, "/api/v1/set", body);
  if (r.status != 200) {
    return "fake exporter /api/v1/set " + body + ": " +
           (r.status == 0 ? r.error : std::to_string(r.status) + " " + r.body);
  }
  return "";
}

std::string Env::AlertgateLog() const { return alertgate_ ? alertgate_->Stderr() : ""; }

std::string Env::AlertmanagerLog(int index) const {
  return index >= 0 && index < 2 && am_[index] ? am_[index]->Stderr() : "";
}

std::string Env::StartAlertgate() {
  WriteTextFile(File("alertgate.yml"), options_.alertgate_config);
  std::vector<std::string> argv = {ALERTGATE_BINARY,
                                   "serve",
                                   "--config.file=" + File("alertgate.yml"),
                                   "--storage.path=" + File("alertgate-data"),
                                   "--web.listen-address=127.0.0.1:0",
                                   "--log.level=debug"};
  if (!options_.web_config.empty()) {
    WriteTextFile(File("web.yml"), options_.web_config);
    argv.push_back("--web.config.file=" + File("web.yml"));
  }
  for (const auto& a : options_.alertgate_args) argv.push_back(a);
  alertgate_ = std::make_unique<Process>("alertgate", argv, dir_);
  if (!alertgate_->error().empty()) return "alertgate: " + alertgate_->error();
  const bool started = PollUntil(
      After(std::chrono::seconds(20)),
      [&] {
        std::istringstream in(alertgate_->Stderr());
        std::string line;
        while (std::getline(in, line)) {
          const auto port = line.find(" port=");
          if (line.find("msg=\"alertgate started\"") != std::string::npos &&
              port != std::string::npos) {
            alertgate_port_ = std::stoi(line.substr(port + 6));
            return true;
          }
        }
        return !alertgate_->Running();
      },
      std::chrono::milliseconds(10));
  if (!started || alertgate_port_ <= 0) {
    return "alertgate did not log \"alertgate started ... port=N\" (" + alertgate_->Describe() +
           ")";
  }
  std::string last;
  const bool ready = PollUntil(After(std::chrono::seconds(20)), [&] {
    if (!alertgate_->Running()) return true;
    // Open to anonymous callers even with authentication on.
    const HttpReply h = HttpGet(alertgate(), "/-/healthy");
    const HttpReply r = HttpGet(alertgate(), "/-/ready");
    last = "healthy " + std::to_string(h.status) + " " + h.error + ", ready " +
           std::to_string(r.status) + " " + r.error;
    return h.status == 200 && r.status == 200;
  });
  if (!ready || !alertgate_->Running()) {
    return "alertgate is not healthy and ready (" + last + "; " + alertgate_->Describe() + ")";
  }
  return "";
}

std::string Env::StartOnFreePort(const std::string& name,
                                 const std::function<std::vector<std::string>(int port)>& argv,
                                 const std::string& ready_path, std::unique_ptr<Process>* out,
                                 int* port) {
  constexpr int kAttempts = 5;
  std::string why;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    *port = PickFreePort();
    if (*port <= 0) return name + ": cannot find a free port";
    // Keep the logs of a failed attempt apart from the next one.
    *out = std::make_unique<Process>(attempt == 1 ? name : name + "-" + std::to_string(attempt),
                                     argv(*port), dir_);
    Process& p = **out;
    if (!p.error().empty()) return name + ": " + p.error();
    // Ready only once the process itself says it listens on the port: a
    // server that grabbed the port first would answer the probe as well.
    const std::string listening = "msg=\"Listening on\" address=" + Addr(*port);
    int status = 0;
    PollUntil(After(std::chrono::seconds(30)), [&] {
      if (!p.Running()) return true;
      if (p.Stderr().find(listening) == std::string::npos) return false;
      status = HttpGet(*port, ready_path).status;
      return status == 200;
    });
    if (status == 200 && p.Running()) return "";
    const std::string err = p.Stderr();
    if (!p.Running() && (err.find("address already in use") != std::string::npos ||
                         err.find("bind: ") != std::string::npos)) {
      why += "port " + std::to_string(*port) + " was taken; ";
      continue;  // another process grabbed the port between pick and bind
    }
    return name + " did not become ready on " + Addr(*port) + ready_path + " (" + p.Describe() +
           ")";
  }
  return name + ": no free port after " + std::to_string(kAttempts) + " attempts: " + why;
}

std::string Env::StartAlertmanager(int index) {
  const std::string name = "alertmanager" + std::to_string(index + 1);
  const std::string source = "am" + std::to_string(index + 1);
  const bool tls = !options_.alertgate_ca_file.empty();
  const std::string alertgate_url =
      (tls ? "https://" : "http://") + Addr(alertgate_port_) + "/api/v1/webhook";
  const std::string capture_url = "http://" + Addr(capture_.port()) + "/capture/" + source;
  const std::string dup = "alertname=\"" + options_.duplicate_alertname + "\"";
  std::string routes;
  if (options_.duplicate_alertname.empty()) {
    // No duplicate scenario: every alert to alertgate and to the capture.
    routes =
        "    - receiver: alertgate\n      continue: true\n"
        "    - receiver: capture\n      continue: true\n";
  } else if (index == 0) {
    // am1: every alert to alertgate (continue: true) and to the capture.
    // The duplicate scenario's alert waits longer here, so that am2's copy
    // is the first receipt and am1's is the resend.
    const std::string hold_dup = "      routes:\n        - matchers: ['" + dup +
                                 "']\n          group_wait: " + options_.am1_duplicate_group_wait +
                                 "\n";
    routes = "    - receiver: alertgate\n      continue: true\n" + hold_dup +
             "    - receiver: capture\n      continue: true\n" + hold_dup;
  } else {
    // am2, not clustered with am1: only the duplicate scenario's alert.
    routes = "    - receiver: alertgate\n      matchers: ['" + dup +
             "']\n      continue: true\n"
             "    - receiver: capture\n      matchers: ['" +
             dup + "']\n      continue: true\n";
  }
  // How this Alertmanager reaches alertgate: credentials from 0600 files,
  // the server certificate verified with the test CA.
  std::string http_config;
  const Credentials& auth = options_.am_webhook_auth[index];
  if (!auth.user.empty()) {
    const std::string secret = File(name + "-alertgate.password");
    WriteTextFile(secret, auth.password);
    chmod(secret.c_str(), 0600);
    http_config += "          basic_auth:\n            username: " + auth.user +
                   "\n            password_file: " + secret + "\n";
  }
  if (!auth.bearer.empty()) {
    const std::string secret = File(name + "-alertgate.token");
    WriteTextFile(secret, auth.bearer + "\n");
    chmod(secret.c_str(), 0600);
    http_config +=
        "          authorization:\n            type: Bearer\n"
        "            credentials_file: " +
        secret + "\n";
  }
  if (tls) {
    http_config +=
        "          tls_config:\n            ca_file: " + options_.alertgate_ca_file + "\n";
  }
  if (!http_config.empty()) http_config = "        http_config:\n" + http_config;
  const std::string config =
      "# Written by the alertgate e2e harness.\n"
      "global:\n"
      "  resolve_timeout: 5s\n"
      "route:\n"
      "  receiver: blackhole\n"
      "  group_by: [alertname]\n"
      "  group_wait: 1s\n"
      "  group_interval: 1s\n"
      "  repeat_interval: 1h\n"
      "  routes:\n" +
      routes +
      "receivers:\n"
      "  - name: blackhole\n"
      "  - name: alertgate\n"
      "    webhook_configs:\n"
      "      - url: " +
      alertgate_url +
      "\n"
      "        send_resolved: true\n" +
      http_config +
      "  - name: capture\n"
      "    webhook_configs:\n"
      "      - url: " +
      capture_url +
      "\n"
      "        send_resolved: true\n";
  const std::string file = File(name + ".yml");
  WriteTextFile(file, config);
  const CommandResult check =
      RunCommand(name + "-check", {ToolPath("AMTOOL", "amtool"), "check-config", file}, dir_,
                 std::chrono::seconds(20));
  if (check.exit_code != 0) {
    return "amtool check-config " + file + " failed:\n" + check.out + check.err + "\n" + config;
  }
  const std::string data = File(name + "-data");
  return StartOnFreePort(
      name,
      [&](int port) {
        return std::vector<std::string>{ToolPath("ALERTMANAGER", "prometheus-alertmanager"),
                                        "--config.file=" + file,
                                        "--storage.path=" + data,
                                        "--web.listen-address=" + Addr(port),
                                        "--cluster.listen-address=",
                                        "--log.level=debug"};
      },
      "/-/ready", &am_[index], &am_port_[index]);
}

std::string Env::StartPrometheus() {
  WriteTextFile(File("rules.yml"), options_.rules);
  std::string am_targets;
  for (int i = 0; i < options_.alertmanagers; ++i) {
    am_targets += (i == 0 ? "'" : ", '") + Addr(am_port_[i]) + "'";
  }
  const std::string config =
      "# Written by the alertgate e2e harness.\n"
      "global:\n"
      "  scrape_interval: 1s\n"
      "  scrape_timeout: 1s\n"
      "  evaluation_interval: 1s\n"
      "rule_files:\n"
      "  - " +
      File("rules.yml") +
      "\n"
      "alerting:\n"
      "  alertmanagers:\n"
      "    - api_version: v2\n"
      "      timeout: 5s\n"
      "      static_configs:\n"
      "        - targets: [" +
      am_targets +
      "]\n"
      "scrape_configs:\n"
      "  - job_name: fake\n"
      "    static_configs:\n"
      "      - targets: ['" +
      Addr(exporter_port_) + "']\n";
  const std::string file = File("prometheus.yml");
  WriteTextFile(file, config);
  const CommandResult check =
      RunCommand("promtool-check", {ToolPath("PROMTOOL", "promtool"), "check", "config", file},
                 dir_, std::chrono::seconds(20));
  if (check.exit_code != 0) {
    return "promtool check config " + file + " failed:\n" + check.out + check.err;
  }
  const std::string data = File("prometheus-data");
  return StartOnFreePort(
      "prometheus",
      [&](int port) {
        return std::vector<std::string>{
            ToolPath("PROMETHEUS", "prometheus"), "--config.file=" + file,
            "--storage.tsdb.path=" + data,        "--web.listen-address=" + Addr(port),
            "--rules.alert.resend-delay=1s",      "--log.level=info"};
      },
      "/-/ready", &prometheus_, &prometheus_port_);
}

std::string Env::WaitPipelineReady() {
  // Ready means: the exporter is scraped, both Alertmanagers are known, and
  // every rule has been evaluated healthy and inactive.
  std::string state = "nothing checked yet";
  const bool ready = PollUntil(
      After(std::chrono::seconds(30)),
      [&] {
        if (!DeadProcesses().empty()) return true;
        const HttpReply targets = HttpGet(prometheus_port_, "/api/v1/targets?state=active");
        const rapidjson::Document t = ParseJson(targets.body);
        if (targets.status != 200 || Size(Get(t, "data", "activeTargets")) != 1 ||
            Str(Get(t, "data", "activeTargets", 0), "health") != "up") {
          state = "target not scraped yet: " + targets.body.substr(0, 400);
          return false;
        }
        const HttpReply ams = HttpGet(prometheus_port_, "/api/v1/alertmanagers");
        const rapidjson::Document a = ParseJson(ams.body);
        if (ams.status != 200 ||
            Size(Get(a, "data", "activeAlertmanagers")) != options_.alertmanagers) {
          state = "alertmanagers not discovered yet: " + ams.body.substr(0, 400);
          return false;
        }
        const HttpReply rules = HttpGet(prometheus_port_, "/api/v1/rules");
        const rapidjson::Document r = ParseJson(rules.body);
        if (rules.status != 200 || Size(Get(r, "data", "groups")) < 0) {
          state = "rules not listed: " + rules.body.substr(0, 400);
          return false;
        }
        size_t evaluated = 0;
        for (const auto& g : Items(Get(r, "data", "groups"))) {
          for (const auto& rule : Items(Get(g, "rules"))) {
            if (Str(rule, "health") == "ok" && Str(rule, "state") == "inactive" &&
                Str(rule, "lastEvaluation").rfind("0001-", 0) != 0) {
              ++evaluated;
            }
          }
        }
        if (evaluated != options_.rule_count) {
          state = std::to_string(evaluated) + " of " + std::to_string(options_.rule_count) +
                  " rules evaluated healthy and inactive: " + rules.body.substr(0, 1500);
          return false;
        }
        return true;
      },
      std::chrono::milliseconds(100));
  if (std::string dead = DeadProcesses(); !dead.empty()) return "a component died: " + dead;
  if (!ready) return "the pipeline did not become ready within 30s: " + state;
  return "";
}

}  // namespace alertgate::e2e
