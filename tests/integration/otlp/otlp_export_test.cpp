// OTLP/HTTP export checked by a decoder no one here wrote: the Node receiver decodes our
// protobuf with OpenTelemetry JS's generated schema (and our JSON as JSON) and reports every
// field; retries on 429, 502, 503 and 504 honouring Retry-After; an unresponsive collector never
// blocks the application, and OTEL_BSP_EXPORT_TIMEOUT bounds each export.
#include <lumen/json.hpp>
#include <lumen/exporter/otlp.hpp>
#include <lumen/sdk/tracer_provider.hpp>

#include "receiver.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace lumen::trace {
namespace {
using namespace lumen::sdk;
using namespace lumen::exporter;

using namespace std::chrono_literals;
using test::start_receiver;

std::string url_for(std::uint16_t port) { return test::receiver_url(port, "/v1/traces"); }

// Exact times (Unix ns) of the sample span, so that a wrong unit or field fails.
constexpr std::int64_t start_ns = 1'700'000'000'123'456'789;
constexpr std::int64_t event_ns = 1'700'000'000'223'456'789;
constexpr std::int64_t end_ns = 1'700'000'000'323'456'789;

// A span with every field set: kind, remote parent with trace state, attributes of each type,
// events with attributes and times, links with attributes and trace state, error status, and a
// dropped attribute, event and link.
std::vector<std::unique_ptr<span_data>> sample_batch(span_context& parent_out, span_context& link_out, span_context& self) {
  auto exporter = std::make_shared<in_memory_exporter>();
  span_limits limits;
  limits.attribute_count = 9;
  limits.event_count = 1;
  limits.link_count = 1;
  auto provider = tracer_provider::create(
      {.resource = resource::create("otlp-test", "9.9"), .limits = limits, .processors = {std::make_shared<simple_span_processor>(exporter)}});
  parent_out = *parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=abc");
  link_out = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "linkvendor=xyz,other=1");
  auto dropped_link = *parse_traceparent("00-11111111111111111111111111111111-2222222222222222-01");
  auto span = provider->get_tracer("otlp-scope", "1.2.3")
                  ->start_span("tools/call add",
                               {.kind = span_kind::server,
                                .parent = parent_out,
                                .links = {{link_out, {{"lumen.link.kind", std::string("transport")}, {"lumen.link.n", std::int64_t{7}}}, 0},
                                          {dropped_link, {}, 0}},
                                .attributes = {{"s", std::string("text")},
                                               {"b", true},
                                               {"i", std::int64_t{-42}},
                                               {"d", 2.5},
                                               {"as", std::vector<std::string>{"x", "y"}},
                                               {"ab", std::vector<bool>{true, false}},
                                               {"ai", std::vector<std::int64_t>{1, 2, 3}},
                                               {"ad", std::vector<double>{0.5}}},
                                .start_unix_nano = start_ns});
  span.set_attribute("extra", std::string("fits"));
  span.set_attribute("dropped", std::string("over the limit"));
  span.add_event("progress", {{"step", std::int64_t{1}}, {"label", std::string("half")}}, event_ns);
  span.add_event("dropped event");
  span.set_status(status_code::error, "it broke");
  self = span.context();
  span.end(end_ns);
  std::vector<std::unique_ptr<span_data>> batch;
  for (auto& s : exporter->finished_spans()) batch.push_back(std::make_unique<span_data>(s));
  return batch;
}

// The OTLP/JSON KeyValue list `list` as {key: AnyValue}.
json::object by_key(const json::value& list) {
  json::object out;
  for (const auto& kv : list.as_array()) out[kv.at("key").as_string()] = kv.at("value");
  return out;
}

