// The MCP endpoint driven in-process through its framework-neutral interface: a plain
// http_request in, a response_channel that collects the answer out. No sockets, no http_server.
#include <lumen/transport/streamable_http.hpp>

#include <lumen/transport/sse_polling.hpp>

#include "../../support/capture_sink.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace lumen::transport {
namespace {

using namespace std::chrono_literals;

// A response_channel that records the answer: a whole response, or a stream's head and events.
class collecting_channel final : public response_channel {
 public:
  void respond(http_response r) override {
    std::lock_guard lock(mutex_);
    ++answers_;
    response_ = std::move(r);
    cv_.notify_all();
  }
  void start_stream(header_fields headers) override {
    std::lock_guard lock(mutex_);
    ++answers_;
    stream_headers_ = std::move(headers);
    cv_.notify_all();
  }
  bool send(std::string chunk) override {
    std::lock_guard lock(mutex_);
    if (ended_) return false;
    stream_body_ += chunk;
    cv_.notify_all();
    return true;
  }
  void end_stream() override {
    std::lock_guard lock(mutex_);
    ended_ = true;
    cv_.notify_all();
  }
  bool is_open() const override {
    std::lock_guard lock(mutex_);
    return !ended_;
  }

  /// Waits for a whole response (the endpoint may answer from another thread).
  http_response wait_response(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [&] { return response_.has_value(); })) {
      ADD_FAILURE() << "no response within " << timeout.count() << " ms";
      return {};
    }
    return *response_;
  }
  /// Waits until a stream has started and ended; returns its body.
  std::optional<std::string> wait_stream_end(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [&] { return stream_headers_.has_value() && ended_; })) return std::nullopt;
    return stream_body_;
  }
  int answers() const {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<http_response> response_;
  std::optional<header_fields> stream_headers_;
  std::string stream_body_;
  bool ended_ = false;
  int answers_ = 0;
};

std::optional<std::string> header_of(const http_response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

std::string initialize_body(std::string_view version = "2025-11-25") {
  return R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":")" + std::string(version) +
         R"(","capabilities":{},"clientInfo":{"name":"unit","version":"1"}}})";
}

std::string call_body(int id, std::string_view tool) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":")" +
         std::string(tool) + R"(","arguments":{}}})";
}

class StreamableHttpEndpoint : public ::testing::Test {
 protected:
  StreamableHttpEndpoint() : srv_(protocol::implementation{.name = "unit", .version = "1.0.0"}) {
    srv_.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) {
      return protocol::call_tool_result::text("echoed");
    });
    // Ends its request's SSE stream (SSE polling) and reports whether that was possible.
    srv_.add_tool({.name = "close_stream"}, [this](const json::object&, server::request_context& ctx) {
      close_result_.set(close_sse_stream(ctx));
      return protocol::call_tool_result::text("closed");
    });
  }

  void make_endpoint(endpoint_options options = {}) { endpoint_ = std::make_unique<mcp_endpoint>(srv_, std::move(options)); }

  static http_request request(std::string method, std::string body = {}, header_fields extra = {}) {
    http_request r;
    r.method = std::move(method);
    r.target = "/mcp";
    r.headers = {{"Host", "127.0.0.1:8080"},
                 {"Accept", "application/json, text/event-stream"},
                 {"Content-Type", "application/json"}};
    for (auto& h : extra) r.headers.push_back(std::move(h));
    r.body = std::move(body);
    return r;
  }

  http_response answer(http_request r) {
    auto ch = std::make_shared<collecting_channel>();
    endpoint_->handle(std::move(r), ch);
    return ch->wait_response();
  }

  // Initializes a session; returns its id.
  std::string open_session() {
    auto r = answer(request("POST", initialize_body()));
    EXPECT_EQ(r.status, 200u) << r.body;
    auto sid = header_of(r, "Mcp-Session-Id").value_or("");
    auto n = answer(request("POST", R"({"jsonrpc":"2.0","method":"notifications/initialized"})", in_session(sid)));
    EXPECT_EQ(n.status, 202u) << n.body;
    return sid;
  }

  static header_fields in_session(std::string_view sid, std::string_view version = "2025-11-25") {
    return {{"Mcp-Session-Id", std::string(sid)}, {"MCP-Protocol-Version", std::string(version)}};
  }

  void TearDown() override {
    if (endpoint_) endpoint_->shutdown();
  }

  server::server srv_;
  std::unique_ptr<mcp_endpoint> endpoint_;
  // What the close_stream tool's close_sse_stream returned (it ends the stream before it returns).
  class reported_result {
   public:
    void set(bool value) {
      std::lock_guard lock(mutex_);
      value_ = value;
      cv_.notify_all();
    }
    std::optional<bool> wait(std::chrono::milliseconds timeout = 5s) {
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, timeout, [&] { return value_.has_value(); });
      auto v = value_;
      value_.reset();
      return v;
    }

   private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::optional<bool> value_;
  };
  reported_result close_result_;
};

