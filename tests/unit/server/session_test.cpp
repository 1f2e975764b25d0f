// Server core behaviour over an in-memory sink: lifecycle, dispatch, errors, pagination,
// cancellation, progress, logging, server-to-client requests and list_changed.
#include <lumen/protocol/content.hpp>
#include <lumen/server/server.hpp>

#include "../../support/capture_sink.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace lumen::server {
namespace {

using test::capture_sink;
using test::is_method;
using namespace std::chrono_literals;

std::string request(int id, std::string_view method, json::object params = {}) {
  json::object o{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.empty()) o.emplace("params", std::move(params));
  return json::serialize(o);
}

std::string initialize_request(int id = 1, std::string_view version = "2025-11-25", json::object caps = {}) {
  return request(id, "initialize",
                 {{"protocolVersion", version}, {"capabilities", caps}, {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
}

int error_code(const json::value& response) { return static_cast<int>(response.at("error").at("code").as_int64()); }

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() : srv_({.name = "test-server", .version = "9.9.9"}, make_options()) {}

  static server_options make_options() {
    server_options o;
    o.page_size = 2;
    o.instructions = "be nice";
    return o;
  }

  std::shared_ptr<session> open(json::object caps = {}, std::string_view version = "2025-11-25") {
    auto s = srv_.connect(sink_);
    s->receive(initialize_request(1, version, std::move(caps)));
    sink_->wait_response(1);
    s->receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    sink_->clear();
    return s;
  }

  server srv_;
  std::shared_ptr<capture_sink> sink_ = std::make_shared<capture_sink>();
};

TEST_F(SessionTest, InitializeNegotiatesSupportedVersion) {
  auto s = srv_.connect(sink_);
  s->receive(initialize_request(1, "2025-06-18"));
  auto r = sink_->wait_response(1).at("result");
  EXPECT_EQ(r.at("protocolVersion").as_string(), "2025-06-18");
  EXPECT_EQ(r.at("serverInfo").at("name").as_string(), "test-server");
  EXPECT_EQ(r.at("serverInfo").at("version").as_string(), "9.9.9");
  EXPECT_EQ(r.at("instructions").as_string(), "be nice");
  EXPECT_TRUE(r.at("capabilities").as_object().contains("tools"));
  EXPECT_EQ(s->protocol_version(), "2025-06-18");
}

TEST_F(SessionTest, InitializeAnswersLatestForUnknownVersion) {
  auto s = srv_.connect(sink_);
  s->receive(initialize_request(1, "1999-01-01"));
  EXPECT_EQ(sink_->wait_response(1).at("result").at("protocolVersion").as_string(), "2025-11-25");
}

TEST_F(SessionTest, InitializeWithoutVersionIsInvalidParams) {
  auto s = srv_.connect(sink_);
  s->receive(request(1, "initialize", {{"capabilities", json::object{}}}));
  EXPECT_EQ(error_code(sink_->wait_response(1)), jsonrpc::error_codes::invalid_params);
  EXPECT_FALSE(s->is_initialized());
}

TEST_F(SessionTest, RequestsBeforeInitializeAreRejectedButPingWorks) {
  auto s = srv_.connect(sink_);
  s->receive(request(1, "tools/list"));
  auto e = sink_->wait_response(1);
  EXPECT_EQ(error_code(e), jsonrpc::error_codes::invalid_request);
  EXPECT_NE(std::string(e.at("error").at("message").as_string()).find("initialize"), std::string::npos);
  s->receive(request(2, "ping"));
  EXPECT_TRUE(sink_->wait_response(2).at("result").as_object().empty());
}

TEST_F(SessionTest, SecondInitializeIsRejected) {
  auto s = open();
  s->receive(initialize_request(5));
  EXPECT_EQ(error_code(sink_->wait_response(5)), jsonrpc::error_codes::invalid_request);
}

TEST_F(SessionTest, UnknownMethodIsMethodNotFound) {
  auto s = open();
  s->receive(request(2, "tools/frobnicate"));
  EXPECT_EQ(error_code(sink_->wait_response(2)), jsonrpc::error_codes::method_not_found);
}

TEST_F(SessionTest, MalformedInputIsAnsweredAndTheSessionKeepsServing) {
  auto s = open();
  s->receive("{not json");
  s->receive(R"({"jsonrpc":"2.0","id":{},"method":"ping"})");
  s->receive(request(3, "ping"));
  sink_->wait_response(3);
  EXPECT_EQ(sink_->count([](const json::object& o) {
              return o.contains("error") && o.at("id").is_null() && o.at("error").at("code").as_int64() == -32700;
            }), 1u);
  EXPECT_EQ(sink_->count([](const json::object& o) {
              return o.contains("error") && o.at("id").is_null() && o.at("error").at("code").as_int64() == -32600;
            }), 1u);
}

TEST_F(SessionTest, BatchesAreRejectedForCurrentRevisions) {
  auto s = open();
  s->receive(R"([{"jsonrpc":"2.0","id":7,"method":"ping"}])");
  auto e = sink_->wait_for([](const json::object& o) { return o.contains("error"); });
  EXPECT_EQ(error_code(e), jsonrpc::error_codes::invalid_request);
  EXPECT_TRUE(e.at("id").is_null());
}

TEST_F(SessionTest, BatchesAreServedFor20250326) {
  auto s = open({}, "2025-03-26");
  s->receive(R"([{"jsonrpc":"2.0","id":7,"method":"ping"},{"jsonrpc":"2.0","id":8,"method":"tools/list"}])");
  sink_->wait_response(7);
  sink_->wait_response(8);
}

TEST_F(SessionTest, ToolsListPaginatesWithOpaqueCursor) {
  for (auto name : {"a", "b", "c", "d", "e"}) {
    srv_.add_tool({.name = name}, [](const json::object&, request_context&) { return tool_result::text("x"); });
  }
  auto s = open();
  std::vector<std::string> names;
  json::object params;
  for (int id = 10;; ++id) {
    s->receive(request(id, "tools/list", params));
    auto r = sink_->wait_response(id).at("result").as_object();
    for (const auto& t : r.at("tools").as_array()) names.emplace_back(t.at("name").as_string());
    if (!r.contains("nextCursor")) break;
    params = {{"cursor", r.at("nextCursor")}};
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  s->receive(request(99, "tools/list", {{"cursor", "garbage"}}));
  EXPECT_EQ(error_code(sink_->wait_response(99)), jsonrpc::error_codes::invalid_params);
}

TEST_F(SessionTest, ToolErrorsAndProtocolErrors) {
  srv_.add_tool({.name = "throws"}, [](const json::object&, request_context&) -> tool_result {
    throw std::runtime_error("boom");
  });
  srv_.add_tool({.name = "protocol"}, [](const json::object&, request_context&) -> tool_result {
    throw mcp_error(-32602, "bad thing");
  });
  auto s = open();
  s->receive(request(2, "tools/call", {{"name", "throws"}}));
  auto r = sink_->wait_response(2).at("result");
  EXPECT_TRUE(r.at("isError").as_bool());
  EXPECT_NE(std::string(r.at("content").at(0).at("text").as_string()).find("boom"), std::string::npos);
  s->receive(request(3, "tools/call", {{"name", "protocol"}}));
  EXPECT_EQ(error_code(sink_->wait_response(3)), -32602);
  s->receive(request(4, "tools/call", {{"name", "missing"}}));
  EXPECT_EQ(error_code(sink_->wait_response(4)), -32602);
  s->receive(request(5, "tools/call", {{"name", "throws"}, {"arguments", 5}}));
  EXPECT_EQ(error_code(sink_->wait_response(5)), -32602);
}

TEST_F(SessionTest, ResourceNotFoundIs32002WithUri) {
  auto s = open();
  s->receive(request(2, "resources/read", {{"uri", "file:///nope"}}));
  auto e = sink_->wait_response(2);
  EXPECT_EQ(error_code(e), jsonrpc::error_codes::resource_not_found);
  EXPECT_EQ(e.at("error").at("data").at("uri").as_string(), "file:///nope");
}

TEST_F(SessionTest, CancellationReachesTheHandlerAndSuppressesTheResponse) {
  std::atomic<bool> saw_cancel{false};
  srv_.add_tool({.name = "wait"}, [&](const json::object&, request_context& ctx) {
    saw_cancel = ctx.cancellation().wait_for(5s);
    return tool_result::text(ctx.cancellation().reason());
  });
  auto s = open();
  s->receive(request(2, "tools/call", {{"name", "wait"}}));
  while (s->in_flight() == 0) std::this_thread::sleep_for(1ms);
  s->receive(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"user"}})");
  ASSERT_TRUE(s->wait_idle(5s));
  EXPECT_TRUE(saw_cancel);
  s->receive(request(3, "ping"));
  sink_->wait_response(3);
  EXPECT_EQ(sink_->count([](const json::object& o) { return o.contains("id") && o.at("id") == json::value(2); }), 0u);
}

TEST_F(SessionTest, ProgressNeedsATokenAndMustIncrease) {
  srv_.add_tool({.name = "p"}, [](const json::object&, request_context& ctx) {
    ctx.report_progress(1, 3);
    ctx.report_progress(1, 3);  // not increasing: dropped
    ctx.report_progress(2, 3, "half");
    return tool_result::text("done");
  });
  auto s = open();
  s->receive(request(2, "tools/call", {{"name", "p"}}));
  sink_->wait_response(2);
  EXPECT_EQ(sink_->count([](const json::object& o) { return is_method(o, "notifications/progress"); }), 0u);
  s->receive(request(3, "tools/call", {{"name", "p"}, {"_meta", {{"progressToken", "tok"}}}}));
  sink_->wait_response(3);
  auto progress = sink_->entries();
  std::vector<double> values;
  for (const auto& e : progress) {
    if (is_method(e.message.as_object(), "notifications/progress")) {
      EXPECT_EQ(e.message.at("params").at("progressToken").as_string(), "tok");
      EXPECT_EQ(e.context.related_request, jsonrpc::request_id(3));
      values.push_back(e.message.at("params").at("progress").to_number<double>());
    }
  }
  EXPECT_EQ(values, (std::vector<double>{1, 2}));
}

TEST_F(SessionTest, LoggingHonoursTheLevel) {
  srv_.add_tool({.name = "logs"}, [](const json::object&, request_context& ctx) {
    ctx.log(protocol::log_level::debug, "d");
    ctx.log(protocol::log_level::error, "e");
    return tool_result::text("ok");
  });
  auto s = open();
  s->receive(request(2, "logging/setLevel", {{"level", "error"}}));
  sink_->wait_response(2);
  s->receive(request(3, "tools/call", {{"name", "logs"}}));
  sink_->wait_response(3);
  auto logs = sink_->count([](const json::object& o) { return is_method(o, "notifications/message"); });
  EXPECT_EQ(logs, 1u);
  s->receive(request(4, "logging/setLevel", {{"level", "verbose"}}));
  EXPECT_EQ(error_code(sink_->wait_response(4)), -32602);
}

TEST_F(SessionTest, SamplingRoundTripThroughTheSink) {
  srv_.add_tool({.name = "ask"}, [](const json::object&, request_context& ctx) {
    auto answer = ctx.create_message({{"messages", json::array{}}, {"maxTokens", 5}});
    return tool_result::text(std::string(answer.at("content").at("text").as_string()));
  });
  auto s = open({{"sampling", json::object{}}});
  s->receive(request(2, "tools/call", {{"name", "ask"}}));
  auto out = sink_->wait_for([](const json::object& o) { return is_method(o, "sampling/createMessage"); });
  s->receive(json::serialize(json::object{
      {"jsonrpc", "2.0"}, {"id", out.at("id")},
      {"result", {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "hi"}}}, {"model", "m"}}}}));
  EXPECT_EQ(sink_->wait_response(2).at("result").at("content").at(0).at("text").as_string(), "hi");
}

