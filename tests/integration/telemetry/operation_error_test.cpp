// How a failed MCP operation looks on its span, over Lumen's HTTP server (src/telemetry/
// server_observer.cpp, mcp_operation.cpp): a handler's C++ exception names error.type by its type
// while the client gets -32603; a JSON-RPC error code is error.type and rpc.response.status_code;
// an isError tool result is "tool_error". Each sets status ERROR with the error's message.
#include "telemetry_fixture.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace lumen::test_errors {
// A named namespace, so that the demangled type name the span carries is predictable.
struct storage_offline : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace lumen::test_errors

namespace lumen::test {
namespace {

class OperationError : public ::testing::Test {
 protected:
  void SetUp() override {
    s_.srv.add_resource({.uri = "test://broken", .name = "broken"}, [](const std::string&, server::request_context&) -> std::vector<json::object> {
      throw test_errors::storage_offline("disk gone");
    });
    s_.srv.add_tool({.name = "explode"}, [](const json::object&, server::request_context&) -> protocol::call_tool_result {
      throw std::logic_error("kaboom");
    });
    s_.srv.add_tool({.name = "refuse"}, [](const json::object&, server::request_context&) {
      return protocol::call_tool_result::error("not today");
    });
    c_.open_session();
  }

  traced_http_server s_;
  mcp_http_client c_{s_.port()};
};

TEST_F(OperationError, HandlerException_ErrorTypeIsItsTypeAndTheClientGetsInternalError) {
  auto answer = c_.call(R"({"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"test://broken"}})");
  ASSERT_TRUE(answer.as_object().contains("error")) << answer;
  EXPECT_EQ(answer.at("error").at("code"), -32603);
  std::string message(answer.at("error").at("message").as_string());
  EXPECT_NE(message.find("disk gone"), std::string::npos) << message;

  auto span = s_.recorder->wait_one("resources/read");
  EXPECT_EQ(string_attribute(span.attributes, "error.type"), "lumen::test_errors::storage_offline");
  EXPECT_EQ(string_attribute(span.attributes, "rpc.response.status_code"), "-32603");
  EXPECT_EQ(string_attribute(span.attributes, "mcp.resource.uri"), "test://broken");
  EXPECT_EQ(span.status, trace::status_code::error);
  EXPECT_EQ(span.status_message, message) << "the description is the JSON-RPC error message";
  ASSERT_EQ(span.events.size(), 1u);
  EXPECT_EQ(span.events[0].name, "exception");
  EXPECT_EQ(string_attribute(span.events[0].attributes, "exception.type"), "lumen::test_errors::storage_offline");
  EXPECT_EQ(string_attribute(span.events[0].attributes, "exception.message"), "disk gone");
}

TEST_F(OperationError, ToolException_BecomesAToolErrorResult) {
  // A tool's own failure is a result the model can see (docs/architecture.md#errors): "tool_error".
  auto answer = c_.call(call_body(2, "explode"));
  ASSERT_TRUE(answer.as_object().contains("result")) << answer;
  EXPECT_EQ(answer.at("result").at("isError"), true);

  auto span = s_.recorder->wait_one("tools/call explode");
  EXPECT_EQ(string_attribute(span.attributes, "error.type"), "tool_error");
  EXPECT_FALSE(has_attribute(span, "rpc.response.status_code"));
  EXPECT_EQ(span.status, trace::status_code::error);
  EXPECT_NE(span.status_message.find("kaboom"), std::string::npos) << span.status_message;
}

TEST_F(OperationError, JsonRpcErrorCode_IsErrorTypeAndStatusCode) {
  auto answer = c_.call(call_body(2, "no_such_tool"));
  ASSERT_TRUE(answer.as_object().contains("error")) << answer;
  EXPECT_EQ(answer.at("error").at("code"), -32602);

  auto span = s_.recorder->wait_one("tools/call no_such_tool");
  EXPECT_EQ(string_attribute(span.attributes, "error.type"), "-32602");
  EXPECT_EQ(string_attribute(span.attributes, "rpc.response.status_code"), "-32602");
  EXPECT_EQ(span.status, trace::status_code::error);
  EXPECT_EQ(span.status_message, answer.at("error").at("message").as_string());
  EXPECT_TRUE(span.events.empty()) << "no exception escaped a handler";
}

TEST_F(OperationError, IsErrorResult_IsToolErrorWithTheToolsText) {
  auto answer = c_.call(call_body(2, "refuse"));
  EXPECT_EQ(answer.at("result").at("isError"), true);

  auto span = s_.recorder->wait_one("tools/call refuse");
  EXPECT_EQ(string_attribute(span.attributes, "error.type"), "tool_error");
  EXPECT_FALSE(has_attribute(span, "rpc.response.status_code"));
  EXPECT_EQ(span.status, trace::status_code::error);
  EXPECT_EQ(span.status_message, "not today");
}

TEST_F(OperationError, Success_HasNoErrorAttributes) {
  s_.srv.add_tool({.name = "fine"}, [](const json::object&, server::request_context&) {
    return protocol::call_tool_result::text("ok");
  });
  c_.call(call_body(2, "fine"));
  auto span = s_.recorder->wait_one("tools/call fine");
  EXPECT_FALSE(has_attribute(span, "error.type"));
  EXPECT_FALSE(has_attribute(span, "rpc.response.status_code"));
  EXPECT_EQ(span.status, trace::status_code::unset);
}

}  // namespace
}  // namespace lumen::test
