// Server core behaviour over an in-memory sink: lifecycle, dispatch, errors, pagination,
// cancellation, progress, logging, server-to-client requests and list_changed.
#include <lumen/protocol/content.hpp>
#include <lumen/server/server.hpp>

#include "../../support/capture_sink.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>
#include <utility>

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

// Opens a latch once: on now(), or when the test leaves early, so that a blocked handler never
// outlives the test (the server's destructor waits for its workers).
struct latch_opener {
  std::latch& latch;
  bool done = false;
  void now() {
    if (!std::exchange(done, true)) latch.count_down();
  }
  ~latch_opener() { now(); }
};

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

TEST(InlineHandlers, ZeroWorkerThreadsRunTheHandlerOnTheDeliveringThreadBeforeReceiveReturns) {
  server srv({.name = "inline", .version = "1"}, {.worker_threads = 0});
  std::thread::id ran_on;
  srv.add_tool({.name = "where"}, [&](const json::object& args, request_context&) {
    ran_on = std::this_thread::get_id();
    return protocol::call_tool_result::text(std::string(args.at("say").as_string()));
  });
  auto sink = std::make_shared<capture_sink>();
  auto s = srv.connect(sink);
  s->receive(initialize_request(1));
  s->receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  s->receive(request(2, "tools/call", {{"name", "where"}, {"arguments", {{"say", "hi"}}}}));
  // Answered within receive(), on this thread.
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(sink->wait_response(2, 0ms).at("result").at("content").at(0).at("text").as_string(), "hi");
  EXPECT_EQ(s->in_flight(), 0u);
}

// Sends request `again` to its session the moment the answer to it arrives, as a client that
// reuses an id as soon as it may.
class reusing_sink : public capture_sink {
 public:
  std::weak_ptr<session> target;
  std::string again;
  void send(std::string message, const outgoing_context& context) override {
    capture_sink::send(message, context);
    if (context.is_final_response && !again.empty()) {
      if (auto s = target.lock()) s->receive(std::exchange(again, std::string()));
    }
  }
};

TEST(InlineHandlers, AnIdIsFreeAgainAsSoonAsItsAnswerIsSent) {
  server srv({.name = "inline", .version = "1"}, {.worker_threads = 0});
  srv.add_tool({.name = "say"}, [](const json::object& args, request_context&) {
    return protocol::call_tool_result::text(std::string(args.at("text").as_string()));
  });
  auto sink = std::make_shared<reusing_sink>();
  auto s = srv.connect(sink);
  s->receive(initialize_request(1));
  s->receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  sink->target = s;
  sink->again = request(2, "tools/call", {{"name", "say"}, {"arguments", {{"text", "second"}}}});
  s->receive(request(2, "tools/call", {{"name", "say"}, {"arguments", {{"text", "first"}}}}));
  // Both answered within receive(); the second was received while the first's answer was sent.
  auto second = sink->wait_for([](const json::object& o) {
    auto const* id = o.if_contains("id");
    return id && *id == 2 && (o.contains("error") || o.at("result").at("content").at(0).at("text") == "second");
  }, 0ms);
  EXPECT_FALSE(second.as_object().contains("error")) << json::serialize(second);
}

