// The Streamable HTTP client against scripted servers on real sockets: error statuses, JSON and
// SSE answers, answers with the wrong id, cut streams (a request's or the standalone GET stream,
// resumed with Last-Event-ID after `retry`, or failed when they cannot be), expired sessions
// (re-initialized), headers, DELETE on close, and timeouts.
#include "../../support/expect_client_error.hpp"
#include "scripted_http_server.hpp"

#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace lumen {
namespace {

using namespace std::chrono_literals;
using client::client_error;
using client::error_kind;
using test::http_connection;
using test::http_request;

using test::expect_client_error;

// Answers initialize (session "s1") and notifications; everything else goes to `other`.
test::scripted_http_server::handler basic(std::function<void(const http_request&, http_connection&)> other,
                                          std::string session = "s1") {
  return [other = std::move(other), session](const http_request& req, http_connection& conn) {
    if (req.method == "GET") return conn.respond(405, "text/plain", "no GET stream");
    if (req.method == "DELETE") return conn.respond(200, "text/plain", "");
    auto method = req.rpc_method();
    if (method == "initialize") {
      return conn.respond_json(test::initialize_response(req.rpc_id()), "Mcp-Session-Id: " + session + "\r\n");
    }
    if (req.rpc_id().is_null()) return conn.accepted();  // notifications and responses
    other(req, conn);
  };
}

std::unique_ptr<client::client> connect_to(const std::string& url, client::http_options options = {}) {
  options.url = url;
  auto c = std::make_unique<client::client>(std::make_unique<client::http_transport>(options),
                                            client::client_options{.request_timeout = 10s,
                                                                   .on_error = [](const client_error&) {}});
  c->connect();
  return c;
}

TEST(HttpClient, JsonAndSseAnswersBothWork) {
  test::scripted_http_server server(basic([](const http_request& req, http_connection& conn) {
    if (req.rpc_method() == "ping") return conn.respond_json(test::result_response(req.rpc_id(), json::object{}));
    conn.start_sse();
    conn.write(test::sse_event({{"jsonrpc", "2.0"},
                                {"method", "notifications/progress"},
                                {"params", {{"progressToken", req.rpc_id()}, {"progress", 1}}}}));
    conn.write(test::sse_event(test::result_response(req.rpc_id(), {{"tools", json::array{}}})));
  }));
  auto c = connect_to(server.url());
  c->ping();
  int progress = 0;
  auto page = c->list_tools(std::nullopt, {.on_progress = [&](const client::progress&) { ++progress; }});
  EXPECT_TRUE(page.at("tools").as_array().empty());
  EXPECT_EQ(progress, 1);
}

TEST(HttpClient, HeadersSessionVersionAndDeleteOnClose) {
  test::scripted_http_server server(basic([](const http_request& req, http_connection& conn) {
    conn.respond_json(test::result_response(req.rpc_id(), json::object{}));
  }));
  auto c = connect_to(server.url(), {.headers = {{"Authorization", "Bearer sekrit"}}});
  EXPECT_EQ(c->transport().session_id(), "s1");
  c->ping();
  // The standalone GET stream is opened in the background after initialization: wait for it
  // (bounded) so that close() does not race it.
  auto saw_method = [&](std::string_view method) {
    for (const auto& r : server.requests()) {
      if (r.method == method) return true;
    }
    return false;
  };
  for (int i = 0; i < 500 && !saw_method("GET"); ++i) std::this_thread::sleep_for(10ms);
  c->close();
  auto requests = server.requests();
  ASSERT_GE(requests.size(), 4u);
  for (const auto& r : requests) EXPECT_EQ(r.header("authorization"), "Bearer sekrit") << r.method;
  EXPECT_EQ(requests[0].rpc_method(), "initialize");
  EXPECT_EQ(requests[0].header("mcp-session-id"), "");
  EXPECT_NE(requests[0].header("accept").find("text/event-stream"), std::string::npos);
  EXPECT_NE(requests[0].header("accept").find("application/json"), std::string::npos);
  bool saw_delete = false, saw_get = false;
  for (std::size_t i = 1; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].header("mcp-session-id"), "s1");
    EXPECT_EQ(requests[i].header("mcp-protocol-version"), "2025-11-25");
    saw_delete |= requests[i].method == "DELETE";
    saw_get |= requests[i].method == "GET";
  }
  EXPECT_TRUE(saw_delete);
  EXPECT_TRUE(saw_get);  // the standalone stream was tried (and refused with 405)
}

