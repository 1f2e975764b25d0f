// The client's own logic (client.cpp) over a real stdio transport: the test program re-runs itself
// as a small scripted MCP server (LUMEN_CLIENT_TEST_SERVER set). Covered here: server-to-client
// requests run on the client's bounded worker pool and a server asking for more than its bound is
// refused, the destructor waits for handlers still running, cancelling a request in flight, and
// the retry of a request whose session expired.
#include "../../support/expect_client_error.hpp"
#include "../../support/holding_gate.hpp"

#include <lumen/client/client.hpp>
#include <lumen/client/stdio_transport.hpp>
#include <lumen/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lumen {
namespace {

using namespace std::chrono_literals;
using client::client_error;
using client::error_kind;
using test::expect_client_error;

constexpr const char* server_variable = "LUMEN_CLIENT_TEST_SERVER";

// ---- The scripted server ---------------------------------------------------------------------
// Writes to stderr `got METHOD {message}` for every request and notification it receives, and
// `answer ok` / `answer error CODE MESSAGE` for every answer to its own requests. Tools:
//   flood {count}  sends `count` elicitation/create requests at once and answers the call with
//                  {"ok": n, "errors": n} once every one of them is answered
//   hang           never answers
// Every other request is answered with {"method": METHOD}.

void send_line(const json::value& v) { std::cout << json::serialize(v) << std::endl; }

[[noreturn]] void run_scripted_server() {
  json::value flood_call_id;
  int flood_waiting = 0, flood_ok = 0, flood_errors = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    json::object msg;
    try {
      msg = json::parse(line).as_object();
    } catch (...) {
      continue;
    }
    if (!msg.contains("method")) {  // an answer to one of our elicitation/create requests
      if (auto const* e = msg.if_contains("error")) {
        ++flood_errors;
        std::cerr << "answer error " << e->at("code").as_int64() << " " << e->at("message").as_string().c_str()
                  << std::endl;
      } else {
        ++flood_ok;
        std::cerr << "answer ok" << std::endl;
      }
      if (--flood_waiting == 0) {
        send_line({{"jsonrpc", "2.0"},
                   {"id", flood_call_id},
                   {"result",
                    {{"content", json::array{}},
                     {"structuredContent", {{"ok", flood_ok}, {"errors", flood_errors}}}}}});
      }
      continue;
    }
    const std::string method(msg.at("method").as_string());
    std::cerr << "got " << method << " " << json::serialize(msg) << std::endl;
    if (!msg.contains("id")) continue;
    const json::value& id = msg.at("id");
    if (method == "initialize") {
      send_line({{"jsonrpc", "2.0"},
                 {"id", id},
                 {"result",
                  {{"protocolVersion", "2025-11-25"},
                   {"capabilities", {{"tools", json::object{}}}},
                   {"serverInfo", {{"name", "scripted"}, {"version", "0"}}}}}});
      continue;
    }
    if (method == "tools/call") {
      const auto& params = msg.at("params").as_object();
      const std::string tool(params.at("name").as_string());
      if (tool == "hang") continue;
      if (tool == "flood") {
        flood_call_id = id;
        flood_ok = flood_errors = 0;
        flood_waiting = static_cast<int>(params.at("arguments").at("count").as_int64());
        for (int i = 0; i < flood_waiting; ++i) {
          send_line({{"jsonrpc", "2.0"},
                     {"id", "ask-" + std::to_string(i)},
                     {"method", "elicitation/create"},
                     {"params", {{"mode", "form"}, {"message", "question " + std::to_string(i)}}}});
        }
        continue;
      }
    }
    send_line({{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"method", method}}}});
  }
  std::_Exit(0);
}

// Runs before main() when this program was started as the scripted server.
const bool started_as_server = [] {
  if (std::getenv(server_variable) != nullptr) run_scripted_server();
  return false;
}();

// ---- Test helpers -----------------------------------------------------------------------------

/// The server's stderr lines, with a wait for a condition on them.
class line_log {
 public:
  void add(std::string_view line) {
    {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    }
    changed_.notify_all();
  }
  std::size_t count_starting_with(std::string_view prefix) const {
    std::lock_guard lock(mutex_);
    return count_locked(prefix);
  }
  /// Waits until at least `n` lines start with `prefix`; false after `timeout`.
  bool wait_for_count(std::string_view prefix, std::size_t n, std::chrono::milliseconds timeout = 10s) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return count_locked(prefix) >= n; });
  }
  /// The first line starting with `prefix`, without it.
  std::string first_starting_with(std::string_view prefix) const {
    std::lock_guard lock(mutex_);
    for (const auto& l : lines_) {
      if (l.starts_with(prefix)) return l.substr(prefix.size());
    }
    return {};
  }

 private:
  std::size_t count_locked(std::string_view prefix) const {
    return static_cast<std::size_t>(
        std::count_if(lines_.begin(), lines_.end(), [&](const std::string& l) { return l.starts_with(prefix); }));
  }
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::string> lines_;
};

