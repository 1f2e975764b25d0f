// The client against a server no one here wrote: the official TypeScript SDK's "everything"
// server (npm, pinned in tests/package.json), started over stdio and over Streamable HTTP:
// basic tools, progress, resources, prompts, completion, logging, and the features where the
// server drives: sampling, elicitation and roots (it asks the client), resource updates (it
// notifies a subscriber), and the client cancelling a long-running tool.
#include <lumen/client/client.hpp>
#include <lumen/client/elicitation.hpp>
#include <lumen/client/http_transport.hpp>
#include <lumen/client/stdio_transport.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace lumen {
namespace {

using namespace std::chrono_literals;

const std::string everything_js =
    std::string(LUMEN_SOURCE_DIR) + "/tests/node_modules/@modelcontextprotocol/server-everything/dist/index.js";

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// The everything server over HTTP, as a child process (started with the stdio transport's
// process handling; its stdout is not MCP and is ignored).
class everything_http_server {
 public:
  everything_http_server() : port_(free_port()) {
    process_ = std::make_unique<client::stdio_transport>(client::stdio_options{
        .command = {"node", everything_js, "streamableHttp"},
        .environment = {{"PORT", std::to_string(port_)}},
        .stderr_sink =
            [this](std::string_view line) {
              std::lock_guard lock(mutex_);
              if (line.find("listening on port") != std::string_view::npos) ready_ = true;
              cv_.notify_all();
            },
        .exit_grace = 300ms});
    process_->start({});
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, 30s, [&] { return ready_; })) throw std::runtime_error("everything server did not start");
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }

 private:
  int port_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool ready_ = false;
  std::unique_ptr<client::stdio_transport> process_;
};

enum class kind { stdio, http };

class Everything : public ::testing::TestWithParam<kind> {
 protected:
  void SetUp() override {
    // A missing peer is a failure, not a skip: scripts/bootstrap installs it (npm ci in tests/).
    ASSERT_TRUE(std::filesystem::exists(everything_js)) << everything_js << " is missing: run scripts/bootstrap";
    std::unique_ptr<client::transport> t;
    if (GetParam() == kind::stdio) {
      t = std::make_unique<client::stdio_transport>(
          client::stdio_options{.command = {"node", everything_js, "stdio"}, .stderr_sink = [](std::string_view) {}});
    } else {
      server_ = std::make_unique<everything_http_server>();
      t = std::make_unique<client::http_transport>(client::http_options{.url = server_->url()});
    }
    client_ = std::make_unique<client::client>(std::move(t), client::client_options{.request_timeout = 30s});
  }

