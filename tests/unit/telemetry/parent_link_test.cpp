// The parent/link rule (docs/architecture.md#parent-and-link) on the session API: each row's `_meta` and
// ambient context are handed to server::session::receive directly, for both kinds of ambient
// context (a transport's span and the launching process's environment), and checked on the spans
// an in-memory exporter receives: parent ids, link ids and kinds, trace ids, nothing lost or
// doubled. The same rows through the real paths (Lumen's HTTP server, a host's mounted endpoint,
// stdio) are in tests/integration/telemetry/parent_link_paths_test.cpp.
#include <lumen/server/server.hpp>
#include <lumen/telemetry/parent_link.hpp>
#include <lumen/telemetry/telemetry.hpp>

#include "../../support/capture_sink.hpp"
#include "../../support/parent_link_table.hpp"

#include <gtest/gtest.h>

namespace lumen::telemetry {
namespace {

using namespace std::chrono_literals;

using test::parent_link::ambient_input;
using test::parent_link::ambient_tp;
using test::parent_link::meta_input;
using test::parent_link::meta_tp;
using test::parent_link::row;
using test::parent_link::rows;

// The transport and ambient kind a session's messages carry, and the attribute values they must
// become (written out, so that a changed spelling fails here).
struct ambient_case {
  const char* name;
  server::network_transport transport;
  server::ambient_kind kind;
  std::string_view transport_value;
  std::string_view kind_value;
};

const ambient_case ambient_cases[] = {
    {"TransportAmbient", server::network_transport::tcp, server::ambient_kind::transport, "tcp", "transport"},
    {"EnvironmentAmbient", server::network_transport::pipe, server::ambient_kind::environment, "pipe", "environment"}};

class ParentLink : public ::testing::TestWithParam<std::tuple<ambient_case, row>> {};

TEST_P(ParentLink, FollowsTheRule) {
  const auto& [p, r] = GetParam();
  auto exporter = std::make_shared<sdk::in_memory_exporter>();
  auto tel = runtime::create({.service_name = "parent-link", .mode = telemetry_mode::full,
                              .processors = {std::make_shared<sdk::simple_span_processor>(exporter)},
                              .sampler = sdk::parent_based_sampler(sdk::always_on_sampler())});
  server::server srv({.name = "t", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::text("x"); });
  auto sink = std::make_shared<test::capture_sink>();
  auto s = srv.connect(sink, p.transport == server::network_transport::pipe ? "" : "session-1");
  server::inbound_context origin;
  origin.network_transport = p.transport;
  origin.ambient_kind = p.kind;
  if (r.ambient == ambient_input::valid) origin.ambient_traceparent = ambient_tp;
  if (r.ambient == ambient_input::same_as_meta) origin.ambient_traceparent = meta_tp;
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}})", origin);
  sink->wait_response(1);
  exporter->reset();

  json::object params{{"name", "echo"}};
  if (r.meta == meta_input::valid) params["_meta"] = json::object{{"traceparent", meta_tp}, {"progressToken", 5}};
  if (r.meta == meta_input::invalid) params["_meta"] = json::object{{"traceparent", "00-zz-not-valid-01"}, {"tracestate", "a=1"}};
  s->receive(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/call"}, {"params", params}}), origin);
  sink->wait_response(2);
  ASSERT_TRUE(s->wait_idle(5s));

  auto spans = exporter->finished_spans();
  ASSERT_EQ(spans.size(), 1u) << "exactly one MCP span: none lost, none duplicated";
  const auto& span = spans[0];
  EXPECT_EQ(span.name, "tools/call echo");
  EXPECT_EQ(span.kind, trace::span_kind::server);
  if (r.expected_parent) {
    auto expected = *trace::parse_traceparent(*r.expected_parent);
    EXPECT_EQ(span.parent.span_id(), expected.span_id());
    EXPECT_EQ(span.context.trace_id(), expected.trace_id());
    EXPECT_TRUE(span.parent.is_remote());
  } else {
    EXPECT_FALSE(span.parent.is_valid());
    EXPECT_NE(span.context.trace_id().to_hex(), trace::parse_traceparent(meta_tp)->trace_id().to_hex());
    EXPECT_NE(span.context.trace_id().to_hex(), trace::parse_traceparent(ambient_tp)->trace_id().to_hex());
  }
  if (r.expect_link) {
    ASSERT_EQ(span.links.size(), 1u);
    auto ambient = *trace::parse_traceparent(ambient_tp);
    EXPECT_EQ(span.links[0].context.span_id(), ambient.span_id());
    EXPECT_EQ(span.links[0].context.trace_id(), ambient.trace_id());
    auto const* kind = trace::find_attribute(span.links[0].attributes, "lumen.link.kind");
    ASSERT_NE(kind, nullptr);
    EXPECT_EQ(std::get<std::string>(*kind), p.kind_value);
  } else {
    EXPECT_TRUE(span.links.empty());
  }
  auto const* transport = trace::find_attribute(span.attributes, "network.transport");
  ASSERT_NE(transport, nullptr);
  EXPECT_EQ(std::get<std::string>(*transport), p.transport_value);
}

