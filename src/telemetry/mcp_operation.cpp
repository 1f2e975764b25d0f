// MCP span naming, attributes and outcomes by the semantic conventions.
#include <lumen/telemetry/mcp_operation.hpp>

#include <lumen/telemetry/semconv.hpp>

namespace lumen::telemetry {

namespace {

std::string string_param(const json::object& params, std::string_view key) {
  if (auto v = get_string(params, key)) return std::string(*v);
  return {};
}

}  // namespace

operation_description describe_operation(std::string_view method, const json::object& params,
                                         const std::optional<jsonrpc::request_id>& id,
                                         std::string_view protocol_version, std::string_view session_id,
                                         std::string_view network_transport, bool capture_arguments) {
  namespace sc = semconv;
  using trace::static_key;
  operation_description d;
  d.method = std::string(method);
  d.attributes.reserve(10);
  d.attributes.emplace_back(static_key(sc::mcp_method_name), d.method);
  if (method == "tools/call") {
    d.target = string_param(params, "name");
    d.attributes.emplace_back(static_key(sc::gen_ai_operation_name), std::string(sc::gen_ai_operation_execute_tool));
    if (!d.target.empty()) d.attributes.emplace_back(static_key(sc::gen_ai_tool_name), d.target);
    if (capture_arguments) {
      if (auto const* args = params.if_contains("arguments")) {
        d.attributes.emplace_back(static_key(sc::gen_ai_tool_call_arguments), json::serialize(*args));
      }
    }
  } else if (method == "prompts/get") {
    d.target = string_param(params, "name");
    if (!d.target.empty()) d.attributes.emplace_back(static_key(sc::gen_ai_prompt_name), d.target);
  } else if (method == "resources/read" || method == "resources/subscribe" || method == "resources/unsubscribe" ||
             method == "notifications/resources/updated") {
    // The URI is an attribute, never part of the name (cardinality).
    if (auto uri = string_param(params, "uri"); !uri.empty()) d.attributes.emplace_back(static_key(sc::mcp_resource_uri), std::move(uri));
  }
  if (d.target.empty()) {
    d.name = d.method;
  } else {
    d.name.reserve(d.method.size() + 1 + d.target.size());
    d.name.append(d.method).append(1, ' ').append(d.target);
  }
  if (id) d.attributes.emplace_back(static_key(sc::jsonrpc_request_id), id->to_string());
  d.protocol_version = std::string(protocol_version);
  if (d.protocol_version.empty() && method == "initialize") d.protocol_version = string_param(params, "protocolVersion");
  if (!d.protocol_version.empty()) d.attributes.emplace_back(static_key(sc::mcp_protocol_version), d.protocol_version);
  if (!session_id.empty()) d.attributes.emplace_back(static_key(sc::mcp_session_id), std::string(session_id));
  d.network_transport = std::string(network_transport);
  if (!network_transport.empty()) d.attributes.emplace_back(static_key(sc::network_transport), d.network_transport);
  return d;
}

operation_outcome classify_answer(const jsonrpc::message& answer) {
  operation_outcome o;
  if (auto const* e = std::get_if<jsonrpc::error_response>(&answer)) {
    o.error_type = std::to_string(e->error.code);
    o.rpc_status_code = o.error_type;
    o.description = e->error.message;
    return o;
  }
  if (auto const* r = std::get_if<jsonrpc::response>(&answer); r && r->result.is_object()) {
    const auto& result = r->result.get_object();
    if (auto const* is_error = result.if_contains("isError"); is_error && is_error->is_bool() && is_error->get_bool()) {
      o.error_type = std::string(semconv::error_type_tool_error);
      // The first text block says why, by convention.
      if (auto const* content = result.if_contains("content"); content && content->is_array()) {
        for (const auto& block : content->get_array()) {
          if (block.is_object()) {
            if (auto text = get_string(block.get_object(), "text")) {
              o.description = std::string(text->substr(0, 512));
              break;
            }
          }
        }
      }
    }
  }
  return o;
}

}  // namespace lumen::telemetry