TEST(OtlpExport, ProtobufDecodedByOpenTelemetryJsHasEveryField) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port)});
  ASSERT_EQ(exporter.export_spans(batch), export_result::success);
  auto line = receiver->read_line(10s);
  ASSERT_TRUE(line);
  auto v = json::parse(*line);
  EXPECT_EQ(v.at("path").as_string(), "/v1/traces");
  EXPECT_EQ(v.at("contentType").as_string(), "application/x-protobuf");
  const auto& rs = v.at("protobuf").at(0);
  EXPECT_EQ(rs.at("resource").at("service.name").at("string").as_string(), "otlp-test");
  EXPECT_EQ(rs.at("resource").at("service.version").at("string").as_string(), "9.9");
  EXPECT_EQ(rs.at("resource").at("telemetry.sdk.language").at("string").as_string(), "cpp");
  const auto& scope = rs.at("scopes").at(0);
  EXPECT_EQ(scope.at("scope").at("name").as_string(), "otlp-scope");
  EXPECT_EQ(scope.at("scope").at("version").as_string(), "1.2.3");
  const auto& s = scope.at("spans").at(0);
  EXPECT_EQ(s.at("traceId").as_string(), parent.trace_id().to_hex());
  EXPECT_EQ(s.at("spanId").as_string(), self.span_id().to_hex());
  EXPECT_EQ(s.at("parentSpanId").as_string(), parent.span_id().to_hex());
  EXPECT_EQ(s.at("traceState").as_string(), "vendor=abc");
  // (otlp-transformer 0.52.1's schema predates Span.flags and Link.flags; the JSON test checks them.)
  EXPECT_EQ(s.at("name").as_string(), "tools/call add");
  EXPECT_EQ(s.at("kind").as_int64(), 2);
  EXPECT_EQ(s.at("startTimeUnixNano").as_string(), std::to_string(start_ns));
  EXPECT_EQ(s.at("endTimeUnixNano").as_string(), std::to_string(end_ns));
  const auto& a = s.at("attributes");
  EXPECT_EQ(a.at("s").at("string").as_string(), "text");
  EXPECT_EQ(a.at("b").at("bool").as_bool(), true);
  EXPECT_EQ(a.at("i").at("int").as_string(), "-42");
  EXPECT_EQ(a.at("d").at("double").to_number<double>(), 2.5);
  EXPECT_EQ(a.at("as").at("array").at(1).at("string").as_string(), "y");
  EXPECT_EQ(a.at("ab").at("array").at(1).at("bool").as_bool(), false);
  EXPECT_EQ(a.at("ai").at("array").at(2).at("int").as_string(), "3");
  EXPECT_EQ(a.at("ad").at("array").at(0).at("double").to_number<double>(), 0.5);
  EXPECT_EQ(a.at("extra").at("string").as_string(), "fits");
  EXPECT_FALSE(a.as_object().contains("dropped"));
  EXPECT_EQ(a.as_object().size(), 9u);
  EXPECT_EQ(s.at("droppedAttributesCount").as_int64(), 1);
  ASSERT_EQ(s.at("events").as_array().size(), 1u);
  EXPECT_EQ(s.at("events").at(0).at("name").as_string(), "progress");
  EXPECT_EQ(s.at("events").at(0).at("timeUnixNano").as_string(), std::to_string(event_ns));
  EXPECT_EQ(s.at("events").at(0).at("attributes").at("step").at("int").as_string(), "1");
  EXPECT_EQ(s.at("events").at(0).at("attributes").at("label").at("string").as_string(), "half");
  EXPECT_EQ(s.at("droppedEventsCount").as_int64(), 1);
  ASSERT_EQ(s.at("links").as_array().size(), 1u);
  const auto& l = s.at("links").at(0);
  EXPECT_EQ(l.at("traceId").as_string(), link.trace_id().to_hex());
  EXPECT_EQ(l.at("spanId").as_string(), link.span_id().to_hex());
  EXPECT_EQ(l.at("traceState").as_string(), "linkvendor=xyz,other=1");
  EXPECT_EQ(l.at("attributes").at("lumen.link.kind").at("string").as_string(), "transport");
  EXPECT_EQ(l.at("attributes").at("lumen.link.n").at("int").as_string(), "7");
  EXPECT_EQ(s.at("droppedLinksCount").as_int64(), 1);
  EXPECT_EQ(s.at("status").at("code").as_int64(), 2);
  EXPECT_EQ(s.at("status").at("message").as_string(), "it broke");
}

