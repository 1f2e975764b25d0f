// Telemetry of whole sessions over real HTTP sockets: Lumen's client against Lumen's server, both
// instrumented. CLIENT spans carry the session, protocol and server address attributes; the
// server-to-client CLIENT span says its network.transport; handlers reach their MCP span through
// request_context::span(); and mcp.server.session.duration / mcp.client.session.duration are
// recorded once per initialized session (never for stateless requests).
#include <lumen/client/client.hpp>
#include <lumen/client/http_transport.hpp>
#include <lumen/server/server.hpp>
#include <lumen/telemetry/semconv.hpp>
#include <lumen/telemetry/client_instrumentation.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/transport/http_server.hpp>
#include <lumen/transport/streamable_http.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace lumen::telemetry {
namespace {
using namespace lumen::sdk;
using lumen::trace::find_attribute;

using namespace std::chrono_literals;
namespace sc = semconv;

std::string string_attribute(const sdk::span_data& s, std::string_view key) {
  auto const* v = trace::find_attribute(s.attributes, key);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string("<absent>");
}

std::int64_t int_attribute(const sdk::span_data& s, std::string_view key) {
  auto const* v = trace::find_attribute(s.attributes, key);
  return v && std::holds_alternative<std::int64_t>(*v) ? std::get<std::int64_t>(*v) : -1;
}

const sdk::span_data* find_span(const std::vector<sdk::span_data>& spans, std::string_view name, trace::span_kind kind) {
  for (const auto& s : spans) {
    if (s.name == name && s.kind == kind) return &s;
  }
  return nullptr;
}

const metric_value* find_attribute(const histogram_point& p, std::string_view key) {
  for (const auto& [k, v] : p.attributes) {
    if (k == key) return &v;
  }
  return nullptr;
}

class SessionTelemetry : public ::testing::Test {
 protected:
  void start(bool stateless = false) {
    server_tel_ = runtime::create({.service_name = "server", .mode = telemetry_mode::full,
                                   .default_span_store_capacity = 0,
                                   .processors = {std::make_shared<sdk::simple_span_processor>(server_spans_)}});
    srv_ = std::make_unique<server::server>(protocol::implementation{.name = "t", .version = "1"},
                                            server::server_options{.observer = server_tel_->server_observer()});
    srv_->add_tool({.name = "annotated"}, [tracer = server_tel_->tracer()](const json::object&, server::request_context& ctx) {
      // The handler's own attribute and a child span started on another thread.
      ctx.span().set_attribute("app.answer", std::int64_t{42});
      const auto parent = ctx.span().context();
      std::thread([&] {
        auto child = tracer->start_span("background work", {.parent = parent});
        child.end();
      }).join();
      return protocol::call_tool_result::text("ok");
    });
    srv_->add_tool({.name = "ask_roots"}, [](const json::object&, server::request_context& ctx) {
      ctx.list_roots(10s);
      return protocol::call_tool_result::text("asked");
    });
    endpoint_ = std::make_unique<transport::mcp_endpoint>(*srv_, transport::endpoint_options{.stateless = stateless});
    http_ = std::make_unique<transport::http_server>(transport::http_server_options{.observer = server_tel_->http_observer()});
    http_->mount(*endpoint_);
    http_->start();
    client_tel_ = runtime::create({.service_name = "client", .mode = telemetry_mode::full,
                                   .default_span_store_capacity = 0,
                                   .processors = {std::make_shared<sdk::simple_span_processor>(client_spans_)},
                                   .raw_session_id = true});
  }

  std::unique_ptr<client::client> connect_client() {
    client::client_options options{.info = {.name = "c", .version = "1"}};
    telemetry::instrument(options, client_tel_, server::network_transport::tcp);
    auto c = std::make_unique<client::client>(
        std::make_unique<client::http_transport>(
            client::http_options{.url = "http://127.0.0.1:" + std::to_string(http_->port()) + "/mcp"}),
        std::move(options));
    c->set_roots({{.uri = "file:///work", .name = "work"}});
    c->connect();
    return c;
  }

