// Lumen's client against Lumen's own server over Streamable HTTP (examples/feature_tour as a real
// process on a real socket): tools with progress, resources, prompts, a sampling round trip, a
// resources/updated notification that can only arrive on the standalone GET stream, logging with
// setLevel, concurrent asynchronous calls, DELETE on close, re-initialization when the server has
// forgotten the session (404), and a server that dies in the middle of a call.
#include "../../support/child_process.hpp"
#include "../http/http_test_client.hpp"

#include <lumen/client/client.hpp>
#include <lumen/client/elicitation.hpp>
#include <lumen/client/http_transport.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <future>
#include <mutex>
#include <optional>

namespace lumen {
namespace {

using namespace std::chrono_literals;

// The URIs of the notifications/resources/updated a client receives, in order.
class resource_updates {
 public:
  explicit resource_updates(client::client& c) {
    c.on_resource_updated([this](const std::string& uri) {
      std::lock_guard lock(mutex_);
      uris_.push_back(uri);
      cv_.notify_all();
    });
  }
  /// The first URI, waiting at most `timeout` for it.
  std::optional<std::string> wait_first(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [&] { return !uris_.empty(); })) return std::nullopt;
    return uris_.front();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> uris_;
};

class LumenClientOverHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<test::child_process>(
        std::vector<std::string>{std::string(LUMEN_BINARY_DIR) + "/examples/feature_tour", "--port", "0"});
    auto line = server_->read_line(10s);
    ASSERT_TRUE(line && line->starts_with("listening on ")) << line.value_or("(no line)");
    url_ = line->substr(std::string("listening on ").size());
  }
  void TearDown() override {
    if (server_) {
      ::kill(server_->pid(), SIGTERM);
      EXPECT_EQ(server_->wait(10s), 0);
    }
  }
  std::unique_ptr<client::client> make_client() {
    // A generous close_timeout: close() waits for its DELETE, even on a loaded machine.
    return std::make_unique<client::client>(
        std::make_unique<client::http_transport>(client::http_options{.url = url_, .close_timeout = 20s}),
        client::client_options{.request_timeout = 20s});
  }
  std::uint16_t port() const {
    auto after_host = url_.substr(std::string("http://127.0.0.1:").size());
    return static_cast<std::uint16_t>(std::stoi(after_host.substr(0, after_host.find('/'))));
  }
  std::string path() const { return url_.substr(url_.find('/', std::string("http://").size())); }
  // One raw HTTP request to the endpoint, for the given session, from outside the client.
  unsigned raw_status(const std::string& method, const std::string& session_id, std::string body = {}) {
    test::http_test_client raw(port());
    test::http_test_client::headers_t headers{{"Mcp-Session-Id", session_id}, {"MCP-Protocol-Version", "2025-11-25"}};
    if (method == "POST") {
      headers.emplace_back("Accept", "application/json, text/event-stream");
      headers.emplace_back("Content-Type", "application/json");
    }
    return raw.request(method, path(), headers, std::move(body)).status;
  }

  std::unique_ptr<test::child_process> server_;
  std::string url_;
};

TEST_F(LumenClientOverHttp, EveryFeatureRoundTrips) {
  auto c = make_client();
  c->set_sampling_handler([](const json::object& params) {
    EXPECT_TRUE(params.contains("messages"));
    return json::object{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "4"}}}, {"model", "test-model"}};
  });
  c->connect();
  EXPECT_EQ(c->server_info().name, "feature-tour");
  EXPECT_EQ(c->protocol_version(), "2025-11-25");
  EXPECT_FALSE(c->transport().session_id().empty());

  auto tools = c->list_all_tools();
  bool has_echo = false;
  for (const auto& t : tools) has_echo |= t.at("name") == "echo";
  EXPECT_TRUE(has_echo);
  auto sum = c->call_tool("add", {{"a", 2}, {"b", 3.5}});
  ASSERT_TRUE(sum.structured_content);
  EXPECT_EQ(sum.structured_content->at("sum").to_number<double>(), 5.5);

  int progress = 0;
  auto slow = c->call_tool("slow", {{"steps", 3}, {"step_ms", 10}}, {.on_progress = [&](const client::progress&) { ++progress; }});
  EXPECT_FALSE(slow.is_error);
  EXPECT_EQ(progress, 3) << "progress notifications arrive on the request's SSE stream";

  EXPECT_EQ(c->call_tool("ask_llm", {{"question", "2+2?"}}).text(), "model said: 4")
      << "the server's sampling request reached the client's handler and back";

  auto readme = c->read_resource("lumen://readme");
  EXPECT_FALSE(readme.at("contents").as_array().empty());
  auto prompt = c->get_prompt("code_review", {{"code", "int x;"}});
  EXPECT_FALSE(prompt.at("messages").as_array().empty());
  c->close();
}