// Spans whose attributes need multi-byte varint lengths, an empty key and an empty value, in a
// batch larger than the body's first size; then a smaller batch through the same exporter, whose
// body buffer is reused, decodes without leftovers of the first.
TEST(OtlpExport, LongValuesLargeBatchesAndReusedBodiesDecode) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  auto exporter_sink = std::make_shared<in_memory_exporter>();
  auto provider = tracer_provider::create({.resource = resource::create("otlp-test", "9.9"),
                                           .processors = {std::make_shared<simple_span_processor>(exporter_sink)}});
  auto tracer = provider->get_tracer("otlp-scope", "1.2.3");
  const std::string long_value(200, 'v');
  const std::string longer_value(20000, 'w');
  const std::string long_key(130, 'k');
  for (int i = 0; i < 300; ++i) {
    auto span = tracer->start_span("big " + std::to_string(i),
                                   {.attributes = {{"long", long_value},
                                                   {"longer", i == 0 ? longer_value : std::string(1000, 'x')},
                                                   {long_key, std::string("under a long key")},
                                                   {"", std::string("no key")},
                                                   {"empty", std::string()},
                                                   {"i", std::int64_t{i}},
                                                   {"as", std::vector<std::string>{"x", long_value}}}});
    span.end();
  }
  auto to_batch = [&] {
    std::vector<std::unique_ptr<span_data>> batch;
    for (auto& s : exporter_sink->finished_spans()) batch.push_back(std::make_unique<span_data>(s));
    exporter_sink->reset();
    return batch;
  };
  auto big = to_batch();
  otlp_http_exporter exporter({.url = url_for(port)});
  ASSERT_EQ(exporter.export_spans(big), export_result::success);
  auto line = receiver->read_line(20s);
  ASSERT_TRUE(line);
  auto v = json::parse(*line);
  const auto& spans = v.at("protobuf").at(0).at("scopes").at(0).at("spans").as_array();
  ASSERT_EQ(spans.size(), 300u);
  const auto& a = spans.at(0).at("attributes");
  EXPECT_EQ(a.at("long").at("string").as_string(), long_value);
  EXPECT_EQ(a.at("longer").at("string").as_string(), longer_value);
  EXPECT_EQ(a.at(long_key).at("string").as_string(), "under a long key");
  // The empty key is proto3's default, so it is not on the wire; the receiver's decoder leaves it
  // null, which its JSON turns into the key "null".
  EXPECT_EQ(a.at("null").at("string").as_string(), "no key");
  EXPECT_EQ(a.at("empty").at("string").as_string(), "");
  EXPECT_EQ(a.at("as").at("array").at(1).at("string").as_string(), long_value);
  EXPECT_EQ(spans.at(299).at("name").as_string(), "big 299");
  EXPECT_EQ(spans.at(299).at("attributes").at("i").at("int").as_string(), "299");
  EXPECT_EQ(spans.at(299).at("attributes").at("longer").at("string").as_string(), std::string(1000, 'x'));

  tracer->start_span("small", {.attributes = {{"k", std::string("v")}}}).end();
  auto small = to_batch();
  ASSERT_EQ(exporter.export_spans(small), export_result::success);
  line = receiver->read_line(10s);
  ASSERT_TRUE(line);
  v = json::parse(*line);
  const auto& small_spans = v.at("protobuf").at(0).at("scopes").at(0).at("spans").as_array();
  ASSERT_EQ(small_spans.size(), 1u);
  EXPECT_EQ(small_spans.at(0).at("name").as_string(), "small");
  EXPECT_EQ(small_spans.at(0).at("attributes").at("k").at("string").as_string(), "v");
}

