// Streamable HTTP rejections: each status with a JSON-RPC error body.
#include "fixture.hpp"

using namespace lumen;
using namespace lumen::test;

using HttpErrors = http_fixture;

namespace {

void expect_jsonrpc_error(const http_reply& r, unsigned status) {
  EXPECT_EQ(r.status, status) << r.body;
  if (r.status == 431 || r.status == 413 || r.header("Content-Type") == "application/json") {
    auto v = boost::json::parse(r.body);
    EXPECT_EQ(v.at("jsonrpc"), "2.0");
    EXPECT_TRUE(v.at("id").is_null());
    EXPECT_TRUE(v.at("error").at("code").is_int64());
    EXPECT_TRUE(v.at("error").at("message").is_string());
  } else {
    ADD_FAILURE() << "no JSON body for " << status;
  }
}

}  // namespace

TEST_F(HttpErrors, MissingSessionId_Is400_UnknownIs404) {
  start();
  http_test_client c(port());
  open_session(c);
  expect_jsonrpc_error(c.request("POST", "/mcp", post_headers, call_body(2, "echo")), 400);
  expect_jsonrpc_error(c.request("POST", "/mcp", with_session("0123"), call_body(2, "echo")), 404);
  expect_jsonrpc_error(c.request("GET", "/mcp", {{"Accept", "text/event-stream"}}), 400);
  expect_jsonrpc_error(c.request("GET", "/mcp", get_headers("nope")), 404);
}

TEST_F(HttpErrors, ForeignHostOrOrigin_Is403) {
  start();
  http_test_client c(port());
  auto h = post_headers;
  h.emplace_back("Host", "evil.example:" + std::to_string(port()));
  expect_jsonrpc_error(c.request("POST", "/mcp", h, initialize_body()), 403);
  http_test_client c2(port());
  auto o = post_headers;
  o.emplace_back("Origin", "http://evil.example");
  expect_jsonrpc_error(c2.request("POST", "/mcp", o, initialize_body()), 403);
  http_test_client c3(port());
  auto ok = post_headers;
  ok.emplace_back("Origin", "http://localhost:" + std::to_string(port()));
  EXPECT_EQ(c3.request("POST", "/mcp", ok, initialize_body()).status, 200u);
}

TEST_F(HttpErrors, UnsupportedMethod_Is405WithAllow) {
  start();
  http_test_client c(port());
  auto r = c.request("PUT", "/mcp", post_headers, "{}");
  expect_jsonrpc_error(r, 405);
  EXPECT_EQ(r.header("Allow"), "GET, POST, DELETE");
}

TEST_F(HttpErrors, UnacceptableAccept_Is406) {
  start();
  http_test_client c(port());
  expect_jsonrpc_error(c.request("POST", "/mcp", {{"Accept", "application/json"}, {"Content-Type", "application/json"}},
                                 initialize_body()),
                       406);
  auto sid = open_session(c);
  expect_jsonrpc_error(c.request("GET", "/mcp", {{"Accept", "application/json"}, {"Mcp-Session-Id", sid}}), 406);
}

TEST_F(HttpErrors, WrongContentType_Is415) {
  start();
  http_test_client c(port());
  expect_jsonrpc_error(c.request("POST", "/mcp", {{"Accept", "application/json, text/event-stream"}, {"Content-Type", "text/plain"}},
                                 initialize_body()),
                       415);
}

TEST_F(HttpErrors, BodyTooLarge_Is413) {
  start({}, {.max_body_bytes = 1024});
  http_test_client c(port());
  expect_jsonrpc_error(c.request("POST", "/mcp", post_headers, std::string(4096, ' ')), 413);
}

namespace {

// A POST of `body` in chunks of at most `chunk` bytes.
std::string chunked_post(std::uint16_t port, const std::string& body, std::size_t chunk) {
  std::string out = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n";
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    const auto piece = body.substr(at, chunk);
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    out += size;
    out += piece;
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

}  // namespace

TEST_F(HttpErrors, ChunkedBody_IsReassembled) {
  start();
  http_test_client c(port());
  c.send_raw(chunked_post(port(), initialize_body(), 7));
  auto r = c.read();
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.header("Mcp-Session-Id"));
  EXPECT_EQ(r.json().at("result").at("protocolVersion"), "2025-11-25");
}

TEST_F(HttpErrors, ChunkedBodyTooLarge_Is413) {
  start({}, {.max_body_bytes = 1024});
  http_test_client c(port());
  c.send_raw(chunked_post(port(), std::string(4096, ' '), 512));
  expect_jsonrpc_error(c.read(), 413);
}

