#include "http/api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"
#include "core/time.h"
#include "http/requests.h"
#include "metrics/metrics.h"
#include "report/json.h"
#include "report/report.h"
#include "service/service.h"

namespace alertgate {
namespace {

// Builds a JSON object body with `fill(writer)` between the braces.
template <typename Fill>
std::string JsonObject(Fill fill) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  fill(w);
  w.EndObject();
  return std::string(buf.GetString()) + "\n";
}

std::string DrillJson(const Drill& d) {
  return JsonObject([&](auto& w) {
    w.Key("id");
    w.String(d.id);
    w.Key("matchers");
    WriteStringArray(w, d.matchers);
    w.Key("started_at");
    w.String(FormatRfc3339(d.started_at));
    w.Key("finished_at");
    WriteTimeOrNull(w, d.finished_at);
    w.Key("scenarios");
    WriteStringArray(w, d.scenarios);
  });
}

std::string InjectionJson(const Injection& i) {
  return JsonObject([&](auto& w) {
    w.Key("id");
    w.String(i.id);
    w.Key("drill");
    w.String(i.drill);
    w.Key("scenario");
    w.String(i.scenario);
    w.Key("injected_at");
    w.String(FormatRfc3339(i.injected_at));
    w.Key("cleared_at");
    WriteTimeOrNull(w, i.cleared_at);
    w.Key("key");
    if (i.key.empty()) {
      w.Null();
    } else {
      w.String(i.key);
    }
  });
}

std::string WebhookJson(const WebhookOutcome& out) {
  return JsonObject([&](auto& w) {
    w.Key("status");
    w.String("success");
    w.Key("alerts");
    w.Uint64(out.alerts);
    w.Key("stored");
    w.Uint64(out.stored);
    w.Key("duplicates");
    w.Uint64(out.duplicates);
  });
}

// `value` as a response, or its error.
template <typename T, typename Render>
HttpResponse Answer(const Result<T>& value, int status, Render render) {
  if (!value.ok()) return HttpResponse::Error(value.status());
  return HttpResponse::Json(status, render(*value));
}

}  // namespace

std::vector<Route> ApiRoutes(Service* service, Metrics* metrics, std::function<Status()> reload) {
  std::vector<Route> routes;
  const auto add = [&routes](const char* method, const char* pattern, Access access,
                             Dispatch dispatch, std::function<HttpResponse(const HttpRequest&)> h) {
    routes.push_back(Route{method, pattern, access, dispatch, std::move(h), nullptr});
  };

  routes.push_back(Route{"POST", "/api/v1/webhook", Access::kWebhook, Dispatch::kAsync, nullptr,
                         [service](HttpRequest req, Responder respond) {
                           // Parsed here, stored by the group commit; the answer waits for the
                           // commit without holding a thread.
                           service->IngestWebhook(
                               std::move(req.body),
                               [respond = std::move(respond)](Result<WebhookOutcome> out) {
                                 respond(Answer(out, 200, WebhookJson));
                               });
                         }});

  add("POST", "/api/v1/drills", Access::kRun, Dispatch::kBlocking,
      [service](const HttpRequest& req) {
        auto body = ParseStartDrillRequest(req.body);
        if (!body.ok()) return HttpResponse::Error(body.status());
        bool created = false;
        auto drill = service->StartDrill(body->id, body->matchers, body->scenarios, &created);
        return Answer(drill, created ? 201 : 200, DrillJson);
      });
  add("GET", "/api/v1/drills", Access::kRead, Dispatch::kBlocking, [service](const HttpRequest&) {
    return Answer(service->ListResults(), 200,
                  [](const auto& list) { return RenderDrillListJson(list); });
  });
  add("GET", "/api/v1/drills/{drill}", Access::kRead, Dispatch::kBlocking,
      [service](const HttpRequest& req) {
        return Answer(service->Results(req.Param("drill")), 200,
                      [](const DrillResult& r) { return RenderResultsJson(r); });
      });
  add("GET", "/api/v1/drills/{drill}/report", Access::kRead, Dispatch::kBlocking,
      [service](const HttpRequest& req) {
        auto format = ParseReportFormat(req.Query("format", "markdown"));
        if (!format.ok()) return HttpResponse::Error(format.status());
        auto r = service->Results(req.Param("drill"));
        if (!r.ok()) return HttpResponse::Error(r.status());
        HttpResponse res{200, ContentType(*format), RenderReport(*r, *format), {}};
        res.headers.emplace_back("Alertgate-Drill-Verdict", Name(r->verdict));
        return res;
      });
  add("POST", "/api/v1/drills/{drill}/finish", Access::kRun, Dispatch::kBlocking,
      [service](const HttpRequest& req) {
        return Answer(service->FinishDrill(req.Param("drill")), 200, DrillJson);
      });
  add("POST", "/api/v1/drills/{drill}/injections", Access::kRun, Dispatch::kBlocking,
      [service](const HttpRequest& req) {
        auto body = ParseInjectionRequest(req.body);
        if (!body.ok()) return HttpResponse::Error(body.status());
        bool created = false;
        auto inj = service->Inject(
            InjectRequest{req.Param("drill"), body->scenario, body->at, body->key}, &created);
        return Answer(inj, created ? 201 : 200, InjectionJson);
      });
  add("POST", "/api/v1/drills/{drill}/injections/{injection}/clear", Access::kRun,
      Dispatch::kBlocking, [service](const HttpRequest& req) {
        auto at = ParseClearRequest(req.body);
        if (!at.ok()) return HttpResponse::Error(at.status());
        return Answer(service->Clear(req.Param("drill"), req.Param("injection"), *at), 200,
                      InjectionJson);
      });

  add("GET", "/metrics", Access::kMetrics, Dispatch::kBlocking, [metrics](const HttpRequest&) {
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", metrics->Serialize(), {}};
  });
  add("GET", "/-/healthy", Access::kPublic, Dispatch::kInline,
      [](const HttpRequest&) { return HttpResponse::Text(200, "alertgate is Healthy.\n"); });
  add("GET", "/-/ready", Access::kPublic, Dispatch::kBlocking, [service](const HttpRequest&) {
    Status st = service->Ready();
    if (!st.ok()) return HttpResponse::Text(503, "alertgate is not ready: " + st.message() + "\n");
    return HttpResponse::Text(200, "alertgate is Ready.\n");
  });
  add("POST", "/-/reload", Access::kAdmin, Dispatch::kBlocking,
      [reload = std::move(reload)](const HttpRequest&) {
        Status st = reload();
        if (!st.ok())
          return HttpResponse::Text(500, "failed to reload config: " + st.message() + "\n");
        return HttpResponse::Text(200, "config reloaded\n");
      });
  return routes;
}

}  // namespace alertgate