TEST_F(StreamableHttpEndpoint, PostInitialize_AnswersWithTheResultAndANewSessionId) {
  make_endpoint();
  auto r = answer(request("POST", initialize_body()));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(header_of(r, "Content-Type").value_or(""), "application/json");
  auto sid = header_of(r, "Mcp-Session-Id");
  ASSERT_TRUE(sid.has_value());
  // 128 random bits as visible ASCII (hex), as the spec asks of a session id.
  EXPECT_EQ(sid->size(), 32u);
  EXPECT_EQ(sid->find_first_not_of("0123456789abcdef"), std::string::npos);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("id").as_int64(), 1);
  EXPECT_EQ(body.at("result").at("protocolVersion").as_string(), "2025-11-25");
  EXPECT_EQ(endpoint_->session_count(), 1u);

  // A second initialize is a second session with another id.
  auto again = answer(request("POST", initialize_body()));
  EXPECT_NE(header_of(again, "Mcp-Session-Id").value_or(*sid), *sid);
  EXPECT_EQ(endpoint_->session_count(), 2u);
}

TEST_F(StreamableHttpEndpoint, RequestInASession_IsAnsweredWithItsSessionId) {
  make_endpoint();
  auto sid = open_session();
  auto r = answer(request("POST", call_body(2, "echo"), in_session(sid)));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(header_of(r, "Mcp-Session-Id").value_or(""), sid);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("id").as_int64(), 2);
  EXPECT_EQ(body.at("result").at("content").at(0).at("text").as_string(), "echoed");
}

TEST_F(StreamableHttpEndpoint, MissingSessionId_Is400_UnknownSessionIs404) {
  make_endpoint();
  open_session();
  auto missing = answer(request("POST", call_body(2, "echo"), {{"MCP-Protocol-Version", "2025-11-25"}}));
  EXPECT_EQ(missing.status, 400u);
  EXPECT_NE(missing.body.find("Mcp-Session-Id header is required"), std::string::npos) << missing.body;

  auto unknown = answer(request("POST", call_body(2, "echo"), in_session("0123456789abcdef0123456789abcdef")));
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(json::parse(unknown.body).at("error").at("code").as_int64(), -32001);

  http_request get = request("GET", {}, in_session("not-a-session"));
  EXPECT_EQ(answer(std::move(get)).status, 404u);
}

TEST_F(StreamableHttpEndpoint, ProtocolVersionHeader_UnsupportedIs400_SupportedIsServed) {
  make_endpoint();
  auto sid = open_session();
  auto bad = answer(request("POST", call_body(2, "echo"), in_session(sid, "1999-01-01")));
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("unsupported MCP-Protocol-Version \\\"1999-01-01\\\""), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("2025-11-25"), std::string::npos) << "the answer lists the supported revisions";
  // Also before any session exists.
  EXPECT_EQ(answer(request("POST", initialize_body(), {{"MCP-Protocol-Version", "nonsense"}})).status, 400u);

  auto good = answer(request("POST", call_body(3, "echo"), in_session(sid, "2025-06-18")));
  EXPECT_EQ(good.status, 200u) << good.body;
}

TEST_F(StreamableHttpEndpoint, Delete_EndsTheSession) {
  make_endpoint();
  auto sid = open_session();
  ASSERT_EQ(endpoint_->session_count(), 1u);
  auto deleted = answer(request("DELETE", {}, in_session(sid)));
  EXPECT_EQ(deleted.status, 200u);
  EXPECT_EQ(endpoint_->session_count(), 0u);
  // The session is gone: its id is now unknown, to requests and to a second DELETE.
  EXPECT_EQ(answer(request("POST", call_body(2, "echo"), in_session(sid))).status, 404u);
  EXPECT_EQ(answer(request("DELETE", {}, in_session(sid))).status, 404u);
  EXPECT_EQ(answer(request("DELETE")).status, 400u) << "DELETE without a session id";
}