  // Tools the server registers only after initialization, for clients with the capability.
  json::array wait_for_tool(const std::string& name) {
    for (int i = 0; i < 100; ++i) {
      auto tools = client_->list_all_tools();
      for (const auto& t : tools) {
        if (t.at("name").as_string() == name) return tools;
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << name << " never appeared";
    return {};
  }

  std::unique_ptr<everything_http_server> server_;
  std::unique_ptr<client::client> client_;
};

TEST_P(Everything, InitializeAndBasicTools) {
  client_->connect();
  EXPECT_EQ(client_->protocol_version(), "2025-11-25");
  EXPECT_FALSE(client_->server_info().name.empty());
  if (GetParam() == kind::http) {
    EXPECT_FALSE(client_->transport().session_id().empty());
  }
  client_->ping();
  auto tools = client_->list_all_tools();
  EXPECT_GE(tools.size(), 5u);
  EXPECT_EQ(client_->call_tool("echo", {{"message", "hello"}}).text(), "Echo: hello");
  EXPECT_NE(client_->call_tool("get-sum", {{"a", 2}, {"b", 40}}).text().find("42"), std::string::npos);
  auto image = client_->call_tool("get-tiny-image");
  bool has_image = false;
  for (const auto& c : image.content) has_image |= c.at("type").as_string() == "image";
  EXPECT_TRUE(has_image);
}

TEST_P(Everything, ProgressFromALongOperation) {
  client_->connect();
  std::vector<double> seen;
  auto r = client_->call_tool("trigger-long-running-operation", {{"duration", 0.3}, {"steps", 3}},
                              {.on_progress = [&](const client::progress& p) { seen.push_back(p.progress); }});
  EXPECT_NE(r.text().find("completed"), std::string::npos);
  EXPECT_EQ(seen, (std::vector<double>{1, 2, 3}));
}

TEST_P(Everything, ResourcesPromptsAndCompletion) {
  client_->connect();
  auto resources = client_->list_all_resources();
  ASSERT_FALSE(resources.empty());
  std::string uri(resources.at(0).at("uri").as_string());
  auto read = client_->read_resource(uri);
  EXPECT_EQ(read.at("contents").at(0).at("uri").as_string(), uri);
  EXPECT_FALSE(client_->list_all_resource_templates().empty());

  auto prompts = client_->list_all_prompts();
  EXPECT_FALSE(prompts.empty());
  auto simple = client_->get_prompt("simple-prompt");
  EXPECT_FALSE(simple.at("messages").as_array().empty());
  auto completion = client_->complete(client::client::prompt_ref("completable-prompt"), "department", "Eng");
  EXPECT_EQ(completion.at("values").at(0).as_string(), "Engineering");
  auto names = client_->complete(client::client::prompt_ref("completable-prompt"), "name", "",
                                 {{"department", "Sales"}});
  EXPECT_EQ(names.at("values").at(0).as_string(), "David");
}

TEST_P(Everything, SamplingRequestFromTheServer) {
  client_->set_sampling_handler([](const json::object& params) {
    EXPECT_TRUE(params.contains("messages"));
    return json::object{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "sampled!"}}},
                        {"model", "lumen-test"}, {"stopReason", "endTurn"}};
  });
  client_->connect();
  wait_for_tool("trigger-sampling-request");
  auto r = client_->call_tool("trigger-sampling-request", {{"prompt", "hi"}, {"maxTokens", 5}});
  EXPECT_NE(r.text().find("sampled!"), std::string::npos) << r.text();
}

TEST_P(Everything, ElicitationIsAnsweredByTheRegisteredHandler) {
  std::mutex m;
  json::object asked;
  client_->set_elicitation_handler([&](const json::object& params) {
    std::lock_guard lock(m);
    asked = params;
    // The user fills in three fields; the schema's defaults complete the rest.
    return client::elicitation_accept(client::apply_elicitation_defaults(
        params.at("requestedSchema").as_object(), {{"name", "Ada Lovelace"}, {"check", true}, {"integer", 7}}));
  });
  client_->connect();
  wait_for_tool("trigger-elicitation-request");
  auto r = client_->call_tool("trigger-elicitation-request");
  EXPECT_FALSE(r.is_error) << r.text();
  auto text = r.text();
  EXPECT_NE(text.find("User provided the requested information"), std::string::npos) << text;
  EXPECT_NE(text.find("- Name: Ada Lovelace"), std::string::npos) << text;
  EXPECT_NE(text.find("- Agreed to terms: true"), std::string::npos) << text;
  EXPECT_NE(text.find("- Favorite Integer: 7"), std::string::npos) << text;
  EXPECT_NE(text.find("- Favorite Number: 3.14"), std::string::npos) << "the schema's default was applied: " << text;
  std::lock_guard lock(m);
  EXPECT_EQ(asked.at("message").as_string(), "Please provide inputs for the following fields:");
  EXPECT_TRUE(asked.at("requestedSchema").at("properties").as_object().contains("email"));
}

TEST_P(Everything, DeclinedElicitationReachesTheServer) {
  client_->set_elicitation_handler([](const json::object&) { return client::elicitation_decline(); });
  client_->connect();
  wait_for_tool("trigger-elicitation-request");
  auto text = client_->call_tool("trigger-elicitation-request").text();
  EXPECT_NE(text.find("User declined"), std::string::npos) << text;
}