TEST_F(LumenClientOverHttp, ElicitationAndRootsRequestsFromTheServer) {
  auto c = make_client();
  c->set_elicitation_handler([](const json::object& params) {
    EXPECT_EQ(params.at("message").as_string(), "What is your name?");
    return client::elicitation_accept({{"name", "Grace"}});
  });
  c->set_roots({{.uri = "file:///srv/data", .name = "data"}});
  c->connect();
  EXPECT_EQ(c->call_tool("ask_user").text(), "hello Grace");
  auto roots = json::parse(c->call_tool("roots").text());
  EXPECT_EQ(roots.at("roots"), json::value(json::array{json::object{{"uri", "file:///srv/data"}, {"name", "data"}}}));
  c->close();
}

TEST_F(LumenClientOverHttp, ResourceUpdatesArriveOnTheStandaloneGetStream) {
  auto c = make_client();
  resource_updates updates(*c);
  c->connect();
  c->subscribe("lumen://readme");
  // Not tied to any request: the server sends it on the session's GET stream (or holds it
  // until the client opens that stream).
  EXPECT_EQ(c->call_tool("touch", {{"uri", "lumen://readme"}}).text(), "touched lumen://readme");
  auto first = updates.wait_first(10s);
  ASSERT_TRUE(first) << "no notifications/resources/updated";
  EXPECT_EQ(*first, "lumen://readme");
  c->close();
}

TEST_F(LumenClientOverHttp, LogCallbackHonoursSetLevel) {
  auto c = make_client();
  std::mutex m;
  std::vector<std::pair<protocol::log_level, std::string>> logs;
  c->on_log([&](protocol::log_level level, const std::optional<std::string>& logger, const json::value& data) {
    std::lock_guard lock(m);
    EXPECT_EQ(logger.value_or(""), "feature_tour");
    logs.emplace_back(level, std::string(data.as_string()));
  });
  c->connect();
  c->set_log_level(protocol::log_level::warning);
  EXPECT_EQ(c->call_tool("log_levels").text(), "logged");
  // The messages travel on the call's SSE stream ahead of its result, so they are in by now.
  std::lock_guard lock(m);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0], std::pair(protocol::log_level::warning, std::string("a warning message")));
  EXPECT_EQ(logs[1], std::pair(protocol::log_level::error, std::string("a error message")));
}

TEST_F(LumenClientOverHttp, AsynchronousCallsRunConcurrently) {
  auto c = make_client();
  c->connect();
  // Events in the order the client's dispatch thread saw them. If the calls ran one after the
  // other, a call's first progress would come after the previous call's result.
  std::mutex m;
  std::vector<std::string> events;
  auto record = [&](std::string e) {
    std::lock_guard lock(m);
    events.push_back(std::move(e));
  };
  constexpr int calls = 3;
  std::vector<std::promise<std::string>> results(calls);
  for (int i = 0; i < calls; ++i) {
    c->request_async("tools/call", {{"name", "slow"}, {"arguments", {{"steps", 3}, {"step_ms", 500}}}},
                     {.on_progress = [&record, i](const client::progress&) { record("progress " + std::to_string(i)); }},
                     [&, i](json::value result, std::exception_ptr error) {
                       record("result");
                       if (error) return results[i].set_exception(error);
                       results[i].set_value(std::string(result.at("content").at(0).at("text").as_string()));
                     });
  }
  for (auto& r : results) EXPECT_EQ(r.get_future().get(), "finished 3 steps");
  std::lock_guard lock(m);
  auto first_result = std::find(events.begin(), events.end(), "result");
  for (int i = 0; i < calls; ++i) {
    EXPECT_NE(std::find(events.begin(), first_result, "progress " + std::to_string(i)), first_result)
        << "call " << i << " had not started when the first call finished";
  }
}

