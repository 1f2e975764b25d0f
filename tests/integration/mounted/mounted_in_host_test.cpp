// examples/mounted_in_host as a real process: a host HTTP application with its own routes and its
// own HTTP server spans mounts Lumen's endpoint; over real sockets, the MCP span's parent is the
// `_meta` context and its one Link is the host's span (or, without `_meta`, the host's span is
// the parent). Spans are read back through the trace viewer's JSON API the host also serves.
#include "../../support/child_process.hpp"
#include "../http/http_test_client.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

namespace lumen {
namespace {

using namespace std::chrono_literals;
using test::http_test_client;
namespace json = boost::json;

const std::string example = std::string(LUMEN_BINARY_DIR) + "/examples/mounted_in_host";

const http_test_client::headers_t post_headers{{"Accept", "application/json, text/event-stream"},
                                               {"Content-Type", "application/json"}};

class MountedInHost : public ::testing::Test {
 protected:
  void SetUp() override {
    host_ = std::make_unique<test::child_process>(std::vector<std::string>{example, "--port", "0"});
    auto line = host_->read_line(10s);
    ASSERT_TRUE(line.has_value()) << "no listening line";
    ASSERT_TRUE(line->starts_with("listening on http://127.0.0.1:")) << *line;
    auto rest = line->substr(std::string("listening on http://127.0.0.1:").size());
    port_ = static_cast<std::uint16_t>(std::stoi(rest.substr(0, rest.find('/'))));
    ASSERT_EQ(rest.substr(rest.find('/')), "/mcp");
  }
  void TearDown() override {
    if (host_) {
      ::kill(host_->pid(), SIGTERM);
      EXPECT_EQ(host_->wait(10s), 0) << "the host stops cleanly on SIGTERM";
    }
  }

  std::string open_session(http_test_client& c) {
    auto r = c.request("POST", "/mcp", post_headers,
                       R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                       R"("capabilities":{},"clientInfo":{"name":"it","version":"1"}}})");
    EXPECT_EQ(r.status, 200u) << r.body;
    auto sid = r.header("Mcp-Session-Id").value_or("");
    auto h = session_headers(sid);
    h.emplace_back("Content-Type", "application/json");
    EXPECT_EQ(c.request("POST", "/mcp", h, R"({"jsonrpc":"2.0","method":"notifications/initialized"})").status, 202u);
    return sid;
  }

  static http_test_client::headers_t session_headers(const std::string& sid) {
    return {{"Accept", "application/json, text/event-stream"}, {"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-11-25"}};
  }

  /// tools/call greet with an optional traceparent header and an optional `_meta.traceparent`.
  void call_greet(http_test_client& c, const std::string& sid, int id, const std::string& header_tp,
                  const std::string& meta_tp) {
    auto h = session_headers(sid);
    h.emplace_back("Content-Type", "application/json");
    if (!header_tp.empty()) h.emplace_back("traceparent", header_tp);
    json::object params{{"name", "greet"}, {"arguments", {{"name", "host"}}}};
    if (!meta_tp.empty()) params["_meta"] = json::object{{"traceparent", meta_tp}, {"progressToken", 7}};
    auto r = c.request("POST", "/mcp", h,
                       json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}}));
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json().at("result").at("content").at(0).at("text"), "Hello, host!");
  }

  /// The spans of a trace named `name`, from the viewer's API, waiting (bounded) for the export.
  json::array spans_named(const std::string& trace_id, std::string_view name, std::size_t want = 1) {
    json::array found;
    for (int attempt = 0; attempt < 100; ++attempt) {
      http_test_client c(port_);
      auto r = c.request("GET", "/_lumen/traces/api/traces/" + trace_id, {});
      found.clear();
      if (r.status == 200) {
        auto doc = r.json();
        for (const auto& s : doc.at("spans").as_array()) {
          if (s.at("name").as_string() == name) found.push_back(s);
        }
      }
      if (found.size() >= want) break;
      std::this_thread::sleep_for(50ms);
    }
    return found;
  }

  std::unique_ptr<test::child_process> host_;
  std::uint16_t port_ = 0;
};

