// HTTP server spans of Lumen's own HTTP server (src/telemetry/http_observer.cpp) over real
// sockets, by the HTTP semantic conventions: name `{method} {route}`, the request attributes, the
// status code, and error.type only for 5xx; and with http_server_spans = false, none at all.
#include "telemetry_fixture.hpp"

#include <gtest/gtest.h>

namespace lumen::test {
namespace {

const std::string header_tp = "00-5555555555555555555555555555555a-6666666666666666-01";

void add_echo(server::server& srv) {
  srv.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) {
    return protocol::call_tool_result::text("x");
  });
}

std::size_t count_named_starting_with(const std::vector<sdk::span_data>& spans, std::string_view name_prefix) {
  std::size_t n = 0;
  for (const auto& s : spans) n += s.name.starts_with(name_prefix);
  return n;
}

TEST(HttpServerSpan, OnByDefault_SemanticConventionAttributes) {
  traced_http_server s;
  add_echo(s.srv);
  mcp_http_client c(s.port());
  c.open_session();
  ASSERT_TRUE(s.recorder->wait_total(4));
  s.recorder->clear();

  auto answer = c.call(call_body(2, "echo"), {{"User-Agent", "telemetry-it/1.0"}, {"traceparent", header_tp}});
  ASSERT_TRUE(answer.as_object().contains("result")) << answer;
  auto http = s.recorder->wait_one("POST /mcp");
  s.recorder->wait_one("tools/call echo");
  EXPECT_EQ(count_named(s.recorder->spans(), "POST /mcp"), 1u);

  EXPECT_EQ(http.kind, trace::span_kind::server);
  EXPECT_EQ(string_attribute(http.attributes, "http.request.method"), "POST");
  EXPECT_EQ(string_attribute(http.attributes, "url.path"), "/mcp");
  EXPECT_EQ(string_attribute(http.attributes, "url.scheme"), "http");
  EXPECT_EQ(string_attribute(http.attributes, "http.route"), "/mcp");
  EXPECT_EQ(int_attribute(http.attributes, "http.response.status_code"), 200);
  EXPECT_EQ(string_attribute(http.attributes, "network.protocol.version"), "1.1");
  EXPECT_EQ(string_attribute(http.attributes, "server.address"), "127.0.0.1");
  EXPECT_EQ(int_attribute(http.attributes, "server.port"), s.port());
  EXPECT_EQ(string_attribute(http.attributes, "client.address"), "127.0.0.1");
  EXPECT_EQ(string_attribute(http.attributes, "user_agent.original"), "telemetry-it/1.0");
  EXPECT_FALSE(has_attribute(http, "error.type"));
  EXPECT_EQ(http.status, trace::status_code::unset);
  // The request's traceparent header is the HTTP span's parent.
  auto incoming = *trace::parse_traceparent(header_tp);
  EXPECT_EQ(http.parent.span_id(), incoming.span_id());
  EXPECT_EQ(http.context.trace_id(), incoming.trace_id());
}