TEST_F(LumenClientOverHttp, CloseDeletesTheSessionOnTheServer) {
  auto c = make_client();
  c->connect();
  auto session = c->transport().session_id();
  ASSERT_FALSE(session.empty());
  const std::string ping = R"({"jsonrpc":"2.0","id":"probe","method":"ping"})";
  EXPECT_EQ(raw_status("POST", session, ping), 200u) << "the session is alive while the client is connected";
  c->close();
  EXPECT_EQ(raw_status("POST", session, ping), 404u) << "close() ended the session with DELETE";
}

TEST_F(LumenClientOverHttp, ForgottenSessionIsReinitializedAndTheCallRetried) {
  auto c = make_client();
  resource_updates updates(*c);
  c->connect();
  auto first_session = c->transport().session_id();
  // The session ends behind the client's back (as when a server restarts or expires it).
  auto deleted = raw_status("DELETE", first_session);
  ASSERT_TRUE(deleted == 200u || deleted == 204u) << deleted;

  EXPECT_EQ(c->call_tool("echo", {{"message", "again"}}).text(), "again") << "answered after re-initializing";
  auto second_session = c->transport().session_id();
  EXPECT_FALSE(second_session.empty());
  EXPECT_NE(second_session, first_session);

  // The new session has its own standalone GET stream.
  c->subscribe("lumen://readme");
  c->call_tool("touch", {{"uri", "lumen://readme"}});
  EXPECT_TRUE(updates.wait_first(20s)) << "no update on the new session's stream";
}

TEST_F(LumenClientOverHttp, ReinitializedSessionGetsTheSubscriptionsAndLogLevelBack) {
  auto c = make_client();
  resource_updates updates(*c);
  std::mutex m;
  std::vector<protocol::log_level> levels;
  c->on_log([&](protocol::log_level level, const std::optional<std::string>&, const json::value&) {
    std::lock_guard lock(m);
    levels.push_back(level);
  });
  c->connect();
  c->subscribe("lumen://readme");
  c->set_log_level(protocol::log_level::warning);
  auto first_session = c->transport().session_id();
  auto deleted = raw_status("DELETE", first_session);
  ASSERT_TRUE(deleted == 200u || deleted == 204u) << deleted;

  // The call meets the 404, re-initializes, restores, and is retried: no subscribe, no setLevel here.
  EXPECT_EQ(c->call_tool("log_levels").text(), "logged");
  EXPECT_NE(c->transport().session_id(), first_session);
  {
    std::lock_guard lock(m);
    // The server's default is info (info, warning, error); the restored level lets two through.
    EXPECT_EQ(levels, (std::vector{protocol::log_level::warning, protocol::log_level::error}));
  }
  c->call_tool("touch", {{"uri", "lumen://readme"}});
  EXPECT_EQ(updates.wait_first(20s), "lumen://readme") << "the subscription was not restored";
}

TEST_F(LumenClientOverHttp, ServerDyingMidCallIsAClearErrorNotAHang) {
  auto c = make_client();
  c->connect();
  std::promise<void> running;
  std::once_flag once;
  auto call = c->call_tool_async("slow", {{"steps", 600}, {"step_ms", 100}},
                                 {.on_progress = [&](const client::progress&) {
                                   std::call_once(once, [&] { running.set_value(); });
                                 }});
  ASSERT_EQ(running.get_future().wait_for(20s), std::future_status::ready);
  ::kill(server_->pid(), SIGKILL);
  EXPECT_EQ(server_->wait(10s), -SIGKILL);
  server_.reset();
  auto killed_at = std::chrono::steady_clock::now();
  // Lumen's server sends event ids, so the client tries to resume the stream (every `retry`,
  // a bounded number of times) before it gives up.
  try {
    call.get();
    ADD_FAILURE() << "the call returned a result from a dead server";
  } catch (const client::client_error& e) {
    EXPECT_EQ(e.kind(), client::error_kind::connection_closed) << e.what();
    EXPECT_NE(std::string(e.what()).find("could not be resumed"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 15s) << "well before the 20 s request timeout";
}

}  // namespace
}  // namespace lumen
