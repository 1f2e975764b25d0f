// HTTP server spans by the OpenTelemetry HTTP semantic conventions, parented by the request's
// traceparent/tracestate headers; their context becomes the MCP layer's ambient context.
#include <lumen/telemetry/semconv.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/transport/http_message.hpp>

#include <array>

namespace lumen::telemetry {

namespace {

namespace sc = semconv;

// Reads header fields (case-insensitive; repeated fields joined with ",").
class request_header_carrier : public trace::text_map_carrier {
 public:
  explicit request_header_carrier(const transport::header_fields& h) : headers_(h) {}
  std::optional<std::string> get(std::string_view key) const override {
    std::optional<std::string> out;
    for (const auto& [k, v] : headers_) {
      if (!transport::iequals(k, key)) continue;
      out = out ? *out + "," + v : v;
    }
    return out;
  }
  std::size_t count(std::string_view key) const override {
    std::size_t n = 0;
    for (const auto& [k, v] : headers_) n += transport::iequals(k, key);
    return n;
  }
  void set(std::string_view, std::string) override {}

 private:
  const transport::header_fields& headers_;
};

bool known_method(std::string_view m) {
  static constexpr std::array<std::string_view, 9> methods{"GET",     "POST",    "PUT",   "DELETE", "PATCH",
                                                           "HEAD",    "OPTIONS", "TRACE", "CONNECT"};
  for (auto k : methods) {
    if (k == m) return true;
  }
  return false;
}

class http_scope final : public transport::http_request_scope {
 public:
  http_scope(std::shared_ptr<runtime> owner, trace::span s, metric_attributes attrs)
      : owner_(std::move(owner)), span_(std::move(s)), attrs_(std::move(attrs)), started_(std::chrono::steady_clock::now()) {}

  void finish(unsigned status) override {
    span_.set_attribute(sc::http_response_status_code, std::int64_t{status});
    attrs_.emplace_back(std::string(sc::http_response_status_code), std::int64_t{status});
    if (status >= 500) {
      // 4xx is the client's error, not the server span's.
      span_.set_attribute(sc::error_type, std::to_string(status));
      span_.set_status(trace::status_code::error);
      attrs_.emplace_back(std::string(sc::error_type), std::to_string(status));
    }
    span_.end();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    owner_->meter()
        .get_histogram(sc::metric_http_server_request_duration, "s", "Duration of HTTP server requests",
                       http_duration_boundaries())
        .record(seconds, std::move(attrs_));
  }

 private:
  std::shared_ptr<runtime> owner_;
  trace::span span_;
  metric_attributes attrs_;
  std::chrono::steady_clock::time_point started_;
};

class http_observer final : public transport::http_request_observer {
 public:
  explicit http_observer(std::shared_ptr<runtime> owner) : owner_(std::move(owner)) {}

  std::shared_ptr<transport::http_request_scope> start(transport::http_request& req, std::string_view route,
                                                       std::string_view server_address,
                                                       std::uint16_t server_port) override {
    for (const auto& prefix : owner_->options().http_untraced_prefixes) {
      if (req.path().starts_with(prefix)) return nullptr;
    }
    request_header_carrier carrier(req.headers);
    trace::extracted_context incoming;
    trace::default_propagator()->extract(carrier, incoming);
    if (owner_->mode() == telemetry_mode::propagation || !owner_->options().http_server_spans) {
      // No HTTP span (propagation only, or HTTP spans left to an instrumented layer in front):
      // the header context is the ambient context as it came.
      if (incoming.span.is_valid()) {
        req.ambient_traceparent = trace::format_traceparent(incoming.span);
        req.ambient_tracestate = incoming.span.trace_state().to_header(512);
      }
      return nullptr;
    }
    const bool known = known_method(req.method);
    std::string method = known ? req.method : std::string("_OTHER");
    trace::span_options o;
    o.kind = trace::span_kind::server;
    o.parent = incoming.span;
    o.root = !incoming.span.is_valid();
    o.attributes.reserve(10);
    o.attributes.emplace_back(trace::static_key(sc::http_request_method), method);
    if (!known) o.attributes.emplace_back(trace::static_key(sc::http_request_method_original), req.method);
    o.attributes.emplace_back(trace::static_key(sc::url_path), std::string(req.path()));
    o.attributes.emplace_back(trace::static_key(sc::url_scheme), std::string("http"));
    if (!route.empty()) o.attributes.emplace_back(trace::static_key(sc::http_route), std::string(route));
    o.attributes.emplace_back(trace::static_key(sc::network_protocol_version), std::string("1.1"));
    o.attributes.emplace_back(trace::static_key(sc::server_address), std::string(server_address));
    o.attributes.emplace_back(trace::static_key(sc::server_port), std::int64_t{server_port});
    if (!req.peer_address.empty()) o.attributes.emplace_back(trace::static_key(sc::client_address), req.peer_address);
    if (auto ua = req.header("User-Agent")) o.attributes.emplace_back(trace::static_key(sc::user_agent_original), std::string(*ua));
    // Never the raw path in the name: `{method} {route}`, or the method alone.
    std::string name = route.empty() ? method : method + " " + std::string(route);
    auto span = owner_->tracer()->start_span(name, std::move(o));
    req.ambient_traceparent = trace::format_traceparent(span.context());
    req.ambient_tracestate = span.context().trace_state().to_header(512);
    // Built in place (an initializer list would copy each pair), with room for finish()'s two.
    metric_attributes m;
    m.reserve(5);
    m.emplace_back(std::string(sc::http_request_method), std::move(method));
    m.emplace_back(std::string(sc::url_scheme), std::string("http"));
    if (!route.empty()) m.emplace_back(std::string(sc::http_route), std::string(route));
    return std::make_shared<http_scope>(owner_, std::move(span), std::move(m));
  }

 private:
  std::shared_ptr<runtime> owner_;
};

}  // namespace

std::shared_ptr<transport::http_request_observer> runtime::http_observer() {
  if (mode_ == telemetry_mode::off) return nullptr;
  return std::make_shared<telemetry::http_observer>(shared_from_this());
}

}  // namespace lumen::telemetry