TEST_F(SessionTest, ServerToClientRequestTimesOutWithClearError) {
  srv_.add_tool({.name = "ask"}, [](const json::object&, request_context& ctx) {
    ctx.send_request("roots/list", {}, 50ms);
    return tool_result::text("unreachable");
  });
  auto s = open({{"roots", json::object{}}});
  s->receive(request(2, "tools/call", {{"name", "ask"}}));
  auto e = sink_->wait_response(2);
  EXPECT_EQ(error_code(e), jsonrpc::error_codes::request_timeout);
  EXPECT_NE(std::string(e.at("error").at("message").as_string()).find("timed out"), std::string::npos);
  EXPECT_EQ(sink_->count([](const json::object& o) { return is_method(o, "notifications/cancelled"); }), 1u);
}

TEST_F(SessionTest, MissingClientCapabilityIsAnIsErrorResult) {
  srv_.add_tool({.name = "ask"}, [](const json::object&, request_context& ctx) {
    ctx.elicit({{"message", "?"}});
    return tool_result::text("unreachable");
  });
  auto s = open();
  s->receive(request(2, "tools/call", {{"name", "ask"}}));
  auto r = sink_->wait_response(2).at("result");
  EXPECT_TRUE(r.at("isError").as_bool());
  EXPECT_NE(std::string(r.at("content").at(0).at("text").as_string()).find("\"elicitation\" capability"),
            std::string::npos);
}