TEST_F(HttpErrors, ConnectionClose_IsAnsweredAndClosed) {
  start();
  http_test_client c(port());
  auto h = post_headers;
  h.emplace_back("Connection", "close");
  auto r = c.request("POST", "/mcp", h, initialize_body());
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Connection"), "close");
}

TEST_F(HttpErrors, IdleConnections_AreClosedAfterTheIdleTimeout) {
  start({}, {.idle_timeout = std::chrono::seconds(1)});
  // A request that never completes (a slow-loris client) is cut.
  http_test_client partial(port());
  partial.send_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"");
  // A keep-alive connection answered once and then left idle is closed too, but not at once.
  http_test_client idle(port());
  EXPECT_EQ(idle.request("POST", "/mcp", post_headers, initialize_body()).status, 200u);
  EXPECT_FALSE(idle.closed_by_peer_within(std::chrono::milliseconds(300)));
  EXPECT_TRUE(partial.closed_by_peer_within(std::chrono::seconds(5)));
  EXPECT_TRUE(idle.closed_by_peer_within(std::chrono::seconds(5)));
}

TEST_F(HttpErrors, HeadersTooLarge_Is431) {
  start({}, {.max_header_bytes = 2048});
  http_test_client c(port());
  auto h = post_headers;
  h.emplace_back("X-Big", std::string(8192, 'x'));
  expect_jsonrpc_error(c.request("POST", "/mcp", h, initialize_body()), 431);
}

TEST_F(HttpErrors, UnsupportedProtocolVersion_Is400) {
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  auto h = with_session(sid, "1999-01-01");
  auto r = c.request("POST", "/mcp", h, call_body(2, "echo"));
  expect_jsonrpc_error(r, 400);
  EXPECT_NE(r.body.find("MCP-Protocol-Version"), std::string::npos);
}

TEST_F(HttpErrors, MalformedJson_Is400ParseError_AndBatchIsRejected) {
  start();
  http_test_client c(port());
  auto r = c.request("POST", "/mcp", post_headers, "{not json");
  expect_jsonrpc_error(r, 400);
  EXPECT_EQ(r.json().at("error").at("code"), -32700);
  auto sid = open_session(c);
  expect_jsonrpc_error(c.request("POST", "/mcp", with_session(sid), "[" + call_body(2, "echo") + "]"), 400);
}

TEST_F(HttpErrors, BadBatches_On2025_03_26Sessions_Are400Or429) {
  start({.max_requests_per_session = 3});
  http_test_client c(port());
  auto sid = open_session(c, "2025-03-26");
  auto h = post_headers;
  h.emplace_back("Mcp-Session-Id", sid);
  auto rejected = [&](const std::string& body, unsigned status, std::string_view why) {
    auto r = c.request("POST", "/mcp", h, body);
    expect_jsonrpc_error(r, status);
    EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
  };
  rejected("[]", 400, "empty batch");
  rejected("[" + initialize_body("2025-03-26") + "]", 400, "initialize must not be part of a JSON-RPC batch");
  rejected("[" + call_body(2, "echo") + "," + call_body(2, "echo") + "]", 400, "request id 2 appears more than once");
  rejected("[" + call_body(2, "echo") + "," + call_body(3, "echo") + "," + call_body(4, "echo") + "," +
               call_body(8, "echo") + "]",
           429, "the batch's 4 requests would exceed");
  // An id in flight, in a batch: refused before anything of the batch runs.
  http_test_client busy(port());
  auto events = start_waiting_call(busy, h, call_body(5, "log_then_wait"));
  ASSERT_EQ(events.size(), 1u);  // the handler's log (no priming event for 2025-03-26)
  bool done = false;
  rejected("[" + call_body(6, "echo") + "," + call_body(5, "echo") + "]", 400, "already in use");
  gate_.open();
  busy.read_events(10, events, done);
  EXPECT_TRUE(done);
  // The session still answers a good batch.
  auto r = c.request("POST", "/mcp", h, "[" + call_body(7, "echo", R"({"text":"ok"})") + "]");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at(0).at("result").at("content").at(0).at("text"), "ok");
}

TEST_F(HttpErrors, OtherPaths_Are404) {
  start();
  http_test_client c(port());
  expect_jsonrpc_error(c.request("POST", "/elsewhere", post_headers, initialize_body()), 404);
}