TEST_F(SessionTest, InitializeNegotiatesSupportedVersion) {
  srv_.add_tool({.name = "t"}, [](const json::object&, request_context&) { return protocol::call_tool_result::text("x"); });
  auto s = srv_.connect(sink_);
  s->receive(initialize_request(1, "2025-06-18"));
  auto r = sink_->wait_response(1).at("result");
  EXPECT_EQ(r.at("protocolVersion").as_string(), "2025-06-18");
  EXPECT_EQ(r.at("serverInfo").at("name").as_string(), "test-server");
  EXPECT_EQ(r.at("serverInfo").at("version").as_string(), "9.9.9");
  EXPECT_EQ(r.at("instructions").as_string(), "be nice");
  EXPECT_TRUE(r.at("capabilities").as_object().contains("tools")) << "a tool is registered";
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

// The ids of the elements of a batch response, sorted (JSON-RPC lets the server answer in any order).
std::vector<std::string> batch_ids(const json::value& answer) {
  std::vector<std::string> ids;
  for (const auto& r : answer.as_array()) ids.push_back(json::serialize(r.at("id")));
  std::sort(ids.begin(), ids.end());
  return ids;
}

class BatchTest : public SessionTest {
 protected:
  // Feeds `text` to a session at 2025-03-26, then a ping, and returns what came before the ping's answer.
  std::vector<json::value> answers_to(std::string_view text) {
    auto s = open({}, "2025-03-26");
    s->receive(text);
    EXPECT_TRUE(s->wait_idle(5s));
    s->receive(request(999, "ping"));
    sink_->wait_response(999);
    std::vector<json::value> out;
    for (const auto& e : sink_->entries()) {
      if (e.message.is_object() && e.message.as_object().contains("id") && e.message.at("id") == json::value(999)) break;
      out.push_back(e.message);
    }
    return out;
  }
};

TEST_F(BatchTest, RequestsOf20250326BatchAreAnsweredInOneArray) {
  srv_.add_tool({.name = "t"}, [](const json::object&, request_context&) { return protocol::call_tool_result::text("x"); });
  auto answers = answers_to(R"([{"jsonrpc":"2.0","id":7,"method":"ping"},)"
                            R"({"jsonrpc":"2.0","id":"eight","method":"tools/list"},)"
                            R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"t"}}])");
  ASSERT_EQ(answers.size(), 1u) << "one message for the whole batch";
  ASSERT_TRUE(answers[0].is_array());
  EXPECT_EQ(batch_ids(answers[0]), (std::vector<std::string>{"\"eight\"", "7", "9"}));
  for (const auto& r : answers[0].as_array()) {
    EXPECT_EQ(r.at("jsonrpc").as_string(), "2.0");
    EXPECT_TRUE(r.as_object().contains("result")) << json::serialize(r);
    if (r.at("id") == json::value(9)) {
      EXPECT_EQ(r.at("result").at("content").at(0).at("text").as_string(), "x");
    }
    if (r.at("id") == json::value("eight")) {
      EXPECT_EQ(r.at("result").at("tools").as_array().size(), 1u);
    }
  }
}

TEST_F(BatchTest, NotificationsInABatchContributeNoResponse) {
  auto answers = answers_to(R"([{"jsonrpc":"2.0","method":"notifications/initialized"},)"
                            R"({"jsonrpc":"2.0","id":3,"method":"ping"},)"
                            R"({"jsonrpc":"2.0","method":"notifications/roots/list_changed"}])");
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].is_array());
  EXPECT_EQ(batch_ids(answers[0]), (std::vector<std::string>{"3"}));
}

TEST_F(BatchTest, BatchOfOnlyNotificationsGetsNoResponse) {
  auto answers = answers_to(R"([{"jsonrpc":"2.0","method":"notifications/initialized"},)"
                            R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}])");
  EXPECT_TRUE(answers.empty()) << json::serialize(answers.front());
}

TEST_F(BatchTest, InvalidElementsAndErrorsAreAnsweredInsideTheArray) {
  auto answers = answers_to(R"([1,{"jsonrpc":"1.0","id":4,"method":"ping"},)"
                            R"({"jsonrpc":"2.0","id":5,"method":"no/such/method"},)"
                            R"({"jsonrpc":"2.0","id":6,"method":"ping"}])");
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].is_array());
  EXPECT_EQ(batch_ids(answers[0]), (std::vector<std::string>{"4", "5", "6", "null"}));
  for (const auto& r : answers[0].as_array()) {
    if (r.at("id").is_null() || r.at("id") == json::value(4)) {
      EXPECT_EQ(error_code(r), jsonrpc::error_codes::invalid_request) << r;
    } else if (r.at("id") == json::value(5)) {
      EXPECT_EQ(error_code(r), jsonrpc::error_codes::method_not_found);
    } else {
      EXPECT_TRUE(r.as_object().contains("result")) << r;
    }
  }
}

TEST_F(BatchTest, EmptyBatchIsOneInvalidRequestObject) {
  auto answers = answers_to("[]");
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].is_object()) << json::serialize(answers[0]);
  EXPECT_EQ(error_code(answers[0]), jsonrpc::error_codes::invalid_request);
  EXPECT_TRUE(answers[0].at("id").is_null());
}

TEST_F(BatchTest, BatchWaitsForItsSlowestRequest) {
  std::latch release(1);
  srv_.add_tool({.name = "slow"}, [&](const json::object&, request_context&) {
    release.wait();
    return protocol::call_tool_result::text("late");
  });
  auto s = open({}, "2025-03-26");
  latch_opener releaser{release};
  s->receive(R"([{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}},)"
             R"({"jsonrpc":"2.0","id":2,"method":"ping"}])");
  while (s->in_flight() == 0) std::this_thread::sleep_for(1ms);
  s->receive(request(3, "ping"));
  sink_->wait_response(3);
  EXPECT_EQ(sink_->entries().size(), 1u) << "the batch answer waits for the slow tool";
  releaser.now();
  ASSERT_TRUE(s->wait_idle(5s));
  auto entries = sink_->entries();
  ASSERT_EQ(entries.size(), 2u);
  ASSERT_TRUE(entries[1].message.is_array());
  EXPECT_EQ(batch_ids(entries[1].message), (std::vector<std::string>{"1", "2"}));
}