TEST_F(SessionTest, ListChangedIsBroadcastToInitializedSessions) {
  auto s = open();
  auto other_sink = std::make_shared<capture_sink>();
  auto uninitialized = srv_.connect(other_sink);
  srv_.add_tool({.name = "late"}, [](const json::object&, request_context&) { return tool_result::text("x"); });
  sink_->wait_for([](const json::object& o) { return is_method(o, "notifications/tools/list_changed"); });
  EXPECT_EQ(other_sink->entries().size(), 0u);
  EXPECT_TRUE(srv_.remove_tool("late"));
  EXPECT_FALSE(srv_.remove_tool("late"));
}

TEST_F(SessionTest, SubscribedSessionsGetResourceUpdates) {
  auto s = open();
  s->receive(request(2, "resources/subscribe", {{"uri", "mem://a"}}));
  sink_->wait_response(2);
  srv_.notify_resource_updated("mem://b");
  srv_.notify_resource_updated("mem://a");
  auto n = sink_->wait_for([](const json::object& o) { return is_method(o, "notifications/resources/updated"); });
  EXPECT_EQ(n.at("params").at("uri").as_string(), "mem://a");
  EXPECT_EQ(sink_->count([](const json::object& o) { return is_method(o, "notifications/resources/updated"); }), 1u);
}

