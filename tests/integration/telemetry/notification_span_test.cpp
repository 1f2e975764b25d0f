// Incoming notifications over Lumen's HTTP server (src/telemetry/server_observer.cpp): each one is
// a SERVER span named by its method alone, with mcp.method.name and no jsonrpc.request.id (a
// notification has no id), following the same parent/link rule as requests.
#include "telemetry_fixture.hpp"

#include <gtest/gtest.h>

namespace lumen::test {
namespace {

void expect_notification_span(const sdk::span_data& span, std::string_view method) {
  SCOPED_TRACE(std::string(method));
  EXPECT_EQ(span.name, method);
  EXPECT_EQ(span.kind, trace::span_kind::server);
  EXPECT_EQ(string_attribute(span.attributes, "mcp.method.name"), method);
  EXPECT_FALSE(has_attribute(span, "jsonrpc.request.id"));
  EXPECT_FALSE(has_attribute(span, "error.type"));
  EXPECT_EQ(span.status, trace::status_code::unset);
  EXPECT_EQ(string_attribute(span.attributes, "network.transport"), "tcp");
  EXPECT_TRUE(has_attribute(span, "mcp.session.id"));
  EXPECT_EQ(string_attribute(span.attributes, "mcp.protocol.version"), "2025-11-25");
}

TEST(NotificationSpan, InitializedCancelledAndProgress_EachOneServerSpanWithoutRequestId) {
  traced_http_server s;
  mcp_http_client c(s.port());
  c.open_session();
  auto cancelled = c.post(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":41,"reason":"late"}})");
  EXPECT_EQ(cancelled.status, 202u) << cancelled.body;
  auto progress = c.post(R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t1","progress":1,"total":2}})");
  EXPECT_EQ(progress.status, 202u) << progress.body;

  for (std::string_view method : {"notifications/initialized", "notifications/cancelled", "notifications/progress"}) {
    auto spans = s.recorder->wait_named(method);
    ASSERT_EQ(spans.size(), 1u) << method;
    expect_notification_span(spans[0], method);
  }
  // initialize and three notifications, each with its HTTP span: nothing lost or doubled.
  ASSERT_TRUE(s.recorder->wait_total(8));
  EXPECT_EQ(count_named(s.recorder->spans(), "POST /mcp"), 4u);
  EXPECT_EQ(s.recorder->spans().size(), 8u);
}

TEST(NotificationSpan, MetaTraceparent_IsTheParentAndTheHttpSpanTheLink) {
  const std::string meta_tp = "00-99999999999999999999999999999999-aaaaaaaaaaaaaaaa-01";
  traced_http_server s;
  mcp_http_client c(s.port());
  c.open_session();
  ASSERT_TRUE(s.recorder->wait_total(4));
  s.recorder->clear();
  auto r = c.post(json::serialize(json::object{
      {"jsonrpc", "2.0"},
      {"method", "notifications/progress"},
      {"params", {{"progressToken", "t2"}, {"progress", 1}, {"_meta", {{"traceparent", meta_tp}}}}}}));
  EXPECT_EQ(r.status, 202u) << r.body;

  auto span = s.recorder->wait_one("notifications/progress");
  auto http = s.recorder->wait_one("POST /mcp");
  expect_notification_span(span, "notifications/progress");
  EXPECT_EQ(span.parent.span_id(), trace::parse_traceparent(meta_tp)->span_id());
  EXPECT_EQ(span.context.trace_id(), trace::parse_traceparent(meta_tp)->trace_id());
  ASSERT_EQ(span.links.size(), 1u);
  EXPECT_TRUE(span.links[0].context.same_span(http.context));
}

}  // namespace
}  // namespace lumen::test
