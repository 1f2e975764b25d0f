// Cancellation on the wire, over stdio and Streamable HTTP: cancelling a request sends
// notifications/cancelled with that request's id and the caller's reason (a timeout sends one
// too), the call fails promptly, and Lumen's own server sees both in the handler's request context.
#include "../../support/expect_client_error.hpp"
#include "cancellable_server.hpp"
#include "fake_server.hpp"
#include "scripted_http_server.hpp"

#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>
#include <lumen/client/stdio_transport.hpp>
#include <lumen/transport/http_server.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace lumen {
namespace {

using namespace std::chrono_literals;
using client::client_error;
using client::error_kind;

constexpr std::string_view reason = "user pressed stop";

// JSON objects reported from other threads (a stderr reader, a server handler), waited for.
class recorder {
 public:
  void add(json::object o) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(o));
    cv_.notify_all();
  }
  /// The first item that satisfies `match`, waiting at most `timeout`; nullopt when none came.
  std::optional<json::object> wait_for(const std::function<bool(const json::object&)>& match,
                                       std::chrono::milliseconds timeout = 30s) {
    std::unique_lock lock(mutex_);
    std::optional<json::object> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& item : items_) {
        if (match(item)) {
          found = item;
          return true;
        }
      }
      return false;
    });
    return found;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<json::object> items_;
};

// Records the id of every request the client sends, by method.
struct sent_ids {
  std::mutex mutex;
  std::multimap<std::string, json::value> ids;
  client::request_interceptor interceptor() {
    return [this](client::outgoing_message& m) {
      if (!m.id) return;
      std::lock_guard lock(mutex);
      ids.emplace(std::string(m.method), m.id->to_json());
    };
  }
  json::value last(const std::string& method) {
    std::lock_guard lock(mutex);
    json::value id;
    for (auto [it, end] = ids.equal_range(method); it != end; ++it) id = it->second;
    return id;
  }
};

using test::expect_client_error;

// ---- Lumen's own server observes the cancellation in its request context ----------------------

enum class kind { stdio, http };

class CancellationSeenByLumenServer : public ::testing::TestWithParam<kind> {
 protected:
  void SetUp() override {
    std::unique_ptr<client::transport> t;
    if (GetParam() == kind::stdio) {
      t = std::make_unique<client::stdio_transport>(client::stdio_options{
          .command = test::cancellable_server_command(),
          .environment = {{test::cancellable_server_variable, "1"}},
          .stderr_sink = [this](std::string_view line) {
            if (auto o = test::parse_observation_line(line); !o.empty()) observed_.add(std::move(o));
          }});
    } else {
      server_ = test::make_cancellable_server([this](const json::object& o) { observed_.add(o); });
      endpoint_ = std::make_unique<transport::mcp_endpoint>(*server_);
      http_ = std::make_unique<transport::http_server>(transport::http_server_options{});
      http_->mount(*endpoint_);
      http_->start();
      t = std::make_unique<client::http_transport>(client::http_options{.url = http_->base_url() + "/mcp"});
    }
    client_ = std::make_unique<client::client>(
        std::move(t), client::client_options{.request_timeout = 60s, .interceptor = sent_.interceptor()});
  }
  void TearDown() override {
    client_.reset();
    if (endpoint_) endpoint_->shutdown();
    if (http_) http_->stop();
  }

  recorder observed_;
  sent_ids sent_;
  std::unique_ptr<server::server> server_;
  std::unique_ptr<transport::mcp_endpoint> endpoint_;
  std::unique_ptr<transport::http_server> http_;
  std::unique_ptr<client::client> client_;
};

