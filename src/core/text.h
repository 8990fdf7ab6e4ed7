// Small text helpers shared by error messages and renderers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace alertgate {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` double-quoted for an error message: '"' and '\' escaped, control
// bytes and bytes that are not part of well-formed UTF-8 as \xHH (so the
// message is valid UTF-8 whatever a client sent), cut after `limit` bytes
// with "..." so a hostile input cannot flood a log line.
std::string QuoteForMessage(std::string_view text, size_t limit = 64);
// The same escaping without the quotes, for text that is a token in the
// message (a method, a path): "may not POST /-/reload".
std::string EscapeForMessage(std::string_view text, size_t limit = 256);

// `s` without leading and trailing spaces, tabs, CR and LF.
std::string_view TrimSpace(std::string_view s);

// The parts joined with `separator` between them.
std::string Join(const std::vector<std::string>& parts, std::string_view separator = ", ");

// The Levenshtein distance: single-byte insertions, deletions and
// substitutions that turn `a` into `b` (for "did you mean" hints).
size_t EditDistance(std::string_view a, std::string_view b);

// ASCII case-insensitive equality, as HTTP compares tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Escapes & < > " ' for XML and HTML text and attributes; control bytes that
// XML 1.0 cannot carry (all below 0x20 but tab, LF, CR) become U+FFFD.
std::string EscapeMarkup(std::string_view text);

}  // namespace alertgate
