#include "test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "core/file.h"

extern char** environ;

namespace alertgate::test {

std::string SourcePath(std::string_view relative) {
  // Appended piece by piece: GCC 12 warns falsely (-Warray-bounds,
  // -Wstringop-overflow) on an inlined operator+ chain that starts at a
  // literal, depending on the literal's length, so only some checkouts fail.
  std::string path = ALERTGATE_SOURCE_DIR;
  return path.append("/").append(relative);
}

std::string FixturePath(const std::string& relative) { return SourcePath("fixtures/" + relative); }

std::string ReadFixture(const std::string& relative) {
  auto text = ReadFile(FixturePath(relative));
  EXPECT_TRUE(text.ok()) << "cannot read fixture " << relative << ": " << text.status().ToString();
  return text.ok() ? std::move(text).value() : std::string();
}

TempDir::TempDir() {
  const char* tmp = getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr ? tmp : "/tmp") + "/alertgate-test-XXXXXX";
  char* made = mkdtemp(templ.data());
  EXPECT_NE(made, nullptr) << "mkdtemp failed";
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool Eventually(const std::function<bool()>& cond, std::chrono::milliseconds deadline) {
  return EventuallyBy(std::chrono::steady_clock::now() + deadline, cond);
}

bool EventuallyBy(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& cond,
                  std::chrono::milliseconds interval) {
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(interval);
  }
  return cond();
}

Answer::Answer(httplib::Result result) : error_(result.error()) {
  if (result) {
    answered_ = true;
    response_ = std::move(*result);
  } else {
    response_.status = -1;
    ADD_FAILURE() << "no HTTP response: " << httplib::to_string(error_);
  }
}

RawConnection::RawConnection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(other.fd_), eof_(other.eof_), buffer_(std::move(other.buffer_)) {
  other.fd_ = -1;
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawConnection::Fill(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[16384];
  const ssize_t n = recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

std::string RawConnection::ReadAll(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Fill(deadline)) {
  }
  return std::exchange(buffer_, std::string());
}

std::optional<std::string> RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t length = 0;
      const std::string head = buffer_.substr(0, end);
      std::string lower = head;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (const auto cl = lower.find("\r\ncontent-length:"); cl != std::string::npos) {
        length = std::stoul(head.substr(cl + 17));
      }
      if (buffer_.size() >= end + 4 + length) {
        std::string response = buffer_.substr(0, end + 4 + length);
        buffer_.erase(0, end + 4 + length);
        return response;
      }
    }
    if (!Fill(deadline)) return std::nullopt;
  }
}

bool RawConnection::ClosedByPeer(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Fill(deadline)) {
  }
  return eof_;
}

CommandResult RunCommand(const std::string& command) {
  TempDir dir;
  const std::string out = dir.File("stdout");
  const std::string err = dir.File("stderr");
  std::string shell = "(";
  shell.append(command).append(") >").append(out).append(" 2>").append(err);
  CommandResult r;
  const int st = std::system(shell.c_str());
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  if (auto o = ReadFile(out); o.ok()) r.out = std::move(o).value();
  if (auto e = ReadFile(err); e.ok()) r.err = std::move(e).value();
  return r;
}

CommandResult RunAlertgate(const std::string& args) {
  std::string command = ALERTGATE_BINARY;
  command.append(" ").append(args);
  return RunCommand(command);
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

int StatusOf(const std::string& response) {
  const auto space = response.find(' ');
  if (space == std::string::npos) return 0;
  return std::atoi(response.c_str() + space + 1);
}

std::string BodyOf(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

void ExpectGoldenFile(const std::string& relative, const std::string& got) {
  const std::string path = SourcePath(relative);
  if (getenv("UPDATE_GOLDEN") != nullptr) {
    WriteFile(path, got);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << relative << " (run with UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << "golden file " << relative
                             << " differs; if intended, rerun with UPDATE_GOLDEN=1 and review";
}

ServeProcess::ServeProcess(const std::vector<std::string>& args, const std::string& log_file)
    : log_(log_file) {
  std::vector<std::string> all = {ALERTGATE_BINARY, "serve", "--web.listen-address=127.0.0.1:0"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, ALERTGATE_BINARY, &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  pid_ = pid;
}

int ServeProcess::WaitForPort() {
  int port = -1;
  const bool started = Eventually(
      [&] {
        std::ifstream in(log_);
        std::string line;
        while (std::getline(in, line)) {
          const auto started_at = line.find("msg=\"alertgate started\"");
          const auto port_at = line.find(" port=");
          if (started_at != std::string::npos && port_at != std::string::npos) {
            port = std::stoi(line.substr(port_at + 6));
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(20));
  if (!started) ADD_FAILURE() << "alertgate did not start; log:\n" << Log();
  return started ? port : -1;
}

void ServeProcess::Signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

void ServeProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServeProcess::WaitForExit() {
  if (pid_ <= 0) return -1;
  int status = 0;
  const bool exited =
      Eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(20));
  if (!exited) return -1;
  pid_ = -1;
  return status;
}

std::string ServeProcess::Log() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace alertgate::test
