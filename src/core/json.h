// Strict parsing of untrusted JSON request bodies, shared by the webhook
// parser and the API's request bodies.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace alertgate {

// Arrays and objects may nest this deep in a request body. A webhook nests 4
// deep (payload, alerts, alert, labels); anything past 64 is refused and
// nothing of it is stored.
inline constexpr int kMaxJsonDepth = 64;

// Parses `body` into *doc: iteratively (a hostile nesting depth cannot
// overflow the stack) and at most kMaxJsonDepth deep, rejecting invalid
// UTF-8 and raw NUL bytes (RapidJSON would stop at a NUL and let what
// follows pass unseen). Errors are InvalidArgument "invalid JSON at offset N:
// <reason>".
Status ParseJsonStrict(std::string_view body, rapidjson::Document* doc);

// The first member name of `obj` that repeats, if any; no allocation for
// objects of up to 32 members. REQUIRES: obj.IsObject().
std::optional<std::string_view> DuplicateKey(const rapidjson::Value& obj);

// InvalidArgument "<where>: duplicate key \"k\"" when an object member name
// repeats: a body that says two things is refused rather than guessed at
// (Go keeps the last, RapidJSON finds the first). REQUIRES: obj.IsObject().
Status CheckUniqueKeys(const rapidjson::Value& obj, const std::string& where);

// Writes `t` as an RFC 3339 string, or null when there is none, as every
// document alertgate serves writes an absent time.
template <typename Writer>
void WriteTimeOrNull(Writer& w, const std::optional<Timestamp>& t) {
  if (t) {
    w.String(FormatRfc3339(*t));
  } else {
    w.Null();
  }
}

// Writes `strings` (any range of std::string) as a JSON array of strings.
template <typename Writer, typename Strings>
void WriteStringArray(Writer& w, const Strings& strings) {
  w.StartArray();
  for (const auto& s : strings) w.String(s);
  w.EndArray();
}

}  // namespace alertgate
