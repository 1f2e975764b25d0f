// MCP client instrumentation: a CLIENT span per outgoing request or notification, by the MCP
// conventions, with its context injected into `params._meta` (other members kept) and into the
// HTTP headers; and the client session metric.
#include <lumen/telemetry/client_instrumentation.hpp>

#include <lumen/client/client.hpp>
#include <lumen/telemetry/mcp_operation.hpp>
#include <lumen/telemetry/semconv.hpp>
#include <lumen/telemetry/telemetry.hpp>

namespace lumen::telemetry {

namespace {
namespace sc = semconv;
}

client::request_interceptor client_interceptor(const std::shared_ptr<runtime>& telemetry,
                                               server::network_transport network_transport) {
  if (!telemetry || telemetry->mode() == telemetry_mode::off) return {};
  auto self = telemetry;
  return [self, transport = server::to_string(network_transport)](client::outgoing_message& m) {
    const std::string session = m.session_id.empty() ? std::string() : self->session_attribute(m.session_id);
    auto description = describe_operation(m.method, m.params, m.id, m.protocol_version, session, transport,
                                          self->options().capture_tool_arguments);
    trace::span span;
    if (self->mode() == telemetry_mode::propagation) {
      span = trace::current_span();
    } else {
      trace::span_options o;
      o.kind = trace::span_kind::client;
      o.attributes = std::move(description.attributes);
      if (m.server) {
        o.attributes.emplace_back(trace::static_key(sc::server_address), m.server->address);
        o.attributes.emplace_back(trace::static_key(sc::server_port), std::int64_t{m.server->port});
      }
      span = self->tracer()->start_span(description.name, std::move(o));
    }
    auto bag = trace::context::current().baggage;
    // _meta: add traceparent/tracestate/baggage, keep everything else (e.g. progressToken).
    json::object meta;
    if (auto const* existing = get_object(m.params, "_meta")) meta = *existing;
    trace::json_carrier meta_carrier(meta);
    trace::inject(span.context(), bag, meta_carrier);
    if (!meta.empty()) m.params["_meta"] = std::move(meta);
    trace::header_carrier header_carrier(m.headers);
    trace::inject(span.context(), bag, header_carrier);

    if (self->mode() == telemetry_mode::propagation) return;
    if (!m.id) {
      span.end();  // a notification: sent is done
      return;
    }
    auto started = std::chrono::steady_clock::now();
    std::optional<client::server_endpoint> server;
    if (m.server) server = *m.server;
    m.on_complete = [self, span, description = std::move(description), started, transport,
                     version = std::string(m.protocol_version),
                     server = std::move(server)](const json::value* result, const client::client_error* error) mutable {
      operation_outcome outcome;
      if (error) {
        outcome.error_type = error->code() ? std::to_string(*error->code()) : std::string(client::to_string(error->kind()));
        if (error->code()) outcome.rpc_status_code = std::to_string(*error->code());
        outcome.description = error->what();
      } else if (result) {
        outcome = classify_answer(jsonrpc::response{jsonrpc::request_id(std::int64_t{0}), *result});
        if (!outcome.is_error() && self->options().capture_tool_results && description.method == "tools/call") {
          span.set_attribute(trace::static_key(sc::gen_ai_tool_call_result), json::serialize(*result));
        }
      }
      sdk::metric_attributes attrs{{std::string(sc::mcp_method_name), description.method},
                                   {std::string(sc::network_transport), std::string(transport)}};
      if (!version.empty()) attrs.emplace_back(std::string(sc::mcp_protocol_version), version);
      if (server) {
        attrs.emplace_back(std::string(sc::server_address), server->address);
        attrs.emplace_back(std::string(sc::server_port), std::int64_t{server->port});
      }
      if (!description.target.empty()) {
        attrs.emplace_back(std::string(description.method == "prompts/get" ? sc::gen_ai_prompt_name : sc::gen_ai_tool_name),
                           description.target);
      }
      if (outcome.is_error()) {
        span.set_attribute(trace::static_key(sc::error_type), outcome.error_type);
        if (!outcome.rpc_status_code.empty()) span.set_attribute(trace::static_key(sc::rpc_response_status_code), outcome.rpc_status_code);
        span.set_status(trace::status_code::error, outcome.description);
        attrs.emplace_back(std::string(sc::error_type), outcome.error_type);
      }
      span.end();
      self->meter()
          .get_histogram(sc::metric_mcp_client_operation_duration, "s", "Duration of MCP client operations",
                         semconv::mcp_duration_boundaries())
          .record(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), std::move(attrs));
    };
  };
}

std::function<void(const client::session_end&)> client_session_observer(const std::shared_ptr<runtime>& telemetry) {
  if (!telemetry || telemetry->mode() != telemetry_mode::full) return {};
  auto self = telemetry;
  return [self](const client::session_end& end) {
    sdk::metric_attributes attributes;
    if (!end.protocol_version.empty()) attributes.emplace_back(std::string(sc::mcp_protocol_version), end.protocol_version);
    if (end.transport == "http") attributes.emplace_back(std::string(sc::network_protocol_name), std::string("http"));
    if (end.server) {
      attributes.emplace_back(std::string(sc::server_address), end.server->address);
      attributes.emplace_back(std::string(sc::server_port), std::int64_t{end.server->port});
    }
    if (end.error) attributes.emplace_back(std::string(sc::error_type), std::string(client::to_string(end.error->kind())));
    self->meter()
        .get_histogram(sc::metric_mcp_client_session_duration, "s", "Duration of MCP client sessions",
                       semconv::mcp_duration_boundaries())
        .record(std::chrono::duration<double>(end.duration).count(), std::move(attributes));
  };
}

void instrument(client::client_options& options, const std::shared_ptr<runtime>& telemetry,
                server::network_transport network_transport) {
  options.interceptor = client_interceptor(telemetry, network_transport);
  options.on_session_end = client_session_observer(telemetry);
}

}  // namespace lumen::telemetry