std::unique_ptr<client::stdio_transport> scripted_server(line_log& log) {
  return std::make_unique<client::stdio_transport>(client::stdio_options{
      .command = {"/proc/self/exe"},
      .environment = {{server_variable, "1"}},
      .stderr_sink = [&log](std::string_view line) { log.add(line); }});
}

// ---- Server-to-client requests on the bounded worker pool ------------------------------------

TEST(ClientWorkers, ServerRequestsBeyondTheBoundAreRefusedNotGivenThreads) {
  line_log log;
  test::holding_gate handlers;
  client::client c(scripted_server(log), {.worker_threads = 2, .worker_queue_limit = 1});
  c.set_elicitation_handler([&](const json::object&) {
    handlers.pass();
    return json::object{{"action", "accept"}, {"content", json::object{}}};
  });
  c.connect();

  // Six requests at once against two workers and one waiting place: three are refused while the
  // first two handlers hold their workers.
  auto call = c.call_tool_async("flood", {{"count", 6}});
  ASSERT_TRUE(handlers.wait_entered(2)) << "the handlers never ran";
  ASSERT_TRUE(log.wait_for_count("answer error", 3))
      << "the server got " << log.count_starting_with("answer error") << " refusals instead of 3";
  EXPECT_EQ(handlers.entered(), 2) << "a third handler ran although both workers were busy";
  EXPECT_EQ(log.count_starting_with("answer ok"), 0u);
  EXPECT_NE(log.first_starting_with("answer error ").find("busy"), std::string::npos)
      << log.first_starting_with("answer error ");

  handlers.open();
  auto result = call.get();
  ASSERT_TRUE(result.structured_content);
  EXPECT_EQ(result.structured_content->at("ok").as_int64(), 3);
  EXPECT_EQ(result.structured_content->at("errors").as_int64(), 3);
  EXPECT_EQ(handlers.entered(), 3) << "the request that waited for a worker was not run";
  EXPECT_EQ(handlers.most_inside_at_once(), 2);
  EXPECT_LE(handlers.thread_count(), 2u) << "handlers ran on more threads than the pool has";
}

TEST(ClientWorkers, DestructorWaitsForAHandlerStillRunning) {
  line_log log;
  std::atomic<bool> entered{false}, finished{false};
  // The handler's answer cannot be sent (the client is closed by then): no report of it wanted.
  auto c = std::make_unique<client::client>(
      scripted_server(log), client::client_options{.on_error = [](const client_error&) {}, .worker_threads = 1});
  c->set_elicitation_handler([&](const json::object&) {
    entered = true;
    std::this_thread::sleep_for(300ms);  // a user taking their time
    finished = true;
    return json::object{{"action", "decline"}};
  });
  c->connect();
  auto call = c->call_tool_async("flood", {{"count", 1}});
  for (int i = 0; i < 1000 && !entered; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(entered) << "the handler never ran";
  c.reset();
  EXPECT_TRUE(finished) << "the client was destroyed while its handler still ran";
  EXPECT_EQ(expect_client_error([&] { call.get(); }).kind(), error_kind::not_connected);
}

// ---- Cancellation -----------------------------------------------------------------------------

TEST(ClientCancellation, CancellingARequestInFlightFailsItAndTellsTheServer) {
  line_log log;
  client::client c(scripted_server(log));
  c.connect();
  client::cancellation_source source;
  auto call = c.call_tool_async("hang", {}, {.cancellation = source.token()});
  ASSERT_TRUE(log.wait_for_count("got tools/call", 1));
  const auto request = json::parse(log.first_starting_with("got tools/call ")).as_object();

  const auto cancelled_at = std::chrono::steady_clock::now();
  source.cancel("enough");
  auto e = expect_client_error([&] { call.get(); });
  EXPECT_EQ(e.kind(), error_kind::cancelled) << e.what();
  EXPECT_NE(std::string(e.what()).find("enough"), std::string::npos) << e.what();
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 5s);

  ASSERT_TRUE(log.wait_for_count("got notifications/cancelled", 1)) << "the server was not told";
  const auto notice = json::parse(log.first_starting_with("got notifications/cancelled ")).as_object();
  EXPECT_EQ(notice.at("params").at("requestId"), request.at("id"));
  EXPECT_EQ(notice.at("params").at("reason").as_string(), "enough");

  // The client goes on working after the cancellation.
  EXPECT_EQ(c.request("tools/list").at("method").as_string(), "tools/list");
}

