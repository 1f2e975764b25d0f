// MCP server instrumentation: SERVER spans for incoming requests and notifications, by the
// OpenTelemetry MCP conventions and the parent/link rule; CLIENT spans for server-to-client
// requests with context injected into their `_meta`.
#include <lumen/server/session.hpp>
#include <lumen/telemetry/mcp_operation.hpp>
#include <lumen/telemetry/parent_link.hpp>
#include <lumen/telemetry/semconv.hpp>
#include <lumen/telemetry/telemetry.hpp>

#include <boost/core/demangle.hpp>

#include <array>
#include <chrono>
#include <typeinfo>

namespace lumen::telemetry {

namespace {

namespace sc = semconv;

// The operation's metric attributes, as views of its description and outcome: never the session
// id or the request id (cardinality).
std::size_t metric_attributes_of(const operation_description& d, const operation_outcome* outcome,
                                 std::array<sdk::metric_attribute_view, 8>& out) {
  std::size_t n = 0;
  out[n++] = {sc::mcp_method_name, std::string_view(d.method)};
  if (d.method == "tools/call") out[n++] = {sc::gen_ai_operation_name, sc::gen_ai_operation_execute_tool};
  if (!d.target.empty()) {
    out[n++] = {d.method == "prompts/get" ? sc::gen_ai_prompt_name : sc::gen_ai_tool_name, std::string_view(d.target)};
  }
  if (!d.protocol_version.empty()) out[n++] = {sc::mcp_protocol_version, std::string_view(d.protocol_version)};
  if (!d.network_transport.empty()) out[n++] = {sc::network_transport, std::string_view(d.network_transport)};
  if (outcome && outcome->is_error()) {
    out[n++] = {sc::error_type, std::string_view(outcome->error_type)};
    if (!outcome->rpc_status_code.empty()) out[n++] = {sc::rpc_response_status_code, std::string_view(outcome->rpc_status_code)};
  }
  return n;
}

class mcp_scope final : public server::operation_scope {
 public:
  mcp_scope(std::shared_ptr<runtime> owner, trace::span s, trace::baggage bag, operation_description d,
            sdk::histogram* duration, std::chrono::steady_clock::time_point started)
      : owner_(std::move(owner)),
        span_(std::move(s)),
        baggage_(std::move(bag)),
        description_(std::move(d)),
        duration_(duration),
        started_(started) {}

  std::shared_ptr<void> activate() override {
    return std::make_shared<trace::scope>(trace::context{span_, baggage_});
  }

  void record_exception(const std::exception& e) override {
    exception_type_ = boost::core::demangle(typeid(e).name());
    span_.record_exception(e);
  }

  void finish(const jsonrpc::message* answer) override {
    if (finished_) return;
    finished_ = true;
    std::optional<operation_outcome> outcome;
    if (answer) {
      outcome = classify_answer(*answer);
      if (outcome->is_error()) {
        // A handler's exception names the error better than -32603 alone.
        if (!exception_type_.empty() && outcome->error_type == "-32603") outcome->error_type = exception_type_;
        span_.set_attribute(trace::static_key(sc::error_type), outcome->error_type);
        if (!outcome->rpc_status_code.empty()) span_.set_attribute(trace::static_key(sc::rpc_response_status_code), outcome->rpc_status_code);
        span_.set_status(trace::status_code::error, outcome->description);
      } else if (owner_->options().capture_tool_results && description_.method == "tools/call") {
        if (auto const* r = std::get_if<jsonrpc::response>(answer)) {
          span_.set_attribute(trace::static_key(sc::gen_ai_tool_call_result), json::serialize(r->result));
        }
      }
    }
    // One clock reading ends the span and measures the metric.
    const auto ended = std::chrono::steady_clock::now();
    span_.end_at(ended);
    if (!duration_) return;  // propagation records nothing, metrics included
    const double seconds = std::chrono::duration<double>(ended - started_).count();
    std::array<sdk::metric_attribute_view, 8> attributes;
    const std::size_t n = metric_attributes_of(description_, outcome ? &*outcome : nullptr, attributes);
    duration_->record_views(seconds, std::span(attributes.data(), n));
  }

  void inject(json::object& meta) const override {
    trace::json_carrier carrier(meta);
    trace::inject(span_.context(), baggage_, carrier);
  }

  trace::span span() const override { return span_; }

 private:
  std::shared_ptr<runtime> owner_;
  trace::span span_;
  trace::baggage baggage_;
  operation_description description_;
  sdk::histogram* duration_;  // owner_'s; none in propagation mode
  std::chrono::steady_clock::time_point started_;
  std::string exception_type_;
  bool finished_ = false;
};

class mcp_server_observer final : public server::operation_observer {
 public:
  explicit mcp_server_observer(std::shared_ptr<runtime> owner)
      : owner_(std::move(owner)),
        server_duration_(owner_->recording_histogram(sc::metric_mcp_server_operation_duration,
                                                     "Duration of MCP operations", semconv::mcp_duration_boundaries())),
        client_duration_(owner_->recording_histogram(sc::metric_mcp_client_operation_duration,
                                                     "Duration of MCP operations", semconv::mcp_duration_boundaries())) {}

