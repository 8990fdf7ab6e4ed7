// A small HTTP client for the runner's subcommands (drill, inject, clear,
// report --url): bounded retries with exponential backoff on network errors
// and 5xx, never on 4xx (a retry would not change the answer).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "cli/http_config.h"
#include "core/status.h"

namespace alertgate {

struct ClientOptions {
  std::string url = "http://127.0.0.1:9095";  // scheme://host:port of alertgate
  int attempts = 5;                           // total tries, >= 1
  std::chrono::milliseconds backoff{200};     // first wait; doubles each retry
  std::chrono::seconds timeout{10};           // connect and read timeout per try
  HttpClientConfig http;                      // credentials and TLS (--http.config.file)
};

struct ApiResponse {
  int status = 0;
  std::string body;
  std::string verdict;  // the Alertgate-Drill-Verdict header, when present
};

// Sends one request, retrying per `options`. Returns the final response for
// any HTTP answer below 500 (the caller interprets 4xx); kUnavailable naming
// the URL and the last error when alertgate could not be reached or kept
// answering 5xx. `sleep` is injectable for tests.
Result<ApiResponse> CallApi(const ClientOptions& options, const std::string& method,
                            const std::string& path, const std::string& body,
                            const std::function<void(std::chrono::milliseconds)>& sleep = nullptr);

// Reads --http.config.file into options->http; does nothing when `path` is
// empty. Errors are prefixed "--http.config.file: ".
Status ApplyHttpConfigFile(const std::string& path, ClientOptions* options);

// The "error" field of a Prometheus-style error body, or the body itself.
std::string ApiErrorMessage(const std::string& body);

// A random 128-bit idempotency key in hex.
std::string NewIdempotencyKey();

}  // namespace alertgate