TEST(ClientCancellation, ATokenCancelledBeforehandSendsNothing) {
  line_log log;
  client::client c(scripted_server(log));
  c.connect();
  client::cancellation_source source;
  source.cancel("too late");
  auto e = expect_client_error([&] { c.call_tool("hang", {}, {.cancellation = source.token()}); });
  EXPECT_EQ(e.kind(), error_kind::cancelled);
  c.ping();
  // The server logs what it gets in order: once the ping is logged, a tools/call sent first would be.
  ASSERT_TRUE(log.wait_for_count("got ping", 1));
  EXPECT_EQ(log.count_starting_with("got tools/call"), 0u);
}

// ---- Retry after session expiry --------------------------------------------------------------

/// The stdio transport, except that it reports session_expired (as HTTP does on a 404) for the
/// first `expire` requests of one method instead of sending them, and counts reset_session().
class expiring_transport : public client::transport {
 public:
  expiring_transport(std::unique_ptr<client::transport> inner, std::string method, int expire)
      : inner_(std::move(inner)), method_(std::move(method)), expirations_left_(expire) {}
  void start(client::transport_events events) override {
    events_ = events;
    inner_->start(std::move(events));
  }
  void send(const jsonrpc::message& message, const client::header_list& headers) override {
    if (auto const* r = std::get_if<jsonrpc::request>(&message); r && r->method == method_ && expirations_left_ > 0) {
      --expirations_left_;
      events_.on_request_failed(r->id, client_error(error_kind::session_expired, "HTTP 404: the session has expired",
                                                    std::nullopt, std::nullopt, 404));
      return;
    }
    inner_->send(message, headers);
  }
  void reset_session() override { ++resets; }
  std::string_view name() const noexcept override { return "stdio"; }
  void close() override { inner_->close(); }

  std::atomic<int> resets{0};

 private:
  std::unique_ptr<client::transport> inner_;
  client::transport_events events_;
  std::string method_;
  std::atomic<int> expirations_left_;
};

/// A connected client whose first `expire` tools/list requests meet an expired session.
struct expiring_session {
  explicit expiring_session(int expire)
      : transport(new expiring_transport(scripted_server(log), "tools/list", expire)),
        c(std::unique_ptr<client::transport>(transport)) {
    c.connect();
  }
  line_log log;
  expiring_transport* transport;  // owned by the client
  client::client c;
};

TEST(ClientSessionExpiry, RequestIsRetriedOnceOnANewSession) {
  expiring_session session(1);
  auto& [log, expiring, c] = session;
  c.set_log_level(protocol::log_level::warning);

  EXPECT_EQ(c.request("tools/list").at("method").as_string(), "tools/list");
  EXPECT_EQ(expiring->resets.load(), 1);
  // The server logs in order: the retried tools/list comes after the new session's setup.
  ASSERT_TRUE(log.wait_for_count("got tools/list", 1));
  EXPECT_EQ(log.count_starting_with("got initialize"), 2u);
  EXPECT_EQ(log.count_starting_with("got notifications/initialized"), 2u);
  EXPECT_EQ(log.count_starting_with("got logging/setLevel"), 2u) << "the new session did not get the log level";
  EXPECT_EQ(log.count_starting_with("got tools/list"), 1u);
}

TEST(ClientSessionExpiry, ASecondExpiryIsReportedNotRetriedForever) {
  expiring_session session(2);
  auto& [log, expiring, c] = session;
  EXPECT_EQ(expect_client_error([&] { c.request("tools/list"); }).kind(), error_kind::session_expired);
  EXPECT_EQ(expiring->resets.load(), 1);
  c.ping();
  ASSERT_TRUE(log.wait_for_count("got ping", 1));
  EXPECT_EQ(log.count_starting_with("got initialize"), 2u);
  EXPECT_EQ(log.count_starting_with("got tools/list"), 0u);
}

}  // namespace
}  // namespace lumen
