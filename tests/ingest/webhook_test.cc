#include "ingest/webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/time.h"
#include "test_util.h"

namespace alertgate {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// One notification as Alertmanager 0.25's webhook notifier sends it: the
// template data (receiver regex-escaped, times in the sender's zone with up to
// nine fraction digits), then version, groupKey and truncatedAlerts.
constexpr const char* kPayload = R"json({
  "receiver": "game-day\\.pager",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {
        "alertname": "PostgresPrimaryDown",
        "env": "staging",
        "instance": "pg-1:9187",
        "job": "postgres",
        "severity": "critical"
      },
      "annotations": {
        "runbook_url": "docs/runbooks/db-failover.md",
        "summary": "Postgres primary pg-1:9187 is down"
      },
      "startsAt": "2026-02-02T10:00:12.345678901+01:00",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=pg_up%7Bjob%3D%22postgres%22%7D+%3D%3D+0&g0.tab=1",
      "fingerprint": "e4bbe066188a77e1"
    },
    {
      "status": "resolved",
      "labels": {
        "alertname": "PostgresPrimaryDown",
        "env": "staging",
        "instance": "pg-2:9187",
        "job": "postgres",
        "severity": "critical"
      },
      "annotations": {
        "runbook_url": "docs/runbooks/db-failover.md",
        "summary": "Postgres primary pg-2:9187 is down"
      },
      "startsAt": "2026-02-02T08:55:00Z",
      "endsAt": "2026-02-02T08:58:30.5Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=pg_up+%3D%3D+0&g0.tab=1",
      "fingerprint": "3f2a9d1c0b7e6a54"
    }
  ],
  "groupLabels": {"alertname": "PostgresPrimaryDown"},
  "commonLabels": {
    "alertname": "PostgresPrimaryDown",
    "env": "staging",
    "job": "postgres",
    "severity": "critical"
  },
  "commonAnnotations": {"runbook_url": "docs/runbooks/db-failover.md"},
  "externalURL": "http://alertmanager:9093",
  "version": "4",
  "groupKey": "{}:{alertname=\"PostgresPrimaryDown\"}",
  "truncatedAlerts": 0
})json";

using Mutation = std::function<void(rapidjson::Document&)>;

// kPayload with `mutate` applied, serialized again.
std::string Payload(const Mutation& mutate = nullptr) {
  rapidjson::Document doc;
  doc.Parse(kPayload);
  EXPECT_FALSE(doc.HasParseError());
  if (mutate) mutate(doc);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  doc.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

rapidjson::Value& Alert(rapidjson::Document& doc, int i) { return doc["alerts"][i]; }

void Remove(rapidjson::Value& obj, const char* name) { obj.RemoveMember(name); }

void Set(rapidjson::Document& doc, rapidjson::Value& obj, const char* name, rapidjson::Value v) {
  obj.RemoveMember(name);
  obj.AddMember(rapidjson::Value(name, doc.GetAllocator()), v, doc.GetAllocator());
}

void SetString(rapidjson::Document& doc, rapidjson::Value& obj, const char* name,
               const std::string& s) {
  Set(doc, obj, name, rapidjson::Value(s, doc.GetAllocator()));
}

Timestamp At(const char* rfc3339) {
  Result<Timestamp> t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : Timestamp();
}

TEST(WebhookParserTest, ParsesAlertmanagerPayload) {
  Result<WebhookMessage> m = ParseWebhook(Payload());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->version, "4");
  EXPECT_EQ(m->group_key, "{}:{alertname=\"PostgresPrimaryDown\"}");
  EXPECT_EQ(m->truncated_alerts, 0);
  EXPECT_EQ(m->status, AlertStatus::kFiring);
  EXPECT_EQ(m->receiver, "game-day\\.pager");
  EXPECT_EQ(m->group_labels, (Labels{{"alertname", "PostgresPrimaryDown"}}));
  EXPECT_EQ(m->common_labels, (Labels{{"alertname", "PostgresPrimaryDown"},
                                      {"env", "staging"},
                                      {"job", "postgres"},
                                      {"severity", "critical"}}));
  EXPECT_EQ(m->common_annotations, (Labels{{"runbook_url", "docs/runbooks/db-failover.md"}}));
  EXPECT_EQ(m->external_url, "http://alertmanager:9093");
  ASSERT_EQ(m->alerts.size(), 2u);

  const WebhookAlert& firing = m->alerts[0];
  EXPECT_EQ(firing.status, AlertStatus::kFiring);
  EXPECT_EQ(firing.labels.at("instance"), "pg-1:9187");
  EXPECT_EQ(firing.labels.size(), 5u);
  EXPECT_EQ(firing.annotations.at("summary"), "Postgres primary pg-1:9187 is down");
  EXPECT_EQ(firing.starts_at, At("2026-02-02T09:00:12.345Z"));
  EXPECT_TRUE(IsZeroTime(firing.ends_at));
  EXPECT_THAT(firing.generator_url, StartsWith("http://prometheus:9090/graph?g0.expr="));
  EXPECT_EQ(firing.fingerprint, "e4bbe066188a77e1");

  const WebhookAlert& resolved = m->alerts[1];
  EXPECT_EQ(resolved.status, AlertStatus::kResolved);
  EXPECT_EQ(resolved.starts_at, At("2026-02-02T08:55:00Z"));
  EXPECT_EQ(resolved.ends_at, At("2026-02-02T08:58:30.500Z"));
  EXPECT_EQ(resolved.fingerprint, "3f2a9d1c0b7e6a54");
}

