// Histograms: buckets by the conventions' boundaries, one point per attribute set.
#include <lumen/sdk/metrics.hpp>
#include <lumen/telemetry/semconv.hpp>
#include <lumen/exporter/otlp_metrics.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <thread>

namespace lumen::sdk {
namespace {
using namespace lumen::trace;

TEST(Histogram, CountsIntoBucketsWithUpperInclusiveBounds) {
  histogram h("d", "s", "", {0.1, 1});
  h.record(0.05, {});
  h.record(0.1, {});  // boundaries are inclusive upper bounds (OTLP explicit buckets)
  h.record(0.5, {});
  h.record(7, {});
  auto points = h.points();
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].bucket_counts, (std::vector<std::uint64_t>{2, 1, 1}));
  EXPECT_EQ(points[0].count, 4u);
  EXPECT_DOUBLE_EQ(points[0].sum, 7.65);
  EXPECT_DOUBLE_EQ(points[0].min, 0.05);
  EXPECT_DOUBLE_EQ(points[0].max, 7);
}

TEST(Histogram, AttributeSetsAreOrderIndependent) {
  histogram h("d", "s", "", lumen::telemetry::semconv::mcp_duration_boundaries());
  h.record(1, {{"a", std::string("x")}, {"b", std::int64_t{1}}});
  h.record(2, {{"b", std::int64_t{1}}, {"a", std::string("x")}});
  h.record(3, {{"a", std::string("y")}});
  auto points = h.points();
  ASSERT_EQ(points.size(), 2u);
  std::uint64_t total = 0;
  for (const auto& p : points) total += p.count;
  EXPECT_EQ(total, 3u);
}

TEST(Histogram, ViewsAndOwnedSetsShareAPointAndValuesKeepTheirKind) {
  histogram h("d", "s", "", lumen::telemetry::semconv::mcp_duration_boundaries());
  h.record(1, {{"a", std::string("x")}, {"b", std::int64_t{1}}});
  const std::array<metric_attribute_view, 2> same{{{"b", std::int64_t{1}}, {"a", std::string_view("x")}}};
  h.record_views(2, same);
  // The string "1" is not the integer 1; and a subset is its own set.
  const std::array<metric_attribute_view, 2> text_one{{{"a", std::string_view("x")}, {"b", std::string_view("1")}}};
  h.record_views(3, text_one);
  const std::array<metric_attribute_view, 1> subset{{{"a", std::string_view("x")}}};
  h.record_views(4, subset);
  auto points = h.points();
  ASSERT_EQ(points.size(), 3u);
  // Ordered by attribute set, each stored sorted by key.
  EXPECT_EQ(points[0].attributes, (metric_attributes{{"a", std::string("x")}}));
  EXPECT_EQ(points[0].count, 1u);
  EXPECT_EQ(points[1].attributes, (metric_attributes{{"a", std::string("x")}, {"b", std::string("1")}}));
  EXPECT_EQ(points[2].attributes, (metric_attributes{{"a", std::string("x")}, {"b", std::int64_t{1}}}));
  EXPECT_EQ(points[2].count, 2u);
  EXPECT_DOUBLE_EQ(points[2].sum, 3);
}

TEST(Histogram, SetsDifferingInOneByteOrOnlyInTheirKeysAreApart) {
  histogram h("d", "s", "", lumen::telemetry::semconv::mcp_duration_boundaries());
  std::size_t expected = 0;
  // Every length around the comparison's 8- and 16-byte loads, each byte changed in turn.
  for (std::size_t n = 1; n <= 40; ++n) {
    const std::string base(n, 'a');
    for (std::size_t i = 0; i <= n; ++i) {
      std::string text = base;
      if (i < n) text[i] = 'b';  // i == n: the base itself
      const std::array<metric_attribute_view, 1> set{{{"k", std::string_view(text)}}};
      h.record_views(1, set);
      h.record_views(1, set);
      ++expected;
    }
  }
  // The same value under another key, and a key that differs in its last byte only.
  const std::array<metric_attribute_view, 1> other_key{{{"j", std::string_view("a")}}};
  const std::array<metric_attribute_view, 1> long_key{{{"mcp.method.namf", std::string_view("a")}}};
  const std::array<metric_attribute_view, 1> long_key_2{{{"mcp.method.name", std::string_view("a")}}};
  for (const auto& set : {other_key, long_key, long_key_2}) {
    h.record_views(1, set);
    h.record_views(1, set);
    ++expected;
  }
  // Interleaved, each record is a different series than the one before.
  for (std::size_t n = 1; n <= 40; ++n) {
    const std::string a(n, 'a'), b(n, 'b');
    const std::array<metric_attribute_view, 1> set_a{{{"k", std::string_view(a)}}};
    const std::array<metric_attribute_view, 1> set_b{{{"k", std::string_view(b)}}};
    h.record_views(1, set_a);
    h.record_views(1, set_b);
    h.record_views(1, set_a);
  }
  const auto points = h.points();
  EXPECT_EQ(points.size(), expected + 39) << "the all-'b' strings longer than one byte are new series";
  for (const auto& p : points) {
    const auto& text = std::get<std::string>(p.attributes.at(0).second);
    const bool all_a = p.attributes.at(0).first == "k" && text.find_first_not_of('a') == std::string::npos;
    const bool all_b = p.attributes.at(0).first == "k" && text.find_first_not_of('b') == std::string::npos;
    EXPECT_EQ(p.count, all_a ? 4u : all_b && text.size() > 1 ? 1u : all_b ? 3u : 2u) << text;
  }
}

TEST(Histogram, ConcurrentRecordsAreAllCounted) {
  histogram h("d", "s", "", lumen::telemetry::semconv::http_duration_boundaries());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) h.record(0.001 * i, {{"k", std::string("v")}});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.points().at(0).count, 40000u);
}

TEST(Meter, ReturnsTheSameHistogramByName) {
  meter m;
  auto& a = m.get_histogram("x", "s", "d", lumen::telemetry::semconv::mcp_duration_boundaries());
  auto& b = m.get_histogram("x", "s", "d", lumen::telemetry::semconv::mcp_duration_boundaries());
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(m.histograms().size(), 1u);
  EXPECT_TRUE(m.find("x"));
  EXPECT_FALSE(m.find("y"));
}

}  // namespace
}  // namespace lumen::sdk

namespace lumen::sdk {
namespace {

TEST(MetricExportOptions, OnlyFromEnvironmentReadsTheEnvironment) {
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://collector.example:4318/custom", 1);
  ::setenv("OTEL_METRIC_EXPORT_INTERVAL", "1500", 1);
  const exporter::metric_export_options plain;
  const auto configured = exporter::metric_export_options::from_environment();
  ::unsetenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
  ::unsetenv("OTEL_METRIC_EXPORT_INTERVAL");
  EXPECT_EQ(plain.http.url, "http://localhost:4318/v1/metrics");
  EXPECT_EQ(plain.interval, std::chrono::milliseconds(60000));
  EXPECT_EQ(configured.http.url, "http://collector.example:4318/custom");
  EXPECT_EQ(configured.interval, std::chrono::milliseconds(1500));
}

}  // namespace
}  // namespace lumen::sdk
