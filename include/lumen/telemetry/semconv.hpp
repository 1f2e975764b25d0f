// Every OpenTelemetry semantic-convention key Lumen writes (MCP, JSON-RPC, GenAI, HTTP, network),
// plus Lumen's own, in one place so that no key is typed twice.
#pragma once

#include <string_view>
#include <vector>

namespace lumen::telemetry::semconv {

// ---- MCP (semantic conventions for Model Context Protocol) -----------------------------------
inline constexpr std::string_view mcp_method_name = "mcp.method.name";
inline constexpr std::string_view mcp_protocol_version = "mcp.protocol.version";
inline constexpr std::string_view mcp_session_id = "mcp.session.id";
inline constexpr std::string_view mcp_resource_uri = "mcp.resource.uri";

// ---- JSON-RPC / RPC --------------------------------------------------------------------------
inline constexpr std::string_view jsonrpc_request_id = "jsonrpc.request.id";
inline constexpr std::string_view jsonrpc_protocol_version = "jsonrpc.protocol.version";
inline constexpr std::string_view rpc_response_status_code = "rpc.response.status_code";

// ---- GenAI -----------------------------------------------------------------------------------
inline constexpr std::string_view gen_ai_operation_name = "gen_ai.operation.name";
inline constexpr std::string_view gen_ai_tool_name = "gen_ai.tool.name";
inline constexpr std::string_view gen_ai_prompt_name = "gen_ai.prompt.name";
inline constexpr std::string_view gen_ai_tool_call_arguments = "gen_ai.tool.call.arguments";
inline constexpr std::string_view gen_ai_tool_call_result = "gen_ai.tool.call.result";
inline constexpr std::string_view gen_ai_operation_execute_tool = "execute_tool";

// ---- Errors ----------------------------------------------------------------------------------
inline constexpr std::string_view error_type = "error.type";
inline constexpr std::string_view error_type_tool_error = "tool_error";
inline constexpr std::string_view error_type_other = "_OTHER";

// ---- Network ---------------------------------------------------------------------------------
inline constexpr std::string_view network_transport = "network.transport";
inline constexpr std::string_view network_transport_tcp = "tcp";
inline constexpr std::string_view network_transport_pipe = "pipe";
inline constexpr std::string_view network_protocol_name = "network.protocol.name";
inline constexpr std::string_view network_protocol_version = "network.protocol.version";
inline constexpr std::string_view client_address = "client.address";
inline constexpr std::string_view client_port = "client.port";
inline constexpr std::string_view server_address = "server.address";
inline constexpr std::string_view server_port = "server.port";

// ---- HTTP ------------------------------------------------------------------------------------
inline constexpr std::string_view http_request_method = "http.request.method";
inline constexpr std::string_view http_request_method_original = "http.request.method_original";
inline constexpr std::string_view http_response_status_code = "http.response.status_code";
inline constexpr std::string_view http_route = "http.route";
inline constexpr std::string_view url_path = "url.path";
inline constexpr std::string_view url_scheme = "url.scheme";
inline constexpr std::string_view user_agent_original = "user_agent.original";

// ---- Metrics ---------------------------------------------------------------------------------
inline constexpr std::string_view metric_mcp_server_operation_duration = "mcp.server.operation.duration";
inline constexpr std::string_view metric_mcp_client_operation_duration = "mcp.client.operation.duration";
inline constexpr std::string_view metric_mcp_server_session_duration = "mcp.server.session.duration";
inline constexpr std::string_view metric_mcp_client_session_duration = "mcp.client.session.duration";
inline constexpr std::string_view metric_http_server_request_duration = "http.server.request.duration";

// ---- Lumen -----------------------------------------------------------------------------------
/// Why a Link exists on an MCP span: "transport" (the ambient HTTP or host span) or
/// "environment" (TRACEPARENT of the launching process, on stdio).
inline constexpr std::string_view lumen_link_kind = "lumen.link.kind";
inline constexpr std::string_view lumen_link_kind_transport = "transport";
inline constexpr std::string_view lumen_link_kind_environment = "environment";

// ---- _meta keys (SEP-414) --------------------------------------------------------------------
inline constexpr std::string_view meta_traceparent = "traceparent";
inline constexpr std::string_view meta_tracestate = "tracestate";
inline constexpr std::string_view meta_baggage = "baggage";

// ---- Histogram buckets the conventions give ---------------------------------------------------
/// Bucket boundaries for MCP durations (seconds).
const std::vector<double>& mcp_duration_boundaries();
/// Bucket boundaries for http.server.request.duration (seconds).
const std::vector<double>& http_duration_boundaries();

}  // namespace lumen::telemetry::semconv