TEST_P(CancellationSeenByLumenServer, HandlerSeesTheRequestIdAndReason) {
  client_->connect();
  client::cancellation_source source;
  std::promise<void> running;
  std::once_flag once;
  auto call = client_->call_tool_async(
      "wait_for_cancel", {},
      {.on_progress = [&](const client::progress&) { std::call_once(once, [&] { running.set_value(); }); },
       .cancellation = source.token()});
  // The handler's progress report proves it runs: the cancellation cannot overtake the request.
  ASSERT_EQ(running.get_future().wait_for(30s), std::future_status::ready) << "the tool never started";
  auto cancelled_at = std::chrono::steady_clock::now();
  source.cancel(std::string(reason));

  auto e = expect_client_error([&] { call.get(); });
  EXPECT_EQ(e.kind(), error_kind::cancelled) << e.what();
  EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 5s) << "the call did not end promptly";

  auto observation = observed_.wait_for([](const json::object&) { return true; });
  ASSERT_TRUE(observation) << "the server's handler never saw the cancellation";
  auto call_id = sent_.last("tools/call");
  ASSERT_FALSE(call_id.is_null());
  EXPECT_EQ(observation->at("requestId"), call_id) << json::serialize(*observation);
  EXPECT_EQ(observation->at("reason").as_string(), reason) << json::serialize(*observation);

  client_->ping();  // the session goes on
}

INSTANTIATE_TEST_SUITE_P(Transports, CancellationSeenByLumenServer, ::testing::Values(kind::stdio, kind::http),
                         [](const ::testing::TestParamInfo<kind>& p) { return p.param == kind::stdio ? "stdio" : "http"; });

// ---- Exactly what goes on the wire ------------------------------------------------------------

// The silent fake server never answers and writes `got METHOD {message}` to stderr for each
// notification it receives.
TEST(CancellationOnTheWire, StdioCarriesRequestIdAndReason) {
  recorder received;
  sent_ids sent;
  client::client c(
      std::make_unique<client::stdio_transport>(client::stdio_options{
          .command = test::fake_server_command(),
          .environment = {{"LUMEN_FAKE_SERVER", "silent"}},
          .stderr_sink =
              [&](std::string_view line) {
                constexpr std::string_view prefix = "got notifications/cancelled ";
                if (!line.starts_with(prefix)) return;
                received.add(json::parse(line.substr(prefix.size())).as_object());
              }}),
      client::client_options{.request_timeout = 60s, .interceptor = sent.interceptor(), .on_error = [](const client_error&) {}});
  c.connect();

  client::cancellation_source source;
  auto call = c.call_tool_async("anything", {}, {.cancellation = source.token()});
  source.cancel(std::string(reason));
  EXPECT_EQ(expect_client_error([&] { call.get(); }).kind(), error_kind::cancelled);
  auto call_id = sent.last("tools/call");
  auto cancelled = received.wait_for(
      [&](const json::object& m) { return m.at("params").as_object().at("requestId") == call_id; });
  ASSERT_TRUE(cancelled) << "no notifications/cancelled for request " << json::serialize(call_id);
  EXPECT_EQ(cancelled->at("jsonrpc").as_string(), "2.0");
  EXPECT_FALSE(cancelled->contains("id")) << "a notification has no id";
  EXPECT_EQ(cancelled->at("params").at("reason").as_string(), reason);

  // A timeout cancels too, saying why.
  EXPECT_EQ(expect_client_error([&] { c.ping({.timeout = 200ms}); }).kind(), error_kind::timeout);
  auto ping_id = sent.last("ping");
  auto timed_out = received.wait_for(
      [&](const json::object& m) { return m.at("params").as_object().at("requestId") == ping_id; });
  ASSERT_TRUE(timed_out) << "no notifications/cancelled for the timed-out ping";
  EXPECT_EQ(timed_out->at("params").at("reason").as_string(), "timed out after 200 ms");
}

// The recording fake server writes every message it gets to stderr, in the order it got them.
TEST(CancellationOnTheWire, AlreadyCancelledRequestIsNeverSent) {
  recorder received;
  client::client c(
      std::make_unique<client::stdio_transport>(client::stdio_options{
          .command = test::fake_server_command(),
          .environment = {{"LUMEN_FAKE_SERVER", "record"}},
          .stderr_sink =
              [&](std::string_view line) {
                if (!line.starts_with("got ")) return;
                auto space = line.find(' ', 4);
                received.add({{"method", line.substr(4, space - 4)}});
              }}),
      client::client_options{.request_timeout = 60s, .on_error = [](const client_error&) {}});
  c.connect();
  client::cancellation_source source;
  source.cancel(std::string(reason));
  auto e = expect_client_error([&] { c.call_tool("anything", {}, {.cancellation = source.token()}); });
  EXPECT_EQ(e.kind(), error_kind::cancelled);
  EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
  c.ping();
  // Everything sent before the ping has been recorded once the ping has.
  ASSERT_TRUE(received.wait_for([](const json::object& m) { return m.at("method") == "ping"; }));
  for (auto method : {"tools/call", "notifications/cancelled"}) {
    EXPECT_FALSE(received.wait_for([&](const json::object& m) { return m.at("method") == method; }, 0ms))
        << method << " was sent for a request cancelled before it started";
  }
}

