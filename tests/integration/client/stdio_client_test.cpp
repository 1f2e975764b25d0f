// The client over stdio, with real processes and pipes: every client feature against Lumen's
// feature_tour server, and clear errors (not hangs) from servers that misbehave.
#include "../../support/expect_client_error.hpp"
#include "fake_server.hpp"

#include <lumen/client/client.hpp>
#include <lumen/client/stdio_transport.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <future>
#include <mutex>
#include <thread>

namespace lumen {
namespace {

using namespace std::chrono_literals;
using client::client_error;
using client::error_kind;

const std::string feature_tour = std::string(LUMEN_BINARY_DIR) + "/examples/feature_tour";

std::unique_ptr<client::stdio_transport> spawn(std::vector<std::string> command,
                                               std::map<std::string, std::string> env = {},
                                               std::function<void(std::string_view)> sink = {}) {
  return std::make_unique<client::stdio_transport>(client::stdio_options{
      .command = std::move(command), .environment = std::move(env), .stderr_sink = std::move(sink)});
}

std::unique_ptr<client::client> tour(client::client_options options = {}) {
  return std::make_unique<client::client>(spawn({feature_tour}), std::move(options));
}

std::unique_ptr<client::client> fake(const std::string& mode, std::function<void(std::string_view)> sink = {}) {
  return std::make_unique<client::client>(
      spawn(test::fake_server_command(), {{"LUMEN_FAKE_SERVER", mode}}, std::move(sink)),
      client::client_options{.request_timeout = 10s, .on_error = [](const client_error&) {}});
}

bool has_named(const json::array& items, std::string_view key, std::string_view value) {
  for (const auto& i : items) {
    if (i.as_object().at(key).as_string() == value) return true;
  }
  return false;
}

using test::expect_client_error;

TEST(StdioClient, ConnectNegotiatesTheLatestRevision) {
  auto c = tour();
  auto init = c->connect();
  EXPECT_EQ(c->protocol_version(), "2025-11-25");
  EXPECT_EQ(c->server_info().name, "feature-tour");
  EXPECT_EQ(c->instructions().value_or(""), "A tour of every MCP server feature Lumen implements.");
  EXPECT_TRUE(c->server_supports("tools"));
  EXPECT_TRUE(c->server_supports("resources"));
  c->ping();
}

TEST(StdioClient, OlderRequestedRevisionIsNegotiated) {
  auto c = tour({.protocol_version = "2025-06-18"});
  c->connect();
  EXPECT_EQ(c->protocol_version(), "2025-06-18");
}

TEST(StdioClient, ToolsListAndCall) {
  auto c = tour();
  c->connect();
  auto tools = c->list_all_tools();
  for (auto name : {"add", "echo", "fail", "media", "slow", "log_levels", "ask_llm", "ask_user", "roots", "touch"}) {
    EXPECT_TRUE(has_named(tools, "name", name)) << name;
  }
  auto sum = c->call_tool("add", {{"a", 2}, {"b", 3.5}});
  EXPECT_FALSE(sum.is_error);
  ASSERT_TRUE(sum.structured_content);
  EXPECT_EQ(sum.structured_content->at("sum").to_number<double>(), 5.5);

  EXPECT_EQ(c->call_tool("echo", {{"message", "hi"}}).text(), "hi");

  auto failed = c->call_tool("fail");
  EXPECT_TRUE(failed.is_error);
  EXPECT_NE(failed.text().find("failed on purpose"), std::string::npos);

  auto media = c->call_tool("media");
  ASSERT_EQ(media.content.size(), 5u);
  EXPECT_EQ(media.content[1].at("type").as_string(), "image");
  EXPECT_EQ(media.content[2].at("type").as_string(), "audio");
  EXPECT_EQ(media.content[3].at("type").as_string(), "resource_link");
  EXPECT_EQ(media.content[4].at("type").as_string(), "resource");

  auto unknown = expect_client_error([&] { c->call_tool("no_such_tool"); });
  // Unknown tools are a JSON-RPC error or an isError result depending on the server; Lumen's
  // answers with a JSON-RPC error.
  EXPECT_EQ(unknown.kind(), error_kind::rpc_error);
  EXPECT_TRUE(unknown.code().has_value());
}

TEST(StdioClient, Resources) {
  auto c = tour();
  c->connect();
  auto resources = c->list_all_resources();
  EXPECT_TRUE(has_named(resources, "uri", "lumen://readme"));
  EXPECT_TRUE(has_named(resources, "uri", "lumen://logo.png"));
  auto readme = c->read_resource("lumen://readme");
  EXPECT_NE(std::string(readme.at("contents").at(0).at("text").as_string()).find("Feature tour"), std::string::npos);
  auto logo = c->read_resource("lumen://logo.png");
  EXPECT_TRUE(logo.at("contents").at(0).as_object().contains("blob"));

  auto templates = c->list_all_resource_templates();
  EXPECT_TRUE(has_named(templates, "uriTemplate", "lumen://notes/{id}"));
  EXPECT_EQ(c->read_resource("lumen://notes/alpha").at("contents").at(0).at("text").as_string(), "First note.");

  auto missing = expect_client_error([&] { c->read_resource("lumen://notes/zzz"); });
  EXPECT_EQ(missing.kind(), error_kind::rpc_error);
  EXPECT_EQ(missing.code(), -32002);
}

TEST(StdioClient, SubscribeDeliversUpdates) {
  auto c = tour();
  std::mutex m;
  std::vector<std::string> updated;
  c->on_resource_updated([&](const std::string& uri) {
    std::lock_guard lock(m);
    updated.push_back(uri);
  });
  c->connect();
  c->subscribe("lumen://readme");
  c->call_tool("touch", {{"uri", "lumen://readme"}});
  c->call_tool("touch", {{"uri", "lumen://logo.png"}});  // not subscribed
  std::lock_guard lock(m);
  EXPECT_EQ(updated, std::vector<std::string>{"lumen://readme"});
  c->unsubscribe("lumen://readme");
}

TEST(StdioClient, PromptsAndCompletion) {
  auto c = tour();
  c->connect();
  auto prompts = c->list_all_prompts();
  EXPECT_TRUE(has_named(prompts, "name", "greeting"));
  EXPECT_TRUE(has_named(prompts, "name", "code_review"));
  auto review = c->get_prompt("code_review", {{"code", "int main(){}"}, {"language", "c++"}});
  std::string text(review.at("messages").at(0).at("content").at("text").as_string());
  EXPECT_NE(text.find("c++ code"), std::string::npos);

  auto completion = c->complete(client::client::prompt_ref("code_review"), "language", "py");
  EXPECT_EQ(completion.at("values").at(0).as_string(), "python");
  auto ids = c->complete(client::client::resource_ref("lumen://notes/{id}"), "id", "g");
  EXPECT_EQ(ids.at("values").at(0).as_string(), "gamma");
}

TEST(StdioClient, ProgressCallbackSeesEveryStep) {
  auto c = tour();
  c->connect();
  std::vector<double> seen;
  auto r = c->call_tool("slow", {{"steps", 3}, {"step_ms", 10}},
                        {.on_progress = [&](const client::progress& p) {
                          seen.push_back(p.progress);
                          EXPECT_EQ(p.total, 3.0);
                        }});
  EXPECT_EQ(r.text(), "finished 3 steps");
  EXPECT_EQ(seen, (std::vector<double>{1, 2, 3}));
}

TEST(StdioClient, CancellationSendsCancelledAndFailsFast) {
  auto c = tour();
  c->connect();
  client::cancellation_source source;
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    source.cancel("changed my mind");
  });
  auto start = std::chrono::steady_clock::now();
  auto e = expect_client_error([&] {
    c->call_tool("slow", {{"steps", 100}, {"step_ms", 100}}, {.cancellation = source.token()});
  });
  canceller.join();
  EXPECT_EQ(e.kind(), error_kind::cancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  c->ping();  // the session goes on
}

TEST(StdioClient, TimeoutFailsWithRequestTimeoutCode) {
  auto c = tour();
  c->connect();
  auto e = expect_client_error([&] { c->call_tool("slow", {{"steps", 100}, {"step_ms", 100}}, {.timeout = 300ms}); });
  EXPECT_EQ(e.kind(), error_kind::timeout);
  EXPECT_EQ(e.code(), -32001);
  EXPECT_EQ(c->call_tool("echo", {{"message", "still here"}}).text(), "still here");
}

TEST(StdioClient, ProgressCanResetTheTimeout) {
  auto c = tour();
  c->connect();
  auto r = c->call_tool("slow", {{"steps", 6}, {"step_ms", 100}},
                        {.timeout = 350ms, .on_progress = [](const client::progress&) {}, .reset_timeout_on_progress = true});
  EXPECT_EQ(r.text(), "finished 6 steps");
}

TEST(StdioClient, LogLevelFiltersLogCallbacks) {
  auto c = tour();
  std::vector<std::pair<protocol::log_level, std::string>> logs;
  c->on_log([&](protocol::log_level level, const std::optional<std::string>& logger, const json::value& data) {
    EXPECT_EQ(logger.value_or(""), "feature_tour");
    logs.emplace_back(level, std::string(data.as_string()));
  });
  c->connect();
  c->set_log_level(protocol::log_level::warning);
  c->call_tool("log_levels");
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].first, protocol::log_level::warning);
  EXPECT_EQ(logs[1].first, protocol::log_level::error);
}