TEST(WebhookParserTest, IgnoresUnknownFields) {
  Result<WebhookMessage> m = ParseWebhook(Payload([](rapidjson::Document& d) {
    SetString(d, d, "notification_reason", "alert_group_updated");
    rapidjson::Value route(rapidjson::kObjectType);
    route.AddMember("team", "db", d.GetAllocator());
    Set(d, d, "routeLabels", std::move(route));
    rapidjson::Value nested(rapidjson::kArrayType);
    nested.PushBack(rapidjson::Value(rapidjson::kObjectType), d.GetAllocator());
    Set(d, Alert(d, 0), "silencedBy", std::move(nested));
    Set(d, Alert(d, 1), "valueString", rapidjson::Value(3.5));
  }));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->alerts.size(), 2u);
}

TEST(WebhookParserTest, AcceptsAbsentOptionalFields) {
  Result<WebhookMessage> m = ParseWebhook(Payload([](rapidjson::Document& d) {
    for (const char* f :
         {"truncatedAlerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL"}) {
      Remove(d, f);
    }
    for (const char* f : {"annotations", "endsAt", "generatorURL"}) Remove(Alert(d, 0), f);
    // A JSON null reads as absent, as Go's encoding/json decodes it.
    Set(d, Alert(d, 1), "annotations", rapidjson::Value(rapidjson::kNullType));
    Set(d, Alert(d, 1), "endsAt", rapidjson::Value(rapidjson::kNullType));
  }));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->truncated_alerts, 0);
  EXPECT_TRUE(m->group_labels.empty());
  EXPECT_TRUE(m->common_labels.empty());
  EXPECT_TRUE(m->common_annotations.empty());
  EXPECT_EQ(m->external_url, "");
  EXPECT_TRUE(m->alerts[0].annotations.empty());
  EXPECT_EQ(m->alerts[0].ends_at, ZeroTime());
  EXPECT_EQ(m->alerts[0].generator_url, "");
  EXPECT_TRUE(m->alerts[1].annotations.empty());
  EXPECT_EQ(m->alerts[1].ends_at, ZeroTime());
}

TEST(WebhookParserTest, AcceptsEmptyAlertsAndTruncationCount) {
  Result<WebhookMessage> m = ParseWebhook(Payload([](rapidjson::Document& d) {
    d["alerts"].Clear();
    d["truncatedAlerts"].SetInt(7);
  }));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->alerts.empty());
  EXPECT_EQ(m->truncated_alerts, 7);
}

struct RejectCase {
  const char* name;
  Mutation mutate;
  std::string message;  // the exact error message
};

void ExpectRejected(const std::vector<RejectCase>& cases, StatusCode code,
                    const WebhookLimits& limits = {}) {
  for (const RejectCase& c : cases) {
    Result<WebhookMessage> m = ParseWebhook(Payload(c.mutate), limits);
    ASSERT_FALSE(m.ok()) << c.name;
    EXPECT_EQ(m.status().code(), code) << c.name << ": " << m.status().ToString();
    EXPECT_EQ(m.status().message(), c.message) << c.name;
  }
}

TEST(WebhookParserTest, RejectsMissingRequiredFields) {
  std::vector<RejectCase> cases;
  for (const char* f : {"version", "groupKey", "status", "receiver", "alerts"}) {
    cases.push_back({f, [f](rapidjson::Document& d) { Remove(d, f); },
                     std::string(f) + ": missing required field"});
  }
  for (const char* f : {"status", "labels", "startsAt", "fingerprint"}) {
    cases.push_back({f, [f](rapidjson::Document& d) { Remove(Alert(d, 1), f); },
                     "alerts[1]." + std::string(f) + ": missing required field"});
  }
  ExpectRejected(cases, StatusCode::kInvalidArgument);
}

