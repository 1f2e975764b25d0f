// OTLP/HTTP export checked by a decoder no one here wrote: the Node receiver decodes our
// protobuf with OpenTelemetry JS's generated schema (and our JSON as JSON) and reports every
// field; retries on 503; an unresponsive collector never blocks the application.
#include <lumen/json.hpp>
#include <lumen/trace/otlp.hpp>
#include <lumen/trace/tracer.hpp>

#include "../../support/child_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace lumen::trace {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<test::child_process> start_receiver(const std::string& mode, std::uint16_t& port) {
  const std::string script = std::string(LUMEN_SOURCE_DIR) + "/tests/integration/otlp/receiver.mjs";
  if (!std::filesystem::exists(std::string(LUMEN_SOURCE_DIR) + "/tests/node_modules/@opentelemetry/otlp-transformer")) {
    ADD_FAILURE() << "tests/node_modules is missing: run scripts/bootstrap (npm ci in tests/)";
    return nullptr;
  }
  auto p = std::make_unique<test::child_process>(std::vector<std::string>{"/usr/bin/env", "node", script, mode});
  auto line = p->read_line(20s);
  if (!line || !line->starts_with("listening on ")) {
    ADD_FAILURE() << "the receiver did not start";
    return nullptr;
  }
  port = static_cast<std::uint16_t>(std::stoi(line->substr(13)));
  return p;
}

// A span with every field set: kind, remote parent with trace state, attributes of each type,
// events with attributes, links with attributes, error status, dropped counts.
std::vector<std::unique_ptr<span_data>> sample_batch(span_context& parent_out, span_context& link_out, span_context& self) {
  auto exporter = std::make_shared<in_memory_exporter>();
  span_limits limits;
  limits.attribute_count = 9;
  auto provider = tracer_provider::create(
      {.resource = resource::create("otlp-test", "9.9"), .limits = limits, .processors = {std::make_shared<simple_span_processor>(exporter)}});
  parent_out = *parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=abc");
  link_out = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  auto span = provider->get_tracer("otlp-scope", "1.2.3")
                  ->start_span("tools/call add",
                               {.kind = span_kind::server,
                                .parent = parent_out,
                                .links = {{link_out, {{"lumen.link.kind", std::string("transport")}}, 0}},
                                .attributes = {{"s", std::string("text")},
                                               {"b", true},
                                               {"i", std::int64_t{-42}},
                                               {"d", 2.5},
                                               {"as", std::vector<std::string>{"x", "y"}},
                                               {"ab", std::vector<bool>{true, false}},
                                               {"ai", std::vector<std::int64_t>{1, 2, 3}},
                                               {"ad", std::vector<double>{0.5}}}});
  span.set_attribute("extra", std::string("fits"));
  span.set_attribute("dropped", std::string("over the limit"));
  span.add_event("progress", {{"step", std::int64_t{1}}});
  span.set_status(status_code::error, "it broke");
  self = span.context();
  span.end();
  std::vector<std::unique_ptr<span_data>> batch;
  for (auto& s : exporter->finished_spans()) batch.push_back(std::make_unique<span_data>(s));
  return batch;
}

TEST(OtlpExport, ProtobufDecodedByOpenTelemetryJsHasEveryField) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces"});
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
  EXPECT_LE(std::stoll(std::string(s.at("startTimeUnixNano").as_string())),
            std::stoll(std::string(s.at("endTimeUnixNano").as_string())));
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
  EXPECT_EQ(s.at("droppedAttributesCount").as_int64(), 1);
  EXPECT_EQ(s.at("events").at(0).at("name").as_string(), "progress");
  EXPECT_EQ(s.at("events").at(0).at("attributes").at("step").at("int").as_string(), "1");
  const auto& l = s.at("links").at(0);
  EXPECT_EQ(l.at("traceId").as_string(), link.trace_id().to_hex());
  EXPECT_EQ(l.at("spanId").as_string(), link.span_id().to_hex());
  EXPECT_EQ(l.at("attributes").at("lumen.link.kind").at("string").as_string(), "transport");
  EXPECT_EQ(s.at("status").at("code").as_int64(), 2);
  EXPECT_EQ(s.at("status").at("message").as_string(), "it broke");
}

TEST(OtlpExport, JsonEncodingHasHexIdsIntegerEnumsAndStringInt64) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces",
                               .protocol = otlp_protocol::http_json});
  ASSERT_EQ(exporter.export_spans(batch), export_result::success);
  auto line = receiver->read_line(10s);
  ASSERT_TRUE(line);
  auto v = json::parse(*line);
  EXPECT_EQ(v.at("contentType").as_string(), "application/json");
  const auto& s = v.at("json").at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(s.at("traceId").as_string(), parent.trace_id().to_hex());
  EXPECT_EQ(s.at("parentSpanId").as_string(), parent.span_id().to_hex());
  EXPECT_EQ(s.at("kind").as_int64(), 2);
  EXPECT_TRUE(s.at("startTimeUnixNano").is_string());
  EXPECT_EQ(s.at("status").at("code").as_int64(), 2);
  EXPECT_EQ(s.at("links").at(0).at("spanId").as_string(), link.span_id().to_hex());
  EXPECT_EQ(s.at("flags").as_int64(), 0x301);  // sampled, parent is remote (HAS_IS_REMOTE | IS_REMOTE)
  EXPECT_EQ(s.at("links").at(0).at("flags").as_int64(), 0x301);
}

TEST(OtlpExport, GzipBodiesAreDecompressedByTheReceiver) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces", .gzip = true});
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
  otlp_http_exporter exporter({.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces",
                               .initial_backoff = 10ms, .max_backoff = 50ms});
  ASSERT_EQ(exporter.export_spans(batch), export_result::success);
  auto v = json::parse(*receiver->read_line(10s));
  EXPECT_EQ(v.at("attempts").as_int64(), 2);
}

TEST(OtlpExport, NoRetryOnOtherClientErrors) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("reject", port);
  ASSERT_TRUE(receiver);
  span_context parent, link, self;
  auto batch = sample_batch(parent, link, self);
  otlp_http_exporter exporter({.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces",
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
  otlp_http_exporter exporter({.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces"});
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
      std::make_shared<otlp_http_exporter>(otlp_http_options{.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces",
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
