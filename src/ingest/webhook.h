// Alertmanager webhook payload (version "4"), as sent by Alertmanager's
// webhook notifier (notify/webhook). Parsing is lenient where Alertmanager
// evolves (unknown fields are ignored: newer releases add
// "notification_reason" and "routeLabels" and still say version 4) and strict
// where the data matters (missing or mistyped required fields are rejected
// with a message naming the field, e.g. "alerts[2].startsAt: expected an RFC
// 3339 timestamp string").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/labels.h"
#include "core/status.h"
#include "facts/facts.h"

namespace alertgate {

struct WebhookAlert {
  AlertStatus status = AlertStatus::kFiring;
  Labels labels;
  Labels annotations;
  Timestamp starts_at;
  Timestamp ends_at;  // ZeroTime() while firing
  std::string generator_url;
  std::string fingerprint;
};

struct WebhookMessage {
  std::string version;  // always "4"
  std::string group_key;
  int64_t truncated_alerts = 0;
  AlertStatus status = AlertStatus::kFiring;  // the group's
  std::string receiver;  // regex-escaped by Alertmanager: "a.b" arrives as "a\.b"
  Labels group_labels;
  Labels common_labels;
  Labels common_annotations;
  std::string external_url;
  std::vector<WebhookAlert> alerts;
};

struct WebhookLimits {
  size_t max_alerts = 10000;
  size_t max_labels = 256;         // per label set
  size_t max_label_bytes = 16384;  // per name or value
};

// Parses and validates a webhook body.
// Required: version (string, must be "4"), groupKey (string), status
// ("firing"|"resolved"), receiver (string), alerts (array). Optional but
// type-checked when present: truncatedAlerts (non-negative integer),
// groupLabels, commonLabels, commonAnnotations (objects of strings),
// externalURL (string).
// Per alert required: status ("firing"|"resolved"), labels (object of
// strings), startsAt (RFC 3339), fingerprint (non-empty string). Optional but
// type-checked: annotations (object of strings), endsAt (RFC 3339; absent
// means ZeroTime()), generatorURL (string).
// Errors are InvalidArgument (or TooLarge for limits) naming the JSON path.
Result<WebhookMessage> ParseWebhook(std::string_view body, const WebhookLimits& limits = {});

}  // namespace alertgate
