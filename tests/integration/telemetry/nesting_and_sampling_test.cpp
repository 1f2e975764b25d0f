// Two rules beyond the table of docs/architecture.md#parent-and-link: a sampler sees the final name (with
// the tool's name) and the request's attributes when the MCP span starts, so it can drop by tool;
// and `_meta` is applied once, where a request enters the process: a handler that proxies the
// request to another MCP server, forwarding the `_meta` it received, makes the sub-server's span a
// descendant of its own MCP span, not a sibling parented by the original `_meta`.
#include "telemetry_fixture.hpp"

#include <lumen/telemetry/client_instrumentation.hpp>

#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>

namespace lumen::test {
namespace {

using namespace std::chrono_literals;

const std::string client_tp = "00-5b8aa5a2d2c872e8321cf37308d69df2-051581bf3cb55c13-01";

// Drops `tools/call secret`, samples everything else, and remembers what it was shown.
class tool_sampler final : public sdk::sampler {
 public:
  sdk::sampling_decision should_sample(const sdk::sampling_input& in) const override {
    std::lock_guard lock(mutex_);
    if (in.kind == trace::span_kind::server && std::string(in.name).starts_with("tools/call")) {
      seen_.push_back({std::string(in.name), string_attribute(in.attributes, "gen_ai.tool.name").value_or("<absent>"),
                       string_attribute(in.attributes, "mcp.method.name").value_or("<absent>")});
    }
    return in.name == "tools/call secret" ? sdk::sampling_decision::drop : sdk::sampling_decision::record_and_sample;
  }
  std::string description() const override { return "tool_sampler"; }

  struct seen_span {
    std::string name, tool, method;
  };
  std::vector<seen_span> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<seen_span> seen_;
};

TEST(Sampling, ASamplerSeesTheToolNameAtStartAndCanDropByTool) {
  auto recorder = std::make_shared<span_recorder>();
  auto sampler = std::make_shared<tool_sampler>();
  auto tel = telemetry::runtime::create({.service_name = "sampling", .mode = telemetry::telemetry_mode::full,
                                         .default_span_store_capacity = 0,
                                         .processors = {std::make_shared<sdk::simple_span_processor>(recorder)},
                                         .sampler = sampler});
  server::server srv({.name = "t", .version = "1"}, {.observer = tel->server_observer()});
  for (const char* name : {"public", "secret"}) {
    srv.add_tool({.name = name}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::text("x"); });
  }
  transport::mcp_endpoint endpoint(srv);
  transport::http_server http(transport::http_server_options{.observer = tel->http_observer()});
  http.mount(endpoint);
  http.start();
  mcp_http_client c(http.port());
  c.open_session();
  c.call(call_body(2, "public"));
  c.call(call_body(3, "secret"));
  recorder->wait_named("tools/call public");
  endpoint.shutdown();
  http.stop();

  auto seen = sampler->seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].name, "tools/call public");
  EXPECT_EQ(seen[0].tool, "public");
  EXPECT_EQ(seen[0].method, "tools/call");
  EXPECT_EQ(seen[1].name, "tools/call secret");
  EXPECT_EQ(seen[1].tool, "secret");
  auto spans = recorder->spans();
  EXPECT_EQ(count_named(spans, "tools/call public"), 1u);
  EXPECT_EQ(count_named(spans, "tools/call secret"), 0u) << "dropped by the sampler";
}

TEST(Nesting, AProxiedSubServerNestsUnderTheMcpSpanAndNeverReReadsTheForwardedMeta) {
  traced_http_server inner;
  inner.srv.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::text("inner"); });

  traced_http_server outer;
  const std::string inner_url = "http://127.0.0.1:" + std::to_string(inner.port()) + "/mcp";
  outer.srv.add_tool({.name = "proxy"}, [&](const json::object&, server::request_context& ctx) {
    // A naive proxy: forwards the `_meta` it received (with the client's traceparent).
    client::client_options options{.info = {.name = "proxy", .version = "1"}};
    telemetry::instrument(options, outer.tel, server::network_transport::tcp);
    client::client sub(std::make_unique<client::http_transport>(client::http_options{.url = inner_url}), std::move(options));
    sub.connect();
    client::request_options forwarded;
    if (auto const* meta = ctx.meta()) forwarded.meta = *meta;
    auto r = sub.call_tool("echo", {}, forwarded);
    sub.close();
    return protocol::call_tool_result::text(r.text());
  });

  mcp_http_client c(outer.port());
  c.open_session();
  auto reply = c.call(call_body_with_meta(2, "proxy", {{"traceparent", client_tp}}));
  ASSERT_NE(json::serialize(reply).find("inner"), std::string::npos) << reply;

  const auto client_ctx = *trace::parse_traceparent(client_tp);
  auto outer_mcp = outer.recorder->wait_one("tools/call proxy");
  EXPECT_EQ(outer_mcp.parent.span_id(), client_ctx.span_id()) << "_meta is applied where the request enters";
  auto calls = outer.recorder->wait_named("tools/call echo");
  ASSERT_EQ(calls.size(), 1u);
  const auto& proxy_client_span = calls[0];
  EXPECT_EQ(proxy_client_span.kind, trace::span_kind::client);
  EXPECT_EQ(proxy_client_span.parent.span_id(), outer_mcp.context.span_id()) << "the handler's CLIENT span is its child";

  auto inner_mcp = inner.recorder->wait_one("tools/call echo");
  EXPECT_EQ(inner_mcp.context.trace_id(), client_ctx.trace_id()) << "one trace end to end";
  EXPECT_EQ(inner_mcp.parent.span_id(), proxy_client_span.context.span_id())
      << "the sub-server's parent is the proxy's CLIENT span, not the forwarded _meta";
  EXPECT_NE(inner_mcp.parent.span_id(), client_ctx.span_id());
}

}  // namespace
}  // namespace lumen::test
