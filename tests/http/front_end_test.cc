// The HTTP front end tried as an attacker and as an odd client would, on the
// real server (the whole App, in-process, on a loopback port): request
// smuggling past auth, slow and idle clients, body and header limits for
// every framing, Range, bodiless POSTs, pipelining, password floods, the
// connection limit. Every refusal carries the JSON error body.
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "app_fixture.h"
#include "core/clock.h"
#include "http/web_fixture.h"
#include "test_util.h"

namespace alertgate {
namespace {

using namespace std::chrono_literals;
using test::BasicHeader;
using test::Eventually;
using test::kAlertmanagerPassword;
using test::kOpsPassword;
using test::RawConnection;
using test::StatusOf;
using test::TempDir;
using test::WriteFile;

// Users without TLS (raw sockets speak plain HTTP): ops (admin, bcrypt cost
// 4) and alertmanager (webhook, cost 10), from the web config fixture.
constexpr const char* kWebConfig = R"(basic_auth_users:
  ops: $2b$04$trH49iFwTwe5a8vWQcsPM.cxAviaWDD0zjBvGexxLnv7IATX3Xyuy
  alertmanager: $2y$10$ab4TrTmmr8XuSt9Rcm38eu8sMwVYQoCwZorhXuyjqlq2X7888pbLS
roles:
  ops: admin
  alertmanager: webhook
)";

// Lets this process hold both ends of a few thousand connections.
void RaiseOpenFileLimit() {
  rlimit r{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &r), 0);
  r.rlim_cur = r.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &r), 0);
  ASSERT_GE(r.rlim_cur, 4096u) << "the test needs 4096 open files; the hard limit is lower";
}

class FrontEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("alertgate.yml"), test::kOneScenarioConfig);
    opts_.config_file = dir_.File("alertgate.yml");
    opts_.storage_path = dir_.File("data");
    opts_.listen_address = "127.0.0.1:0";
    opts_.http.max_body_bytes = 64 * 1024;
  }

  // No health probe: Create binds the port, so connections queue until Run
  // serves them, and a probe's connection could still count against the
  // connection limit some tests set.
  void Start() {
    app_ = test::RunningApp::Start(opts_, &clock_, &log_, [](int) { return true; });
    ASSERT_NE(app_, nullptr);
  }
  void StartWithAuth() {
    WriteFile(dir_.File("web.yml"), kWebConfig);
    opts_.web_config_file = dir_.File("web.yml");
    Start();
  }

  int port() const { return app_->port(); }
  std::unique_ptr<httplib::Client> Client(const std::string& user = "",
                                          const std::string& password = "") const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port());
    c->set_read_timeout(20, 0);
    if (!user.empty()) c->set_basic_auth(user.c_str(), password.c_str());
    return c;
  }
  // Webhooks stored so far, from alertgate's own counter.
  std::string Metrics() const {
    return test::Answer(Client("ops", kOpsPassword)->Get("/metrics"))->body;
  }
  bool NothingStored() const {
    return Metrics().find(R"(alertgate_notifications_total{status="firing"} 0)") !=
           std::string::npos;
  }

  static std::string Request(const std::string& method, const std::string& path,
                             const std::string& headers, const std::string& body) {
    return method + " " + path + " HTTP/1.1\r\nHost: alertgate\r\n" + headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  static std::string Chunked(const std::string& body, size_t chunk) {
    std::string out;
    for (size_t i = 0; i < body.size(); i += chunk) {
      const std::string part = body.substr(i, chunk);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", part.size());
      out += size + part + "\r\n";
    }
    return out + "0\r\n\r\n";
  }
  static void ExpectJsonError(const std::string& response, int status, const char* type) {
    EXPECT_EQ(StatusOf(response), status) << response;
    EXPECT_NE(response.find("Content-Type: application/json"), std::string::npos) << response;
    rapidjson::Document d;
    d.Parse(test::BodyOf(response).c_str());
    ASSERT_FALSE(d.HasParseError()) << response;
    EXPECT_STREQ(d["status"].GetString(), "error");
    EXPECT_STREQ(d["errorType"].GetString(), type) << response;
  }

  TempDir dir_;
  FakeClock clock_{FromUnixMillis(1'770'022'800'000)};
  test::LogCapture log_;
  ServeOptions opts_;
  std::unique_ptr<test::RunningApp> app_;
};

