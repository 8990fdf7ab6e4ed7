#include "http/requests.h"

#include <rapidjson/document.h>

#include "core/json.h"
#include "core/time.h"

namespace alertgate {
namespace {

// Parses an optional JSON object body; an empty body is an empty object.
Result<rapidjson::Document> ParseObject(std::string_view body) {
  rapidjson::Document d;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    d.SetObject();
    return d;
  }
  AG_RETURN_IF_ERROR(ParseJsonStrict(body, &d));
  if (!d.IsObject()) return InvalidArgument("expected a JSON object");
  AG_RETURN_IF_ERROR(CheckUniqueKeys(d, "request body"));
  return d;
}

Result<std::string> OptString(const rapidjson::Value& obj, const char* field) {
  auto it = obj.FindMember(field);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::string();
  if (!it->value.IsString()) return InvalidArgument(std::string(field) + ": expected a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Result<std::optional<Timestamp>> OptTime(const rapidjson::Value& obj, const char* field) {
  auto s = OptString(obj, field);
  if (!s.ok()) return s.status();
  if (s->empty()) return std::optional<Timestamp>();
  auto t = ParseRfc3339(*s);
  if (!t.ok()) return InvalidArgument(std::string(field) + ": " + t.status().message());
  return std::optional<Timestamp>(*t);
}

// An optional array of strings: empty when absent or null.
Result<std::vector<std::string>> OptStrings(const rapidjson::Value& obj, const char* field) {
  std::vector<std::string> out;
  auto it = obj.FindMember(field);
  if (it == obj.MemberEnd() || it->value.IsNull()) return out;
  if (!it->value.IsArray())
    return InvalidArgument(std::string(field) + ": expected an array of strings");
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    if (!it->value[i].IsString()) {
      return InvalidArgument(std::string(field) + "[" + std::to_string(i) + "]: expected a string");
    }
    out.emplace_back(it->value[i].GetString(), it->value[i].GetStringLength());
  }
  return out;
}

}  // namespace

Result<StartDrillRequest> ParseStartDrillRequest(std::string_view body) {
  auto d = ParseObject(body);
  if (!d.ok()) return d.status();
  StartDrillRequest r;
  auto id = OptString(*d, "id");
  if (!id.ok()) return id.status();
  if (id->empty()) return InvalidArgument("id: missing required field");
  r.id = *id;
  auto matchers = OptStrings(*d, "matchers");
  if (!matchers.ok()) return matchers.status();
  r.matchers = std::move(matchers).value();
  auto scenarios = OptStrings(*d, "scenarios");
  if (!scenarios.ok()) return scenarios.status();
  r.scenarios = std::move(scenarios).value();
  return r;
}

Result<InjectionRequest> ParseInjectionRequest(std::string_view body) {
  auto d = ParseObject(body);
  if (!d.ok()) return d.status();
  InjectionRequest r;
  auto scenario = OptString(*d, "scenario");
  if (!scenario.ok()) return scenario.status();
  if (scenario->empty()) return InvalidArgument("scenario: missing required field");
  r.scenario = *scenario;
  auto at = OptTime(*d, "at");
  if (!at.ok()) return at.status();
  r.at = *at;
  auto key = OptString(*d, "key");
  if (!key.ok()) return key.status();
  r.key = *key;
  return r;
}

Result<std::optional<Timestamp>> ParseClearRequest(std::string_view body) {
  auto d = ParseObject(body);
  if (!d.ok()) return d.status();
  return OptTime(*d, "at");
}

}  // namespace alertgate
