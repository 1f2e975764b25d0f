// MCP span names, attributes and outcomes follow the OpenTelemetry MCP conventions.
#include <lumen/telemetry/mcp_operation.hpp>
#include <lumen/telemetry/semconv.hpp>

#include <gtest/gtest.h>

namespace lumen::telemetry {
namespace {

const trace::attribute_value* attribute(const operation_description& d, std::string_view key) {
  return trace::find_attribute(d.attributes, key);
}

std::string str(const trace::attribute_value* v) { return v ? std::get<std::string>(*v) : "<absent>"; }

TEST(McpOperation, ToolCallIsNamedAfterTheToolAndIsAnExecuteTool) {
  auto d = describe_operation("tools/call", json::object{{"name", "get_weather"}, {"arguments", {{"city", "Oslo"}}}},
                              jsonrpc::request_id(7), "2025-11-25", "abcd", "tcp", false);
  EXPECT_EQ(d.name, "tools/call get_weather");
  EXPECT_EQ(str(attribute(d, semconv::mcp_method_name)), "tools/call");
  EXPECT_EQ(str(attribute(d, semconv::gen_ai_tool_name)), "get_weather");
  EXPECT_EQ(str(attribute(d, semconv::gen_ai_operation_name)), "execute_tool");
  EXPECT_EQ(str(attribute(d, semconv::jsonrpc_request_id)), "7");
  EXPECT_EQ(str(attribute(d, semconv::mcp_protocol_version)), "2025-11-25");
  EXPECT_EQ(str(attribute(d, semconv::mcp_session_id)), "abcd");
  EXPECT_EQ(str(attribute(d, semconv::network_transport)), "tcp");
  EXPECT_FALSE(attribute(d, semconv::gen_ai_tool_call_arguments));  // opt-in only
}

TEST(McpOperation, ToolArgumentsAreCapturedOnlyWhenOptedIn) {
  auto d = describe_operation("tools/call", json::object{{"name", "t"}, {"arguments", {{"a", 1}}}}, jsonrpc::request_id(1),
                              "", "", "pipe", true);
  EXPECT_EQ(str(attribute(d, semconv::gen_ai_tool_call_arguments)), R"({"a":1})");
}

TEST(McpOperation, PromptGetNamesThePromptResourceReadDoesNotNameTheUri) {
  auto p = describe_operation("prompts/get", json::object{{"name", "review"}}, jsonrpc::request_id("x"), "", "", "", false);
  EXPECT_EQ(p.name, "prompts/get review");
  EXPECT_EQ(str(attribute(p, semconv::gen_ai_prompt_name)), "review");
  EXPECT_FALSE(attribute(p, semconv::gen_ai_operation_name));
  auto r = describe_operation("resources/read", json::object{{"uri", "file:///a"}}, jsonrpc::request_id(2), "", "", "", false);
  EXPECT_EQ(r.name, "resources/read");
  EXPECT_EQ(str(attribute(r, semconv::mcp_resource_uri)), "file:///a");
}

TEST(McpOperation, NotificationsHaveNoRequestId) {
  auto n = describe_operation("notifications/cancelled", json::object{{"requestId", 3}}, std::nullopt, "2025-06-18", "",
                              "pipe", false);
  EXPECT_EQ(n.name, "notifications/cancelled");
  EXPECT_FALSE(attribute(n, semconv::jsonrpc_request_id));
}

TEST(McpOperation, InitializeTakesTheVersionFromItsParams) {
  auto d = describe_operation("initialize", json::object{{"protocolVersion", "2025-06-18"}}, jsonrpc::request_id(std::int64_t{0}), "",
                              "", "pipe", false);
  EXPECT_EQ(str(attribute(d, semconv::mcp_protocol_version)), "2025-06-18");
}

TEST(McpOperation, OutcomeOfJsonRpcError) {
  auto o = classify_answer(jsonrpc::make_error(jsonrpc::request_id(1), -32602, "Unknown tool: x"));
  EXPECT_EQ(o.error_type, "-32602");
  EXPECT_EQ(o.rpc_status_code, "-32602");
  EXPECT_EQ(o.description, "Unknown tool: x");
}

TEST(McpOperation, OutcomeOfToolErrorAndSuccess) {
  auto err = classify_answer(jsonrpc::response{
      jsonrpc::request_id(1), json::object{{"content", json::array{{{"type", "text"}, {"text", "no station"}}}}, {"isError", true}}});
  EXPECT_EQ(err.error_type, "tool_error");
  EXPECT_TRUE(err.rpc_status_code.empty());
  EXPECT_EQ(err.description, "no station");
  auto ok = classify_answer(jsonrpc::response{jsonrpc::request_id(1), json::object{{"content", json::array{}}}});
  EXPECT_FALSE(ok.is_error());
}

}  // namespace
}  // namespace lumen::telemetry
