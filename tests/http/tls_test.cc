#include "http/tls.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <ostream>
#include <string>

#include "http/web_fixture.h"
#include "test_util.h"

namespace alertgate {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace alertgate::test;  // NOLINT(google-build-using-namespace): the fixture's names

// --- TLS ---------------------------------------------------------------------

struct SslCtxDeleter {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslDeleter {
  void operator()(SSL* s) const { SSL_free(s); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

struct Handshake {
  bool server_ok = false;        // the server completed the handshake
  bool client_verified = false;  // the client verified the server as "localhost"
  bool server_saw_cert = false;  // the server received a client certificate
};

// Runs a TLS handshake in memory between a server configured by `tls` and a
// client presenting `client` (fixtures/web/<client>.crt/.key; "" for none).
Handshake RunHandshake(const TlsServerConfig& tls, const std::string& client) {
  Handshake out;
  SslCtxPtr sctx(SSL_CTX_new(TLS_server_method()));
  const Status st = ConfigureTlsContext(tls, sctx.get());
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return out;

  SslCtxPtr cctx(SSL_CTX_new(TLS_client_method()));
  EXPECT_EQ(SSL_CTX_load_verify_locations(cctx.get(), FixturePath("web/ca.crt").c_str(), nullptr),
            1);
  SSL_CTX_set_verify(cctx.get(), SSL_VERIFY_PEER, nullptr);
  if (!client.empty()) {
    EXPECT_EQ(SSL_CTX_use_certificate_file(
                  cctx.get(), FixturePath("web/" + client + ".crt").c_str(), SSL_FILETYPE_PEM),
              1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(cctx.get(), FixturePath("web/" + client + ".key").c_str(),
                                          SSL_FILETYPE_PEM),
              1);
  }

  SslPtr server(SSL_new(sctx.get()));
  SslPtr cl(SSL_new(cctx.get()));
  SSL_set1_host(cl.get(), "localhost");
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_bio(cl.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(cl.get());

  auto pending = [](SSL* ssl, int rc) {
    const int e = SSL_get_error(ssl, rc);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
  };
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 50 && !(client_done && server_done); ++round) {
    if (!client_done) {
      const int rc = SSL_do_handshake(cl.get());
      if (rc == 1) {
        client_done = true;
      } else if (!pending(cl.get(), rc)) {
        break;
      }
    }
    if (!server_done) {
      const int rs = SSL_do_handshake(server.get());
      if (rs == 1) {
        server_done = true;
      } else if (!pending(server.get(), rs)) {
        break;
      }
    }
  }
  ERR_clear_error();
  out.server_ok = server_done;
  out.client_verified = client_done && SSL_get_verify_result(cl.get()) == X509_V_OK;
  X509* peer = SSL_get1_peer_certificate(server.get());
  out.server_saw_cert = peer != nullptr;
  X509_free(peer);
  return out;
}

struct TlsCase {
  const char* name;
  ClientAuthType type;
  bool with_ca;
  const char* client;  // "", "client" (signed by ca.crt) or "untrusted-client"
  bool server_ok;
  bool server_saw_cert;
};

void PrintTo(const TlsCase& c, std::ostream* os) { *os << c.name; }

class ClientAuthTest : public ::testing::TestWithParam<TlsCase> {};

TEST_P(ClientAuthTest, HandshakeFollowsClientAuthType) {
  const TlsCase& c = GetParam();
  TlsServerConfig tls;
  tls.cert_file = FixturePath("web/server.crt");
  tls.key_file = FixturePath("web/server.key");
  tls.client_auth_type = c.type;
  if (c.with_ca) tls.client_ca_file = FixturePath("web/ca.crt");
  const Handshake h = RunHandshake(tls, c.client);
  EXPECT_EQ(h.server_ok, c.server_ok);
  if (c.server_ok) {
    EXPECT_TRUE(h.client_verified);
    EXPECT_EQ(h.server_saw_cert, c.server_saw_cert);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClientAuthTest,
    ::testing::Values(
        TlsCase{"NoClientCertWithout", ClientAuthType::kNoClientCert, false, "", true, false},
        TlsCase{"NoClientCertIgnoresOne", ClientAuthType::kNoClientCert, false, "client", true,
                false},
        TlsCase{"RequireAnyWithout", ClientAuthType::kRequireAnyClientCert, false, "", false,
                false},
        TlsCase{"RequireAnyTakesUntrusted", ClientAuthType::kRequireAnyClientCert, false,
                "untrusted-client", true, true},
        TlsCase{"VerifyIfGivenWithout", ClientAuthType::kVerifyClientCertIfGiven, true, "", true,
                false},
        TlsCase{"VerifyIfGivenTrusted", ClientAuthType::kVerifyClientCertIfGiven, true, "client",
                true, true},
        TlsCase{"VerifyIfGivenUntrusted", ClientAuthType::kVerifyClientCertIfGiven, true,
                "untrusted-client", false, false},
        TlsCase{"RequireAndVerifyWithout", ClientAuthType::kRequireAndVerifyClientCert, true, "",
                false, false},
        TlsCase{"RequireAndVerifyTrusted", ClientAuthType::kRequireAndVerifyClientCert, true,
                "client", true, true},
        TlsCase{"RequireAndVerifyUntrusted", ClientAuthType::kRequireAndVerifyClientCert, true,
                "untrusted-client", false, false}),
    [](const ::testing::TestParamInfo<TlsCase>& p) { return std::string(p.param.name); });

TEST(TlsTest, FixtureConfigServesVerifiedClients) {
  const WebConfig cfg = FixtureConfig();
  EXPECT_TRUE(RunHandshake(cfg.tls, "client").server_ok);
  EXPECT_FALSE(RunHandshake(cfg.tls, "").server_ok);
}

TEST(TlsTest, VerifyTypeWithoutCaIsRefused) {
  TlsServerConfig tls;
  tls.cert_file = FixturePath("web/server.crt");
  tls.key_file = FixturePath("web/server.key");
  tls.client_auth_type = ClientAuthType::kRequireAndVerifyClientCert;
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  const Status s = ConfigureTlsContext(tls, ctx.get());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("client_ca_file is required"));
}

}  // namespace
}  // namespace alertgate
