// server.cpp: registration, the capabilities declared from what is registered, list_changed and
// other notifications on runtime changes, and the worker pool that starts only when needed.
#include <lumen/protocol/content.hpp>
#include <lumen/server/server.hpp>
#include <lumen/server/typed_tool.hpp>

#include "../../support/capture_sink.hpp"
#include "../../support/session_driver.hpp"

#include <boost/describe.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace lumen::server {

// Typed tools' argument and result structs (described at namespace scope, as users do).
struct greet_args {
  std::string name;
  std::optional<int> times;
};
BOOST_DESCRIBE_STRUCT(greet_args, (), (name, times))

struct sum_output {
  double sum;
};
BOOST_DESCRIBE_STRUCT(sum_output, (), (sum))

struct pair_args {
  double a;
  double b;
};
BOOST_DESCRIBE_STRUCT(pair_args, (), (a, b))

namespace {

using test::capture_sink;
using test::is_method;
using test::session_driver;

// Threads of this process right now (one entry per task in /proc/self/task).
std::size_t thread_count() {
  auto tasks = std::filesystem::directory_iterator("/proc/self/task");
  return static_cast<std::size_t>(std::distance(begin(tasks), end(tasks)));
}

tool_handler text_tool(std::string text) {
  return [text](const json::object&, request_context&) { return protocol::call_tool_result::text(text); };
}

std::vector<json::object> no_contents(const std::string&, request_context&) { return {}; }

std::vector<std::string> tool_names(session_driver& client) {
  std::vector<std::string> names;
  const json::object listed = client.result("tools/list");
  for (const auto& t : listed.at("tools").as_array()) names.emplace_back(t.at("name").as_string());
  return names;
}

// ---- The worker pool ------------------------------------------------------------------------

TEST(WorkerPool, ConstructingAServerStartsNoThread) {
  const std::size_t before = thread_count();
  server srv({.name = "lazy", .version = "1"});
  ASSERT_EQ(srv.options().worker_threads, 8u) << "the default the test relies on";
  EXPECT_EQ(thread_count(), before);
  srv.add_tool({.name = "t"}, text_tool("x"));
  EXPECT_EQ(thread_count(), before) << "registering starts none either";
}

TEST(WorkerPool, StartsOnTheFirstRequestThatNeedsAWorkerAndIsJoinedOnDestruction) {
  const std::size_t before = thread_count();
  {
    server srv({.name = "lazy", .version = "1"}, {.worker_threads = 3});
    srv.add_tool({.name = "t"}, text_tool("x"));
    session_driver client(srv);
    client.call("ping");
    EXPECT_EQ(thread_count(), before) << "initialize and ping are answered where they arrive";

    EXPECT_EQ(client.result("tools/call", {{"name", "t"}}).at("content").at(0).at("text"), "x");
    EXPECT_EQ(thread_count(), before + 3) << "the first handler started the pool";
    client.result("tools/list");
    client.result("tools/call", {{"name", "t"}});
    EXPECT_EQ(thread_count(), before + 3) << "one pool, started once";
  }
  EXPECT_EQ(thread_count(), before) << "the destructor joined every worker";
}

TEST(WorkerPool, ShutdownJoinsTheWorkersAndStartsNoNewOnes) {
  const std::size_t before = thread_count();
  server srv({.name = "lazy", .version = "1"}, {.worker_threads = 2});
  srv.add_tool({.name = "t"}, text_tool("x"));
  {
    session_driver client(srv);
    client.result("tools/call", {{"name", "t"}});
    EXPECT_EQ(thread_count(), before + 2);
  }
  srv.shutdown();
  EXPECT_EQ(thread_count(), before);
  // A session connected after shutdown is still served, on the thread that delivers its request.
  session_driver late(srv);
  EXPECT_EQ(late.result("tools/call", {{"name", "t"}}).at("content").at(0).at("text"), "x");
  EXPECT_EQ(thread_count(), before);
}

TEST(WorkerPool, ZeroWorkerThreadsNeverStartsAThread) {
  const std::size_t before = thread_count();
  server srv({.name = "inline", .version = "1"}, {.worker_threads = 0});
  srv.add_tool({.name = "t"}, text_tool("x"));
  session_driver client(srv);
  client.result("tools/call", {{"name", "t"}});
  EXPECT_EQ(thread_count(), before);
}

// ---- Capabilities -----------------------------------------------------------------------------

TEST(Capabilities, AServerWithNothingRegisteredDeclaresOnlyLogging) {
  server srv({.name = "empty", .version = "1"});
  EXPECT_EQ(srv.capabilities(), (json::object{{"logging", json::object{}}}));
  session_driver client(srv);
  EXPECT_EQ(client.initialize_result().at("capabilities"), (json::object{{"logging", json::object{}}}));
}

TEST(Capabilities, ToolsAreDeclaredOnceAToolIsRegistered) {
  server srv({.name = "tools", .version = "1"});
  srv.add_tool({.name = "t"}, text_tool("x"));
  EXPECT_EQ(srv.capabilities(),
            (json::object{{"tools", {{"listChanged", true}}}, {"logging", json::object{}}}));
  EXPECT_TRUE(srv.remove_tool("t"));
  EXPECT_FALSE(srv.capabilities().contains("tools")) << "a session initializing now sees no tools";
}

TEST(Capabilities, ResourcesAreDeclaredWithAResourceOrATemplate) {
  const json::value declared{{"subscribe", true}, {"listChanged", true}};
  server with_resource({.name = "r", .version = "1"});
  with_resource.add_resource({.uri = "mem://a", .name = "a"}, no_contents);
  EXPECT_EQ(with_resource.capabilities().at("resources"), declared);

  server with_template({.name = "t", .version = "1"});
  with_template.add_resource_template({.uri_template = "mem://{x}", .name = "x"},
                                      [](const std::string&, const template_variables&, request_context&) {
                                        return std::vector<json::object>{};
                                      });
  EXPECT_EQ(with_template.capabilities().at("resources"), declared);
  EXPECT_FALSE(with_template.capabilities().contains("completions")) << "a template without completers";
  EXPECT_FALSE(with_template.capabilities().contains("tools"));
  EXPECT_FALSE(with_template.capabilities().contains("prompts"));
}

TEST(Capabilities, PromptsAreDeclaredWithAPromptAndCompletionsWithACompleter) {
  auto no_messages = [](const prompt_arguments&, request_context&) { return prompt_result{}; };
  auto completer_fn = [](std::string_view, const prompt_arguments&) { return completion_values{}; };
  server srv({.name = "p", .version = "1"});
  srv.add_prompt({.name = "plain"}, no_messages);
  EXPECT_EQ(srv.capabilities(), (json::object{{"prompts", {{"listChanged", true}}}, {"logging", json::object{}}}));

  srv.add_prompt({.name = "completed", .arguments = {{.name = "lang"}}}, no_messages, {{"lang", completer_fn}});
  EXPECT_TRUE(srv.capabilities().contains("completions"));
  EXPECT_TRUE(srv.remove_prompt("completed"));
  EXPECT_FALSE(srv.capabilities().contains("completions"));

  server templated({.name = "t", .version = "1"});
  templated.add_resource_template({.uri_template = "mem://{x}", .name = "x"},
                                  [](const std::string&, const template_variables&, request_context&) {
                                    return std::vector<json::object>{};
                                  },
                                  {{"x", completer_fn}});
  EXPECT_TRUE(templated.capabilities().contains("completions")) << "a template variable's completer counts too";
}

TEST(Capabilities, AlwaysDeclareAnnouncesKindsRegisteredOnlyAtRuntime) {
  server srv({.name = "runtime", .version = "1"},
             {.always_declare = {.tools = true, .resources = true, .prompts = true, .completions = true}});
  EXPECT_EQ(srv.capabilities(), (json::object{{"tools", {{"listChanged", true}}},
                                              {"resources", {{"subscribe", true}, {"listChanged", true}}},
                                              {"prompts", {{"listChanged", true}}},
                                              {"logging", json::object{}},
                                              {"completions", json::object{}}}));
  server tools_only({.name = "runtime", .version = "1"}, {.always_declare = {.tools = true}});
  session_driver client(tools_only);
  EXPECT_EQ(client.initialize_result().at("capabilities"),
            (json::object{{"tools", {{"listChanged", true}}}, {"logging", json::object{}}}));
}

// ---- Registration -----------------------------------------------------------------------------

TEST(Registration, ReplacingAToolKeepsItsPlaceAndTheNewHandler) {
  server srv({.name = "r", .version = "1"});
  srv.add_tool({.name = "a"}, text_tool("a1"));
  srv.add_tool({.name = "b"}, text_tool("b"));
  srv.add_tool({.name = "a", .description = "second"}, text_tool("a2"));
  session_driver client(srv);
  EXPECT_EQ(tool_names(client), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(client.result("tools/call", {{"name", "a"}}).at("content").at(0).at("text"), "a2");
  EXPECT_TRUE(srv.remove_tool("a"));
  EXPECT_FALSE(srv.remove_tool("a"));
  EXPECT_EQ(tool_names(client), (std::vector<std::string>{"b"}));
}

TEST(Registration, IncompleteRegistrationsAreRejected) {
  server srv({.name = "r", .version = "1"});
  EXPECT_THROW(srv.add_tool({.name = ""}, text_tool("x")), std::invalid_argument);
  EXPECT_THROW(srv.add_tool({.name = "t"}, tool_handler{}), std::invalid_argument);
  EXPECT_THROW(srv.add_resource({.uri = "", .name = "x"}, no_contents), std::invalid_argument);
  EXPECT_THROW(srv.add_resource({.uri = "mem://x", .name = "x"}, resource_reader{}), std::invalid_argument);
  EXPECT_THROW(srv.add_resource_template({.uri_template = "mem://{x", .name = "x"},
                                         [](const std::string&, const template_variables&, request_context&) {
                                           return std::vector<json::object>{};
                                         }),
               std::invalid_argument);
  EXPECT_THROW(srv.add_prompt({.name = ""}, [](const prompt_arguments&, request_context&) { return prompt_result{}; }),
               std::invalid_argument);
  EXPECT_EQ(srv.capabilities(), (json::object{{"logging", json::object{}}})) << "nothing was registered";
}

TEST(Registration, AddToolDeducesTheArgumentStructFromTheHandler) {
  server srv({.name = "typed", .version = "1"});
  srv.add_tool({.name = "greet"}, [](const greet_args& in) { return "Hello, " + in.name + "!"; });
  srv.add_tool({.name = "sum"}, [](const pair_args& in, request_context&) { return sum_output{in.a + in.b}; });
  // The explicit form names the struct (here for a generic lambda, which cannot be deduced).
  add_typed_tool<pair_args>(srv, {.name = "difference"}, [](const auto& in) { return std::to_string(in.a - in.b); });
  session_driver client(srv);

  auto tools = client.result("tools/list").at("tools").as_array();
  ASSERT_EQ(tools.size(), 3u);
  EXPECT_EQ(tools[0].at("inputSchema"), json::value(json_schema_for<greet_args>()));
  EXPECT_FALSE(tools[0].as_object().contains("outputSchema"));
  EXPECT_EQ(tools[1].at("inputSchema"), json::value(json_schema_for<pair_args>()));
  EXPECT_EQ(tools[1].at("outputSchema"), json::value(json_schema_for<sum_output>()));
  EXPECT_EQ(tools[2].at("inputSchema"), json::value(json_schema_for<pair_args>()));

  auto greeted = client.result("tools/call", {{"name", "greet"}, {"arguments", {{"name", "Ada"}}}});
  EXPECT_EQ(greeted.at("content").at(0).at("text"), "Hello, Ada!");
  EXPECT_FALSE(greeted.contains("isError"));

  auto summed = client.result("tools/call", {{"name", "sum"}, {"arguments", {{"a", 2}, {"b", 3.5}}}});
  EXPECT_EQ(summed.at("structuredContent").at("sum").as_double(), 5.5);

  auto difference = client.result("tools/call", {{"name", "difference"}, {"arguments", {{"a", 5}, {"b", 2}}}});
  EXPECT_EQ(std::stod(std::string(difference.at("content").at(0).at("text").as_string())), 3.0);

  auto wrong = client.result("tools/call", {{"name", "greet"}, {"arguments", {{"name", 7}}}});
  EXPECT_TRUE(wrong.at("isError").as_bool());
  EXPECT_NE(std::string(wrong.at("content").at(0).at("text").as_string()).find("name"), std::string::npos)
      << "names the field that did not fit";
}

// ---- Notifications ----------------------------------------------------------------------------

TEST(Notifications, RuntimeChangesTellEveryInitializedSessionOncePerChange) {
  server srv({.name = "n", .version = "1"}, {.always_declare = {.tools = true}});
  session_driver first(srv);
  session_driver second(srv);
  auto uninitialized_sink = std::make_shared<capture_sink>();
  auto uninitialized = srv.connect(uninitialized_sink);
  auto tools_changed = [](const json::object& o) { return is_method(o, "notifications/tools/list_changed"); };

  srv.add_tool({.name = "t"}, text_tool("x"));
  srv.add_tool({.name = "t"}, text_tool("y"));  // replacing is a change too
  EXPECT_TRUE(srv.remove_tool("t"));
  EXPECT_FALSE(srv.remove_tool("t"));           // removing nothing is not
  EXPECT_EQ(first.sink().count(tools_changed), 3u);
  EXPECT_EQ(second.sink().count(tools_changed), 3u);
  EXPECT_TRUE(uninitialized_sink->entries().empty());
}

TEST(Notifications, NotifyReachesEveryInitializedSessionAndResourceUpdatesOnlySubscribers) {
  server srv({.name = "n", .version = "1"});
  srv.add_resource({.uri = "mem://a", .name = "a"}, no_contents);
  session_driver subscribed(srv);
  session_driver other(srv);
  subscribed.result("resources/subscribe", {{"uri", "mem://a"}});

  srv.notify("notifications/custom", {{"k", "v"}});
  for (session_driver* client : {&subscribed, &other}) {
    auto n = client->sink().wait_for([](const json::object& o) { return is_method(o, "notifications/custom"); });
    EXPECT_EQ(n.at("params"), (json::object{{"k", "v"}}));
    EXPECT_FALSE(n.as_object().contains("id"));
  }

  srv.notify_resource_updated("mem://a");
  auto updated = [](const json::object& o) { return is_method(o, "notifications/resources/updated"); };
  EXPECT_EQ(subscribed.sink().wait_for(updated).at("params").at("uri"), "mem://a");
  EXPECT_EQ(other.sink().count(updated), 0u);

  subscribed.result("resources/unsubscribe", {{"uri", "mem://a"}});
  srv.notify_resource_updated("mem://a");
  EXPECT_EQ(subscribed.sink().count(updated), 1u) << "no update after unsubscribing";
}

TEST(Notifications, AHandlersNotificationTravelsWithItsRequest) {
  server srv({.name = "n", .version = "1"});
  srv.add_tool({.name = "announce"}, [](const json::object&, request_context& ctx) {
    ctx.notify("notifications/custom", {{"from", "handler"}});
    return protocol::call_tool_result::text("done");
  });
  session_driver client(srv);
  client.result("tools/call", {{"name", "announce"}});
  bool seen = false;
  for (const auto& e : client.sink().entries()) {
    if (!e.message.is_object() || !is_method(e.message.as_object(), "notifications/custom")) continue;
    seen = true;
    EXPECT_EQ(e.message.at("params").at("from"), "handler");
    ASSERT_TRUE(e.context.related_request.has_value()) << "routed to the request's stream on HTTP";
    EXPECT_EQ(e.context.related_request->to_string(), "1");
    EXPECT_FALSE(e.context.is_final_response);
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace lumen::server