const std::string& Webhook() {
  static const std::string body = test::ReadFixture("webhooks/firing-single.json");
  return body;
}

// --- smuggling --------------------------------------------------------------

// A refused request's body is never read as the next request on the
// connection, whatever its framing: here it is a request that would finish
// the drill with valid credentials.
TEST_F(FrontEndTest, RefusedRequestBodyIsNeverParsedAsARequest) {
  StartWithAuth();
  auto ops = Client("ops", kOpsPassword);
  ASSERT_EQ(
      test::Answer(ops->Post("/api/v1/drills", R"({"id":"victim"})", "application/json"))->status,
      201);
  const std::string smuggled =
      "POST /api/v1/drills/victim/finish HTTP/1.1\r\nHost: x\r\n"
      "Authorization: " +
      BasicHeader("ops", kOpsPassword) + "\r\nContent-Length: 0\r\n\r\n";
  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {
      {"content-length", Request("POST", "/api/v1/webhook", "", smuggled)},
      {"chunked", "POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                      Chunked(smuggled, 16)},
      {"expect-100", Request("POST", "/api/v1/webhook", "Expect: 100-continue\r\n", smuggled)},
      {"wrong-password",
       Request("POST", "/api/v1/webhook", "Authorization: " + BasicHeader("ops", "nope") + "\r\n",
               smuggled)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawConnection conn(port());
    ASSERT_TRUE(conn.Send(c.bytes));
    auto first = conn.ReadResponse();
    ASSERT_TRUE(first.has_value());
    ExpectJsonError(*first, 401, "unauthorized");
    EXPECT_NE(first->find("WWW-Authenticate: Basic"), std::string::npos) << *first;
    // No second answer: the connection is closed instead.
    const std::string rest = conn.ReadAll(3s);
    EXPECT_EQ(rest.find("HTTP/1.1"), std::string::npos) << rest;
  }
  test::Answer drill = ops->Get("/api/v1/drills/victim");
  ASSERT_EQ(drill->status, 200);
  EXPECT_NE(drill->body.find(R"("finished_at": null)"), std::string::npos) << drill->body;
}

TEST_F(FrontEndTest, RefusalWithoutABodyKeepsTheConnection) {
  StartWithAuth();
  RawConnection conn(port());
  ASSERT_TRUE(conn.Send(Request("GET", "/api/v1/drills", "", "")));
  auto refused = conn.ReadResponse();
  ASSERT_TRUE(refused.has_value());
  ExpectJsonError(*refused, 401, "unauthorized");
  ASSERT_TRUE(conn.Send(Request(
      "GET", "/api/v1/drills", "Authorization: " + BasicHeader("ops", kOpsPassword) + "\r\n", "")));
  auto ok = conn.ReadResponse();
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(StatusOf(*ok), 200) << *ok;
}

// --- slow and idle clients ------------------------------------------------------

// 200 clients dripping a header line at a time and 1,000 idle connections
// (half of them kept alive after a request) cost no thread: a health check
// is answered at once, where a thread per connection would leave it waiting
// for a read timeout.
TEST_F(FrontEndTest, SlowAndIdleClientsDoNotBlindTheServer) {
  RaiseOpenFileLimit();
  opts_.http.read_timeout = 20s;
  Start();
  std::vector<RawConnection> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.emplace_back(port());
    ASSERT_TRUE(idle.back().connected()) << i;
    if (i % 2 == 0) {
      ASSERT_TRUE(idle.back().Send(Request("GET", "/-/healthy", "", "")));
      ASSERT_TRUE(idle.back().ReadResponse().has_value()) << i;
    }
  }
  std::vector<RawConnection> slow;
  for (int i = 0; i < 200; ++i) {
    slow.emplace_back(port());
    ASSERT_TRUE(slow.back().Send("POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\n"));
  }
  std::atomic<bool> dripping{true};
  std::thread drip([&] {
    while (dripping) {
      for (auto& c : slow) c.Send("X-Drip: 1\r\n");
      std::this_thread::sleep_for(100ms);  // the pace of the attack, not a wait for a condition
    }
  });
  std::chrono::milliseconds worst{0};
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = Client()->Get("/-/healthy");
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    ASSERT_TRUE(r) << "probe " << i;
    EXPECT_EQ(r->status, 200);
    worst = std::max(worst, took);
  }
  dripping = false;
  drip.join();
  // Generous: blocked behind the slow clients it would be the read timeout (20 s).
  EXPECT_LT(worst, 2000ms) << "slowest /-/healthy during the attack";
  RecordProperty("worst_healthy_ms", std::to_string(worst.count()));
}

