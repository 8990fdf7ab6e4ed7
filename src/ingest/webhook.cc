#include "ingest/webhook.h"

#include <rapidjson/document.h>

#include <cstdio>
#include <limits>
#include <utility>

#include "core/json.h"
#include "core/text.h"
#include "core/time.h"

namespace alertgate {
namespace {

using rapidjson::Value;

std::string_view View(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Where a value sits in the body, as a chain on the stack: the text
// ("alerts[0].labels.severity", or alerts[0].labels["a-b"] for names that are
// not plain identifiers) is only built for an error message.
struct Path {
  const Path* parent = nullptr;
  std::string_view name;  // a member name, or empty for an array element
  size_t index = 0;       // the element's index when name is empty

  Path Member(std::string_view member) const { return Path{this, member, 0}; }
  Path Element(size_t i) const { return Path{this, {}, i}; }

  std::string str() const {
    if (parent == nullptr) return std::string(name);  // the root: ""
    std::string out = parent->str();
    if (name.empty()) return out + "[" + std::to_string(index) + "]";
    bool plain = name.size() <= 64;
    for (size_t i = 0; plain && i < name.size(); ++i) {
      const char c = name[i];
      plain = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    }
    if (plain) return out.empty() ? std::string(name) : out + "." + std::string(name);
    return out + "[" + QuoteForMessage(name) + "]";
  }
};

Status Error(const Path& path, const std::string& what) {
  return InvalidArgument(path.str() + ": " + what);
}

Status CheckUniqueKeys(const Value& obj, const Path& path) {
  if (auto dup = DuplicateKey(obj)) {
    return Error(path.parent == nullptr ? Path{nullptr, "webhook body", 0} : path,
                 "duplicate key " + QuoteForMessage(*dup));
  }
  return Status::Ok();
}

// Returns member `name` of `obj`, or nullptr when it is absent.
// REQUIRES: CheckUniqueKeys(obj) passed, so there is at most one.
const Value* Find(const Value& obj, std::string_view name) {
  for (const auto& m : obj.GetObject()) {
    if (View(m.name) == name) return &m.value;
  }
  return nullptr;
}

// Returns member `name` of `obj` when present and not null (Go decodes a JSON
// null into an optional field as "absent").
const Value* FindOptional(const Value& obj, std::string_view name) {
  const Value* v = Find(obj, name);
  return v != nullptr && !v->IsNull() ? v : nullptr;
}

Status RequireMember(const Value& obj, const Path& parent, std::string_view name,
                     const Value** out) {
  *out = Find(obj, name);
  if (*out == nullptr) return Error(parent.Member(name), "missing required field");
  return Status::Ok();
}

Status GetString(const Value& v, const Path& path, std::string* out) {
  if (!v.IsString()) return Error(path, "expected a string");
  out->assign(v.GetString(), v.GetStringLength());
  return Status::Ok();
}

Status RequireString(const Value& obj, const Path& parent, std::string_view name,
                     std::string* out) {
  const Value* v = nullptr;
  AG_RETURN_IF_ERROR(RequireMember(obj, parent, name, &v));
  return GetString(*v, parent.Member(name), out);
}

Status OptionalString(const Value& obj, const Path& parent, std::string_view name,
                      std::string* out) {
  const Value* v = FindOptional(obj, name);
  if (v == nullptr) return Status::Ok();
  return GetString(*v, parent.Member(name), out);
}

Status RequireStatus(const Value& obj, const Path& parent, AlertStatus* out) {
  std::string name;
  AG_RETURN_IF_ERROR(RequireString(obj, parent, "status", &name));
  const std::optional<AlertStatus> status = ParseAlertStatus(name);
  if (!status) {
    return Error(parent.Member("status"),
                 "expected \"firing\" or \"resolved\", got " + QuoteForMessage(name));
  }
  *out = *status;
  return Status::Ok();
}

// An object whose values are all strings, within the label limits.
Status GetLabels(const Value& v, const Path& path, const WebhookLimits& limits, Labels* out) {
  if (!v.IsObject()) return Error(path, "expected an object of strings");
  AG_RETURN_IF_ERROR(CheckUniqueKeys(v, path));
  if (v.MemberCount() > limits.max_labels) {
    return TooLarge(path.str() + ": " + std::to_string(v.MemberCount()) +
                    " entries exceed the limit of " + std::to_string(limits.max_labels));
  }
  for (const auto& m : v.GetObject()) {
    const std::string_view name = View(m.name);
    if (name.size() > limits.max_label_bytes) {
      return TooLarge(path.str() + ": a name of " + std::to_string(name.size()) +
                      " bytes exceeds the limit of " + std::to_string(limits.max_label_bytes));
    }
    if (!m.value.IsString()) return Error(path.Member(name), "expected a string");
    if (m.value.GetStringLength() > limits.max_label_bytes) {
      return TooLarge(path.Member(name).str() + ": a value of " +
                      std::to_string(m.value.GetStringLength()) + " bytes exceeds the limit of " +
                      std::to_string(limits.max_label_bytes));
    }
    out->emplace_hint(out->end(), std::string(name), std::string(View(m.value)));
  }
  return Status::Ok();
}

Status RequireLabels(const Value& obj, const Path& parent, std::string_view name,
                     const WebhookLimits& limits, Labels* out) {
  const Value* v = nullptr;
  AG_RETURN_IF_ERROR(RequireMember(obj, parent, name, &v));
  return GetLabels(*v, parent.Member(name), limits, out);
}

Status OptionalLabels(const Value& obj, const Path& parent, std::string_view name,
                      const WebhookLimits& limits, Labels* out) {
  const Value* v = FindOptional(obj, name);
  if (v == nullptr) return Status::Ok();
  return GetLabels(*v, parent.Member(name), limits, out);
}

Status GetTimestamp(const Value& v, const Path& path, Timestamp* out) {
  if (!v.IsString()) return Error(path, "expected an RFC 3339 timestamp string");
  Result<Timestamp> t = ParseRfc3339(View(v));
  if (!t.ok()) return t.status().WithContext(path.str() + ": ");
  *out = *t;
  return Status::Ok();
}

// Alert times outside 1970..2200 are corrupt or hostile (Alertmanager's
// "no end" value is handled by the caller before this check).
Status CheckPlausible(Timestamp t, const Path& path) {
  static const Timestamp kMin = FromUnixMillis(0);
  static const Timestamp kMax = FromUnixMillis(7'258'118'400'000);  // 2200-01-01
  if (t < kMin || t >= kMax) {
    return Error(path, FormatRfc3339(t) + " is not a plausible alert time (want 1970..2199)");
  }
  return Status::Ok();
}

Status ParseAlert(const Value& v, const Path& path, const WebhookLimits& limits,
                  WebhookAlert* alert) {
  if (!v.IsObject()) return Error(path, "expected an object");
  AG_RETURN_IF_ERROR(CheckUniqueKeys(v, path));
  AG_RETURN_IF_ERROR(RequireStatus(v, path, &alert->status));
  AG_RETURN_IF_ERROR(RequireLabels(v, path, "labels", limits, &alert->labels));
  AG_RETURN_IF_ERROR(OptionalLabels(v, path, "annotations", limits, &alert->annotations));

  const Value* starts_at = nullptr;
  AG_RETURN_IF_ERROR(RequireMember(v, path, "startsAt", &starts_at));
  AG_RETURN_IF_ERROR(GetTimestamp(*starts_at, path.Member("startsAt"), &alert->starts_at));
  AG_RETURN_IF_ERROR(CheckPlausible(alert->starts_at, path.Member("startsAt")));
  alert->ends_at = ZeroTime();
  if (const Value* ends_at = FindOptional(v, "endsAt")) {
    AG_RETURN_IF_ERROR(GetTimestamp(*ends_at, path.Member("endsAt"), &alert->ends_at));
    if (!IsZeroTime(alert->ends_at)) {
      AG_RETURN_IF_ERROR(CheckPlausible(alert->ends_at, path.Member("endsAt")));
    }
  }

  AG_RETURN_IF_ERROR(OptionalString(v, path, "generatorURL", &alert->generator_url));
  AG_RETURN_IF_ERROR(RequireString(v, path, "fingerprint", &alert->fingerprint));
  if (alert->fingerprint.empty()) return Error(path.Member("fingerprint"), "must not be empty");
  return Status::Ok();
}

Status ParseMessage(const Value& root, const WebhookLimits& limits, WebhookMessage* msg) {
  const Path top;  // the root has an empty path: members print as "version"
  AG_RETURN_IF_ERROR(CheckUniqueKeys(root, top));
  AG_RETURN_IF_ERROR(RequireString(root, top, "version", &msg->version));
  if (msg->version != "4") {
    return Error(top.Member("version"), "unsupported webhook version " +
                                            QuoteForMessage(msg->version) +
                                            ", alertgate accepts \"4\"");
  }
  AG_RETURN_IF_ERROR(RequireString(root, top, "groupKey", &msg->group_key));

  if (const Value* truncated = FindOptional(root, "truncatedAlerts")) {
    if (!truncated->IsUint64() ||
        truncated->GetUint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Error(top.Member("truncatedAlerts"), "expected a non-negative integer");
    }
    msg->truncated_alerts = static_cast<int64_t>(truncated->GetUint64());
  }

  AG_RETURN_IF_ERROR(RequireStatus(root, top, &msg->status));
  AG_RETURN_IF_ERROR(RequireString(root, top, "receiver", &msg->receiver));
  AG_RETURN_IF_ERROR(OptionalLabels(root, top, "groupLabels", limits, &msg->group_labels));
  AG_RETURN_IF_ERROR(OptionalLabels(root, top, "commonLabels", limits, &msg->common_labels));
  AG_RETURN_IF_ERROR(
      OptionalLabels(root, top, "commonAnnotations", limits, &msg->common_annotations));
  AG_RETURN_IF_ERROR(OptionalString(root, top, "externalURL", &msg->external_url));

  const Value* alerts = nullptr;
  AG_RETURN_IF_ERROR(RequireMember(root, top, "alerts", &alerts));
  const Path alerts_path = top.Member("alerts");
  if (!alerts->IsArray()) return Error(alerts_path, "expected an array");
  if (alerts->Size() > limits.max_alerts) {
    return TooLarge("alerts: " + std::to_string(alerts->Size()) + " alerts exceed the limit of " +
                    std::to_string(limits.max_alerts));
  }
  msg->alerts.resize(alerts->Size());
  for (rapidjson::SizeType i = 0; i < alerts->Size(); ++i) {
    AG_RETURN_IF_ERROR(ParseAlert((*alerts)[i], alerts_path.Element(i), limits, &msg->alerts[i]));
  }
  return Status::Ok();
}

}  // namespace

Result<WebhookMessage> ParseWebhook(std::string_view body, const WebhookLimits& limits) {
  rapidjson::Document doc;
  AG_RETURN_IF_ERROR(ParseJsonStrict(body, &doc));
  if (!doc.IsObject()) return InvalidArgument("webhook body: expected a JSON object");

  WebhookMessage msg;
  AG_RETURN_IF_ERROR(ParseMessage(doc, limits, &msg));
  return msg;
}

}  // namespace alertgate
