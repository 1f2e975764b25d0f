// The span store and the viewer's JSON API.
#include <lumen/viewer/trace_viewer.hpp>

#include <gtest/gtest.h>

namespace lumen::viewer {
namespace {

stored_span make_span(std::string trace, std::string id, std::string parent, std::string name, std::int64_t start,
                      std::int64_t end, json::object attributes = {}, int status = 0) {
  stored_span s;
  s.trace_id = std::move(trace);
  s.span_id = std::move(id);
  s.parent_span_id = std::move(parent);
  s.name = std::move(name);
  s.service = "svc";
  s.kind = 2;
  s.start_unix_nano = start;
  s.end_unix_nano = end;
  s.attributes = std::move(attributes);
  s.status_code = status;
  return s;
}

const std::string trace_a(32, 'a');
const std::string trace_b(32, 'b');

TEST(SpanStore, EvictsOldestBeyondCapacity) {
  span_store store(3);
  for (int i = 0; i < 5; ++i) store.add(make_span(trace_a, std::string(15, '0') + std::to_string(i), "", "s", i, i + 1));
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.evicted(), 2u);
  EXPECT_FALSE(store.trace_of_span(std::string(15, '0') + "0"));
  EXPECT_TRUE(store.trace_of_span(std::string(15, '0') + "4"));
}

TEST(SpanStore, SummariesNameTheRootAndCountErrors) {
  span_store store;
  store.add(make_span(trace_a, "1111111111111111", "", "POST /mcp", 100, 900));
  store.add(make_span(trace_a, "2222222222222222", "9999999999999999", "tools/call add", 200, 800,
                      {{"mcp.method.name", "tools/call"}, {"gen_ai.tool.name", "add"}}, 2));
  store.add(make_span(trace_b, "3333333333333333", "", "tools/list", 1000, 1100, {{"mcp.method.name", "tools/list"}}));
  auto all = store.list_traces();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].at("traceId").as_string(), trace_b);  // newest first
  const auto& a = all[1].as_object();
  EXPECT_EQ(a.at("rootName").as_string(), "POST /mcp");
  EXPECT_EQ(a.at("spanCount").as_uint64(), 2u);
  EXPECT_EQ(a.at("errorCount").as_uint64(), 1u);
  EXPECT_EQ(a.at("durationNanos").as_string(), "800");
  EXPECT_EQ(a.at("tools").at(0).as_string(), "add");
}

TEST(SpanStore, RootFallsBackToEarliestSpanWithRemoteParent) {
  span_store store;
  store.add(make_span(trace_a, "2222222222222222", "1111111111111111", "child", 300, 400));
  store.add(make_span(trace_a, "1111111111111111", "ffffffffffffffff", "mcp span", 100, 500));
  EXPECT_EQ(store.list_traces()[0].at("rootName").as_string(), "mcp span");
}

TEST(SpanStore, FiltersByMethodToolAndStatus) {
  span_store store;
  store.add(make_span(trace_a, "1111111111111111", "", "tools/call add", 1, 2,
                      {{"mcp.method.name", "tools/call"}, {"gen_ai.tool.name", "add"}}, 2));
  store.add(make_span(trace_b, "2222222222222222", "", "tools/list", 3, 4, {{"mcp.method.name", "tools/list"}}));
  EXPECT_EQ(store.list_traces({.method = "tools/list"}).size(), 1u);
  EXPECT_EQ(store.list_traces({.tool = "add"}).at(0).at("traceId").as_string(), trace_a);
  EXPECT_EQ(store.list_traces({.tool = "nope"}).size(), 0u);
  EXPECT_EQ(store.list_traces({.has_error = true}).at(0).at("traceId").as_string(), trace_a);
  EXPECT_EQ(store.list_traces({.has_error = false}).at(0).at("traceId").as_string(), trace_b);
  EXPECT_EQ(store.list_traces({.limit = 1}).size(), 1u);
}