  std::shared_ptr<server::operation_scope> start_incoming(const server::session& s, const server::incoming_message& m,
                                                          const server::inbound_context& origin) override {
    const std::string_view method = m.method;
    const json::object* params = &m.params;

    // _meta is read once, here, where the request enters the server.
    trace::extracted_context from_meta;
    if (auto const* meta = get_object(*params, "_meta")) {
      trace::json_carrier carrier(*meta);
      trace::default_propagator()->extract(carrier, from_meta);
    }
    trace::span_context ambient = origin.ambient;
    if (!ambient.is_valid() && !origin.ambient_traceparent.empty()) {
      if (auto parsed = trace::parse_traceparent(origin.ambient_traceparent, origin.ambient_tracestate)) ambient = *parsed;
    }
    auto decision = decide_parent_and_link(from_meta.span, ambient);

    std::string session_value = s.id().empty() ? std::string() : owner_->session_attribute(s.id());
    const std::optional<jsonrpc::request_id> id = m.id ? std::optional(*m.id) : std::nullopt;
    auto description = describe_operation(method, *params, id, s.protocol_version(), session_value,
                                          server::to_string(origin.network_transport),
                                          owner_->options().capture_tool_arguments);

    const auto started = std::chrono::steady_clock::now();
    if (owner_->mode() == telemetry_mode::propagation) {
      // Record nothing; pass the incoming context through unchanged.
      return std::make_shared<mcp_scope>(owner_, trace::span::non_recording(decision.parent),
                                         std::move(from_meta.baggage), std::move(description), server_duration_,
                                         started);
    }

    trace::span_options options;
    options.kind = trace::span_kind::server;
    options.start_time = started;
    options.parent = decision.parent;
    options.root = !decision.parent.is_valid();
    if (decision.link) {
      options.links.push_back(trace::link_data{
          *decision.link, {trace::attribute(trace::static_key(sc::lumen_link_kind), std::string(server::to_string(origin.ambient_kind)))}, 0});
    }
    // Moved: the description keeps what metrics need in its own fields.
    options.attributes = std::move(description.attributes);
    if (!origin.peer_address.empty()) {
      options.attributes.emplace_back(trace::static_key(sc::client_address), origin.peer_address);
      if (origin.peer_port) options.attributes.emplace_back(trace::static_key(sc::client_port), std::int64_t{origin.peer_port});
    }
    auto span = owner_->tracer()->start_span(description.name, std::move(options));
    return std::make_shared<mcp_scope>(owner_, std::move(span), std::move(from_meta.baggage), std::move(description),
                                       server_duration_, started);
  }

  std::shared_ptr<server::operation_scope> start_outgoing(const server::session& s, jsonrpc::request& request,
                                                          const server::operation_scope* parent) override {
    std::string session_value = s.id().empty() ? std::string() : owner_->session_attribute(s.id());
    const auto transport = s.network_transport();
    auto description = describe_operation(request.method, request.params, request.id, s.protocol_version(),
                                          session_value, transport ? server::to_string(*transport) : std::string_view(),
                                          false);
    const auto started = std::chrono::steady_clock::now();
    trace::span_options options;
    options.kind = trace::span_kind::client;
    options.start_time = started;
    if (parent) {
      if (auto ctx = parent->span().context(); ctx.is_valid()) options.parent = ctx;
    }
    options.attributes = std::move(description.attributes);
    trace::span span = owner_->mode() == telemetry_mode::propagation
                           ? trace::span::non_recording(options.parent.value_or(trace::span_context{}))
                           : owner_->tracer()->start_span(description.name, std::move(options));
    auto scope = std::make_shared<mcp_scope>(owner_, std::move(span), trace::baggage{}, std::move(description),
                                             client_duration_, started);
    // Keep every other _meta member (e.g. progressToken) intact.
    json::object meta;
    if (auto const* existing = get_object(request.params, "_meta")) meta = *existing;
    scope->inject(meta);
    if (!meta.empty()) request.params["_meta"] = std::move(meta);
    return scope;
  }

  void session_ended(const server::session&, const server::session_end& end) override {
    if (owner_->mode() != telemetry_mode::full) return;
    sdk::metric_attributes attributes;
    if (!end.protocol_version.empty()) attributes.emplace_back(std::string(sc::mcp_protocol_version), std::string(end.protocol_version));
    // Streamable HTTP sessions are HTTP's; stdio has no network protocol.
    if (end.network_transport == server::network_transport::tcp) attributes.emplace_back(std::string(sc::network_protocol_name), std::string("http"));
    owner_->meter()
        .get_histogram(sc::metric_mcp_server_session_duration, "s", "Duration of MCP server sessions",
                       semconv::mcp_duration_boundaries())
        .record(std::chrono::duration<double>(end.duration).count(), attributes);
  }

 private:
  std::shared_ptr<runtime> owner_;
  sdk::histogram* server_duration_;  // owner_'s (none in propagation mode)
  sdk::histogram* client_duration_;
};

}  // namespace

std::shared_ptr<server::operation_observer> runtime::server_observer() {
  if (mode_ == telemetry_mode::off) return nullptr;
  return std::make_shared<mcp_server_observer>(shared_from_this());
}

}  // namespace lumen::telemetry