TEST_F(MountedInHost, HostRoutesAndLumenShareOneServer) {
  http_test_client c(port_);
  auto health = c.request("GET", "/health", {});
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.json().at("sessions"), 0);
  auto page = c.request("GET", "/", {});
  EXPECT_EQ(page.status, 200u);
  EXPECT_NE(page.body.find("host application"), std::string::npos);
  EXPECT_EQ(c.request("GET", "/nowhere", {}).status, 404u);
  auto sid = open_session(c);
  EXPECT_EQ(sid.size(), 32u);
  EXPECT_EQ(c.request("GET", "/health", {}).json().at("sessions"), 1);
  // Lumen's endpoint rules hold inside the host: an unknown session is 404.
  auto unknown = session_headers("no-such-session");
  unknown.emplace_back("Content-Type", "application/json");
  EXPECT_EQ(c.request("POST", "/mcp", unknown, R"({"jsonrpc":"2.0","id":9,"method":"ping"})").status, 404u);
}

TEST_F(MountedInHost, StandaloneSseStreamFlowsThroughTheHost) {
  http_test_client c(port_);
  auto sid = open_session(c);
  http_test_client g(port_);
  g.send("GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-11-25"}});
  std::vector<test::sse_event> events;
  bool done = false;
  auto head = g.read_events(1, events, done);
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.header("Content-Type"), "text/event-stream");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "0-0");  // the priming event
  EXPECT_FALSE(done);
}

TEST_F(MountedInHost, MetaIsTheParentAndTheHostSpanIsTheLink) {
  const std::string header_tp = "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01";
  const std::string meta_tp = "00-cccccccccccccccccccccccccccccccc-dddddddddddddddd-01";
  http_test_client c(port_);
  auto sid = open_session(c);
  call_greet(c, sid, 2, header_tp, meta_tp);

  auto mcp = spans_named("cccccccccccccccccccccccccccccccc", "tools/call greet");
  ASSERT_EQ(mcp.size(), 1u) << "exactly one MCP span in the client's trace";
  const auto& span = mcp[0].as_object();
  EXPECT_EQ(span.at("parentSpanId"), "dddddddddddddddd");
  EXPECT_EQ(span.at("kind"), 2);
  ASSERT_EQ(span.at("links").as_array().size(), 1u);
  const auto& link = span.at("links").at(0).as_object();
  EXPECT_EQ(link.at("traceId"), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(link.at("attributes").at("lumen.link.kind"), "transport");

  auto host = spans_named("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "POST /mcp");
  ASSERT_EQ(host.size(), 1u) << "the host's HTTP span of that request";
  EXPECT_EQ(host[0].at("parentSpanId"), "bbbbbbbbbbbbbbbb");
  EXPECT_EQ(host[0].at("spanId"), link.at("spanId")) << "the Link points at the host's span";
  EXPECT_TRUE(spans_named("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "tools/call greet", 0).empty())
      << "the MCP span is not also in the transport trace";
}

TEST_F(MountedInHost, WithoutMetaTheHostSpanIsTheParent) {
  const std::string header_tp = "00-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-ffffffffffffffff-01";
  http_test_client c(port_);
  auto sid = open_session(c);
  call_greet(c, sid, 2, header_tp, "");
  // An invalid `_meta.traceparent` counts as absent.
  call_greet(c, sid, 3, header_tp, "00-not-a-traceparent-01");

  auto host = spans_named("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "POST /mcp", 2);
  auto mcp = spans_named("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "tools/call greet", 2);
  ASSERT_EQ(host.size(), 2u);
  ASSERT_EQ(mcp.size(), 2u);
  for (const auto& m : mcp) {
    EXPECT_TRUE(m.at("links").as_array().empty());
    bool parent_is_a_host_span = false;
    for (const auto& h : host) parent_is_a_host_span |= m.at("parentSpanId") == h.at("spanId");
    EXPECT_TRUE(parent_is_a_host_span) << json::serialize(m);
  }
  for (const auto& h : host) EXPECT_EQ(h.at("parentSpanId"), "ffffffffffffffff");
}

}  // namespace
}  // namespace lumen
