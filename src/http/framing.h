// How a request's body is framed and coded, checked before any of it is
// read: alertgate reads identity or chunked bodies within a size limit, and
// nothing else (no decompression, no other transfer codings).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace alertgate {

struct RequestFraming {
  std::vector<std::string_view> transfer_encoding;  // each Transfer-Encoding field's value
  std::vector<std::string_view> content_encoding;   // each Content-Encoding field's value
  std::optional<std::uint64_t> content_length;      // as the HTTP parser read it
};

// OK, or the refusal: InvalidArgument (400, and the connection must close)
// for a Transfer-Encoding whose last coding is not chunked, since the body
// length is then unknown (RFC 9112 §6.1), or for several such fields;
// kNotImplemented (501) for codings before chunked; kUnsupportedMedia (415)
// for a Content-Encoding other than identity; kTooLarge (413) for a
// Content-Length over `max_body_bytes`.
Status CheckFraming(const RequestFraming& framing, std::uint64_t max_body_bytes);

}  // namespace alertgate