TEST_F(HttpErrors, TooManyRequestsInFlight_Is429) {
  start({.max_requests_per_session = 1});
  http_test_client c(port());
  auto sid = open_session(c);
  http_test_client busy(port());
  ASSERT_EQ(start_waiting_call(busy, with_session(sid), call_body(2, "log_then_wait")).size(), 2u);
  expect_jsonrpc_error(c.request("POST", "/mcp", with_session(sid), call_body(3, "echo")), 429);
  gate_.open();
}

TEST_F(HttpErrors, RequestIdInFlight_Is400_AndTheRequestInFlightStillGetsItsAnswer) {
  // A second POST reusing the id of a request still in flight must not take over that request's
  // stream: its answer would be lost and the first POST would never end.
  start();
  http_test_client c(port());
  auto sid = open_session(c);
  http_test_client busy(port());
  auto events = start_waiting_call(busy, with_session(sid), call_body(5, "log_then_wait"));
  ASSERT_EQ(events.size(), 2u);  // the priming event and the handler's log
  bool done = false;

  auto reused = c.request("POST", "/mcp", with_session(sid), call_body(5, "echo", R"({"text":"again"})"));
  expect_jsonrpc_error(reused, 400);
  EXPECT_NE(reused.body.find("request id 5 is already in use"), std::string::npos) << reused.body;

  gate_.open();
  busy.read_events(10, events, done);  // until the stream ends
  ASSERT_TRUE(done) << "the first POST's stream ends with its answer";
  ASSERT_EQ(events.size(), 3u);
  auto answer = boost::json::parse(events.back().data);
  EXPECT_EQ(answer.at("id"), 5);
  EXPECT_EQ(answer.at("result").at("content").at(0).at("text"), "released");

  // Once answered, the id is free again.
  auto later = c.request("POST", "/mcp", with_session(sid), call_body(5, "echo", R"({"text":"again"})"));
  ASSERT_EQ(later.status, 200u) << later.body;
  EXPECT_EQ(later.json().at("result").at("content").at(0).at("text"), "again");
}

TEST_F(HttpErrors, ReaderThatStopsReading_IsDisconnected_NotBufferedWithoutBound) {
  // 256 KiB may wait for one connection; the flood is 32 MiB. The server closes the stalled
  // connection instead of holding the rest, and the events stay resumable from the store
  // (itself bounded).
  start({.event_limits = {.max_events_per_session = 100000, .max_bytes_per_session = 64 * 1024 * 1024}},
        {.max_buffered_bytes = 256 * 1024});
  http_test_client c(port());
  auto sid = open_session(c);
  http_test_client stalled(port(), 16 * 1024);
  stalled.send("GET", "/mcp", get_headers(sid));
  std::vector<sse_event> events;
  bool done = false;
  stalled.read_events(1, events, done);
  ASSERT_EQ(events.size(), 1u);  // priming; then it stops reading
  auto r = c.request("POST", "/mcp", with_session(sid), call_body(2, "flood", R"({"count":2048,"size":16384})"));
  EXPECT_EQ(r.status, 200u) << "the request's own answer is not held up by the stalled stream";
  // Now read what the server kept for the stalled connection (its queue, plus what the kernels'
  // socket buffers hold): the stream ends well before the 2048 events.
  stalled.read_events(100000, events, done, std::chrono::seconds(10));
  EXPECT_TRUE(done) << "the server ends the stream it stopped feeding";
  EXPECT_LT(events.size(), 1024u) << "the server buffered a stalled stream without bound";
  ASSERT_GE(events.size(), 2u);
  // Resuming after the last event received replays the rest from the event store; a replay larger
  // than the per-connection limit is cut too, so the client resumes again, each time further on.
  std::vector<sse_event> received(events.begin() + 1, events.end());
  for (int attempt = 0; attempt < 200 && received.size() < 2048; ++attempt) {
    http_test_client resumed(port());
    auto h = get_headers(sid);
    h.emplace_back("Last-Event-ID", received.back().id);
    resumed.send("GET", "/mcp", h);
    std::vector<sse_event> more;
    resumed.read_events(2048 - received.size(), more, done, std::chrono::seconds(5));
    if (more.empty()) break;  // no progress: fail below
    received.insert(received.end(), more.begin(), more.end());
  }
  ASSERT_EQ(received.size(), 2048u) << "every message arrives, across reconnections";
  for (std::size_t i = 0; i < received.size(); ++i) {
    ASSERT_EQ(received[i].id, "0-" + std::to_string(i + 1)) << "exactly once, in order";
  }
}