TEST(WebhookParserTest, RejectsMissingAlerts) {
  Result<WebhookMessage> m =
      ParseWebhook(Payload([](rapidjson::Document& d) { Remove(d, "alerts"); }));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.status().message(), "alerts: missing required field");
}

TEST(WebhookParserTest, RejectsMistypedFields) {
  using rapidjson::Value;
  const std::vector<RejectCase> cases = {
      {"version number", [](auto& d) { d["version"].SetInt(4); }, "version: expected a string"},
      {"groupKey null", [](auto& d) { d["groupKey"].SetNull(); }, "groupKey: expected a string"},
      {"receiver object", [](auto& d) { d["receiver"].SetObject(); },
       "receiver: expected a string"},
      {"status bool", [](auto& d) { d["status"].SetBool(true); }, "status: expected a string"},
      {"status value", [](auto& d) { SetString(d, d, "status", "pending"); },
       "status: expected \"firing\" or \"resolved\", got \"pending\""},
      {"truncatedAlerts negative", [](auto& d) { d["truncatedAlerts"].SetInt(-1); },
       "truncatedAlerts: expected a non-negative integer"},
      {"truncatedAlerts fraction", [](auto& d) { d["truncatedAlerts"].SetDouble(1.5); },
       "truncatedAlerts: expected a non-negative integer"},
      {"truncatedAlerts string", [](auto& d) { SetString(d, d, "truncatedAlerts", "0"); },
       "truncatedAlerts: expected a non-negative integer"},
      {"truncatedAlerts too big", [](auto& d) { d["truncatedAlerts"].SetUint64(1ull << 63); },
       "truncatedAlerts: expected a non-negative integer"},
      {"groupLabels array", [](auto& d) { d["groupLabels"].SetArray(); },
       "groupLabels: expected an object of strings"},
      {"commonLabels value", [](auto& d) { d["commonLabels"]["env"].SetInt(1); },
       "commonLabels.env: expected a string"},
      {"commonAnnotations value", [](auto& d) { d["commonAnnotations"]["runbook_url"].SetNull(); },
       "commonAnnotations.runbook_url: expected a string"},
      {"externalURL number", [](auto& d) { d["externalURL"].SetInt(9093); },
       "externalURL: expected a string"},
      {"alerts object", [](auto& d) { d["alerts"].SetObject(); }, "alerts: expected an array"},
      {"alerts null", [](auto& d) { d["alerts"].SetNull(); }, "alerts: expected an array"},
      {"alert string", [](auto& d) { d["alerts"][1].SetString("a"); },
       "alerts[1]: expected an object"},
      {"alert status", [](auto& d) { SetString(d, Alert(d, 0), "status", "active"); },
       "alerts[0].status: expected \"firing\" or \"resolved\", got \"active\""},
      {"alert labels", [](auto& d) { Alert(d, 0)["labels"].SetArray(); },
       "alerts[0].labels: expected an object of strings"},
      {"alert label value",
       [](auto& d) {
         d["alerts"].PushBack(Value(Alert(d, 0), d.GetAllocator()), d.GetAllocator());
         Alert(d, 2)["labels"]["severity"].SetInt(2);
       },
       "alerts[2].labels.severity: expected a string"},
      {"alert annotations", [](auto& d) { SetString(d, Alert(d, 0), "annotations", "x"); },
       "alerts[0].annotations: expected an object of strings"},
      {"alert startsAt number", [](auto& d) { Alert(d, 0)["startsAt"].SetInt(1770022800); },
       "alerts[0].startsAt: expected an RFC 3339 timestamp string"},
      {"alert endsAt bool", [](auto& d) { Alert(d, 1)["endsAt"].SetBool(false); },
       "alerts[1].endsAt: expected an RFC 3339 timestamp string"},
      {"alert generatorURL", [](auto& d) { Alert(d, 0)["generatorURL"].SetArray(); },
       "alerts[0].generatorURL: expected a string"},
      {"alert fingerprint number", [](auto& d) { Alert(d, 0)["fingerprint"].SetInt(1); },
       "alerts[0].fingerprint: expected a string"},
      {"alert fingerprint empty", [](auto& d) { SetString(d, Alert(d, 0), "fingerprint", ""); },
       "alerts[0].fingerprint: must not be empty"},
  };
  ExpectRejected(cases, StatusCode::kInvalidArgument);
}

