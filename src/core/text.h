// Small text helpers shared by error messages and renderers.
#pragma once

#include <string>
#include <string_view>

namespace alertgate {

// `text` double-quoted for an error message: '"' and '\' escaped, control
// bytes as \xHH, cut after `limit` bytes with "..." so a hostile input cannot
// flood a log line.
std::string QuoteForMessage(std::string_view text, size_t limit = 64);

// Escapes & < > " ' for XML and HTML text and attributes; control bytes that
// XML 1.0 cannot carry (all below 0x20 but tab, LF, CR) become U+FFFD.
std::string EscapeMarkup(std::string_view text);

}  // namespace alertgate
