// The in-process span store: eviction, trace summaries and filters.
#include <lumen/sdk/span_store.hpp>

#include "../../support/stored_spans.hpp"

#include <gtest/gtest.h>

namespace lumen::sdk {
namespace {

using test::make_span;
using test::trace_a;
using test::trace_b;

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


}  // namespace
}  // namespace lumen::sdk