// The read timeout is a deadline for the whole request, not for each read.
TEST_F(FrontEndTest, ReadTimeoutIsADeadlineForTheWholeRequest) {
  opts_.http.read_timeout = 600ms;
  Start();
  RawConnection conn(port());
  ASSERT_TRUE(conn.Send("POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\n"));
  std::string answer;
  // One header line every 100 ms never lets a per-read timeout expire.
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 100 && conn.Send("X-Drip: 1\r\n"); ++i) {
    std::this_thread::sleep_for(100ms);  // the client's pace
    if (std::chrono::steady_clock::now() - t0 > 5s) break;
  }
  answer = conn.ReadAll(3s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "the drip was never cut off";
  ASSERT_NE(answer.find("HTTP/1.1 408"), std::string::npos) << answer;
  ExpectJsonError(answer, 408, "timeout");
}

TEST_F(FrontEndTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  opts_.http.idle_timeout = 300ms;
  Start();
  RawConnection conn(port());
  ASSERT_TRUE(conn.Send(Request("GET", "/-/healthy", "", "")));
  ASSERT_TRUE(conn.ReadResponse().has_value());
  EXPECT_TRUE(conn.ClosedByPeer(5s));
}

TEST_F(FrontEndTest, ConnectionsBeyondTheLimitAreClosedAndCounted) {
  opts_.http.max_connections = 4;
  Start();
  std::vector<RawConnection> held;
  for (int i = 0; i < 4; ++i) {
    held.emplace_back(port());
    ASSERT_TRUE(held.back().Send(Request("GET", "/-/healthy", "", "")));
    ASSERT_TRUE(held.back().ReadResponse().has_value());
  }
  RawConnection excess(port());
  EXPECT_TRUE(excess.ClosedByPeer(5s));
  held.pop_back();  // room for one
  EXPECT_TRUE(Eventually([&] {
    RawConnection again(port());
    if (!again.Send(Request("GET", "/metrics", "Connection: close\r\n", ""))) return false;
    auto r = again.ReadResponse();
    const std::string name = "\nalertgate_http_connections_rejected_total ";
    const auto at = r ? r->find(name) : std::string::npos;
    return at != std::string::npos && std::atof(r->c_str() + at + name.size()) >= 1;
  }));
}

// --- limits for every framing ------------------------------------------------------