  void TearDown() override {
    if (endpoint_) endpoint_->shutdown();
    if (http_) http_->stop();
  }

  // The server's spans once `name` (of `kind`) has ended. A server span ends just after its answer
  // is written, so the client can hold the answer a moment before the span is exported.
  std::vector<sdk::span_data> server_spans_after(std::string_view name, trace::span_kind kind) {
    auto spans = server_spans_->finished_spans();
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         !find_span(spans, name, kind) && std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(5ms)) {
      spans = server_spans_->finished_spans();
    }
    return spans;
  }

  std::shared_ptr<sdk::in_memory_exporter> server_spans_ = std::make_shared<sdk::in_memory_exporter>();
  std::shared_ptr<sdk::in_memory_exporter> client_spans_ = std::make_shared<sdk::in_memory_exporter>();
  std::shared_ptr<runtime> server_tel_, client_tel_;
  std::unique_ptr<server::server> srv_;
  std::unique_ptr<transport::mcp_endpoint> endpoint_;
  std::unique_ptr<transport::http_server> http_;
};

TEST_F(SessionTelemetry, ClientSpansCarrySessionProtocolAndServerAddress) {
  start();
  auto c = connect_client();
  c->call_tool("annotated");
  const std::string session_id = c->transport().session_id();
  ASSERT_FALSE(session_id.empty());
  c->close();

  auto spans = client_spans_->finished_spans();
  const auto* call = find_span(spans, "tools/call annotated", trace::span_kind::client);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(string_attribute(*call, sc::mcp_session_id), session_id);
  EXPECT_EQ(string_attribute(*call, sc::mcp_protocol_version), "2025-11-25");
  EXPECT_EQ(string_attribute(*call, sc::network_transport), "tcp");
  EXPECT_EQ(string_attribute(*call, sc::server_address), "127.0.0.1");
  EXPECT_EQ(int_attribute(*call, sc::server_port), http_->port());
  // The context went both into `_meta` (the MCP span's parent) and into the traceparent header
  // (the HTTP span's parent), and the HTTP span is the MCP span's Link.
  auto server_side = server_spans_after("tools/call annotated", trace::span_kind::server);
  const auto* server_mcp = find_span(server_side, "tools/call annotated", trace::span_kind::server);
  ASSERT_NE(server_mcp, nullptr);
  EXPECT_EQ(server_mcp->parent.span_id(), call->context.span_id());
  ASSERT_EQ(server_mcp->links.size(), 1u);
  const sdk::span_data* http_span = nullptr;
  for (const auto& s : server_side) {
    if (s.context.span_id() == server_mcp->links[0].context.span_id()) http_span = &s;
  }
  ASSERT_NE(http_span, nullptr);
  EXPECT_EQ(http_span->name, "POST /mcp");
  EXPECT_EQ(http_span->parent.span_id(), call->context.span_id()) << "traceparent header injected";
  // initialize goes out before there is a session or a negotiated revision.
  const auto* init = find_span(spans, "initialize", trace::span_kind::client);
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(string_attribute(*init, sc::mcp_session_id), "<absent>");
  EXPECT_EQ(string_attribute(*init, sc::server_address), "127.0.0.1");

  auto h = client_tel_->meter().find(sc::metric_mcp_client_operation_duration);
  ASSERT_TRUE(h);
  bool found = false;
  for (const auto& p : h->points()) {
    auto const* method = find_attribute(p, sc::mcp_method_name);
    if (!method || std::get<std::string>(*method) != "tools/call") continue;
    found = true;
    EXPECT_EQ(std::get<std::string>(*find_attribute(p, sc::server_address)), "127.0.0.1");
    EXPECT_EQ(std::get<std::int64_t>(*find_attribute(p, sc::server_port)), http_->port());
    EXPECT_EQ(std::get<std::string>(*find_attribute(p, sc::mcp_protocol_version)), "2025-11-25");
    EXPECT_EQ(find_attribute(p, sc::mcp_session_id), nullptr) << "never the session id on metrics";
  }
  EXPECT_TRUE(found);
}

