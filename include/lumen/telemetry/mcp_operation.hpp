// How an MCP message is described on a span by the OpenTelemetry MCP conventions: span name
// `{mcp.method.name} {target}`, the request attributes known at span start, and the outcome
// (error.type, rpc.response.status_code, status) known at its end.
#pragma once

#include <lumen/json.hpp>
#include <lumen/jsonrpc/message.hpp>
#include <lumen/trace/attributes.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lumen::telemetry {

/// The parts of an MCP span known when the message arrives (or is sent).
struct operation_description {
  std::string name;        // `{mcp.method.name} {target}` or the method alone
  std::string method;      // mcp.method.name
  std::string target;      // tool or prompt name, when there is one
  std::string protocol_version;   // mcp.protocol.version, when known
  std::string network_transport;  // network.transport, when known
  /// The span's attributes, ready to move into its options (keys are static semantic-convention
  /// constants). The fields above keep what metrics need once they have moved.
  trace::attribute_list attributes;
};

/// Describes a request or notification. `session_id` is what goes in mcp.session.id (already
/// hashed by the caller, or empty); `protocol_version` is the negotiated revision (empty before
/// initialize; initialize's own request carries it). `capture_arguments` adds
/// gen_ai.tool.call.arguments for tools/call (opt-in: arguments may be sensitive).
operation_description describe_operation(std::string_view method, const json::object& params,
                                         const std::optional<jsonrpc::request_id>& id,
                                         std::string_view protocol_version, std::string_view session_id,
                                         std::string_view network_transport, bool capture_arguments);

/// How an operation ended, by the conventions.
struct operation_outcome {
  /// error.type: the JSON-RPC code as a string, "tool_error" for an isError tool result, or empty
  /// on success.
  std::string error_type;
  /// rpc.response.status_code: the JSON-RPC error code as a string, when there is one.
  std::string rpc_status_code;
  /// Status description (the JSON-RPC error message, or the tool's error text).
  std::string description;
  bool is_error() const noexcept { return !error_type.empty(); }
};

/// Classifies the answer to a request (a response or an error response).
operation_outcome classify_answer(const jsonrpc::message& answer);

}  // namespace lumen::telemetry