INSTANTIATE_TEST_SUITE_P(AmbientKinds, ParentLink, ::testing::Combine(::testing::ValuesIn(ambient_cases), ::testing::ValuesIn(rows)),
                         [](const auto& test_info) {
                           return std::string(std::get<0>(test_info.param).name) + "_" + std::get<1>(test_info.param).name;
                         });

TEST(ParentLinkDecision, PureRule) {
  auto meta = *trace::parse_traceparent(meta_tp);
  auto ambient = *trace::parse_traceparent(ambient_tp);
  auto d = decide_parent_and_link(meta, ambient);
  EXPECT_EQ(d.parent, meta);
  ASSERT_TRUE(d.link);
  EXPECT_EQ(*d.link, ambient);
  EXPECT_FALSE(decide_parent_and_link(meta, meta).link);
  EXPECT_EQ(decide_parent_and_link({}, ambient).parent, ambient);
  EXPECT_FALSE(decide_parent_and_link({}, {}).parent.is_valid());
}

TEST(Telemetry, HandlerSpansNestUnderTheMcpSpanAndOutgoingRequestsCarryIt) {
  auto exporter = std::make_shared<sdk::in_memory_exporter>();
  auto tel = runtime::create({.service_name = "nesting", .mode = telemetry_mode::full,
                              .processors = {std::make_shared<sdk::simple_span_processor>(exporter)}});
  server::server srv({.name = "t", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "work"}, [&](const json::object&, server::request_context& ctx) {
    auto child = tel->tracer()->start_span("database query");  // the MCP span is current
    child.end();
    trace::current_span().set_attribute("app.items", std::int64_t{3});
    ctx.create_message({{"messages", json::array{}}, {"maxTokens", 1}});
    return protocol::call_tool_result::text("done");
  });
  auto sink = std::make_shared<test::capture_sink>();
  auto s = srv.connect(sink, "abc");
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"sampling":{}},"clientInfo":{"name":"c","version":"1"}}})");
  s->receive(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/call"},
                                          {"params", {{"name", "work"}, {"_meta", {{"traceparent", meta_tp}, {"progressToken", "p"}}}}}}));
  auto out = sink->wait_for([](const json::object& o) { return test::is_method(o, "sampling/createMessage"); });
  s->receive(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", out.at("id")},
                                          {"result", {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "y"}}}, {"model", "m"}}}}));
  sink->wait_response(2);
  ASSERT_TRUE(s->wait_idle(5s));
  auto spans = exporter->finished_spans();
  auto find = [&](std::string_view name) {
    for (const auto& sp : spans) {
      if (sp.name == name) return sp;
    }
    ADD_FAILURE() << "no span " << name;
    return sdk::span_data{};
  };
  auto mcp = find("tools/call work");
  auto db = find("database query");
  auto sampling = find("sampling/createMessage");
  EXPECT_EQ(db.parent.span_id(), mcp.context.span_id());
  EXPECT_EQ(sampling.parent.span_id(), mcp.context.span_id());
  EXPECT_EQ(sampling.kind, trace::span_kind::client);
  EXPECT_EQ(std::get<std::int64_t>(*trace::find_attribute(mcp.attributes, "app.items")), 3);
  // The outgoing request's _meta carries the CLIENT span's context.
  auto tp = out.at("params").at("_meta").at("traceparent").as_string();
  EXPECT_EQ(trace::parse_traceparent(tp)->span_id(), sampling.context.span_id());
  // mcp.session.id is a keyed hash, not the id itself.
  auto sid = std::get<std::string>(*trace::find_attribute(mcp.attributes, "mcp.session.id"));
  EXPECT_NE(sid, "abc");
  EXPECT_EQ(sid.size(), 16u);
}