TEST_F(FrontEndTest, BodyLimitHoldsForEveryFraming) {
  Start();
  const std::string big(opts_.http.max_body_bytes + 1, ' ');
  {
    SCOPED_TRACE("content-length");
    RawConnection conn(port());
    ASSERT_TRUE(conn.Send(Request("POST", "/api/v1/webhook", "", big)));
    auto r = conn.ReadResponse();
    ASSERT_TRUE(r.has_value());
    ExpectJsonError(*r, 413, "too_large");
  }
  {
    SCOPED_TRACE("chunked");
    RawConnection conn(port());
    ASSERT_TRUE(
        conn.Send("POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n"));
    // The client may not get to send everything: the server stops reading.
    conn.Send(Chunked(big, 4096));
    auto r = conn.ReadResponse();
    ASSERT_TRUE(r.has_value());
    ExpectJsonError(*r, 413, "too_large");
    EXPECT_TRUE(conn.ClosedByPeer());
  }
  {
    SCOPED_TRACE("unframed: no Content-Length, no Transfer-Encoding");
    RawConnection conn(port());
    ASSERT_TRUE(conn.Send("POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\n\r\n" + Webhook()));
    // The body is empty (RFC 9112): the webhook is malformed, and the bytes
    // that follow are not a request either.
    auto first = conn.ReadResponse();
    ASSERT_TRUE(first.has_value());
    ExpectJsonError(*first, 400, "bad_data");
    auto second = conn.ReadResponse();
    ASSERT_TRUE(second.has_value());
    ExpectJsonError(*second, 400, "bad_data");
    EXPECT_TRUE(conn.ClosedByPeer());
  }
  {
    SCOPED_TRACE("gzip");
    RawConnection conn(port());
    ASSERT_TRUE(
        conn.Send(Request("POST", "/api/v1/webhook", "Content-Encoding: gzip\r\n", Webhook())));
    auto r = conn.ReadResponse();
    ASSERT_TRUE(r.has_value());
    ExpectJsonError(*r, 415, "unsupported_media_type");
  }
  {
    SCOPED_TRACE("transfer coding other than chunked");
    RawConnection conn(port());
    ASSERT_TRUE(
        conn.Send("POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\n"
                  "Transfer-Encoding: gzip\r\n\r\n" +
                  Webhook()));
    auto r = conn.ReadResponse();
    ASSERT_TRUE(r.has_value());
    ExpectJsonError(*r, 400, "bad_data");
    EXPECT_TRUE(conn.ClosedByPeer());
  }
  {
    SCOPED_TRACE("gzip, chunked");
    RawConnection conn(port());
    ASSERT_TRUE(
        conn.Send("POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\n"
                  "Transfer-Encoding: gzip, chunked\r\n\r\n" +
                  Chunked(Webhook(), 512)));
    auto r = conn.ReadResponse();
    ASSERT_TRUE(r.has_value());
    ExpectJsonError(*r, 501, "not_implemented");
  }
  EXPECT_TRUE(NothingStored()) << Metrics();
  // A chunked body within the limit is a webhook like any other.
  RawConnection conn(port());
  ASSERT_TRUE(
      conn.Send("POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\n"
                "Transfer-Encoding: chunked\r\n\r\n" +
                Chunked(Webhook(), 100)));
  auto r = conn.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(StatusOf(*r), 200) << *r;
  EXPECT_FALSE(NothingStored());
}

TEST_F(FrontEndTest, OversizedHeadersAre431) {
  Start();
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  struct Case {
    const char* name;
    std::string headers;
  };
  for (const Case& c : {Case{"10k fields", many},
                        Case{"one 20 KiB field", "X-Big: " + std::string(20 << 10, 'a') + "\r\n"},
                        Case{"101 fields", many.substr(0, many.find("X-H101:"))}}) {
    SCOPED_TRACE(c.name);
    RawConnection conn(port());
    conn.Send("GET /-/healthy HTTP/1.1\r\nHost: x\r\n" + c.headers + "\r\n");
    auto r = conn.ReadResponse();
    ASSERT_TRUE(r.has_value());
    ExpectJsonError(*r, 431, "too_large");
    EXPECT_TRUE(conn.ClosedByPeer());
  }
}

