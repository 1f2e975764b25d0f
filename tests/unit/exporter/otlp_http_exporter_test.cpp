// OTLP/HTTP exporter configuration from the OTEL_EXPORTER_OTLP_* variables.
#include <lumen/exporter/otlp.hpp>
#include "../../support/recording_provider.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace lumen::exporter {
namespace {
using namespace lumen::trace;
using sdk::span_data;
using test::fixture;

TEST(OtlpOptions, EndpointRulesFromEnvironment) {
  ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/", 1);
  ::setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20x, team = a", 1);
  ::setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", 1);
  auto o = otlp_http_options::from_environment();
  EXPECT_EQ(o.url, "http://collector:4318/v1/traces");
  EXPECT_EQ(o.protocol, otlp_protocol::http_json);
  ASSERT_EQ(o.headers.size(), 2u);
  EXPECT_EQ(o.headers[0].second, "Bearer x");
  EXPECT_EQ(o.headers[1].first, "team");
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://other:9999/custom", 1);
  EXPECT_EQ(otlp_http_options::from_environment().url, "http://other:9999/custom");
  for (auto v : {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_PROTOCOL",
                 "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"}) {
    ::unsetenv(v);
  }
}

TEST(OtlpOptions, MetricsHaveTheirOwnPathAndVariables) {
  EXPECT_FALSE(otlp_http_options::configured_in_environment(otlp_signal::metrics));
  EXPECT_EQ(otlp_http_options::from_environment(otlp_signal::metrics).url, "http://localhost:4318/v1/metrics");
  ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", 1);
  ::setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", 1);
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf", 1);
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "1500", 1);
  auto m = otlp_http_options::from_environment(otlp_signal::metrics);
  EXPECT_EQ(m.url, "http://collector:4318/v1/metrics");
  EXPECT_EQ(m.protocol, otlp_protocol::http_protobuf) << "the per-signal variable wins";
  EXPECT_EQ(m.timeout, std::chrono::milliseconds(1500));
  auto t = otlp_http_options::from_environment(otlp_signal::traces);
  EXPECT_EQ(t.protocol, otlp_protocol::http_json) << "metrics variables do not leak into traces";
  EXPECT_EQ(t.timeout, std::chrono::milliseconds(10000));
  ::unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
  ::setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://metrics:1234/custom", 1);
  EXPECT_TRUE(otlp_http_options::configured_in_environment(otlp_signal::metrics));
  EXPECT_FALSE(otlp_http_options::configured_in_environment(otlp_signal::traces));
  EXPECT_EQ(otlp_http_options::from_environment(otlp_signal::metrics).url, "http://metrics:1234/custom");
  for (auto v : {"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
                 "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"}) {
    ::unsetenv(v);
  }
}

}  // namespace
}  // namespace lumen::exporter