TEST_F(StreamableHttpEndpoint, OtherMethods_Are405WithAllow) {
  make_endpoint();
  for (const char* method : {"PUT", "PATCH", "HEAD", "OPTIONS"}) {
    auto r = answer(request(method));
    EXPECT_EQ(r.status, 405u) << method;
    EXPECT_EQ(header_of(r, "Allow").value_or(""), "GET, POST, DELETE") << method;
  }
}

TEST_F(StreamableHttpEndpoint, Stateless_AllowsOnlyPost) {
  make_endpoint({.stateless = true});
  auto post = answer(request("POST", call_body(7, "echo"), {{"MCP-Protocol-Version", "2025-11-25"}}));
  EXPECT_EQ(post.status, 200u) << post.body;
  EXPECT_FALSE(header_of(post, "Mcp-Session-Id").has_value());
  EXPECT_EQ(endpoint_->session_count(), 0u);
  for (const char* method : {"GET", "DELETE", "PUT"}) {
    auto r = answer(request(method));
    EXPECT_EQ(r.status, 405u) << method;
    EXPECT_EQ(header_of(r, "Allow").value_or(""), "POST") << method;
  }
}

TEST_F(StreamableHttpEndpoint, OriginAndHostPolicy_RefusesForeignNamesWith403) {
  make_endpoint({.origins = origin_policy::loopback(8080)});
  auto foreign_host = request("POST", initialize_body());
  foreign_host.headers[0].second = "evil.example:8080";
  auto r = answer(std::move(foreign_host));
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(endpoint_->session_count(), 0u);

  EXPECT_EQ(answer(request("POST", initialize_body(), {{"Origin", "http://evil.example"}})).status, 403u);
  EXPECT_EQ(answer(request("POST", initialize_body(), {{"Origin", "http://localhost:8080"}})).status, 200u);

  // The policy can be replaced at run time (e.g. once a host framework knows its port).
  endpoint_->set_origin_policy(origin_policy::loopback(9090));
  EXPECT_EQ(answer(request("POST", initialize_body())).status, 403u) << "Host 127.0.0.1:8080 is no longer allowed";
  EXPECT_EQ(endpoint_->current_origin_policy().allowed_hosts, origin_policy::loopback(9090).allowed_hosts);
}

TEST_F(StreamableHttpEndpoint, AfterShutdown_RequestsAre503AndSessionsEnded) {
  make_endpoint();
  open_session();
  endpoint_->shutdown();
  EXPECT_EQ(endpoint_->session_count(), 0u);
  auto r = answer(request("POST", initialize_body()));
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(header_of(r, "Connection").value_or(""), "close");
}

// close_sse_stream finds the request's HTTP stream through the session's own sink.
TEST_F(StreamableHttpEndpoint, CloseSseStream_EndsTheRequestsStreamInASession) {
  make_endpoint();
  auto sid = open_session();
  auto ch = std::make_shared<collecting_channel>();
  endpoint_->handle(request("POST", call_body(5, "close_stream"), in_session(sid)), ch);
  auto body = ch->wait_stream_end();
  ASSERT_TRUE(body.has_value()) << "the request's answer became a stream that the handler ended";
  EXPECT_EQ(close_result_.wait(), std::optional<bool>(true));
  EXPECT_EQ(ch->answers(), 1);
  // The stream was ended before the result: what it carried is only the priming event.
  EXPECT_EQ(body->find("\"result\""), std::string::npos) << *body;
}

TEST_F(StreamableHttpEndpoint, CloseSseStream_IsRefusedWithoutSessionsOrHttp) {
  make_endpoint({.stateless = true});
  auto r = answer(request("POST", call_body(5, "close_stream"), {{"MCP-Protocol-Version", "2025-11-25"}}));
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(close_result_.wait(), std::optional<bool>(false)) << "a stateless endpoint keeps no events to resume from";

  // A session whose sink is not HTTP at all.
  auto sink = std::make_shared<test::capture_sink>();
  auto session = srv_.connect(sink);
  session->receive(std::string_view(initialize_body()));
  session->receive(std::string_view(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
  session->receive(std::string_view(call_body(2, "close_stream")));
  sink->wait_response(json::value(2));
  EXPECT_EQ(close_result_.wait(), std::optional<bool>(false));
  session->close();
}

}  // namespace
}  // namespace lumen::transport
