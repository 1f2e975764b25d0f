// Lumen's client against Lumen's own server over Streamable HTTP (examples/feature_tour as a real
// process on a real socket): tools with progress, resources, prompts, a sampling round trip, and
// a resources/updated notification that can only arrive on the standalone GET stream.
#include "../../support/child_process.hpp"

#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <csignal>
#include <mutex>

namespace lumen {
namespace {

using namespace std::chrono_literals;

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
    return std::make_unique<client::client>(std::make_unique<client::http_transport>(client::http_options{.url = url_}),
                                            client::client_options{.request_timeout = 20s});
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

TEST_F(LumenClientOverHttp, ResourceUpdatesArriveOnTheStandaloneGetStream) {
  auto c = make_client();
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> updated;
  c->on_resource_updated([&](const std::string& uri) {
    std::lock_guard lock(m);
    updated.push_back(uri);
    cv.notify_all();
  });
  c->connect();
  c->subscribe("lumen://readme");
  // Not tied to any request: the server sends it on the session's GET stream (or holds it
  // until the client opens that stream).
  EXPECT_EQ(c->call_tool("touch", {{"uri", "lumen://readme"}}).text(), "touched lumen://readme");
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return !updated.empty(); })) << "no notifications/resources/updated";
  EXPECT_EQ(updated.front(), "lumen://readme");
  lock.unlock();
  c->close();
}

}  // namespace
}  // namespace lumen