TEST_F(SessionTest, ToolsListPaginatesWithOpaqueCursor) {
  for (auto name : {"a", "b", "c", "d", "e"}) {
    srv_.add_tool({.name = name}, [](const json::object&, request_context&) { return protocol::call_tool_result::text("x"); });
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
  srv_.add_tool({.name = "throws"}, [](const json::object&, request_context&) -> protocol::call_tool_result {
    throw std::runtime_error("boom");
  });
  srv_.add_tool({.name = "protocol"}, [](const json::object&, request_context&) -> protocol::call_tool_result {
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

TEST_F(SessionTest, ResourceReaderThatThrowsIsInternalError) {
  srv_.add_resource({.uri = "mem://broken", .name = "broken"}, [](const std::string&, request_context&)
                        -> std::vector<json::object> { throw std::runtime_error("disk on fire"); });
  auto s = open();
  s->receive(request(2, "resources/read", {{"uri", "mem://broken"}}));
  auto e = sink_->wait_response(2);
  EXPECT_EQ(error_code(e), jsonrpc::error_codes::internal_error);
  EXPECT_NE(std::string(e.at("error").at("message").as_string()).find("disk on fire"), std::string::npos);
  s->receive(request(3, "ping"));
  EXPECT_TRUE(sink_->wait_response(3).as_object().contains("result"));
}

TEST_F(SessionTest, PromptHandlerThatThrowsANonStandardExceptionIsInternalError) {
  srv_.add_prompt({.name = "odd"}, [](const prompt_arguments&, request_context&) -> prompt_result { throw 42; });
  auto s = open();
  s->receive(request(2, "prompts/get", {{"name", "odd"}}));
  auto e = sink_->wait_response(2);
  EXPECT_EQ(error_code(e), jsonrpc::error_codes::internal_error);
  EXPECT_EQ(e.at("error").at("message").as_string(), "Internal error: unknown exception");
}

TEST_F(SessionTest, CompleterThatThrowsIsInternalError) {
  srv_.add_prompt({.name = "p", .arguments = {{.name = "lang"}}},
                  [](const prompt_arguments&, request_context&) { return prompt_result{}; },
                  {{"lang", [](std::string_view, const prompt_arguments&) -> completion_values {
                      throw std::logic_error("completer bug");
                    }}});
  auto s = open();
  s->receive(request(2, "completion/complete",
                     {{"ref", {{"type", "ref/prompt"}, {"name", "p"}}}, {"argument", {{"name", "lang"}, {"value", "x"}}}}));
  auto e = sink_->wait_response(2);
  EXPECT_EQ(error_code(e), jsonrpc::error_codes::internal_error);
  EXPECT_NE(std::string(e.at("error").at("message").as_string()).find("completer bug"), std::string::npos);
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
    return protocol::call_tool_result::text(ctx.cancellation().reason());
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
    return protocol::call_tool_result::text("done");
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
    return protocol::call_tool_result::text("ok");
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
    return protocol::call_tool_result::text(std::string(answer.at("content").at("text").as_string()));
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
    return protocol::call_tool_result::text("unreachable");
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
    return protocol::call_tool_result::text("unreachable");
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
  srv_.add_tool({.name = "late"}, [](const json::object&, request_context&) { return protocol::call_tool_result::text("x"); });
  sink_->wait_for([](const json::object& o) { return is_method(o, "notifications/tools/list_changed"); });
  EXPECT_EQ(other_sink->entries().size(), 0u);
  EXPECT_TRUE(srv_.remove_tool("late"));
  EXPECT_FALSE(srv_.remove_tool("late"));
}

TEST_F(SessionTest, ResourceListChangedWhenResourcesAreAddedOrRemoved) {
  auto s = open();
  auto other_sink = std::make_shared<capture_sink>();
  auto uninitialized = srv_.connect(other_sink);
  auto changed = [](const json::object& o) { return is_method(o, "notifications/resources/list_changed"); };
  auto reader = [](const std::string& uri, request_context&) {
    return std::vector<json::object>{protocol::text_resource(uri, "t")};
  };
  srv_.add_resource({.uri = "mem://late", .name = "late"}, reader);
  EXPECT_EQ(sink_->count(changed), 1u);
  srv_.add_resource_template({.uri_template = "mem://t/{x}", .name = "t"},
                             [](const std::string&, const template_variables&, request_context&) {
                               return std::vector<json::object>{};
                             });
  EXPECT_EQ(sink_->count(changed), 2u);
  EXPECT_TRUE(srv_.remove_resource("mem://late"));
  EXPECT_EQ(sink_->count(changed), 3u);
  EXPECT_FALSE(srv_.remove_resource("mem://late"));
  EXPECT_EQ(sink_->count(changed), 3u) << "removing nothing changes nothing";
  EXPECT_EQ(other_sink->entries().size(), 0u) << "uninitialized sessions are not told";
  auto n = sink_->wait_for(changed);
  EXPECT_FALSE(n.as_object().contains("id"));
}

TEST_F(SessionTest, PromptListChangedWhenPromptsAreAddedOrRemoved) {
  auto s = open();
  auto other_sink = std::make_shared<capture_sink>();
  auto uninitialized = srv_.connect(other_sink);
  auto changed = [](const json::object& o) { return is_method(o, "notifications/prompts/list_changed"); };
  srv_.add_prompt({.name = "late"}, [](const prompt_arguments&, request_context&) { return prompt_result{}; });
  EXPECT_EQ(sink_->count(changed), 1u);
  EXPECT_TRUE(srv_.remove_prompt("late"));
  EXPECT_EQ(sink_->count(changed), 2u);
  EXPECT_FALSE(srv_.remove_prompt("late"));
  EXPECT_EQ(sink_->count(changed), 2u) << "removing nothing changes nothing";
  EXPECT_EQ(other_sink->entries().size(), 0u) << "uninitialized sessions are not told";
  EXPECT_EQ(sink_->count([](const json::object& o) { return is_method(o, "notifications/tools/list_changed") ||
                                                            is_method(o, "notifications/resources/list_changed"); }),
            0u);
}

TEST_F(SessionTest, ToolsListCarriesIconsAnnotationsAndOutputSchema) {
  srv_.add_tool({.name = "pic",
                 .title = "Picture",
                 .output_schema = json::object{{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}},
                 .annotations = {.read_only_hint = true, .open_world_hint = false},
                 .icons = {{.src = "https://example.com/a.png", .mime_type = "image/png", .sizes = {"48x48", "96x96"}},
                           {.src = "data:image/svg+xml;base64,PHN2Zy8+", .sizes = {"any"}, .theme = "dark"}}},
                [](const json::object&, request_context&) { return protocol::call_tool_result::text("x"); });
  srv_.add_tool({.name = "plain"}, [](const json::object&, request_context&) { return protocol::call_tool_result::text("x"); });
  auto s = open();
  s->receive(request(2, "tools/list"));
  auto tools = sink_->wait_response(2).at("result").at("tools").as_array();
  ASSERT_EQ(tools.size(), 2u);
  auto expected = json::parse(R"({"name":"pic","title":"Picture","inputSchema":{"type":"object"},
      "outputSchema":{"type":"object","properties":{"n":{"type":"integer"}}},
      "annotations":{"readOnlyHint":true,"openWorldHint":false},
      "icons":[{"src":"https://example.com/a.png","mimeType":"image/png","sizes":["48x48","96x96"]},
               {"src":"data:image/svg+xml;base64,PHN2Zy8+","sizes":["any"],"theme":"dark"}]})");
  EXPECT_EQ(tools[0], expected) << json::serialize(tools[0]);
  EXPECT_FALSE(tools[1].as_object().contains("icons"));
  EXPECT_FALSE(tools[1].as_object().contains("annotations"));
}

TEST_F(SessionTest, PingIsAnsweredWhileASlowToolRuns) {
  std::latch started(1);
  std::latch release(1);
  srv_.add_tool({.name = "slow"}, [&](const json::object&, request_context&) {
    started.count_down();
    release.wait();
    return protocol::call_tool_result::text("finally");
  });
  auto s = open();
  latch_opener releaser{release};
  s->receive(request(2, "tools/call", {{"name", "slow"}}));
  started.wait();
  s->receive(request(3, "ping"));
  EXPECT_TRUE(sink_->wait_response(3).at("result").as_object().empty());
  EXPECT_EQ(sink_->count([](const json::object& o) { return o.contains("id") && o.at("id") == json::value(2); }), 0u)
      << "the tool is still blocked";
  EXPECT_EQ(s->in_flight(), 1u);
  releaser.now();
  auto r = sink_->wait_response(2).at("result");
  EXPECT_EQ(r.at("content").at(0).at("text").as_string(), "finally");
  EXPECT_FALSE(r.as_object().contains("isError"));
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
    return protocol::call_tool_result::text("done");
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
    return protocol::call_tool_result::text("x");
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

// ---- Malformed input, one class per case: the spec-shaped error, then a ping still answered ----

struct malformed_case {
  std::string name;
  std::string text;
  int code;
  json::value id;  // the id the error must carry (null when the input's id is unusable)
};

std::string nested(std::size_t depth) {
  return std::string("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":") +
         std::string(depth, '[') + std::string(depth, ']') + "}}";
}

class MalformedInput : public ::testing::TestWithParam<malformed_case> {
 protected:
  static server_options options() {
    server_options o;
    o.limits.max_message_bytes = 4096;
    return o;
  }
  server srv_{{.name = "t", .version = "1"}, options()};
  std::shared_ptr<capture_sink> sink_ = std::make_shared<capture_sink>();
};

TEST_P(MalformedInput, GetsTheSpecErrorAndTheSessionKeepsServing) {
  const auto& c = GetParam();
  auto s = srv_.connect(sink_);
  s->receive(initialize_request(1));
  sink_->wait_response(1);
  s->receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  sink_->clear();

  s->receive(c.text);
  auto e = sink_->wait_for([](const json::object& o) { return o.contains("error"); });
  EXPECT_EQ(error_code(e), c.code) << e;
  EXPECT_EQ(e.at("id"), c.id) << e;
  EXPECT_EQ(e.at("jsonrpc").as_string(), "2.0");
  EXPECT_TRUE(e.at("error").at("message").is_string());
  EXPECT_EQ(sink_->entries().size(), 1u) << "exactly one answer";

  s->receive(request(77, "ping"));
  EXPECT_TRUE(sink_->wait_response(77).as_object().contains("result"));
  EXPECT_FALSE(s->is_closed());
}

INSTANTIATE_TEST_SUITE_P(
    Session, MalformedInput,
    ::testing::Values(
        malformed_case{"NotJson", "this is not json", jsonrpc::error_codes::parse_error, nullptr},
        malformed_case{"Empty", "  ", jsonrpc::error_codes::parse_error, nullptr},
        malformed_case{"TruncatedJson", R"({"jsonrpc":"2.0","id":5,"method":"pi)", jsonrpc::error_codes::parse_error,
                       nullptr},
        malformed_case{"WrongJsonrpcVersion", R"({"jsonrpc":"1.0","id":5,"method":"ping"})",
                       jsonrpc::error_codes::invalid_request, 5},
        malformed_case{"MissingJsonrpc", R"({"id":5,"method":"ping"})", jsonrpc::error_codes::invalid_request, 5},
        malformed_case{"ObjectId", R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})",
                       jsonrpc::error_codes::invalid_request, nullptr},
        malformed_case{"NullIdOnRequest", R"({"jsonrpc":"2.0","id":null,"method":"ping"})",
                       jsonrpc::error_codes::invalid_request, nullptr},
        malformed_case{"FractionalId", R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})",
                       jsonrpc::error_codes::invalid_request, nullptr},
        malformed_case{"ParamsNotAnObject", R"({"jsonrpc":"2.0","id":5,"method":"tools/list","params":"x"})",
                       jsonrpc::error_codes::invalid_request, 5},
        malformed_case{"ParamsAnArray", R"({"jsonrpc":"2.0","id":5,"method":"tools/list","params":[1]})",
                       jsonrpc::error_codes::invalid_params, 5},
        malformed_case{"MethodNotAString", R"({"jsonrpc":"2.0","id":5,"method":7})",
                       jsonrpc::error_codes::invalid_request, 5},
        malformed_case{"UnknownMethod", R"({"jsonrpc":"2.0","id":5,"method":"no/such/method"})",
                       jsonrpc::error_codes::method_not_found, 5},
        malformed_case{"TooDeeplyNested", nested(200), jsonrpc::error_codes::parse_error, nullptr},
        malformed_case{"TooLarge",
                       R"({"jsonrpc":"2.0","id":5,"method":"ping","params":{"pad":")" + std::string(5000, 'x') +
                           R"("}})",
                       jsonrpc::error_codes::invalid_request, nullptr},
        malformed_case{"InvalidUtf8", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"s\":\"\xff\xfe\"}}",
                       jsonrpc::error_codes::parse_error, nullptr},
        malformed_case{"OverlongUtf8", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"s\":\"\xc0\xaf\"}}",
                       jsonrpc::error_codes::parse_error, nullptr},
        malformed_case{"NeitherRequestNorResponse", R"({"jsonrpc":"2.0","id":5})",
                       jsonrpc::error_codes::invalid_request, 5}),
    [](const ::testing::TestParamInfo<malformed_case>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace lumen::server
