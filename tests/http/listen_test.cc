// The listening socket: a burst of connections is queued rather than dropped,
// and a second server cannot take a port that is already served.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <vector>

#include "app/app.h"
#include "core/clock.h"
#include "test_util.h"

namespace alertgate {
namespace {

using test::kOneScenarioConfig;
using test::TempDir;
using test::WriteFile;

class ListenTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteFile(dir_.File("alertgate.yml"), kOneScenarioConfig); }

  // Creates (binds) an app that is not serving yet.
  Result<std::unique_ptr<App>> Create(const std::string& listen, const std::string& data) {
    ServeOptions opts;
    opts.config_file = dir_.File("alertgate.yml");
    opts.storage_path = dir_.File(data);
    opts.listen_address = listen;
    return App::Create(opts, &clock_, &log_);
  }

  TempDir dir_;
  FakeClock clock_{FromUnixMillis(1770022800000)};
  std::ostringstream log_;
};

// A non-blocking connect to 127.0.0.1:port; -1 on an immediate failure.
int StartConnect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

// Alertmanagers reconnect together after a restart. Until the server accepts
// them, the kernel queues completed handshakes up to the listen backlog and
// drops the SYNs beyond it, which costs each dropped client a 1 s SYN
// retransmit. httplib's compiled-in backlog is 5; alertgate raises it.
TEST_F(ListenTest, BacklogQueuesABurstOfConnectionsBeforeAnyIsAccepted) {
  auto app = Create("127.0.0.1:0", "data");
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  constexpr int kClients = 64;
  std::vector<pollfd> fds;
  for (int i = 0; i < kClients; ++i) {
    const int fd = StartConnect((*app)->port());
    ASSERT_GE(fd, 0);
    fds.push_back({fd, POLLOUT, 0});
  }
  // Nothing accepts (the app is not running): a handshake completes only if
  // the accept queue has room. Poll until all are connected or the deadline.
  // The deadline stays under the 1 s SYN retransmit, so a dropped SYN shows.
  int connected = 0;
  test::Eventually(
      [&] {
        if (poll(fds.data(), fds.size(), 0) < 0) return false;
        connected = 0;
        for (auto& p : fds) {
          int err = 0;
          socklen_t len = sizeof err;
          if ((p.revents & POLLOUT) != 0 &&
              getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
            ++connected;
          }
        }
        return connected == kClients;
      },
      std::chrono::milliseconds(900));
  for (auto& p : fds) close(p.fd);
  EXPECT_EQ(connected, kClients) << "connections beyond the listen backlog were dropped";
}

TEST_F(ListenTest, SecondServerOnTheSamePortIsRefused) {
  auto first = Create("127.0.0.1:0", "data");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = Create("127.0.0.1:" + std::to_string((*first)->port()), "data2");
  ASSERT_FALSE(second.ok()) << "two servers bound 127.0.0.1:" << (*first)->port();
  EXPECT_NE(second.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos)
      << second.status().ToString();
}

}  // namespace
}  // namespace alertgate