TEST(HttpServerSpan, ProtocolVersionIsTheRequestsOwn) {
  traced_http_server s;
  http_test_client c(s.port());
  c.send_raw("GET /nowhere HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(c.read().status, 404u);
  auto http = s.recorder->wait_one("GET");
  EXPECT_EQ(string_attribute(http.attributes, "network.protocol.version"), "1.0");
}

TEST(HttpServerSpan, UnroutedPath_NamedByMethodAloneWithoutRoute) {
  traced_http_server s;
  http_test_client c(s.port());
  EXPECT_EQ(c.request("GET", "/nowhere/42", {}).status, 404u);
  auto http = s.recorder->wait_one("GET");
  EXPECT_FALSE(has_attribute(http, "http.route"));
  EXPECT_EQ(string_attribute(http.attributes, "url.path"), "/nowhere/42");
  EXPECT_EQ(int_attribute(http.attributes, "http.response.status_code"), 404);
  EXPECT_FALSE(has_attribute(http, "error.type")) << "4xx is the client's error";
  EXPECT_EQ(http.status, trace::status_code::unset);
}

TEST(HttpServerSpan, ServerError_ErrorTypeIsTheStatusCode_ClientErrorIsNot) {
  // One session at most: a second initialize is refused with 503 (a real 5xx of the endpoint);
  // an unknown session id is a 404.
  traced_http_server s({}, {.max_sessions = 1});
  mcp_http_client first(s.port());
  first.open_session();
  ASSERT_TRUE(s.recorder->wait_total(4));
  s.recorder->clear();

  mcp_http_client second(s.port());
  auto refused = second.post(initialize_body());
  ASSERT_EQ(refused.status, 503u) << refused.body;
  auto unknown = second.post(R"({"jsonrpc":"2.0","id":5,"method":"ping"})",
                             {{"Mcp-Session-Id", "no-such-session"}, {"MCP-Protocol-Version", "2025-11-25"}});
  ASSERT_EQ(unknown.status, 404u) << unknown.body;

  auto spans = s.recorder->wait_named("POST /mcp", 2);
  ASSERT_EQ(spans.size(), 2u);
  for (const auto& http : spans) {
    auto status = int_attribute(http.attributes, "http.response.status_code");
    ASSERT_TRUE(status);
    if (*status == 503) {
      EXPECT_EQ(string_attribute(http.attributes, "error.type"), "503");
      EXPECT_EQ(http.status, trace::status_code::error);
    } else {
      EXPECT_EQ(*status, 404);
      EXPECT_FALSE(has_attribute(http, "error.type"));
      EXPECT_EQ(http.status, trace::status_code::unset);
    }
  }
  EXPECT_NE(int_attribute(spans[0].attributes, "http.response.status_code"),
            int_attribute(spans[1].attributes, "http.response.status_code"));
}

TEST(HttpServerSpan, Disabled_NoHttpSpan_TheHeaderContextIsTheAmbientContext) {
  traced_http_server s({.http_server_spans = false});
  add_echo(s.srv);
  mcp_http_client c(s.port());
  c.open_session();
  const std::string meta_tp = "00-77777777777777777777777777777777-8888888888888888-01";
  const auto header = *trace::parse_traceparent(header_tp);
  // A traceparent header alone: the instrumented layer in front is the ambient context, so the parent.
  c.call(call_body(2, "echo"), {{"traceparent", header_tp}});
  // With `_meta`, the client's context is the parent and the header's context the Link.
  c.call(call_body_with_meta(3, "echo", {{"traceparent", meta_tp}}), {{"traceparent", header_tp}});
  // Neither: a new root.
  c.call(call_body(4, "echo"));

  auto calls = s.recorder->wait_named("tools/call echo", 3);
  ASSERT_EQ(calls.size(), 3u);
  for (const auto& span : calls) {
    const auto id = string_attribute(span.attributes, "jsonrpc.request.id");
    if (id == "2") {
      EXPECT_EQ(span.parent.span_id(), header.span_id());
      EXPECT_EQ(span.context.trace_id(), header.trace_id());
      EXPECT_TRUE(span.links.empty());
    } else if (id == "3") {
      EXPECT_EQ(span.parent.span_id(), trace::parse_traceparent(meta_tp)->span_id());
      EXPECT_EQ(span.context.trace_id(), trace::parse_traceparent(meta_tp)->trace_id());
      ASSERT_EQ(span.links.size(), 1u);
      EXPECT_EQ(span.links[0].context.span_id(), header.span_id());
      EXPECT_EQ(string_attribute(span.links[0].attributes, "lumen.link.kind"), "transport");
    } else {
      EXPECT_FALSE(span.parent.is_valid());
      EXPECT_NE(span.context.trace_id(), header.trace_id());
      EXPECT_TRUE(span.links.empty());
    }
  }
  // Five requests, five MCP spans (initialize, notifications/initialized, three calls), no HTTP span.
  ASSERT_TRUE(s.recorder->wait_total(5));
  auto all = s.recorder->spans();
  EXPECT_EQ(all.size(), 5u);
  EXPECT_EQ(count_named_starting_with(all, "POST"), 0u);
  EXPECT_EQ(count_named_starting_with(all, "GET"), 0u);
}

}  // namespace
}  // namespace lumen::test