TEST(Telemetry, ErrorsSetErrorTypeAndStatus) {
  auto exporter = std::make_shared<sdk::in_memory_exporter>();
  auto tel = runtime::create({.mode = telemetry_mode::full, .processors = {std::make_shared<sdk::simple_span_processor>(exporter)}});
  server::server srv({.name = "t", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "bad"}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::error("nope"); });
  auto sink = std::make_shared<test::capture_sink>();
  auto s = srv.connect(sink);
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}})");
  s->receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"bad"}})");
  s->receive(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"missing"}})");
  sink->wait_response(2);
  sink->wait_response(3);
  ASSERT_TRUE(s->wait_idle(5s));
  auto spans = exporter->finished_spans();
  int checked = 0;
  for (const auto& sp : spans) {
    auto const* et = trace::find_attribute(sp.attributes, "error.type");
    auto const* id = trace::find_attribute(sp.attributes, "jsonrpc.request.id");
    if (!id) continue;
    if (std::get<std::string>(*id) == "2") {
      EXPECT_EQ(std::get<std::string>(*et), "tool_error");
      EXPECT_EQ(sp.status, trace::status_code::error);
      EXPECT_EQ(sp.status_message, "nope");
      ++checked;
    }
    if (std::get<std::string>(*id) == "3") {
      EXPECT_EQ(std::get<std::string>(*et), "-32602");
      EXPECT_EQ(std::get<std::string>(*trace::find_attribute(sp.attributes, "rpc.response.status_code")), "-32602");
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);
  auto metric = tel->meter().find("mcp.server.operation.duration");
  ASSERT_TRUE(metric);
  std::uint64_t total = 0;
  for (const auto& p : metric->points()) total += p.count;
  EXPECT_EQ(total, 3u);  // initialize + two tools/call
}

TEST(Telemetry, PropagationModeRecordsNothingButPassesContextThrough) {
  auto exporter = std::make_shared<sdk::in_memory_exporter>();
  auto tel = runtime::create({.mode = telemetry_mode::propagation,
                              .processors = {std::make_shared<sdk::simple_span_processor>(exporter)}});
  server::server srv({.name = "t", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "ask"}, [](const json::object&, server::request_context& ctx) {
    ctx.list_roots();
    return protocol::call_tool_result::text("ok");
  });
  auto sink = std::make_shared<test::capture_sink>();
  auto s = srv.connect(sink);
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"roots":{}},"clientInfo":{"name":"c","version":"1"}}})");
  s->receive(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/call"},
                                          {"params", {{"name", "ask"}, {"_meta", {{"traceparent", meta_tp}}}}}}));
  auto out = sink->wait_for([](const json::object& o) { return test::is_method(o, "roots/list"); });
  EXPECT_EQ(out.at("params").at("_meta").at("traceparent").as_string(), meta_tp);
  s->receive(json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", out.at("id")}, {"result", {{"roots", json::array{}}}}}));
  sink->wait_response(2);
  ASSERT_TRUE(s->wait_idle(5s));
  s->close();
  EXPECT_TRUE(exporter->finished_spans().empty());
  EXPECT_TRUE(tel->meter().histograms().empty()) << "no metrics either";
}

}  // namespace
}  // namespace lumen::telemetry