TEST_F(SessionTest, DuplicateInFlightIdIsRejected) {
  std::atomic<bool> release{false};
  srv_.add_tool({.name = "hold"}, [&](const json::object&, request_context&) {
    while (!release) std::this_thread::sleep_for(1ms);
    return tool_result::text("done");
  });
  auto s = open();
  s->receive(request(2, "tools/call", {{"name", "hold"}}));
  while (s->in_flight() == 0) std::this_thread::sleep_for(1ms);
  s->receive(request(2, "ping"));  // ping is answered at once, independent of in-flight ids
  s->receive(request(2, "tools/list"));
  auto e = sink_->wait_for([](const json::object& o) { return o.contains("error"); });
  EXPECT_EQ(error_code(e), jsonrpc::error_codes::invalid_request);
  release = true;
  ASSERT_TRUE(s->wait_idle(5s));
}

TEST_F(SessionTest, CloseCancelsRunningHandlers) {
  std::atomic<bool> cancelled{false};
  srv_.add_tool({.name = "forever"}, [&](const json::object&, request_context& ctx) {
    cancelled = ctx.cancellation().wait_for(10s);
    return tool_result::text("x");
  });
  auto s = open();
  s->receive(request(2, "tools/call", {{"name", "forever"}}));
  while (s->in_flight() == 0) std::this_thread::sleep_for(1ms);
  s->close(5s);
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(s->in_flight(), 0u);
}

TEST_F(SessionTest, CompletionForPromptArguments) {
  srv_.add_prompt({.name = "p", .arguments = {{.name = "lang"}}},
                  [](const prompt_arguments&, request_context&) { return prompt_result{}; },
                  {{"lang", [](std::string_view v, const prompt_arguments&) {
                      completion_values out;
                      for (int i = 0; i < 150; ++i) out.values.push_back(std::string(v) + std::to_string(i));
                      return out;
                    }}});
  auto s = open();
  s->receive(request(2, "completion/complete",
                     {{"ref", {{"type", "ref/prompt"}, {"name", "p"}}}, {"argument", {{"name", "lang"}, {"value", "x"}}}}));
  auto c = sink_->wait_response(2).at("result").at("completion");
  EXPECT_EQ(c.at("values").as_array().size(), 100u);
  EXPECT_EQ(c.at("total").as_int64(), 150);
  EXPECT_TRUE(c.at("hasMore").as_bool());
  s->receive(request(3, "completion/complete",
                     {{"ref", {{"type", "ref/prompt"}, {"name", "nope"}}}, {"argument", {{"name", "lang"}, {"value", "x"}}}}));
  EXPECT_EQ(error_code(sink_->wait_response(3)), -32602);
}

}  // namespace
}  // namespace lumen::server
