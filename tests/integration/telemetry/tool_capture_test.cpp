// Opt-in capture of tool arguments and results on the MCP span (telemetry_options::
// capture_tool_arguments / capture_tool_results), end to end over Lumen's HTTP server: off by
// default; when on, the attributes hold the JSON the client sent and received; an error result
// is never captured as a result.
#include "telemetry_fixture.hpp"

#include <gtest/gtest.h>

namespace lumen::test {
namespace {

constexpr std::string_view arguments_key = "gen_ai.tool.call.arguments";
constexpr std::string_view result_key = "gen_ai.tool.call.result";

void add_tools(server::server& srv) {
  srv.add_tool({.name = "echo"}, [](const json::object& args, server::request_context&) {
    return protocol::call_tool_result::text(std::string(get_string(args, "text").value_or("")));
  });
  srv.add_tool({.name = "refuse"}, [](const json::object&, server::request_context&) {
    return protocol::call_tool_result::error("not today");
  });
}

const json::object echo_arguments{{"text", "hello"}, {"count", 2}, {"nested", {{"ok", true}}}};

TEST(ToolCapture, OffByDefault_NoArgumentsNorResultOnTheSpan) {
  traced_http_server s;
  add_tools(s.srv);
  mcp_http_client c(s.port());
  c.open_session();
  auto answer = c.call(call_body_with_meta(2, "echo", {}, echo_arguments));
  ASSERT_EQ(answer.at("result").at("content").at(0).at("text"), "hello");

  auto span = s.recorder->wait_one("tools/call echo");
  EXPECT_EQ(string_attribute(span.attributes, "gen_ai.tool.name"), "echo");
  EXPECT_FALSE(has_attribute(span, arguments_key));
  EXPECT_FALSE(has_attribute(span, result_key));
}

TEST(ToolCapture, Enabled_AttributesHoldTheArgumentsAndResultJson) {
  traced_http_server s({.capture_tool_arguments = true, .capture_tool_results = true});
  add_tools(s.srv);
  mcp_http_client c(s.port());
  c.open_session();
  auto answer = c.call(call_body_with_meta(2, "echo", {}, echo_arguments));
  ASSERT_TRUE(answer.as_object().contains("result")) << answer;

  auto span = s.recorder->wait_one("tools/call echo");
  auto arguments = string_attribute(span.attributes, arguments_key);
  ASSERT_TRUE(arguments);
  EXPECT_EQ(json::parse(*arguments), json::value(echo_arguments));
  auto result = string_attribute(span.attributes, result_key);
  ASSERT_TRUE(result);
  EXPECT_EQ(json::parse(*result), answer.at("result")) << "the result the client received";
}

TEST(ToolCapture, EachOptionAlone_CapturesOnlyItsOwnAttribute) {
  {
    traced_http_server s({.capture_tool_arguments = true});
    add_tools(s.srv);
    mcp_http_client c(s.port());
    c.open_session();
    c.call(call_body_with_meta(2, "echo", {}, echo_arguments));
    auto span = s.recorder->wait_one("tools/call echo");
    EXPECT_TRUE(has_attribute(span, arguments_key));
    EXPECT_FALSE(has_attribute(span, result_key));
  }
  {
    traced_http_server s({.capture_tool_results = true});
    add_tools(s.srv);
    mcp_http_client c(s.port());
    c.open_session();
    c.call(call_body_with_meta(2, "echo", {}, echo_arguments));
    auto span = s.recorder->wait_one("tools/call echo");
    EXPECT_FALSE(has_attribute(span, arguments_key));
    EXPECT_TRUE(has_attribute(span, result_key));
  }
}

TEST(ToolCapture, Enabled_ErrorsAreNotCapturedAsResults) {
  traced_http_server s({.capture_tool_arguments = true, .capture_tool_results = true});
  add_tools(s.srv);
  mcp_http_client c(s.port());
  c.open_session();
  auto refused = c.call(call_body_with_meta(2, "refuse", {}, {{"why", "test"}}));
  ASSERT_EQ(refused.at("result").at("isError"), true);
  auto unknown = c.call(call_body_with_meta(3, "no_such_tool", {}, {{"x", 1}}));
  ASSERT_EQ(unknown.at("error").at("code"), -32602);

  auto tool_error = s.recorder->wait_one("tools/call refuse");
  EXPECT_EQ(string_attribute(tool_error.attributes, "error.type"), "tool_error");
  EXPECT_EQ(string_attribute(tool_error.attributes, arguments_key), R"({"why":"test"})");
  EXPECT_FALSE(has_attribute(tool_error, result_key));

  auto protocol_error = s.recorder->wait_one("tools/call no_such_tool");
  EXPECT_EQ(string_attribute(protocol_error.attributes, "error.type"), "-32602");
  EXPECT_EQ(string_attribute(protocol_error.attributes, arguments_key), R"({"x":1})");
  EXPECT_FALSE(has_attribute(protocol_error, result_key));
}

}  // namespace
}  // namespace lumen::test
