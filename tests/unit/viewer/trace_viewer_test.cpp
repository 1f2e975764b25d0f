// The trace viewer over a span store: page, assets, the JSON API and its on/off switch.
#include <lumen/viewer/trace_viewer.hpp>

#include "../../support/stored_spans.hpp"

#include <gtest/gtest.h>

namespace lumen::viewer {
namespace {
using sdk::span_store;
using sdk::stored_span;

using test::make_span;
using test::trace_a;
using test::trace_b;

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