class TraceViewerTest : public ::testing::Test {
 protected:
  TraceViewerTest() {
    store_->add(make_span(trace_a, "1111111111111111", "", "POST /mcp", 100, 900));
    auto mcp = make_span(trace_b, "2222222222222222", "cccccccccccccccc", "tools/call add", 200, 800,
                         {{"mcp.method.name", "tools/call"}});
    mcp.links.push_back(json::object{{"traceId", trace_a}, {"spanId", "1111111111111111"},
                                     {"attributes", {{"lumen.link.kind", "transport"}}}});
    store_->add(mcp);
  }
  std::shared_ptr<span_store> store_ = std::make_shared<span_store>();
  trace_viewer viewer_{store_, "/_lumen/traces", true};
};

TEST_F(TraceViewerTest, IgnoresOtherPaths) {
  EXPECT_FALSE(viewer_.handle("GET", "/mcp"));
  EXPECT_FALSE(viewer_.handle("GET", "/_lumen/tracesX"));
  EXPECT_TRUE(viewer_.handle("GET", "/_lumen/traces"));
}

TEST_F(TraceViewerTest, ServesThePageAndAssets) {
  auto page = viewer_.handle("GET", "/_lumen/traces/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200u);
  EXPECT_NE(page->content_type.find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("app.js"), std::string::npos);
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/style.css")->status, 200u);
}

TEST_F(TraceViewerTest, ApiListsTracesWithFilters) {
  auto r = viewer_.handle("GET", "/_lumen/traces/api/traces?method=tools%2Fcall");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  auto v = json::parse(r->body);
  ASSERT_EQ(v.at("traces").as_array().size(), 1u);
  EXPECT_EQ(v.at("traces").at(0).at("traceId").as_string(), trace_b);
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/api/traces?limit=0")->status, 400u);
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/api/traces?limit=abc")->status, 400u);
}

TEST_F(TraceViewerTest, ApiReturnsATraceWithLinks) {
  auto r = viewer_.handle("GET", "/_lumen/traces/api/traces/" + trace_b);
  ASSERT_TRUE(r);
  auto v = json::parse(r->body);
  const auto& span = v.at("spans").at(0);
  EXPECT_EQ(span.at("parentSpanId").as_string(), "cccccccccccccccc");
  EXPECT_EQ(span.at("links").at(0).at("spanId").as_string(), "1111111111111111");
  EXPECT_EQ(span.at("links").at(0).at("attributes").at("lumen.link.kind").as_string(), "transport");
}

TEST_F(TraceViewerTest, ApiErrorsAreClear) {
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/api/traces/" + std::string(32, 'd'))->status, 404u);
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/api/traces/XYZ")->status, 400u);
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/api/spans/1111111111111111")->status, 200u);
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/api/spans/nothex")->status, 400u);
  EXPECT_EQ(viewer_.handle("POST", "/_lumen/traces/api/traces")->status, 405u);
  EXPECT_EQ(viewer_.handle("GET", "/_lumen/traces/nope")->status, 404u);
}


TEST(TraceViewerSwitch, DisabledViewerAnswers404SayingHowToEnableIt) {
  trace_viewer off(std::make_shared<span_store>(), "/_lumen/traces", false);
  EXPECT_FALSE(off.enabled());
  for (const char* target : {"/_lumen/traces/", "/_lumen/traces/api/traces", "/_lumen/traces/app.js"}) {
    auto r = off.handle("GET", target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 404u);
    EXPECT_NE(r->body.find("LUMEN_TRACE_VIEWER=on"), std::string::npos);
  }
  EXPECT_FALSE(off.handle("GET", "/mcp")) << "other paths are still not the viewer's";
}

TEST(TraceViewerSwitch, EnvironmentOverridesTheBuildDefault) {
  ::setenv("LUMEN_TRACE_VIEWER", "off", 1);
  EXPECT_FALSE(trace_viewer::enabled_by_default());
  EXPECT_FALSE(trace_viewer(std::make_shared<span_store>()).enabled());
  ::setenv("LUMEN_TRACE_VIEWER", "on", 1);
  EXPECT_TRUE(trace_viewer::enabled_by_default());
  auto r = trace_viewer(std::make_shared<span_store>()).handle("GET", "/_lumen/traces/api/traces");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  ::unsetenv("LUMEN_TRACE_VIEWER");
}

}  // namespace
}  // namespace lumen::viewer