TEST(WebhookParserTest, RejectsInvalidTimestamps) {
  const std::vector<RejectCase> cases = {
      {"garbage", [](auto& d) { SetString(d, Alert(d, 0), "startsAt", "xyz"); },
       "alerts[0].startsAt: invalid timestamp \"xyz\": expected "
       "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)"},
      {"no such day", [](auto& d) { SetString(d, Alert(d, 1), "endsAt", "2026-02-30T00:00:00Z"); },
       "alerts[1].endsAt: invalid timestamp \"2026-02-30T00:00:00Z\": day out of range"},
      {"empty", [](auto& d) { SetString(d, Alert(d, 1), "startsAt", ""); },
       "alerts[1].startsAt: invalid timestamp \"\": expected "
       "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)"},
  };
  ExpectRejected(cases, StatusCode::kInvalidArgument);
}

TEST(WebhookParserTest, RejectsImplausibleAlertTimes) {
  const std::vector<RejectCase> cases = {
      {"startsAt in year 1",
       [](auto& d) { SetString(d, Alert(d, 0), "startsAt", "0001-01-01T00:00:00Z"); },
       "alerts[0].startsAt: 0001-01-01T00:00:00.000Z is not a plausible alert time (want "
       "1970..2199)"},
      {"startsAt in year 9999",
       [](auto& d) { SetString(d, Alert(d, 0), "startsAt", "9999-12-31T23:59:59Z"); },
       "alerts[0].startsAt: 9999-12-31T23:59:59.000Z is not a plausible alert time (want "
       "1970..2199)"},
      {"endsAt in year 9999",
       [](auto& d) { SetString(d, Alert(d, 1), "endsAt", "9999-01-01T00:00:00Z"); },
       "alerts[1].endsAt: 9999-01-01T00:00:00.000Z is not a plausible alert time (want "
       "1970..2199)"},
  };
  ExpectRejected(cases, StatusCode::kInvalidArgument);
}