TEST_P(Everything, ServerListsTheClientsRootsAndFollowsChanges) {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> logs;
  client_->on_log([&](protocol::log_level, const std::optional<std::string>&, const json::value& data) {
    std::lock_guard lock(m);
    if (data.is_string()) logs.emplace_back(data.as_string());
    cv.notify_all();
  });
  client_->set_roots({{.uri = "file:///work/alpha", .name = "alpha"}});
  client_->connect();
  wait_for_tool("get-roots-list");
  auto first = client_->call_tool("get-roots-list").text();
  EXPECT_NE(first.find("(1 total)"), std::string::npos) << first;
  EXPECT_NE(first.find("1. alpha\n   URI: file:///work/alpha"), std::string::npos) << first;

  // notifications/roots/list_changed makes the server ask roots/list again.
  client_->set_roots({{.uri = "file:///work/alpha", .name = "alpha"}, {.uri = "file:///work/beta", .name = "beta"}});
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, 30s, [&] {
      return std::find(logs.begin(), logs.end(), "Roots updated: 2 root(s) received from client") != logs.end();
    })) << "the server did not fetch the changed roots";
  }
  auto second = client_->call_tool("get-roots-list").text();
  EXPECT_NE(second.find("(2 total)"), std::string::npos) << second;
  EXPECT_NE(second.find("2. beta\n   URI: file:///work/beta"), std::string::npos) << second;
}

TEST_P(Everything, SubscribedResourceUpdatesReachTheCallback) {
  const std::string uri = "demo://resource/dynamic/text/1";
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> updated;
  client_->on_resource_updated([&](const std::string& u) {
    std::lock_guard lock(m);
    updated.push_back(u);
    cv.notify_all();
  });
  client_->connect();
  ASSERT_TRUE(client_->server_capabilities().at("resources").at("subscribe").as_bool());
  client_->subscribe(uri);
  // Starts the server's simulated updates: one at once, then one every 5 s (over HTTP the first
  // may go before the standalone GET stream is open; the next one arrives on it).
  auto started = client_->call_tool("toggle-subscriber-updates").text();
  EXPECT_NE(started.find("Started"), std::string::npos) << started;
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return !updated.empty(); })) << "no notifications/resources/updated";
    EXPECT_EQ(updated.front(), uri);
  }
  EXPECT_NE(client_->call_tool("toggle-subscriber-updates").text().find("Stopped"), std::string::npos);
  client_->unsubscribe(uri);
}

TEST_P(Everything, CancellingALongRunningToolEndsTheCallPromptly) {
  client_->connect();
  client::cancellation_source source;
  std::promise<void> running;
  std::once_flag once;
  // 60 steps of one second: it would run for a minute if the cancellation did not end the call.
  auto call = client_->call_tool_async(
      "trigger-long-running-operation", {{"duration", 60}, {"steps", 60}},
      {.on_progress = [&](const client::progress&) { std::call_once(once, [&] { running.set_value(); }); },
       .cancellation = source.token()});
  ASSERT_EQ(running.get_future().wait_for(30s), std::future_status::ready) << "no progress from the tool";
  auto cancelled_at = std::chrono::steady_clock::now();
  source.cancel("no longer needed");
  try {
    call.get();
    ADD_FAILURE() << "the cancelled call returned a result";
  } catch (const client::client_error& e) {
    EXPECT_EQ(e.kind(), client::error_kind::cancelled) << e.what();
    EXPECT_NE(std::string(e.what()).find("no longer needed"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 5s);
  // The session goes on, and the server's later progress for the cancelled call is ignored.
  EXPECT_EQ(client_->call_tool("echo", {{"message", "after"}}).text(), "Echo: after");
}

TEST_P(Everything, LoggingLevelIsAccepted) {
  client_->connect();
  client_->set_log_level(protocol::log_level::debug);
  EXPECT_FALSE(client_->call_tool("toggle-simulated-logging").is_error);
}

INSTANTIATE_TEST_SUITE_P(Transports, Everything, ::testing::Values(kind::stdio, kind::http),
                         [](const ::testing::TestParamInfo<kind>& p) { return p.param == kind::stdio ? "stdio" : "http"; });

}  // namespace
}  // namespace lumen
