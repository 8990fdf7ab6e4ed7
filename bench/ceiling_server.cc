// The ceiling for the load benchmark: a cpp-httplib server that answers every
// POST with 200 and does no work, configured exactly as alertgate's server
// (src/http/server.cc): TCP_NODELAY on, a thread pool of 8, httplib's
// default keep-alive, read and write timeouts of 10 s. Whatever alertgate
// loses against it is alertgate's own work (parse, stamp, commit).
//
//   alertgate-bench-ceiling PORT [THREADS [BACKLOG [KEEPALIVE_MAX]]]
//     listens on 127.0.0.1:PORT until SIGTERM/SIGINT. The optional arguments
//     show what a change to alertgate's server would buy: THREADS sizes the
//     pool (default 8, as alertgate); BACKLOG re-issues listen() with that
//     backlog (default: httplib's compiled-in 5); KEEPALIVE_MAX is requests
//     per connection before the server closes it (default: httplib's 5).
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: %s PORT [THREADS [BACKLOG [KEEPALIVE_MAX]]]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const size_t threads = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 8;
  const int backlog = argc > 3 ? std::atoi(argv[3]) : 0;
  const size_t keepalive_max = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 0;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_payload_max_length(8 << 20);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  if (keepalive_max > 0) server.set_keep_alive_max_count(keepalive_max);
  int listen_fd = -1;
  if (backlog > 0) {
    // Keep httplib's default socket options (SO_REUSEADDR) and remember the fd.
    server.set_socket_options([&listen_fd](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      listen_fd = sock;
    });
  }
  const auto ok = [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"success\"}\n", "application/json");
  };
  server.Post("/api/v1/webhook", ok);
  server.Post("/api/v2/alerts", ok);
  server.Get("/-/ready", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ready\n", "text/plain");
  });
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::fprintf(stderr, "ceiling: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  // Linux takes a second listen() on a listening socket as a new backlog.
  if (backlog > 0 && listen_fd >= 0) ::listen(listen_fd, backlog);
  std::thread signals([&server, set] {
    int sig = 0;
    sigwait(&set, &sig);
    server.stop();
  });
  server.listen_after_bind();
  signals.join();
  return 0;
}
