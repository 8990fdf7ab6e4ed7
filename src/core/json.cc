#include "core/json.h"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

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
  bool String(const char* s, SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool Key(const char* s, SizeType n, bool copy) { return doc_.Key(s, n, copy); }
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

 private:
  bool Enter() {
    too_deep_ = ++depth_ > kMaxJsonDepth;
    return !too_deep_;
  }

  rapidjson::Document& doc_;
  int depth_ = 0;
  bool too_deep_ = false;
};

// Fills a document through Document::Populate with the depth limit above.
struct StrictGenerator {
  std::string_view body;
  rapidjson::ParseResult result;
  bool too_deep = false;

  bool operator()(rapidjson::Document& doc) {
    constexpr unsigned kFlags =
        rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
    rapidjson::MemoryStream bytes(body.data(), body.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
    DepthLimitedHandler handler(doc);
    rapidjson::Reader reader;
    result = reader.Parse<kFlags>(in, handler);
    too_deep = handler.too_deep();
    return !result.IsError();
  }
};

}  // namespace

Status ParseJsonStrict(std::string_view body, rapidjson::Document* doc) {
  if (const size_t nul = body.find('\0'); nul != std::string_view::npos) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(nul) + ": NUL byte");
  }
  StrictGenerator generator{body, {}, false};
  doc->Populate(generator);
  if (generator.too_deep) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(generator.result.Offset()) +
                           ": arrays and objects nested deeper than " +
                           std::to_string(kMaxJsonDepth) + " levels");
  }
  if (generator.result.IsError()) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(generator.result.Offset()) +
                           ": " + rapidjson::GetParseError_En(generator.result.Code()));
  }
  return Status::Ok();
}

Status CheckUniqueKeys(const rapidjson::Value& obj, const std::string& where) {
  std::set<std::string_view> seen;
  for (const auto& m : obj.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (!seen.insert(name).second) {
      return InvalidArgument(where + ": duplicate key " + QuoteForMessage(name));
    }
  }
  return Status::Ok();
}

}  // namespace alertgate