TEST_F(SessionTelemetry, HandlersReachTheirMcpSpanThroughTheRequestContext) {
  start();
  auto c = connect_client();
  c->call_tool("annotated");
  c->close();
  auto spans = server_spans_after("tools/call annotated", trace::span_kind::server);
  const auto* mcp = find_span(spans, "tools/call annotated", trace::span_kind::server);
  ASSERT_NE(mcp, nullptr);
  EXPECT_EQ(int_attribute(*mcp, "app.answer"), 42);
  const auto* child = find_span(spans, "background work", trace::span_kind::internal);
  ASSERT_NE(child, nullptr) << "the child span started on another thread";
  EXPECT_EQ(child->parent.span_id(), mcp->context.span_id());
  EXPECT_EQ(child->context.trace_id(), mcp->context.trace_id());
}

TEST_F(SessionTelemetry, ServerToClientRequestsSayTheirNetworkTransport) {
  start();
  auto c = connect_client();
  c->call_tool("ask_roots");
  c->close();
  auto spans = server_spans_after("tools/call ask_roots", trace::span_kind::server);
  const auto* roots = find_span(spans, "roots/list", trace::span_kind::client);
  ASSERT_NE(roots, nullptr);
  EXPECT_EQ(string_attribute(*roots, sc::network_transport), "tcp");
  const auto* call = find_span(spans, "tools/call ask_roots", trace::span_kind::server);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(roots->parent.span_id(), call->context.span_id());
}

TEST_F(SessionTelemetry, EachSessionsDurationIsRecordedOnceOnBothSides) {
  start();
  auto c = connect_client();
  std::this_thread::sleep_for(30ms);  // a session that lasts measurably
  c->close();  // DELETE: the server ends the session
  c.reset();

  auto client_h = client_tel_->meter().find(sc::metric_mcp_client_session_duration);
  ASSERT_TRUE(client_h);
  auto client_points = client_h->points();
  ASSERT_EQ(client_points.size(), 1u);
  EXPECT_EQ(client_points[0].count, 1u);
  EXPECT_GE(client_points[0].sum, 0.03);
  EXPECT_EQ(std::get<std::string>(*find_attribute(client_points[0], sc::mcp_protocol_version)), "2025-11-25");
  EXPECT_EQ(std::get<std::string>(*find_attribute(client_points[0], sc::network_protocol_name)), "http");
  EXPECT_EQ(std::get<std::int64_t>(*find_attribute(client_points[0], sc::server_port)), http_->port());
  EXPECT_EQ(find_attribute(client_points[0], sc::error_type), nullptr);

  // The server's end of the session comes with the DELETE; wait for it rather than assume.
  std::shared_ptr<const histogram> server_h;
  for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(10ms)) {
    server_h = server_tel_->meter().find(sc::metric_mcp_server_session_duration);
    if (server_h && !server_h->points().empty()) break;
  }
  ASSERT_TRUE(server_h);
  endpoint_->shutdown();  // must not record the deleted session a second time
  auto server_points = server_h->points();
  ASSERT_EQ(server_points.size(), 1u);
  EXPECT_EQ(server_points[0].count, 1u);
  EXPECT_GE(server_points[0].sum, 0.03);
  EXPECT_EQ(std::get<std::string>(*find_attribute(server_points[0], sc::mcp_protocol_version)), "2025-11-25");
  EXPECT_EQ(std::get<std::string>(*find_attribute(server_points[0], sc::network_protocol_name)), "http");
}

TEST_F(SessionTelemetry, StatelessRequestsAreNotSessions) {
  start(/*stateless=*/true);
  auto c = connect_client();
  c->call_tool("annotated");
  c->close();
  endpoint_->shutdown();
  // Every POST, initialize included, is served by a throwaway session: none is a session.
  auto h = server_tel_->meter().find(sc::metric_mcp_server_session_duration);
  EXPECT_TRUE(!h || h->points().empty());
  auto ops = server_tel_->meter().find(sc::metric_mcp_server_operation_duration);
  ASSERT_TRUE(ops) << "the requests themselves are measured";
}

}  // namespace
}  // namespace lumen::telemetry
