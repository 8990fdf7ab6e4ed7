// TLS for the server (OpenSSL, used through Boost.Asio's ssl::context): the
// exporter-toolkit tls_server_config applied to a context, and the checks
// the web config loader runs on the files it names.
#pragma once

#include <string>

#include "core/status.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace alertgate {

// exporter-toolkit's names, which are Go's tls.ClientAuthType names.
enum class ClientAuthType {
  kNoClientCert,                // never ask for a client certificate
  kRequireAnyClientCert,        // a certificate is required but not verified
  kVerifyClientCertIfGiven,     // optional; verified against client_ca_file if sent
  kRequireAndVerifyClientCert,  // required and verified against client_ca_file
};

const char* ClientAuthTypeName(ClientAuthType type);
// "" is kNoClientCert; the old alias RequireClientCert is kRequireAnyClientCert.
Result<ClientAuthType> ParseClientAuthType(const std::string& text);

// tls_server_config. Paths are already resolved: relative ones in the file
// are taken against the web config file's directory.
struct TlsServerConfig {
  std::string cert_file;  // PEM, the server certificate (then its chain)
  std::string key_file;   // PEM, unencrypted private key
  ClientAuthType client_auth_type = ClientAuthType::kNoClientCert;
  std::string client_ca_file;  // PEM bundle; required by the Verify* types

  // TLS is on when cert_file (and therefore key_file) is set.
  bool enabled() const { return !cert_file.empty(); }
};

// Applies `tls` (which must be enabled()) to an OpenSSL server context:
// certificate chain and key, TLS 1.2 minimum, and the client certificate
// policy of client_auth_type. The files are read now: a context built after
// a certificate was renewed on disk serves the new one.
Status ConfigureTlsContext(const TlsServerConfig& tls, ssl_ctx_st* ctx);

// Checks for the web config loader; messages name the file, never a key.
// The number of PEM certificates in `path` (0 when it holds none).
Result<size_t> CountCertificates(const std::string& path);
// `key_file` holds an unencrypted PEM private key, and it belongs to the
// first certificate of `cert_file`.
Status CheckKeyPair(const std::string& cert_file, const std::string& key_file);

}  // namespace alertgate
