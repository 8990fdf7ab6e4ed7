#include "cli/client.h"

#include <httplib.h>
#include <rapidjson/document.h>

#include <random>
#include <thread>

#include "core/text.h"

namespace alertgate {

Status ApplyHttpConfigFile(const std::string& path, ClientOptions* options) {
  if (path.empty()) return Status::Ok();
  auto http = LoadHttpClientConfig(path);
  if (!http.ok()) return http.status().WithContext("--http.config.file: ");
  options->http = *std::move(http);
  return Status::Ok();
}

Result<ApiResponse> CallApi(const ClientOptions& options, const std::string& method,
                            const std::string& path, const std::string& body,
                            const std::function<void(std::chrono::milliseconds)>& sleep) {
  const HttpClientConfig& h = options.http;
  httplib::Client cli = h.cert_file.empty() ? httplib::Client(options.url)
                                            : httplib::Client(options.url, h.cert_file, h.key_file);
  if (!cli.is_valid()) return InvalidArgument("--url: cannot use " + QuoteForMessage(options.url));
  cli.set_connection_timeout(options.timeout);
  cli.set_read_timeout(options.timeout);
  cli.set_write_timeout(options.timeout);
  if (!h.basic_user.empty()) cli.set_basic_auth(h.basic_user.c_str(), h.basic_password.c_str());
  if (!h.bearer_token.empty()) cli.set_bearer_token_auth(h.bearer_token.c_str());
  if (!h.ca_file.empty()) cli.set_ca_cert_path(h.ca_file.c_str());
  cli.enable_server_certificate_verification(!h.insecure_skip_verify);
  std::string last_error;
  auto wait = options.backoff;
  const int attempts = std::max(1, options.attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    httplib::Result r =
        method == "GET" ? cli.Get(path.c_str()) : cli.Post(path.c_str(), body, "application/json");
    if (r) {
      ApiResponse out{r->status, r->body, r->get_header_value("Alertgate-Drill-Verdict")};
      if (r->status < 500) return out;
      last_error = "HTTP " + std::to_string(r->status) + ": " + ApiErrorMessage(r->body);
    } else {
      last_error = r.error() == httplib::Error::Connection
                       ? "cannot connect (is alertgate running at that address?)"
                       : httplib::to_string(r.error());
    }
    if (attempt == attempts) break;
    if (sleep) {
      sleep(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
    wait *= 2;
  }
  return Unavailable("alertgate at " + options.url + " did not answer " + method + " " + path +
                     " after " + std::to_string(attempts) + " attempts: " + last_error);
}

std::string ApiErrorMessage(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (!d.HasParseError() && d.IsObject() && d.HasMember("error") && d["error"].IsString()) {
    return d["error"].GetString();
  }
  std::string trimmed = body;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  return trimmed;
}

std::string NewIdempotencyKey() {
  std::random_device rd;
  std::uniform_int_distribution<uint32_t> dist;
  static const char kHex[] = "0123456789abcdef";
  std::string key;
  for (int i = 0; i < 4; ++i) {
    uint32_t v = dist(rd);
    for (int j = 0; j < 8; ++j) {
      key += kHex[v & 0xf];
      v >>= 4;
    }
  }
  return key;
}

}  // namespace alertgate