TEST(OtlpExport, JsonEncodingHasHexIdsIntegerEnumsAndStringInt64) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port),
                               .protocol = otlp_protocol::http_json});
  ASSERT_EQ(exporter.export_spans(batch), export_result::success);
  auto line = receiver->read_line(10s);
  ASSERT_TRUE(line);
  auto v = json::parse(*line);
  EXPECT_EQ(v.at("contentType").as_string(), "application/json");
  EXPECT_EQ(v.at("path").as_string(), "/v1/traces");
  const auto& rs = v.at("json").at("resourceSpans").at(0);
  auto resource = by_key(rs.at("resource").at("attributes"));
  EXPECT_EQ(resource.at("service.name").at("stringValue").as_string(), "otlp-test");
  EXPECT_EQ(resource.at("service.version").at("stringValue").as_string(), "9.9");
  EXPECT_EQ(resource.at("telemetry.sdk.language").at("stringValue").as_string(), "cpp");
  const auto& ss = rs.at("scopeSpans").at(0);
  EXPECT_EQ(ss.at("scope").at("name").as_string(), "otlp-scope");
  EXPECT_EQ(ss.at("scope").at("version").as_string(), "1.2.3");
  const auto& s = ss.at("spans").at(0);
  EXPECT_EQ(s.at("traceId").as_string(), parent.trace_id().to_hex());
  EXPECT_EQ(s.at("spanId").as_string(), self.span_id().to_hex());
  EXPECT_EQ(s.at("parentSpanId").as_string(), parent.span_id().to_hex());
  EXPECT_EQ(s.at("traceState").as_string(), "vendor=abc");
  EXPECT_EQ(s.at("name").as_string(), "tools/call add");
  EXPECT_EQ(s.at("kind").as_int64(), 2);
  EXPECT_EQ(s.at("startTimeUnixNano").as_string(), std::to_string(start_ns)) << "int64 as a decimal string";
  EXPECT_EQ(s.at("endTimeUnixNano").as_string(), std::to_string(end_ns));
  EXPECT_EQ(s.at("flags").as_int64(), 0x301);  // sampled, parent is remote (HAS_IS_REMOTE | IS_REMOTE)

  auto a = by_key(s.at("attributes"));
  EXPECT_EQ(a.size(), 9u);
  EXPECT_EQ(a.at("s").at("stringValue").as_string(), "text");
  EXPECT_EQ(a.at("b").at("boolValue").as_bool(), true);
  EXPECT_EQ(a.at("i").at("intValue").as_string(), "-42") << "int64 as a decimal string";
  EXPECT_EQ(a.at("d").at("doubleValue").as_double(), 2.5) << "a double is a JSON number";
  const auto& as = a.at("as").at("arrayValue").at("values").as_array();
  ASSERT_EQ(as.size(), 2u);
  EXPECT_EQ(as.at(0).at("stringValue").as_string(), "x");
  EXPECT_EQ(as.at(1).at("stringValue").as_string(), "y");
  EXPECT_EQ(a.at("ab").at("arrayValue").at("values").at(1).at("boolValue").as_bool(), false);
  const auto& ai = a.at("ai").at("arrayValue").at("values").as_array();
  ASSERT_EQ(ai.size(), 3u);
  EXPECT_EQ(ai.at(2).at("intValue").as_string(), "3");
  EXPECT_EQ(a.at("ad").at("arrayValue").at("values").at(0).at("doubleValue").as_double(), 0.5);
  EXPECT_EQ(a.at("extra").at("stringValue").as_string(), "fits");
  EXPECT_FALSE(a.contains("dropped"));
  EXPECT_EQ(s.at("droppedAttributesCount").as_int64(), 1);

  ASSERT_EQ(s.at("events").as_array().size(), 1u);
  const auto& e = s.at("events").at(0);
  EXPECT_EQ(e.at("name").as_string(), "progress");
  EXPECT_EQ(e.at("timeUnixNano").as_string(), std::to_string(event_ns));
  auto ea = by_key(e.at("attributes"));
  EXPECT_EQ(ea.at("step").at("intValue").as_string(), "1");
  EXPECT_EQ(ea.at("label").at("stringValue").as_string(), "half");
  EXPECT_EQ(s.at("droppedEventsCount").as_int64(), 1);

  ASSERT_EQ(s.at("links").as_array().size(), 1u);
  const auto& l = s.at("links").at(0);
  EXPECT_EQ(l.at("traceId").as_string(), link.trace_id().to_hex());
  EXPECT_EQ(l.at("spanId").as_string(), link.span_id().to_hex());
  EXPECT_EQ(l.at("traceState").as_string(), "linkvendor=xyz,other=1");
  EXPECT_EQ(l.at("flags").as_int64(), 0x301);
  auto la = by_key(l.at("attributes"));
  EXPECT_EQ(la.at("lumen.link.kind").at("stringValue").as_string(), "transport");
  EXPECT_EQ(la.at("lumen.link.n").at("intValue").as_string(), "7");
  EXPECT_EQ(s.at("droppedLinksCount").as_int64(), 1);

  EXPECT_EQ(s.at("status").at("code").as_int64(), 2);
  EXPECT_EQ(s.at("status").at("message").as_string(), "it broke");
}

