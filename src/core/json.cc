#include "core/json.h"

#include <rapidjson/error/en.h>

#include <set>

#include "core/text.h"

namespace alertgate {

Status ParseJsonStrict(std::string_view body, rapidjson::Document* doc) {
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
  if (const size_t nul = body.find('\0'); nul != std::string_view::npos) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(nul) + ": NUL byte");
  }
  doc->Parse<kFlags>(body.data(), body.size());
  if (doc->HasParseError()) {
    return InvalidArgument("invalid JSON at offset " + std::to_string(doc->GetErrorOffset()) +
                           ": " + rapidjson::GetParseError_En(doc->GetParseError()));
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