TEST(StdioClient, SamplingElicitationAndRootsHandlers) {
  auto c = tour();
  c->set_sampling_handler([](const json::object& params) {
    EXPECT_TRUE(params.contains("messages"));
    return json::object{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "4"}}}, {"model", "test-model"}};
  });
  c->set_elicitation_handler([](const json::object& params) {
    EXPECT_EQ(params.at("message").as_string(), "What is your name?");
    return json::object{{"action", "accept"}, {"content", {{"name", "Ada"}}}};
  });
  c->set_roots({{.uri = "file:///work/project", .name = "project"}});
  c->connect();
  EXPECT_EQ(c->call_tool("ask_llm").text(), "model said: 4");
  EXPECT_EQ(c->call_tool("ask_user").text(), "hello Ada");
  EXPECT_NE(c->call_tool("roots").text().find("file:///work/project"), std::string::npos);
}

TEST(StdioClient, HandlerErrorsReachTheServer) {
  auto c = tour();
  c->set_elicitation_handler([](const json::object&) -> json::object {
    throw client_error(error_kind::rpc_error, "user unavailable", -32603);
  });
  c->connect();
  // feature_tour passes the client's error on as its own JSON-RPC error.
  auto e = expect_client_error([&] { c->call_tool("ask_user"); });
  EXPECT_NE(std::string(e.what()).find("user unavailable"), std::string::npos) << e.what();
}