TEST(OtlpExport, GzipBodiesAreDecompressedByTheReceiver) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port), .gzip = true});
  ASSERT_EQ(exporter.export_spans(batch), export_result::success);
  auto v = json::parse(*receiver->read_line(10s));
  EXPECT_TRUE(v.at("gzip").as_bool());
  EXPECT_EQ(v.at("protobuf").at(0).at("scopes").at(0).at("spans").at(0).at("name").as_string(), "tools/call add");
}

TEST(OtlpExport, RetriesAfter503) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("flaky", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port),
                               .initial_backoff = 10ms, .max_backoff = 50ms});
  ASSERT_EQ(exporter.export_spans(batch), export_result::success);
  auto v = json::parse(*receiver->read_line(10s));
  EXPECT_EQ(v.at("attempts").as_int64(), 2);
}


class OtlpRetryableStatus : public ::testing::TestWithParam<int> {};

TEST_P(OtlpRetryableStatus, IsRetriedWithBackoff) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("fail:" + std::to_string(GetParam()) + ":2", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port), .initial_backoff = 10ms, .max_backoff = 50ms});
  ASSERT_EQ(exporter.export_spans(batch), export_result::success);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto failed = json::parse(*receiver->read_line(10s));
    EXPECT_EQ(failed.at("failed").as_int64(), attempt);
    EXPECT_EQ(failed.at("status").as_int64(), GetParam());
  }
  auto v = json::parse(*receiver->read_line(10s));
  EXPECT_EQ(v.at("attempts").as_int64(), 3);
  EXPECT_EQ(v.at("protobuf").at(0).at("scopes").at(0).at("spans").at(0).at("name").as_string(), "tools/call add");
  EXPECT_EQ(exporter.failed_spans(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Otlp, OtlpRetryableStatus, ::testing::Values(429, 502, 503, 504));

// Exports one batch to a receiver in `mode` that fails once with a Retry-After, and returns the
// wait between the failed attempt and the next, as the receiver measured it. The backoff is at
// most 10 ms, so a wait near a second can only come from Retry-After.
std::int64_t measured_retry_delay_ms(const std::string& mode) {
  std::uint16_t port = 0;
  auto receiver = start_receiver(mode, port);
  EXPECT_TRUE(receiver);
  if (!receiver) return -1;
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port), .initial_backoff = 10ms, .max_backoff = 10ms});
  EXPECT_EQ(exporter.export_spans(batch), export_result::success);
  auto failed = json::parse(*receiver->read_line(10s));
  EXPECT_TRUE(failed.as_object().contains("failed"));
  auto v = json::parse(*receiver->read_line(10s));
  EXPECT_EQ(v.at("attempts").as_int64(), 2);
  return v.at("sinceLastResponseMs").as_int64();
}

TEST(OtlpExport, RetryAfterSecondsIsHonoured) {
  auto delay = measured_retry_delay_ms("fail:429:1:1");
  EXPECT_GE(delay, 950);
  EXPECT_LT(delay, 3000);
}

TEST(OtlpExport, RetryAfterHttpDateIsHonoured) {
  // The date has a resolution of one second: 2 s ahead is between 1 and 2 s from now.
  auto delay = measured_retry_delay_ms("fail:503:1:date+2");
  EXPECT_GE(delay, 900);
  EXPECT_LT(delay, 3500);
}

TEST(OtlpExport, RetryAfterPastTheDeadlineGivesUpWithoutRetrying) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("fail:503:100:30", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  // The exporter's own deadline: timeout * (max_retries + 1) = 3 s, before the 30 s asked for.
  otlp_http_exporter exporter({.url = url_for(port), .timeout = 1s, .max_retries = 2, .initial_backoff = 10ms, .max_backoff = 10ms});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(exporter.export_spans(batch), export_result::failure);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "it gave up at once rather than wait or retry early";
  EXPECT_EQ(json::parse(*receiver->read_line(10s)).at("failed").as_int64(), 1);
  EXPECT_FALSE(receiver->read_line(500ms)) << "no immediate retry";
  EXPECT_EQ(exporter.failed_spans(), batch.size());
}

