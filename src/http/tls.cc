#include "http/tls.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "core/file.h"
#include "core/text.h"

namespace alertgate {
namespace {

// Drains OpenSSL's error queue into one line.
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

// A PEM password callback that never prompts: encrypted keys fail to load
// instead of blocking on the terminal.
int NoPassword(char*, int, int, void*) { return -1; }

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Every PEM certificate in the file at `path`.
Result<std::vector<X509Ptr>> ReadCertificates(const std::string& path) {
  auto pem = ReadFile(path);
  if (!pem.ok()) return pem.status();
  std::vector<X509Ptr> out;
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  if (!bio) return out;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr)) {
    out.emplace_back(x);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  return out;
}

Result<PkeyPtr> ReadPrivateKey(const std::string& path) {
  auto pem = ReadFile(path);
  if (!pem.ok()) return pem.status();
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr) : nullptr);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!key) {
    ERR_clear_error();
    return InvalidArgument("no usable PEM private key in " + path +
                           " (encrypted keys are not supported)");
  }
  return key;
}

// Accepts any client certificate: RequireAnyClientCert asks for one without
// verifying it (OpenSSL still checks the client holds its private key).
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

const char* ClientAuthTypeName(ClientAuthType type) {
  switch (type) {
    case ClientAuthType::kNoClientCert:
      return "NoClientCert";
    case ClientAuthType::kRequireAnyClientCert:
      return "RequireAnyClientCert";
    case ClientAuthType::kVerifyClientCertIfGiven:
      return "VerifyClientCertIfGiven";
    case ClientAuthType::kRequireAndVerifyClientCert:
      return "RequireAndVerifyClientCert";
  }
  return "unknown";
}

Result<ClientAuthType> ParseClientAuthType(const std::string& text) {
  if (text.empty()) return ClientAuthType::kNoClientCert;
  if (text == "RequireClientCert") return ClientAuthType::kRequireAnyClientCert;  // old alias
  for (ClientAuthType t :
       {ClientAuthType::kNoClientCert, ClientAuthType::kRequireAnyClientCert,
        ClientAuthType::kVerifyClientCertIfGiven, ClientAuthType::kRequireAndVerifyClientCert}) {
    if (text == ClientAuthTypeName(t)) return t;
  }
  return InvalidArgument("unknown " + QuoteForMessage(text) +
                         " (known: NoClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
                         "RequireAndVerifyClientCert)");
}

Result<size_t> CountCertificates(const std::string& path) {
  auto certs = ReadCertificates(path);
  if (!certs.ok()) return certs.status();
  return certs->size();
}

Status CheckKeyPair(const std::string& cert_file, const std::string& key_file) {
  auto certs = ReadCertificates(cert_file);
  if (!certs.ok()) return certs.status();
  if (certs->empty()) return InvalidArgument("no PEM certificate in " + cert_file);
  auto key = ReadPrivateKey(key_file);
  if (!key.ok()) return key.status();
  if (X509_check_private_key(certs->front().get(), key->get()) != 1) {
    ERR_clear_error();
    return InvalidArgument(key_file + " is not the key of the certificate in " + cert_file);
  }
  return Status::Ok();
}

Status ConfigureTlsContext(const TlsServerConfig& tls, ssl_ctx_st* ctx) {
  if (!tls.enabled()) return InvalidArgument("TLS is not configured (no cert_file)");
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    return InvalidArgument("cert_file " + tls.cert_file + ": " + OpenSslErrors());
  }
  auto key = ReadPrivateKey(tls.key_file);
  if (!key.ok()) return key.status();
  if (SSL_CTX_use_PrivateKey(ctx, key->get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgument("key_file " + tls.key_file + ": " + OpenSslErrors());
  }
  // Session resumption with client certificates needs a context id.
  static constexpr unsigned char kSessionContext[] = "alertgate";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1);

  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      return InvalidArgument("client_ca_file " + tls.client_ca_file + ": " + OpenSslErrors());
    }
    // Tells clients which CAs are accepted, so they pick the right certificate.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
    if (names == nullptr) {
      return InvalidArgument("client_ca_file " + tls.client_ca_file + ": " + OpenSslErrors());
    }
    SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
  }
  switch (tls.client_auth_type) {
    case ClientAuthType::kNoClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuthType::kRequireAnyClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         AcceptAnyCertificate);
      break;
    case ClientAuthType::kVerifyClientCertIfGiven:
    case ClientAuthType::kRequireAndVerifyClientCert:
      if (tls.client_ca_file.empty()) {
        return InvalidArgument(std::string("client_ca_file is required by client_auth_type ") +
                               ClientAuthTypeName(tls.client_auth_type));
      }
      SSL_CTX_set_verify(ctx,
                         tls.client_auth_type == ClientAuthType::kRequireAndVerifyClientCert
                             ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                             : SSL_VERIFY_PEER,
                         nullptr);
      break;
  }
  return Status::Ok();
}

}  // namespace alertgate