TEST(StdioClient, AsyncApiRunsRequestsConcurrently) {
  auto c = tour();
  c->connect();
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<protocol::call_tool_result>> futures;
  for (int i = 0; i < 4; ++i) futures.push_back(c->call_tool_async("slow", {{"steps", 3}, {"step_ms", 100}}));
  for (auto& f : futures) EXPECT_EQ(f.get().text(), "finished 3 steps");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1100ms);  // not 4 x 300 ms one after another

  std::promise<std::string> done;
  c->request_async("tools/call", {{"name", "echo"}, {"arguments", {{"message", "cb"}}}}, {},
                   [&](json::value result, std::exception_ptr error) {
                     if (error) return done.set_exception(error);
                     done.set_value(std::string(result.at("content").at(0).at("text").as_string()));
                   });
  EXPECT_EQ(done.get_future().get(), "cb");
}

TEST(StdioClient, InterceptorSeesAndAmendsEveryRequest) {
  std::vector<std::string> methods;
  std::atomic<int> completed{0};
  client::client_options options{.interceptor = [&](client::outgoing_message& m) {
    methods.emplace_back(m.method);
    json::object meta;
    meta["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    m.params["_meta"] = meta;
    if (m.id) m.on_complete = [&](const json::value*, const client::client_error*) { ++completed; };
  }};
  options.on_error = [](const client_error&) {};
  client::client c(spawn(test::fake_server_command(), {{"LUMEN_FAKE_SERVER", "echo"}}), options);
  c.connect();
  auto echoed = c.request("tools/call", {{"name", "x"}});
  EXPECT_EQ(echoed.at("params").at("_meta").at("traceparent").as_string(),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(completed.load(), 2);  // initialize and tools/call
  EXPECT_EQ(methods, (std::vector<std::string>{"initialize", "notifications/initialized", "tools/call"}));
}

TEST(StdioClient, PaginationHelperFollowsCursors) {
  auto c = fake("paged");
  c->connect();
  auto tools = c->list_all_tools();
  ASSERT_EQ(tools.size(), 5u);
  EXPECT_EQ(tools[4].at("name").as_string(), "t4");
  EXPECT_EQ(c->list_tools().at("nextCursor").as_string(), "2");
}

TEST(StdioClient, CloseEndsTheServerProcess) {
  auto transport = spawn({feature_tour});
  auto* raw = transport.get();
  client::client c(std::move(transport));
  c.connect();
  int pid = raw->pid();
  ASSERT_GT(pid, 0);
  c.close();
  EXPECT_TRUE(raw->exit_status().has_value());
  EXPECT_NE(::kill(pid, 0), 0);
  auto e = expect_client_error([&] { c.ping(); });
  EXPECT_EQ(e.kind(), error_kind::not_connected);
}

TEST(StdioClient, ServerIgnoringStdinCloseIsTerminated) {
  // `sleep` never reads stdin: close must fall back to SIGTERM after the grace period.
  client::stdio_transport t({.command = {"sleep", "30"}, .exit_grace = 200ms});
  t.start({});
  auto start = std::chrono::steady_clock::now();
  t.close();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ASSERT_TRUE(t.exit_status());
  EXPECT_TRUE(WIFSIGNALED(*t.exit_status()));
}

TEST(StdioClient, EnvironmentAndArgumentsReachTheChild) {
  std::vector<std::string> lines;
  std::mutex m;
  client::stdio_transport t({.command = {"sh", "-c", "echo \"$LUMEN_X $0\" >&2", "arg0"},
                             .environment = {{"LUMEN_X", "hello"}},
                             .stderr_sink = [&](std::string_view l) {
                               std::lock_guard lock(m);
                               lines.emplace_back(l);
                             }});
  std::promise<void> closed;
  t.start({.on_closed = [&](client_error) { closed.set_value(); }});
  closed.get_future().wait_for(5s);
  t.close();
  std::lock_guard lock(m);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "hello arg0");
}

TEST(StdioClient, WorkingDirectoryAndAClearedEnvironment) {
  ::setenv("LUMEN_INHERITED", "from-parent", 1);
  std::vector<std::string> lines;
  std::mutex m;
  client::stdio_transport t({.command = {"/bin/sh", "-c", "echo \"[$LUMEN_INHERITED][$LUMEN_ONLY]\" >&2; pwd >&2"},
                             .environment = {{"LUMEN_ONLY", "set"}},
                             .inherit_environment = false,
                             .working_directory = "/tmp",
                             .stderr_sink = [&](std::string_view l) {
                               std::lock_guard lock(m);
                               lines.emplace_back(l);
                             }});
  std::promise<void> closed;
  t.start({.on_closed = [&](client_error) { closed.set_value(); }});
  ASSERT_EQ(closed.get_future().wait_for(20s), std::future_status::ready);
  t.close();
  ::unsetenv("LUMEN_INHERITED");
  std::lock_guard lock(m);
  EXPECT_EQ(lines, (std::vector<std::string>{"[][set]", "/tmp"}));
}

TEST(StdioClient, MissingProgramIsAClearError) {
  client::client c(spawn({"/nonexistent/lumen-server"}));
  auto e = expect_client_error([&] { c.connect(); });
  EXPECT_EQ(e.kind(), error_kind::transport_error);
  EXPECT_NE(std::string(e.what()).find("/nonexistent/lumen-server"), std::string::npos);
}

TEST(StdioClient, MalformedJsonFailsTheRequest) {
  auto c = fake("malformed");
  c->connect();
  auto start = std::chrono::steady_clock::now();
  auto e = expect_client_error([&] { c->ping(); });
  EXPECT_EQ(e.kind(), error_kind::protocol_error);
  EXPECT_EQ(e.code(), -32700);
  EXPECT_NE(std::string(e.what()).find("malformed"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(StdioClient, WrongIdFailsTheRequest) {
  auto c = fake("wrong_id");
  c->connect();
  auto e = expect_client_error([&] { c->ping(); });
  EXPECT_EQ(e.kind(), error_kind::protocol_error);
  EXPECT_NE(std::string(e.what()).find("did not send"), std::string::npos);
}

TEST(StdioClient, ErrorWithNullIdFailsTheRequest) {
  auto c = fake("null_error");
  c->connect();
  auto e = expect_client_error([&] { c->ping(); });
  EXPECT_EQ(e.kind(), error_kind::protocol_error);
  EXPECT_EQ(e.code(), -32700);
}

TEST(StdioClient, DyingServerFailsRequestsWithItsExitStatusAndStderr) {
  std::vector<std::string> lines;
  std::mutex m;
  auto c = fake("die", [&](std::string_view l) {
    std::lock_guard lock(m);
    lines.emplace_back(l);
  });
  c->connect();
  auto e = expect_client_error([&] { c->ping(); });
  EXPECT_EQ(e.kind(), error_kind::connection_closed);
  EXPECT_NE(std::string(e.what()).find("status 3"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("gives up"), std::string::npos) << e.what();
  EXPECT_EQ(expect_client_error([&] { c->ping(); }).kind(), error_kind::connection_closed);
  std::lock_guard lock(m);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "fatal: the fake server gives up");
}

TEST(StdioClient, SilentServerTimesOutAndIsToldTheRequestIsCancelled) {
  std::vector<std::string> lines;
  std::mutex m;
  auto c = fake("silent", [&](std::string_view l) {
    std::lock_guard lock(m);
    lines.emplace_back(l);
  });
  c->connect();
  auto e = expect_client_error([&] { c->ping({.timeout = 200ms}); });
  EXPECT_EQ(e.kind(), error_kind::timeout);
  c->close();
  std::lock_guard lock(m);
  bool cancelled = false;
  for (const auto& l : lines) cancelled |= l.find("notifications/cancelled") != std::string::npos;
  EXPECT_TRUE(cancelled);
}

TEST(StdioClient, UnsupportedRevisionIsRefused) {
  auto c = fake("old");
  auto e = expect_client_error([&] { c->connect(); });
  EXPECT_EQ(e.kind(), error_kind::protocol_error);
  EXPECT_NE(std::string(e.what()).find("1999-01-01"), std::string::npos);
}

TEST(CommandLine, SplitsWordsWithQuotes) {
  EXPECT_EQ(client::split_command_line(R"(node "my server.js" --x='a b' c\ d)"),
            (std::vector<std::string>{"node", "my server.js", "--x=a b", "c d"}));
  EXPECT_TRUE(client::split_command_line("   ").empty());
}

}  // namespace
}  // namespace lumen