TEST(HttpClient, ErrorStatusIsAClearError) {
  test::scripted_http_server server(basic([](const http_request& req, http_connection& conn) {
    if (req.rpc_method() == "tools/list") return conn.respond(500, "text/plain", "database on fire");
    conn.respond(400, "application/json",
                 json::serialize(json::object{{"jsonrpc", "2.0"},
                                              {"id", nullptr},
                                              {"error", {{"code", -32600}, {"message", "Bad Request: nope"}}}}));
  }));
  auto c = connect_to(server.url());
  auto e = expect_client_error([&] { c->list_tools(); });
  EXPECT_EQ(e.kind(), error_kind::http_error);
  EXPECT_EQ(e.http_status(), 500);
  EXPECT_NE(std::string(e.what()).find("database on fire"), std::string::npos) << e.what();
  auto e2 = expect_client_error([&] { c->ping(); });
  EXPECT_EQ(e2.http_status(), 400);
  EXPECT_EQ(e2.code(), -32600);
}

TEST(HttpClient, MalformedJsonBodyIsAProtocolError) {
  test::scripted_http_server server(basic([](const http_request&, http_connection& conn) {
    conn.respond(200, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":");
  }));
  auto c = connect_to(server.url());
  auto e = expect_client_error([&] { c->ping(); });
  EXPECT_EQ(e.kind(), error_kind::protocol_error);
}

TEST(HttpClient, AnswerWithAnotherIdIsAProtocolError) {
  test::scripted_http_server server(basic([](const http_request& req, http_connection& conn) {
    conn.respond_json(test::result_response(req.rpc_id().as_int64() + 1000, json::object{}));
  }));
  auto c = connect_to(server.url());
  auto start = std::chrono::steady_clock::now();
  auto e = expect_client_error([&] { c->ping(); });
  EXPECT_EQ(e.kind(), error_kind::protocol_error) << e.what();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "failed at once, not by the 10 s timeout";
}

TEST(HttpClient, SseStreamCutWithoutEventIdFailsAtOnce) {
  test::scripted_http_server server(basic([](const http_request& req, http_connection& conn) {
    conn.start_sse();
    conn.write(test::sse_event({{"jsonrpc", "2.0"},
                                {"method", "notifications/progress"},
                                {"params", {{"progressToken", req.rpc_id()}, {"progress", 1}}}}));
    conn.write("event: message\ndata: {\"jsonrpc\":\"2.0\",");  // cut in the middle of an event
  }));
  auto c = connect_to(server.url());
  auto start = std::chrono::steady_clock::now();
  auto e = expect_client_error([&] { c->ping(); });
  EXPECT_EQ(e.kind(), error_kind::connection_closed);
  EXPECT_NE(std::string(e.what()).find("ended before the answer"), std::string::npos) << e.what();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpClient, CutSseStreamIsResumedWithLastEventIdAfterRetry) {
  std::atomic<std::int64_t> pending_id{-1};
  test::scripted_http_server server([&](const http_request& req, http_connection& conn) {
    if (req.method == "GET" && req.header("last-event-id").empty()) return conn.respond(405, "text/plain", "");
    if (req.method == "GET") {
      conn.start_sse();
      conn.write(test::sse_event(test::result_response(pending_id.load(), {{"resumed", true}}), "e2"));
      return conn.wait_closed();  // the client closes the stream once it has its answer
    }
    if (req.method == "DELETE") return conn.respond(200, "text/plain", "");
    auto method = req.rpc_method();
    if (method == "initialize") {
      return conn.respond_json(test::initialize_response(req.rpc_id()), "Mcp-Session-Id: s1\r\n");
    }
    if (req.rpc_id().is_null()) return conn.accepted();
    pending_id = req.rpc_id().as_int64();
    conn.start_sse();
    conn.write("id: e1\nretry: 300\ndata: \n\n");  // priming event, then the stream ends
  });
  // A default far from the server's retry: honouring `retry` is what makes the resumption quick.
  auto c = connect_to(server.url(), {.default_retry = 30s});
  auto start = std::chrono::steady_clock::now();
  auto result = c->request("tools/call", {{"name", "x"}});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(result.at("resumed").as_bool());
  EXPECT_GE(elapsed, 290ms);
  EXPECT_LT(elapsed, 2s);
  bool resumed_with_id = false;
  for (const auto& r : server.requests()) resumed_with_id |= r.method == "GET" && r.header("last-event-id") == "e1";
  EXPECT_TRUE(resumed_with_id);
}

