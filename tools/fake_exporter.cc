// alertgate-fake-exporter: a Prometheus target whose series a test or a demo
// sets over HTTP, standing in for postgres_exporter, HAProxy, redis_exporter,
// MinIO and RabbitMQ on machines that have none of them.
//
//   GET  /metrics          the exposition (prometheus-cpp TextSerializer)
//   POST /api/v1/set       {"name": "pg_up", "type": "gauge", "help": "...",
//                           "labels": {"instance": "pg-1"}, "value": 0}
//                          counters take the new absolute value (never lower)
//   POST /api/v1/delete    {"name": "pg_up", "labels": {...}}: the series disappears
//   GET  /-/healthy
//
// It prints "listening port=N" on stdout once it accepts connections.
#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <rapidjson/document.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>

namespace {

struct Request {
  std::string name;
  std::string type = "gauge";
  std::string help;
  std::map<std::string, std::string> labels;
  double value = 0;
};

std::string Parse(const std::string& body, Request* out) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject()) return "expected a JSON object";
  if (!d.HasMember("name") || !d["name"].IsString()) return "name: expected a string";
  out->name = d["name"].GetString();
  if (d.HasMember("type")) {
    if (!d["type"].IsString()) return "type: expected a string";
    out->type = d["type"].GetString();
    if (out->type != "gauge" && out->type != "counter") return "type: gauge or counter";
  }
  if (d.HasMember("help") && d["help"].IsString()) out->help = d["help"].GetString();
  if (out->help.empty()) out->help = "Set by alertgate-fake-exporter.";
  if (d.HasMember("labels")) {
    if (!d["labels"].IsObject()) return "labels: expected an object";
    for (const auto& m : d["labels"].GetObject()) {
      if (!m.value.IsString()) return "labels: values must be strings";
      out->labels[m.name.GetString()] = m.value.GetString();
    }
  }
  if (d.HasMember("value")) {
    if (!d["value"].IsNumber()) return "value: expected a number";
    out->value = d["value"].GetDouble();
  }
  return "";
}

class Exporter {
 public:
  std::string Set(const Request& r) {
    std::lock_guard<std::mutex> lock(mu_);
    try {
      if (r.type == "counter") {
        auto* family = counters_[r.name];
        if (family == nullptr) {
          if (gauges_.count(r.name)) return r.name + " is a gauge";
          family = &prometheus::BuildCounter().Name(r.name).Help(r.help).Register(*registry_);
          counters_[r.name] = family;
        }
        auto& c = family->Add(r.labels);
        if (r.value < c.Value()) return "counters never go down";
        c.Increment(r.value - c.Value());
      } else {
        auto* family = gauges_[r.name];
        if (family == nullptr) {
          if (counters_.count(r.name)) return r.name + " is a counter";
          family = &prometheus::BuildGauge().Name(r.name).Help(r.help).Register(*registry_);
          gauges_[r.name] = family;
        }
        family->Add(r.labels).Set(r.value);
      }
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }

  void Delete(const Request& r) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = gauges_.find(r.name); it != gauges_.end() && it->second != nullptr) {
      if (it->second->Has(r.labels)) it->second->Remove(&it->second->Add(r.labels));
    }
    if (auto it = counters_.find(r.name); it != counters_.end() && it->second != nullptr) {
      if (it->second->Has(r.labels)) it->second->Remove(&it->second->Add(r.labels));
    }
  }

  std::string Serialize() {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_->Collect());
    return out.str();
  }

 private:
  std::mutex mu_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges_;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "alertgate-fake-exporter: a Prometheus target whose series are set over HTTP\n"
      "(POST /api/v1/set, POST /api/v1/delete), for tests and the demo drill.");
  std::string host = "127.0.0.1";
  int port = 0;
  app.add_option("--host", host, "Address to listen on (loopback by default).")
      ->capture_default_str();
  app.add_option("--port", port, "Port; 0 picks a free one (printed on stdout).")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  Exporter exporter;
  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(exporter.Serialize(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server.Post("/api/v1/set", [&](const httplib::Request& req, httplib::Response& res) {
    Request r;
    std::string err = Parse(req.body, &r);
    if (err.empty()) err = exporter.Set(r);
    if (!err.empty()) {
      res.status = 400;
      res.set_content(err + "\n", "text/plain");
      return;
    }
    res.set_content("ok\n", "text/plain");
  });
  server.Post("/api/v1/delete", [&](const httplib::Request& req, httplib::Response& res) {
    Request r;
    if (std::string err = Parse(req.body, &r); !err.empty()) {
      res.status = 400;
      res.set_content(err + "\n", "text/plain");
      return;
    }
    exporter.Delete(r);
    res.set_content("ok\n", "text/plain");
  });
  const int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    std::cerr << "cannot listen on " << host << ":" << port << "\n";
    return 1;
  }
  std::cout << "listening port=" << bound << std::endl;
  server.listen_after_bind();
  return 0;
}
