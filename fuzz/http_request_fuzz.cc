// libFuzzer target: the request path of the HTTP front end. The input is
// the bytes a client sends; they go through Beast's parser with the server's
// limits, then through what the server decides before any handler runs: the
// target's parts, the route and the access it requires, the body's framing.
// Invariants: nothing crashes, and every message about the request is valid
// UTF-8 (error bodies are JSON) whatever bytes the client sent.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.h"
#include "http/api.h"
#include "http/framing.h"
#include "http/routes.h"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const alertgate::Router router(alertgate::ApiRoutes(nullptr, nullptr, nullptr));
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 << 10);
  parser.body_limit(64 << 10);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!parser.is_header_done()) return 0;
  const auto& req = parser.get();
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view method(req.method_string().data(), req.method_string().size());
  if (!alertgate::IsValidUtf8(alertgate::EscapeForMessage(target)) ||
      !alertgate::IsValidUtf8(alertgate::QuoteForMessage(method))) {
    std::abort();
  }
  auto parts = alertgate::ParseTarget(target);
  if (parts.ok()) {
    (void)router.Find(method, parts->segments);
    if (!alertgate::IsValidUtf8(alertgate::EscapeForMessage(parts->path))) std::abort();
  } else if (!alertgate::IsValidUtf8(parts.status().message())) {
    std::abort();
  }
  alertgate::RequestFraming framing;
  for (const auto& f : req) {
    const std::string_view value(f.value().data(), f.value().size());
    if (f.name() == http::field::transfer_encoding) framing.transfer_encoding.push_back(value);
    if (f.name() == http::field::content_encoding) framing.content_encoding.push_back(value);
  }
  if (auto length = parser.content_length()) framing.content_length = *length;
  const alertgate::Status s = alertgate::CheckFraming(framing, 64 << 10);
  if (!alertgate::IsValidUtf8(s.message())) std::abort();
  return 0;
}
