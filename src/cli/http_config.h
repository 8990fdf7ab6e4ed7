// Client-side credentials for the subcommands that call a running alertgate
// (drill, inject, clear, report --url, lint --drill), read from
// --http.config.file in the format Prometheus tools use (amtool's
// --http.config.file, Prometheus's http_config), subset:
//
//   basic_auth: {username: runner, password_file: /etc/alertgate/runner.pass}
//   authorization: {type: Bearer, credentials_file: /etc/alertgate/runner.token}
//   tls_config: {ca_file: ca.crt, cert_file: c.crt, key_file: c.key,
//                insecure_skip_verify: false}
//
// `password` and `credentials` inline are accepted too; relative paths
// resolve against the file's directory. Unknown keys are errors.
#pragma once

#include <string>

#include "core/status.h"

namespace alertgate {

struct HttpClientConfig {
  std::string basic_user;
  std::string basic_password;
  std::string bearer_token;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure_skip_verify = false;
};

Result<HttpClientConfig> LoadHttpClientConfig(const std::string& path);

}  // namespace alertgate
