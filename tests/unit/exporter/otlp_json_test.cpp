// The OTLP/JSON encoding of spans.
#include <lumen/exporter/otlp.hpp>
#include <lumen/json.hpp>
#include "../../support/recording_provider.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace lumen::exporter {
namespace {
using namespace lumen::trace;
using sdk::span_data;
using test::fixture;

TEST(OtlpJson, HexIdsEnumIntegersAndInt64Strings) {
  fixture f;
  auto s = f.t->start_span("x", {.kind = span_kind::client, .attributes = {{"n", std::int64_t{42}}}});
  s.end();
  std::vector<std::unique_ptr<span_data>> batch;
  batch.push_back(std::make_unique<span_data>(f.exporter->finished_spans().at(0)));
  auto v = boost::json::parse(encode_otlp_json(batch));
  const auto& span = v.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(span.at("traceId").as_string(), s.context().trace_id().to_hex());
  EXPECT_EQ(span.at("kind").as_int64(), 3);
  EXPECT_TRUE(span.at("startTimeUnixNano").is_string());
  EXPECT_EQ(span.at("attributes").at(0).at("value").at("intValue").as_string(), "42");
}

}  // namespace
}  // namespace lumen::exporter
