// Test support: an in-process MCP server on Lumen's HTTP server (127.0.0.1, port 0) with tools
// that answer plainly, stream, poll, block on a gate, or notify their session outside a request.
#pragma once

#include "http_test_client.hpp"

#include <lumen/protocol/content.hpp>
#include <lumen/transport/http_server.hpp>
#include <lumen/transport/sse_polling.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lumen::test {

/// A latch tools wait on.
class gate {
 public:
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

inline const http_test_client::headers_t post_headers{{"Accept", "application/json, text/event-stream"},
                                                      {"Content-Type", "application/json"}};

inline std::string initialize_body(std::string_view version = "2025-11-25") {
  return R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":")" + std::string(version) +
         R"(","capabilities":{},"clientInfo":{"name":"it","version":"1"}}})";
}

inline std::string call_body(int id, std::string_view tool, std::string_view args = "{}") {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":")" +
         std::string(tool) + R"(","arguments":)" + std::string(args) + "}}";
}

class http_fixture : public ::testing::Test {
 protected:
  void start(transport::endpoint_options eo = {}, transport::http_server_options ho = {}) {
    srv_ = std::make_unique<server::server>(protocol::implementation{.name = "it", .version = "1.0.0"});
    using server::request_context;
    using protocol::call_tool_result;
    srv_->add_tool({.name = "echo"}, [](const json::object& args, request_context&) {
      return protocol::call_tool_result::text(std::string(get_string(args, "text").value_or("")));
    });
    srv_->add_tool({.name = "log_then_answer"}, [](const json::object&, request_context& ctx) {
      ctx.log(protocol::log_level::info, "working");
      return protocol::call_tool_result::text("done");
    });
    srv_->add_tool({.name = "poll"}, [](const json::object&, request_context& ctx) {
      transport::close_sse_stream(ctx);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ctx.log(protocol::log_level::info, "after close");
      return protocol::call_tool_result::text("polled");
    });
    srv_->add_tool({.name = "log_then_wait"}, [this](const json::object&, request_context& ctx) {
      ctx.log(protocol::log_level::info, "waiting");
      gate_.wait();
      return protocol::call_tool_result::text("released");
    });
    srv_->add_tool({.name = "notify_session"}, [](const json::object& args, request_context& ctx) {
      // Not tied to this request: it goes to the session's standalone GET stream.
      ctx.owning_session().notify("notifications/message",
                                  {{"level", "info"}, {"data", std::string(get_string(args, "text").value_or(""))}});
      return protocol::call_tool_result::text("notified");
    });
    srv_->add_tool({.name = "flood"}, [](const json::object& args, request_context& ctx) {
      // `count` session messages of `size` bytes each, for the standalone stream.
      auto number = [&](std::string_view key, std::int64_t fallback) {
        auto it = args.find(key);
        return it != args.end() && it->value().is_int64() ? it->value().as_int64() : fallback;
      };
      auto count = number("count", 1);
      std::string payload(static_cast<std::size_t>(number("size", 16)), 'x');
      for (std::int64_t i = 0; i < count; ++i) {
        ctx.owning_session().notify("notifications/message", {{"level", "info"}, {"data", payload}});
      }
      return protocol::call_tool_result::text("flooded");
    });
    srv_->add_tool({.name = "slow"}, [](const json::object&, request_context&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return protocol::call_tool_result::text("slow done");
    });
    endpoint_ = std::make_unique<transport::mcp_endpoint>(*srv_, std::move(eo));
    http_ = std::make_unique<transport::http_server>(std::move(ho));
    http_->mount(*endpoint_);
    http_->start();
  }

  void TearDown() override {
    gate_.open();
    if (endpoint_) endpoint_->shutdown();
    if (http_) http_->stop();
  }

  std::uint16_t port() const { return http_->port(); }

  /// Initializes a session and sends notifications/initialized; returns the session id.
  std::string open_session(http_test_client& c, std::string_view version = "2025-11-25") {
    auto r = c.request("POST", "/mcp", post_headers, initialize_body(version));
    EXPECT_EQ(r.status, 200u) << r.body;
    auto sid = r.header("Mcp-Session-Id").value_or("");
    auto h = with_session(sid, version);
    auto n = c.request("POST", "/mcp", h, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    EXPECT_EQ(n.status, 202u);
    return sid;
  }

  static http_test_client::headers_t with_session(std::string_view sid, std::string_view version = "2025-11-25") {
    auto h = post_headers;
    h.emplace_back("Mcp-Session-Id", std::string(sid));
    h.emplace_back("MCP-Protocol-Version", std::string(version));
    return h;
  }

  /// Sends `body` (a POST calling `log_then_wait`) on `busy` and reads its stream until the
  /// handler's log arrives: the handler is running and waits on gate_. Returns the events read.
  static std::vector<sse_event> start_waiting_call(http_test_client& busy, const http_test_client::headers_t& headers,
                                                   std::string body) {
    busy.send("POST", "/mcp", headers, std::move(body));
    std::vector<sse_event> events;
    bool done = false;
    for (std::size_t n = 1; n <= 3 && !done; ++n) {
      busy.read_events(n, events, done);
      if (!events.empty() && events.back().data.find(R"("waiting")") != std::string::npos) break;
    }
    return events;
  }

  static http_test_client::headers_t get_headers(std::string_view sid) {
    return {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", std::string(sid)}, {"MCP-Protocol-Version", "2025-11-25"}};
  }

  gate gate_;
  std::unique_ptr<server::server> srv_;
  std::unique_ptr<transport::mcp_endpoint> endpoint_;
  std::unique_ptr<transport::http_server> http_;
};

}  // namespace lumen::test
