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
  busy.send("POST", "/mcp", with_session(sid), call_body(2, "log_then_wait"));
  std::vector<sse_event> events;
  bool done = false;
  busy.read_events(2, events, done);
  expect_jsonrpc_error(c.request("POST", "/mcp", with_session(sid), call_body(3, "echo")), 429);
  gate_.open();
}
