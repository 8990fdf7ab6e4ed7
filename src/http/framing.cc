#include "http/framing.h"

#include <string>

#include "core/text.h"

namespace alertgate {

Status CheckFraming(const RequestFraming& framing, std::uint64_t max_body_bytes) {
  if (framing.transfer_encoding.size() > 1) {
    return InvalidArgument("more than one Transfer-Encoding field");
  }
  if (!framing.transfer_encoding.empty()) {
    const std::string_view te = TrimSpace(framing.transfer_encoding.front());
    const auto comma = te.rfind(',');
    const std::string_view last =
        TrimSpace(comma == std::string_view::npos ? te : te.substr(comma + 1));
    if (!EqualsIgnoreCase(last, "chunked")) {
      return InvalidArgument("Transfer-Encoding " + QuoteForMessage(te) +
                             " does not end in chunked: the body length cannot be determined");
    }
    if (comma != std::string_view::npos) {
      return Status(StatusCode::kNotImplemented,
                    "Transfer-Encoding " + QuoteForMessage(te) +
                        ": only chunked is supported; send the body uncompressed");
    }
  }
  for (std::string_view value : framing.content_encoding) {
    const std::string_view coding = TrimSpace(value);
    if (!EqualsIgnoreCase(coding, "identity")) {
      return Status(StatusCode::kUnsupportedMedia,
                    "Content-Encoding " + QuoteForMessage(coding) +
                        " is not supported; send the body uncompressed");
    }
  }
  if (framing.content_length && *framing.content_length > max_body_bytes) {
    return TooLarge("request body of " + std::to_string(*framing.content_length) +
                    " bytes exceeds the limit of " + std::to_string(max_body_bytes) +
                    " (--web.max-body-bytes)");
  }
  return Status::Ok();
}

}  // namespace alertgate