TEST(OtlpExport, RetryAfterPastTheBatchExportDeadlineGivesUp) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("fail:503:100:2", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port), .initial_backoff = 10ms, .max_backoff = 10ms});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(exporter.export_spans_until(batch, start + 1s), export_result::failure);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(json::parse(*receiver->read_line(10s)).at("failed").as_int64(), 1);
  EXPECT_FALSE(receiver->read_line(500ms)) << "no retry before the 2 s asked for";
}

TEST(OtlpExport, BatchExportTimeoutBoundsASlowCollector) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("silent", port);
  ASSERT_TRUE(receiver);
  // The exporter alone would wait 10 s; OTEL_BSP_EXPORT_TIMEOUT of 300 ms bounds the export.
  auto exporter = std::make_shared<otlp_http_exporter>(otlp_http_options{.url = url_for(port), .timeout = 10s, .max_retries = 0});
  auto processor = std::make_shared<batch_span_processor>(
      exporter, batch_options{.schedule_delay = 10ms, .max_queue_size = 64, .max_export_batch_size = 8, .export_timeout = 300ms});
  auto provider = tracer_provider::create({.processors = {processor}});
  provider->get_tracer("t")->start_span("first").end();
  auto start = std::chrono::steady_clock::now();
  processor->force_flush(30s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "force_flush held past the export timeout";
  for (int i = 0; i < 3 && exporter->failed_spans() < 1; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(exporter->failed_spans(), 1u) << "the exporter itself gave up at the deadline";

  provider->get_tracer("t")->start_span("second").end();
  start = std::chrono::steady_clock::now();
  processor->shutdown(30s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "shutdown held past the export timeout";
  for (int i = 0; i < 10 && exporter->failed_spans() < 2; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(exporter->failed_spans(), 2u);
}

TEST(OtlpExport, NoRetryOnOtherClientErrors) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("reject", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port),
                               .initial_backoff = 10ms, .max_backoff = 10ms});
  EXPECT_EQ(exporter.export_spans(batch), export_result::failure);
  EXPECT_EQ(json::parse(*receiver->read_line(10s)).at("rejected").as_int64(), 1);
  EXPECT_FALSE(receiver->read_line(300ms)) << "a 400 must not be retried";
  EXPECT_EQ(exporter.failed_spans(), batch.size());
}

TEST(OtlpExport, PartialSuccessIsCountedNotRetried) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("partial", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = url_for(port)});
  EXPECT_EQ(exporter.export_spans(batch), export_result::success);
  EXPECT_TRUE(receiver->read_line(10s));
  EXPECT_EQ(exporter.failed_spans(), 3u);
  EXPECT_FALSE(receiver->read_line(300ms)) << "a partial success is not retried";
}

TEST(OtlpExport, UndeliverableSpansAreCountedAfterBoundedRetries) {
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter unreachable({.url = "http://127.0.0.1:1/v1/traces", .timeout = 200ms, .max_retries = 1,
                                  .initial_backoff = 10ms, .max_backoff = 10ms});
  EXPECT_EQ(unreachable.export_spans(batch), export_result::failure);
  EXPECT_EQ(unreachable.failed_spans(), batch.size());
}

TEST(OtlpExport, AnUnresponsiveCollectorNeverBlocksTheApplication) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("silent", port);
  ASSERT_TRUE(receiver);
  auto processor = std::make_shared<batch_span_processor>(
      std::make_shared<otlp_http_exporter>(otlp_http_options{.url = url_for(port),
                                                             .timeout = 500ms, .max_retries = 0}),
      batch_options{.schedule_delay = 10ms, .max_queue_size = 64, .max_export_batch_size = 8});
  auto provider = tracer_provider::create({.processors = {processor}});
  auto tracer = provider->get_tracer("t");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) tracer->start_span("request").end();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms) << "ending spans must not wait for the network";
  auto flush_start = std::chrono::steady_clock::now();
  processor->force_flush(100ms);
  EXPECT_LT(std::chrono::steady_clock::now() - flush_start, 2s);
  EXPECT_GT(processor->dropped(), 0u);
}

}  // namespace
}  // namespace lumen::trace