TEST(WebhookParserTest, RejectsDuplicateKeys) {
  struct Case {
    const char* name;
    std::string body;
    const char* message;
  };
  std::string top = Payload();
  top.insert(1, R"("version":"4",)");
  std::string alert = Payload();
  alert.insert(alert.find(R"("status":"firing","labels")"), R"("fingerprint":"x",)");
  std::string labels = Payload();
  labels.insert(labels.find(R"("alertname":"PostgresPrimaryDown","env")"),
                R"("alertname":"Other",)");
  for (const Case& c :
       std::vector<Case>{{"top level", top, "webhook body: duplicate key \"version\""},
                         {"alert", alert, "alerts[0]: duplicate key \"fingerprint\""},
                         {"labels", labels, "alerts[0].labels: duplicate key \"alertname\""}}) {
    Result<WebhookMessage> msg = ParseWebhook(c.body);
    ASSERT_FALSE(msg.ok()) << c.name;
    EXPECT_EQ(msg.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(msg.status().message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(WebhookParserTest, RejectsUnsupportedVersion) {
  Result<WebhookMessage> m =
      ParseWebhook(Payload([](rapidjson::Document& d) { SetString(d, d, "version", "3"); }));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.status().message(),
            "version: unsupported webhook version \"3\", alertgate accepts \"4\"");
}

TEST(WebhookParserTest, RejectsNonObjectTopLevel) {
  for (const char* body : {"[]", "\"4\"", "4", "null", "true"}) {
    Result<WebhookMessage> m = ParseWebhook(body);
    ASSERT_FALSE(m.ok()) << body;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(m.status().message(), "webhook body: expected a JSON object") << body;
  }
}

TEST(WebhookParserTest, RejectsMalformedJson) {
  struct Case {
    std::string body;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "invalid JSON at offset 0: The document is empty."},
      {"   ", "invalid JSON at offset 3: The document is empty."},
      {"{\"version\": \"4\",}", "invalid JSON at offset 16: Missing a name for object member."},
      {"{\"version\" \"4\"}",
       "invalid JSON at offset 11: Missing a colon after a name of object member."},
      {"{} {}",
       "invalid JSON at offset 3: The document root must not be followed by other values."},
      {"{\"a\": \"\xff\"}", "invalid JSON at offset 7: Invalid encoding in string."},
      {std::string("{}\0{}", 5), "invalid JSON at offset 2: NUL byte"},
      {std::string("{\"a\": \"\0\"}", 9), "invalid JSON at offset 7: NUL byte"},
      {"{\"a\": tru}", "invalid JSON at offset 9: Invalid value."},
  };
  for (const Case& c : cases) {
    Result<WebhookMessage> m = ParseWebhook(c.body);
    ASSERT_FALSE(m.ok()) << c.body;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(m.status().message(), c.message) << c.body;
  }
}

TEST(WebhookParserTest, RefusesDeepNestingInAnUnknownField) {
  // Otherwise valid, with an unknown field nested far deeper than any call
  // stack would allow: refused at the 65th level, without recursion.
  const std::string base = test::ReadFixture("webhooks/firing-single.json");
  for (const size_t depth : {size_t{64}, size_t{1000000}}) {
    const std::string body = "{\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "," +
                             base.substr(base.find('{') + 1);
    Result<WebhookMessage> m = ParseWebhook(body);
    ASSERT_FALSE(m.ok()) << depth;
    EXPECT_EQ(m.status().message(), "invalid JSON at offset " + std::to_string(5 + 63) +
                                        ": arrays and objects nested deeper than 64 levels");
  }
  const std::string ok = "{\"x\":" + std::string(63, '[') + std::string(63, ']') + "," +
                         base.substr(base.find('{') + 1);
  EXPECT_TRUE(ParseWebhook(ok).ok()) << "64 levels in all are allowed";
}

TEST(WebhookParserTest, RejectsOverLimits) {
  WebhookLimits limits;
  limits.max_alerts = 1;
  limits.max_labels = 4;
  limits.max_label_bytes = 40;
  // The base payload's alert labels have 5 entries; trim them to fit.
  const Mutation fit = [](rapidjson::Document& d) {
    Remove(Alert(d, 0)["labels"], "job");
    d["alerts"].Erase(d["alerts"].Begin() + 1);
    Alert(d, 0)["annotations"].RemoveMember("runbook_url");
  };
  Result<WebhookMessage> ok = ParseWebhook(Payload(fit), limits);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();

  const std::vector<RejectCase> cases = {
      {"alerts",
       [&](auto& d) {
         fit(d);
         d["alerts"].PushBack(rapidjson::Value(Alert(d, 0), d.GetAllocator()), d.GetAllocator());
       },
       "alerts: 2 alerts exceed the limit of 1"},
      {"labels",
       [&](auto& d) {
         fit(d);
         SetString(d, Alert(d, 0)["labels"], "job", "postgres");
       },
       "alerts[0].labels: 5 entries exceed the limit of 4"},
      {"common labels",
       [&](auto& d) {
         fit(d);
         SetString(d, d["commonLabels"], "a", "b");
       },
       "commonLabels: 5 entries exceed the limit of 4"},
      {"value bytes",
       [&](auto& d) {
         fit(d);
         SetString(d, Alert(d, 0)["annotations"], "summary", std::string(41, 'x'));
       },
       "alerts[0].annotations.summary: a value of 41 bytes exceeds the limit of 40"},
      {"name bytes",
       [&](auto& d) {
         fit(d);
         SetString(d, d["groupLabels"], std::string(41, 'n').c_str(), "v");
       },
       "groupLabels: a name of 41 bytes exceeds the limit of 40"},
  };
  ExpectRejected(cases, StatusCode::kTooLarge, limits);

  // Exactly at the limit is fine.
  Result<WebhookMessage> edge =
      ParseWebhook(Payload([&](rapidjson::Document& d) {
                     fit(d);
                     SetString(d, Alert(d, 0)["annotations"], "summary", std::string(40, 'x'));
                   }),
                   limits);
  EXPECT_TRUE(edge.ok()) << edge.status().ToString();
}

TEST(WebhookParserTest, QuotesOddNamesInPaths) {
  Result<WebhookMessage> m = ParseWebhook(Payload([](rapidjson::Document& d) {
    Set(d, Alert(d, 0)["annotations"], "runbook url", rapidjson::Value(1));
  }));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "alerts[0].annotations[\"runbook url\"]: expected a string");
}

TEST(WebhookParserTest, KeepsLabelBytesVerbatim) {
  Result<WebhookMessage> m = ParseWebhook(Payload([](rapidjson::Document& d) {
    SetString(d, Alert(d, 0)["labels"], "pod", std::string("a\0b\xc3\xa9", 5));
  }));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->alerts[0].labels.at("pod"), std::string("a\0b\xc3\xa9", 5));
}

// Every captured Alertmanager payload in fixtures/webhooks/ parses.
TEST(WebhookParserTest, ParsesCapturedFixtures) {
  const std::filesystem::path dir = test::FixturePath("webhooks");
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = "webhooks/" + entry.path().filename().string();
    Result<WebhookMessage> m = ParseWebhook(test::ReadFixture(name));
    EXPECT_TRUE(m.ok()) << name << ": " << m.status().ToString();
    ++parsed;
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace alertgate