TEST(HttpClient, CutStandaloneStreamIsResumedWithLastEventIdAfterRetry) {
  std::mutex m;
  std::chrono::steady_clock::time_point first_stream_ended, resumed_at;
  test::scripted_http_server server([&](const http_request& req, http_connection& conn) {
    if (req.method == "DELETE") return conn.respond(200, "text/plain", "");
    if (req.method == "GET" && req.header("last-event-id").empty()) {
      conn.start_sse();
      conn.write("id: g1\nretry: 300\ndata: \n\n");  // priming event
      conn.write(test::sse_event({{"jsonrpc", "2.0"}, {"method", "notifications/message"},
                                  {"params", {{"level", "info"}, {"data", "before the cut"}}}}, "g2"));
      std::lock_guard lock(m);
      first_stream_ended = std::chrono::steady_clock::now();
      return;  // the stream ends here
    }
    if (req.method == "GET") {
      {
        std::lock_guard lock(m);
        resumed_at = std::chrono::steady_clock::now();
      }
      conn.start_sse();
      conn.write(test::sse_event({{"jsonrpc", "2.0"}, {"method", "notifications/resources/updated"},
                                  {"params", {{"uri", "x://after-the-cut"}}}}, "g3"));
      return conn.wait_closed();
    }
    if (req.rpc_method() == "initialize") {
      return conn.respond_json(test::initialize_response(req.rpc_id()), "Mcp-Session-Id: s1\r\n");
    }
    conn.accepted();
  });
  std::mutex events_mutex;
  std::condition_variable cv;
  std::vector<std::string> seen;
  // A default far from the server's retry: honouring `retry` is what makes the resumption quick.
  client::client c(std::make_unique<client::http_transport>(client::http_options{.url = server.url(), .default_retry = 30s}),
                   client::client_options{.request_timeout = 10s, .on_error = [](const client_error&) {}});
  c.on_log([&](protocol::log_level, const std::optional<std::string>&, const json::value& data) {
    std::lock_guard lock(events_mutex);
    seen.emplace_back(data.as_string());
    cv.notify_all();
  });
  c.on_resource_updated([&](const std::string& uri) {
    std::lock_guard lock(events_mutex);
    seen.push_back(uri);
    cv.notify_all();
  });
  c.connect();
  {
    std::unique_lock lock(events_mutex);
    ASSERT_TRUE(cv.wait_for(lock, 20s, [&] { return seen.size() >= 2; })) << "the stream was not resumed";
    EXPECT_EQ(seen, (std::vector<std::string>{"before the cut", "x://after-the-cut"}));
  }
  std::vector<std::string> last_event_ids;
  for (const auto& r : server.requests()) {
    if (r.method == "GET") last_event_ids.push_back(r.header("last-event-id"));
  }
  ASSERT_GE(last_event_ids.size(), 2u);
  EXPECT_EQ(last_event_ids[0], "");
  EXPECT_EQ(last_event_ids[1], "g2") << "resumed after the last event received";
  std::lock_guard lock(m);
  EXPECT_GE(resumed_at - first_stream_ended, 290ms) << "the client waited the server's retry (300 ms)";
  EXPECT_LT(resumed_at - first_stream_ended, 10s) << "the client waited its default instead of the server's retry";
}

TEST(HttpClient, ExpiredSessionIsReinitializedAndTheRequestRetried) {
  std::atomic<int> initializes{0};
  test::scripted_http_server server([&](const http_request& req, http_connection& conn) {
    if (req.method != "POST") return conn.respond(405, "text/plain", "");
    auto method = req.rpc_method();
    if (method == "initialize") {
      int n = ++initializes;
      return conn.respond_json(test::initialize_response(req.rpc_id()),
                               "Mcp-Session-Id: s" + std::to_string(n) + "\r\n");
    }
    if (req.header("mcp-session-id") == "s1") return conn.respond(404, "text/plain", "session expired");
    if (req.rpc_id().is_null()) return conn.accepted();
    conn.respond_json(test::result_response(req.rpc_id(), {{"session", req.header("mcp-session-id")}}));
  });
  auto c = connect_to(server.url(), {.open_get_stream = false});
  auto result = c->request("tools/list");
  EXPECT_EQ(result.at("session").as_string(), "s2");
  EXPECT_EQ(initializes.load(), 2);
  EXPECT_EQ(c->transport().session_id(), "s2");
}

TEST(HttpClient, ServerThatNeverAnswersTimesOut) {
  test::scripted_http_server server(basic([](const http_request&, http_connection& conn) {
    conn.start_sse();
    conn.wait_closed();
  }));
  auto c = connect_to(server.url());
  auto e = expect_client_error([&] { c->ping({.timeout = 300ms}); });
  EXPECT_EQ(e.kind(), error_kind::timeout);
}

TEST(HttpClient, ServerDownIsATransportError) {
  int port;
  {
    test::scripted_http_server server([](const http_request&, http_connection&) {});
    port = std::stoi(server.url().substr(std::string("http://127.0.0.1:").size()));
  }
  client::client c(std::make_unique<client::http_transport>(
      client::http_options{.url = "http://127.0.0.1:" + std::to_string(port) + "/mcp"}));
  auto e = expect_client_error([&] { c.connect(); });
  EXPECT_EQ(e.kind(), error_kind::transport_error);
}

TEST(HttpClient, BadUrlsAreRejected) {
  EXPECT_THROW(client::http_transport({.url = "not a url"}), client_error);
  EXPECT_THROW(client::http_transport({.url = "ftp://example.com/mcp"}), client_error);
}

}  // namespace
}  // namespace lumen
