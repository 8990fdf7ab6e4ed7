#include "core/json.h"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <set>

#include "core/text.h"

namespace alertgate {
namespace {

using rapidjson::SizeType;

// Passes the reader's SAX events on to the document that is being built,
// and stops the parse when arrays and objects nest deeper than kMaxJsonDepth.
class DepthLimitedHandler {
 public:
  explicit DepthLimitedHandler(rapidjson::Document& doc) : doc_(doc) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
  bool String(const char* s, SizeType n, bool copy) {
    return WellFormed(s, n) && doc_.String(s, n, copy);
  }
  bool Key(const char* s, SizeType n, bool copy) {
    return WellFormed(s, n) && doc_.Key(s, n, copy);
  }
  bool StartObject() { return Enter() && doc_.StartObject(); }
  bool EndObject(SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

  bool too_deep() const { return too_deep_; }
  bool lone_surrogate() const { return lone_surrogate_; }

 private:
  // The reader validates the raw bytes, but a \u escape of a lone UTF-16
  // surrogate (\udc00) decodes to ED A0..BF xx, which is not UTF-8; paired
  // surrogates decode to a 4-byte sequence. Nothing else can be malformed.
  bool WellFormed(const char* s, SizeType n) {
    for (const char* p = s; (p = static_cast<const char*>(std::memchr(p, 0xED, s + n - p))); ++p) {
      if (p + 1 < s + n && static_cast<unsigned char>(p[1]) >= 0xA0) {
        lone_surrogate_ = true;
        return false;
      }
    }
    return true;
  }

  bool Enter() {
    too_deep_ = ++depth_ > kMaxJsonDepth;
    return !too_deep_;
  }

  rapidjson::Document& doc_;
  int depth_ = 0;
  bool too_deep_ = false;
  bool lone_surrogate_ = false;
};

// Fills a document through Document::Populate with the depth limit above.
struct StrictGenerator {
  std::string_view body;
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool lone_surrogate = false;

  bool operator()(rapidjson::Document& doc) {
    constexpr unsigned kFlags =
        rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
    rapidjson::MemoryStream bytes(body.data(), body.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
    DepthLimitedHandler handler(doc);
    rapidjson::Reader reader;
    result = reader.Parse<kFlags>(in, handler);
    too_deep = handler.too_deep();
    lone_surrogate = handler.lone_surrogate();
    return !result.IsError();
  }
};

}  // namespace

Status ParseJsonStrict(std::string_view body, rapidjson::Document* doc) {
  if (const size_t nul = body.find('\0'); nul != std::string_view::npos) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(nul) + ": NUL byte");
  }
  StrictGenerator generator{body, {}, false, false};
  doc->Populate(generator);
  if (generator.too_deep) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(generator.result.Offset()) +
                           ": arrays and objects nested deeper than " +
                           std::to_string(kMaxJsonDepth) + " levels");
  }
  if (generator.lone_surrogate) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(generator.result.Offset()) +
                           ": a \\u escape of a lone UTF-16 surrogate is not a character");
  }
  if (generator.result.IsError()) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(generator.result.Offset()) +
                           ": " + rapidjson::GetParseError_En(generator.result.Code()));
  }
  return Status::Ok();
}

std::optional<std::string_view> DuplicateKey(const rapidjson::Value& obj) {
  const auto name = [](const auto& m) {
    return std::string_view(m.name.GetString(), m.name.GetStringLength());
  };
  const auto members = obj.GetObject();
  if (obj.MemberCount() <= 32) {
    for (auto a = members.begin(); a != members.end(); ++a) {
      for (auto b = members.begin(); b != a; ++b) {
        if (name(*a) == name(*b)) return name(*a);
      }
    }
    return std::nullopt;
  }
  std::set<std::string_view> seen;
  for (const auto& m : members) {
    if (!seen.insert(name(m)).second) return name(m);
  }
  return std::nullopt;
}

Status CheckUniqueKeys(const rapidjson::Value& obj, const std::string& where) {
  if (auto dup = DuplicateKey(obj)) {
    return InvalidArgument(where + ": duplicate key " + QuoteForMessage(*dup));
  }
  return Status::Ok();
}

}  // namespace alertgate
