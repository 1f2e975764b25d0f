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

// The method as the conventions name it: a known method (a static view), or "_OTHER".
std::string_view convention_method(std::string_view m) {
  static constexpr std::array<std::string_view, 9> methods{"GET",     "POST",    "PUT",   "DELETE", "PATCH",
                                                           "HEAD",    "OPTIONS", "TRACE", "CONNECT"};
  for (auto k : methods) {
    if (k == m) return k;
  }
  return "_OTHER";
}

// The HTTP server span's end and its http.server.request.duration point.
class http_scope final : public transport::http_request_scope {
 public:
  http_scope(std::shared_ptr<runtime> owner, sdk::histogram& duration, trace::span s, std::string_view method,
             std::string_view route, std::chrono::steady_clock::time_point started)
      : owner_(std::move(owner)), duration_(duration), span_(std::move(s)), method_(method), route_(route), started_(started) {}

  void finish(unsigned status) override {
    span_.set_attribute(trace::static_key(sc::http_response_status_code), std::int64_t{status});
    std::string error_type;
    if (status >= 500) {
      // 4xx is the client's error, not the server span's.
      error_type = std::to_string(status);
      span_.set_attribute(trace::static_key(sc::error_type), error_type);
      span_.set_status(trace::status_code::error);
    }
    // One clock reading ends the span and measures the metric.
    const auto ended = std::chrono::steady_clock::now();
    span_.end_at(ended);
    const double seconds = std::chrono::duration<double>(ended - started_).count();
    std::array<sdk::metric_attribute_view, 5> attributes{{{sc::http_request_method, method_},
                                                     {sc::url_scheme, std::string_view("http")},
                                                     {sc::http_response_status_code, std::int64_t{status}}}};
    std::size_t n = 3;
    if (!route_.empty()) attributes[n++] = {sc::http_route, std::string_view(route_)};
    if (!error_type.empty()) attributes[n++] = {sc::error_type, std::string_view(error_type)};
    duration_.record_views(seconds, std::span(attributes.data(), n));
  }

 private:
  std::shared_ptr<runtime> owner_;  // keeps duration_ alive
  sdk::histogram& duration_;
  trace::span span_;
  std::string_view method_;  // static
  std::string route_;
  std::chrono::steady_clock::time_point started_;
};

class http_observer final : public transport::http_request_observer {
 public:
  explicit http_observer(std::shared_ptr<runtime> owner)
      : owner_(std::move(owner)),
        duration_(owner_->recording_histogram(sc::metric_http_server_request_duration,
                                              "Duration of HTTP server requests", semconv::http_duration_boundaries())) {}

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
      if (incoming.span.is_valid()) req.ambient_context = std::move(incoming.span);
      return nullptr;
    }
    const std::string_view method = convention_method(req.method);
    const auto started = std::chrono::steady_clock::now();
    trace::span_options o;
    o.kind = trace::span_kind::server;
    o.start_time = started;
    o.parent = incoming.span;
    o.root = !incoming.span.is_valid();
    o.attributes.reserve(12);  // room for the status code and error.type set at the end
    o.attributes.emplace_back(trace::static_key(sc::http_request_method), std::string(method));
    if (method == "_OTHER") o.attributes.emplace_back(trace::static_key(sc::http_request_method_original), req.method);
    o.attributes.emplace_back(trace::static_key(sc::url_path), std::string(req.path()));
    o.attributes.emplace_back(trace::static_key(sc::url_scheme), std::string("http"));
    if (!route.empty()) o.attributes.emplace_back(trace::static_key(sc::http_route), std::string(route));
    o.attributes.emplace_back(trace::static_key(sc::network_protocol_version),
                              std::string(req.http_version == 10 ? "1.0" : "1.1"));
    o.attributes.emplace_back(trace::static_key(sc::server_address), std::string(server_address));
    o.attributes.emplace_back(trace::static_key(sc::server_port), std::int64_t{server_port});
    if (!req.peer_address.empty()) o.attributes.emplace_back(trace::static_key(sc::client_address), req.peer_address);
    if (auto ua = req.header("User-Agent")) o.attributes.emplace_back(trace::static_key(sc::user_agent_original), std::string(*ua));
    // Never the raw path in the name: `{method} {route}`, or the method alone.
    std::string name(method);
    if (!route.empty()) {
      name += ' ';
      name += route;
    }
    auto span = owner_->tracer()->start_span(name, std::move(o));
    // Typed: the MCP layer takes it as it is (no traceparent text to format and parse again).
    req.ambient_context = span.context();
    return std::make_shared<http_scope>(owner_, *duration_, std::move(span), method, route, started);
  }

 private:
  std::shared_ptr<runtime> owner_;
  sdk::histogram* duration_;  // none in propagation mode (which makes no HTTP spans)
};

}  // namespace

std::shared_ptr<transport::http_request_observer> runtime::http_observer() {
  if (mode_ == telemetry_mode::off) return nullptr;
  return std::make_shared<telemetry::http_observer>(shared_from_this());
}

}  // namespace lumen::telemetry