TEST_F(FrontEndTest, RangeIsIgnored) {
  Start();
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 40; ++i) ranges += ",0-";
  RawConnection conn(port());
  ASSERT_TRUE(conn.Send(Request("GET", "/-/healthy", "Range: " + ranges + "\r\n", "")));
  auto r = conn.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(StatusOf(*r), 200) << *r;
  EXPECT_EQ(test::BodyOf(*r), "alertgate is Healthy.\n");
}

// --- framing of ordinary requests ---------------------------------------------------

// `curl -XPOST localhost:9095/-/reload` sends neither Content-Length nor
// Transfer-Encoding: the body is empty and the request is answered at once.
TEST_F(FrontEndTest, PostWithoutContentLengthHasAnEmptyBody) {
  opts_.http.read_timeout = 30s;  // a server waiting for a body would hang for this long
  Start();
  RawConnection conn(port());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(conn.Send("POST /-/reload HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto reload = conn.ReadResponse(10s);
  ASSERT_TRUE(reload.has_value());
  EXPECT_EQ(StatusOf(*reload), 200) << *reload;
  EXPECT_EQ(test::BodyOf(*reload), "config reloaded\n");
  ASSERT_TRUE(conn.Send(Request("POST", "/api/v1/drills", "", R"({"id":"d1"})")));
  ASSERT_TRUE(conn.ReadResponse().has_value());
  ASSERT_TRUE(conn.Send("POST /api/v1/drills/d1/finish HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto finish = conn.ReadResponse(10s);
  ASSERT_TRUE(finish.has_value());
  EXPECT_EQ(StatusOf(*finish), 200) << *finish;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
}

TEST_F(FrontEndTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  RawConnection conn(port());
  ASSERT_TRUE(conn.Send(Request("GET", "/-/healthy", "", "") +
                        Request("POST", "/api/v1/drills", "", R"({"id":"p1"})") +
                        Request("GET", "/api/v1/drills/p1", "", "")));
  auto a = conn.ReadResponse();
  auto b = conn.ReadResponse();
  auto c = conn.ReadResponse();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(test::BodyOf(*a), "alertgate is Healthy.\n");
  EXPECT_EQ(StatusOf(*b), 201) << *b;
  EXPECT_EQ(StatusOf(*c), 200) << *c;
  EXPECT_NE(c->find(R"("drill": "p1")"), std::string::npos) << *c;
}

TEST_F(FrontEndTest, ExpectContinueIsHonoured) {
  Start();
  RawConnection conn(port());
  ASSERT_TRUE(
      conn.Send("POST /api/v1/drills HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                "Content-Length: 11\r\n\r\n"));
  auto go = conn.ReadResponse();
  ASSERT_TRUE(go.has_value());
  EXPECT_EQ(StatusOf(*go), 100) << *go;
  ASSERT_TRUE(conn.Send(R"({"id":"e1"})"));
  auto created = conn.ReadResponse();
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(StatusOf(*created), 201) << *created;
}

TEST_F(FrontEndTest, ErrorsOfTheHttpLayerCarryTheJsonBody) {
  Start();
  struct Case {
    const char* name;
    std::string bytes;
    int status;
    const char* type;
  };
  for (const Case& c :
       {Case{"malformed request line", "GET\r\n\r\n", 400, "bad_data"},
        Case{"bad version", "GET / HTTP/9\r\n\r\n", 400, "bad_data"},
        Case{"unknown method on a known path", Request("PUT", "/api/v1/drills", "", ""), 405,
             "method_not_allowed"},
        Case{"unknown path", Request("GET", "/nope", "", ""), 404, "not_found"},
        Case{"absolute-form target", Request("GET", "http://x/-/healthy", "", ""), 400, "bad_data"},
        Case{"bad percent escape", Request("GET", "/api/v1/drills/%zz", "", ""), 400,
             "bad_data"}}) {
    SCOPED_TRACE(c.name);
    RawConnection conn(port());
    ASSERT_TRUE(conn.Send(c.bytes));
    auto r = conn.ReadResponse();
    ASSERT_TRUE(r.has_value());
    ExpectJsonError(*r, c.status, c.type);
  }
  RawConnection conn(port());
  ASSERT_TRUE(conn.Send(Request("PUT", "/api/v1/drills", "", "")));
  auto r = conn.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(r->find("Allow: GET, HEAD, POST"), std::string::npos) << *r;
}

TEST_F(FrontEndTest, HeadAnswersWithTheLengthAndNoBody) {
  Start();
  RawConnection conn(port());
  ASSERT_TRUE(conn.Send("HEAD /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n" +
                        Request("GET", "/-/healthy", "Connection: close\r\n", "")));
  // The HEAD answer says 22 bytes but sends none: what follows is the GET's.
  const std::string all = conn.ReadAll(2s);
  EXPECT_EQ(all.find("HTTP/1.1 200"), 0u) << all;
  EXPECT_NE(all.find("Content-Length: 22\r\n\r\nHTTP/1.1 200"), std::string::npos) << all;
}

// --- authentication under load ----------------------------------------------------

// A flood of wrong passwords keeps the password pool busy; webhooks with
// remembered credentials and health checks do not wait for it.
TEST_F(FrontEndTest, PasswordFloodDoesNotDelayCachedCredentials) {
  StartWithAuth();
  auto am = Client("alertmanager", kAlertmanagerPassword);
  ASSERT_EQ(test::Answer(am->Post("/api/v1/webhook", Webhook(), "application/json"))->status,
            200);  // cached
  std::atomic<bool> flooding{true};
  std::atomic<int> refused{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 8; ++t) {
    flood.emplace_back([&] {
      auto bad = Client("alertmanager", "wrong-password");
      while (flooding) {
        auto r = bad->Post("/api/v1/webhook", Webhook(), "application/json");
        if (r && (r->status == 401 || r->status == 503)) ++refused;
      }
    });
  }
  ASSERT_TRUE(Eventually([&] { return refused.load() >= 8; }, 20s));
  std::chrono::milliseconds worst{0};
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto hook = am->Post("/api/v1/webhook", Webhook(), "application/json");
    auto health = Client()->Get("/-/healthy");
    worst = std::max(worst, std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - t0));
    ASSERT_TRUE(hook && health);
    EXPECT_EQ(hook->status, 200);
    EXPECT_EQ(health->status, 200);
  }
  flooding = false;
  for (auto& t : flood) t.join();
  // A cost-10 bcrypt takes ~70 ms; waiting behind the flood's queue would be seconds.
  EXPECT_LT(worst, 1000ms) << "slowest cached webhook + health check during the flood";
  RecordProperty("worst_cached_ms", std::to_string(worst.count()));
}

TEST_F(FrontEndTest, MetricsAreProtectedOnceCredentialsAreConfigured) {
  StartWithAuth();
  EXPECT_EQ(test::Answer(Client()->Get("/metrics"))->status, 401);
  EXPECT_EQ(test::Answer(Client("ops", kOpsPassword)->Get("/metrics"))->status, 200);
  EXPECT_EQ(test::Answer(Client()->Get("/-/healthy"))->status, 200);
}

TEST_F(FrontEndTest, SecretSentWithoutASchemeIsNeitherEchoedNorLogged) {
  StartWithAuth();
  const std::string secret = "s3cr3t-token-pasted-without-bearer";
  RawConnection conn(port());
  ASSERT_TRUE(conn.Send(Request("GET", "/api/v1/drills", "Authorization: " + secret + "\r\n", "")));
  auto r = conn.ReadResponse();
  ASSERT_TRUE(r.has_value());
  ExpectJsonError(*r, 401, "unauthorized");
  EXPECT_EQ(r->find(secret), std::string::npos) << *r;
  EXPECT_EQ(log_.str().find(secret), std::string::npos) << log_.str();
}

}  // namespace
}  // namespace alertgate
