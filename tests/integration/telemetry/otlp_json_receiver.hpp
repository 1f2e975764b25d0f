// Test support: an OTLP/HTTP JSON trace receiver on Lumen's HTTP server (127.0.0.1, port 0), for
// tests whose spans come from another process. It flattens each ExportTraceServiceRequest into
// the fields the tests check.
#pragma once

#include <lumen/json.hpp>
#include <lumen/transport/http_server.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace lumen::test {

struct received_link {
  std::string trace_id;
  std::string span_id;
  std::map<std::string, std::string> string_attributes;
};

struct received_span {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;  // empty for a root
  std::string name;
  std::int64_t kind = 0;
  std::map<std::string, std::string> string_attributes;
  std::vector<received_link> links;
};

class otlp_json_receiver {
 public:
  otlp_json_receiver() : http_(transport::http_server_options{}) {
    http_.route("/v1/traces", [this](transport::http_request req, std::shared_ptr<transport::response_channel> ch) {
      {
        std::lock_guard lock(mutex_);
        add(json::parse(req.body));
      }
      ch->respond({200, {{"Content-Type", "application/json"}}, "{}"});
    });
    http_.start();
  }
  ~otlp_json_receiver() { http_.stop(); }
  otlp_json_receiver(const otlp_json_receiver&) = delete;
  otlp_json_receiver& operator=(const otlp_json_receiver&) = delete;

  /// For OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is).
  std::string traces_endpoint() const { return http_.base_url() + "/v1/traces"; }

  std::vector<received_span> spans() const {
    std::lock_guard lock(mutex_);
    return spans_;
  }

 private:
  static std::map<std::string, std::string> string_attributes(const json::value* list) {
    std::map<std::string, std::string> out;
    if (!list || !list->is_array()) return out;
    for (const auto& a : list->as_array()) {
      auto const* value = a.as_object().at("value").as_object().if_contains("stringValue");
      if (value) out[std::string(a.at("key").as_string())] = std::string(value->as_string());
    }
    return out;
  }

  static std::string string_field(const json::object& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }

  void add(const json::value& request) {
    for (const auto& rs : request.at("resourceSpans").as_array()) {
      for (const auto& ss : rs.at("scopeSpans").as_array()) {
        for (const auto& sv : ss.at("spans").as_array()) {
          const auto& s = sv.as_object();
          received_span r{string_field(s, "traceId"), string_field(s, "spanId"), string_field(s, "parentSpanId"),
                          string_field(s, "name"), s.at("kind").to_number<std::int64_t>(),
                          string_attributes(s.if_contains("attributes")), {}};
          if (auto const* links = s.if_contains("links")) {
            for (const auto& lv : links->as_array()) {
              const auto& l = lv.as_object();
              r.links.push_back({string_field(l, "traceId"), string_field(l, "spanId"),
                                 string_attributes(l.if_contains("attributes"))});
            }
          }
          spans_.push_back(std::move(r));
        }
      }
    }
  }

  transport::http_server http_;
  mutable std::mutex mutex_;
  std::vector<received_span> spans_;
};

}  // namespace lumen::test