// A finished request leaves nothing on its token: cancelling the token after the client is gone
// must not reach the client (ASan reports a use after free if it does).
TEST(CancellationOnTheWire, TokenOutlivingTheClientIsHarmless) {
  client::cancellation_source source;
  {
    auto c = std::make_unique<client::client>(
        std::make_unique<client::stdio_transport>(client::stdio_options{
            .command = test::fake_server_command(), .environment = {{"LUMEN_FAKE_SERVER", "echo"}}}),
        client::client_options{.request_timeout = 60s, .on_error = [](const client_error&) {}});
    c->connect();
    EXPECT_EQ(c->request("tools/list", {}, {.cancellation = source.token()}).at("method").as_string(), "tools/list");
  }
  EXPECT_TRUE(source.cancel("after the client is gone"));
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 30s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// The scripted server holds every request's SSE stream open and never answers.
TEST(CancellationOnTheWire, HttpPostsRequestIdAndReasonInTheSession) {
  test::scripted_http_server server([](const test::http_request& req, test::http_connection& conn) {
    if (req.method != "POST") return conn.respond(405, "text/plain", "");
    if (req.rpc_method() == "initialize") {
      return conn.respond_json(test::initialize_response(req.rpc_id()), "Mcp-Session-Id: s1\r\n");
    }
    if (req.rpc_id().is_null()) return conn.accepted();
    conn.start_sse();
    conn.wait_closed();
  });
  sent_ids sent;
  client::client c(std::make_unique<client::http_transport>(client::http_options{.url = server.url()}),
                   client::client_options{.request_timeout = 60s, .interceptor = sent.interceptor(),
                                          .on_error = [](const client_error&) {}});
  c.connect();
  auto posted = [&](const std::string& method, const json::value& request_id) -> std::optional<test::http_request> {
    for (const auto& r : server.requests()) {
      if (r.rpc_method() != method) continue;
      auto body = json::parse(r.body).as_object();
      if (method != "notifications/cancelled" || body.at("params").at("requestId") == request_id) return r;
    }
    return std::nullopt;
  };

  client::cancellation_source source;
  auto call = c.call_tool_async("anything", {}, {.cancellation = source.token()});
  auto call_id = sent.last("tools/call");
  // Each message is its own POST: let the request arrive before cancelling it.
  ASSERT_TRUE(wait_until([&] { return posted("tools/call", call_id).has_value(); }));
  source.cancel(std::string(reason));
  EXPECT_EQ(expect_client_error([&] { call.get(); }).kind(), error_kind::cancelled);
  std::optional<test::http_request> cancelled;
  ASSERT_TRUE(wait_until([&] { return (cancelled = posted("notifications/cancelled", call_id)).has_value(); }))
      << "no notifications/cancelled POST for request " << json::serialize(call_id);
  auto body = json::parse(cancelled->body).as_object();
  EXPECT_FALSE(body.contains("id")) << cancelled->body;
  EXPECT_EQ(body.at("params").at("reason").as_string(), reason) << cancelled->body;
  EXPECT_EQ(cancelled->header("mcp-session-id"), "s1");
  EXPECT_EQ(cancelled->header("mcp-protocol-version"), "2025-11-25");

  EXPECT_EQ(expect_client_error([&] { c.ping({.timeout = 200ms}); }).kind(), error_kind::timeout);
  auto ping_id = sent.last("ping");
  std::optional<test::http_request> timed_out;
  ASSERT_TRUE(wait_until([&] { return (timed_out = posted("notifications/cancelled", ping_id)).has_value(); }));
  EXPECT_EQ(json::parse(timed_out->body).at("params").at("reason").as_string(), "timed out after 200 ms");
}

}  // namespace
}  // namespace lumen
