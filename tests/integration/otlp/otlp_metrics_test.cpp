// OTLP metric export checked by a decoder no one here wrote: the Node receiver decodes our
// ExportMetricsServiceRequest with OpenTelemetry JS's generated schema (JSON as JSON). Histogram
// fields, cumulative temporality, the export interval, the final export at shutdown, a collector
// that is down, and the runtime exporting a real server's operation and session durations.
#include <lumen/server/server.hpp>
#include <lumen/exporter/otlp_metrics.hpp>
#include <lumen/telemetry/semconv.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/version.hpp>

#include "../../support/capture_sink.hpp"
#include "receiver.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

namespace lumen::telemetry {
namespace {
using namespace lumen::sdk;
using namespace lumen::exporter;

using namespace std::chrono_literals;
using test::start_receiver;

std::string endpoint(std::uint16_t port) { return test::receiver_url(port, "/v1/metrics"); }

metric_export_options options_for(std::uint16_t port, exporter::otlp_protocol protocol = exporter::otlp_protocol::http_protobuf,
                                  std::chrono::milliseconds interval = std::chrono::hours(1)) {
  metric_export_options o;
  o.http = {.url = endpoint(port), .protocol = protocol, .timeout = 5s, .max_retries = 0};
  o.interval = interval;
  o.timeout = 5s;
  return o;
}

// Records a known distribution: tools/call add at 5 ms, 300 ms and 500 s; ping at exactly 10 ms
// (a value on a boundary belongs to that bucket: buckets are (previous, bound]).
void record_sample(meter& m) {
  auto& h = m.get_histogram(semconv::metric_mcp_server_operation_duration, "s", "Duration of MCP operations",
                            telemetry::semconv::mcp_duration_boundaries());
  const metric_attributes add{{"mcp.method.name", std::string("tools/call")}, {"gen_ai.tool.name", std::string("add")}};
  h.record(0.005, add);
  h.record(0.3, add);
  h.record(500, add);
  h.record(0.01, {{"mcp.method.name", std::string("ping")}});
}

std::shared_ptr<const sdk::resource> sample_resource() {
  return std::make_shared<const sdk::resource>(sdk::resource::create("metrics-test", "2.0"));
}

json::object next_export(test::child_process& receiver) {
  auto line = receiver.read_line(15s);
  if (!line) {
    ADD_FAILURE() << "no export reached the receiver";
    return {};
  }
  return json::parse(*line).as_object();
}

const json::object* find_point(const json::array& points, std::string_view method) {
  for (const auto& p : points) {
    const auto& attrs = p.at("attributes").as_object();
    if (attrs.contains("mcp.method.name") && attrs.at("mcp.method.name").at("string").as_string() == method) return &p.as_object();
  }
  return nullptr;
}

std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) out.emplace_back(e.as_string());
  return out;
}

TEST(OtlpMetrics, ProtobufDecodedByOpenTelemetryJsHasEveryHistogramField) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  meter m;
  record_sample(m);
  periodic_metric_exporter exporter(m, sample_resource(), options_for(port));
  ASSERT_TRUE(exporter.force_flush(10s));

  auto v = next_export(*receiver);
  EXPECT_EQ(v.at("path"), "/v1/metrics");
  EXPECT_EQ(v.at("contentType"), "application/x-protobuf");
  const auto& rm = v.at("protobuf").as_array().at(0).as_object();
  EXPECT_EQ(rm.at("resource").at("service.name").at("string"), "metrics-test");
  EXPECT_EQ(rm.at("resource").at("service.version").at("string"), "2.0");
  const auto& scope = rm.at("scopes").as_array().at(0).as_object();
  EXPECT_EQ(scope.at("scope").at("name"), "lumen");
  const auto& metrics = scope.at("metrics").as_array();
  ASSERT_EQ(metrics.size(), 1u);
  const auto& metric = metrics.at(0).as_object();
  EXPECT_EQ(metric.at("name"), "mcp.server.operation.duration");
  EXPECT_EQ(metric.at("unit"), "s");
  EXPECT_EQ(metric.at("description"), "Duration of MCP operations");
  const auto& hist = metric.at("histogram").as_object();
  EXPECT_EQ(hist.at("aggregationTemporality"), 2) << "cumulative";
  const auto& points = hist.at("dataPoints").as_array();
  ASSERT_EQ(points.size(), 2u);

  const auto* add = find_point(points, "tools/call");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->at("attributes").at("gen_ai.tool.name").at("string"), "add");
  EXPECT_EQ(add->at("count"), "3");
  EXPECT_DOUBLE_EQ(add->at("sum").to_number<double>(), 500.305);
  EXPECT_DOUBLE_EQ(add->at("min").to_number<double>(), 0.005);
  EXPECT_DOUBLE_EQ(add->at("max").to_number<double>(), 500);
  //                                  0.01 .02  .05  0.1  0.2  0.5  1    2    5    10   30   60   120  300  +inf
  const std::vector<std::string> add_buckets{"1", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "1"};
  EXPECT_EQ(strings(add->at("bucketCounts")), add_buckets);
  std::vector<double> bounds;
  for (const auto& b : add->at("explicitBounds").as_array()) bounds.push_back(b.to_number<double>());
  EXPECT_EQ(bounds, telemetry::semconv::mcp_duration_boundaries());
  EXPECT_LE(std::stoll(std::string(add->at("startTimeUnixNano").as_string())),
            std::stoll(std::string(add->at("timeUnixNano").as_string())));
  EXPECT_GT(std::stoll(std::string(add->at("startTimeUnixNano").as_string())), 1'600'000'000'000'000'000LL);

  const auto* ping = find_point(points, "ping");
  ASSERT_NE(ping, nullptr);
  EXPECT_EQ(ping->at("count"), "1");
  EXPECT_EQ(strings(ping->at("bucketCounts")).at(0), "1") << "10 ms is in the (0, 0.01] bucket";
  EXPECT_EQ(exporter.exports_succeeded(), 1u);
}

TEST(OtlpMetrics, JsonEncodingHasStringCountsAndIntegerTemporality) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  meter m;
  record_sample(m);
  periodic_metric_exporter exporter(m, sample_resource(), options_for(port, exporter::otlp_protocol::http_json));
  ASSERT_TRUE(exporter.force_flush(10s));

  auto v = next_export(*receiver);
  EXPECT_EQ(v.at("contentType"), "application/json");
  const auto& rm = v.at("json").at("resourceMetrics").as_array().at(0).as_object();
  bool found_service = false;
  for (const auto& kv : rm.at("resource").at("attributes").as_array()) {
    if (kv.at("key") == "service.name") found_service = kv.at("value").at("stringValue") == "metrics-test";
  }
  EXPECT_TRUE(found_service);
  const auto& metric = rm.at("scopeMetrics").as_array().at(0).at("metrics").as_array().at(0).as_object();
  EXPECT_EQ(metric.at("name"), "mcp.server.operation.duration");
  const auto& hist = metric.at("histogram").as_object();
  EXPECT_EQ(hist.at("aggregationTemporality"), 2);
  for (const auto& p : hist.at("dataPoints").as_array()) {
    EXPECT_TRUE(p.at("count").is_string()) << "64-bit integers are strings in OTLP/JSON";
    EXPECT_TRUE(p.at("startTimeUnixNano").is_string());
    EXPECT_TRUE(p.at("bucketCounts").as_array().at(0).is_string());
    EXPECT_EQ(p.at("bucketCounts").as_array().size(), telemetry::semconv::mcp_duration_boundaries().size() + 1);
    for (const auto& kv : p.at("attributes").as_array()) EXPECT_TRUE(kv.at("value").as_object().contains("stringValue"));
  }
}

TEST(OtlpMetrics, ExportsOnTheIntervalCumulatively) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  meter m;
  auto& h = m.get_histogram("test.duration", "s", "d", telemetry::semconv::mcp_duration_boundaries());
  h.record(1, {});
  periodic_metric_exporter exporter(m, sample_resource(), options_for(port, exporter::otlp_protocol::http_protobuf, 100ms));
  auto count_of = [](const json::object& v) {
    return std::string(v.at("protobuf").as_array().at(0).at("scopes").as_array().at(0).at("metrics").as_array().at(0)
                           .at("histogram").at("dataPoints").as_array().at(0).at("count").as_string());
  };
  EXPECT_EQ(count_of(next_export(*receiver)), "1") << "exported by the interval, without a flush";
  h.record(2, {});
  // Later exports carry everything since the start (cumulative), so the count reaches 2.
  std::string count;
  for (int i = 0; i < 20 && count != "2"; ++i) count = count_of(next_export(*receiver));
  EXPECT_EQ(count, "2");
}

TEST(OtlpMetrics, ShutdownExportsWhatWasRecordedSinceTheLastExport) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  meter m;
  {
    periodic_metric_exporter exporter(m, sample_resource(), options_for(port));
    record_sample(m);
  }  // destroyed: one final export, although the interval (an hour) never passed
  auto v = next_export(*receiver);
  EXPECT_EQ(v.at("path"), "/v1/metrics");
}

TEST(OtlpMetrics, NothingRecordedSendsNothing) {
  meter m;
  m.get_histogram("empty.duration", "s", "d", telemetry::semconv::mcp_duration_boundaries());
  EXPECT_TRUE(encode_otlp_metrics_protobuf({sample_resource(), {"lumen", std::string(lumen::version)}, m.histograms(), 1}).empty());
  EXPECT_TRUE(encode_otlp_metrics_json({sample_resource(), {"lumen", std::string(lumen::version)}, m.histograms(), 1}).empty());
}

TEST(OtlpMetrics, ACollectorThatIsDownCostsAFailedExportNotAHang) {
  // A port nothing listens on: bind one and close it.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  meter m;
  record_sample(m);
  auto options = options_for(port);
  options.http.max_retries = 1;
  options.http.initial_backoff = 10ms;
  periodic_metric_exporter exporter(m, sample_resource(), options);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(exporter.force_flush(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(exporter.exports_failed(), 1u);
  EXPECT_EQ(exporter.exports_succeeded(), 0u);
}

TEST(OtlpMetrics, TheRuntimeExportsAServersOperationAndSessionDurations) {
  std::uint16_t port = 0;
  auto receiver = start_receiver("normal", port);
  ASSERT_TRUE(receiver);
  auto tel = runtime::create({.service_name = "metrics-e2e", .mode = telemetry_mode::full,
                              .default_span_store_capacity = 0, .metric_export = options_for(port)});
  ASSERT_NE(tel->metric_exporter(), nullptr);
  server::server srv({.name = "t", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::text("x"); });
  auto sink = std::make_shared<test::capture_sink>();
  auto s = srv.connect(sink, "session-1");
  server::inbound_context origin{.network_transport = server::network_transport::tcp};
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}})", origin);
  sink->wait_response(1);
  s->receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}})", origin);
  sink->wait_response(2);
  s->close();
  ASSERT_TRUE(tel->force_flush(10s));

  auto v = next_export(*receiver);
  const auto& rm = v.at("protobuf").as_array().at(0).as_object();
  EXPECT_EQ(rm.at("resource").at("service.name").at("string"), "metrics-e2e");
  std::map<std::string, json::object> by_name;
  for (const auto& metric : rm.at("scopes").as_array().at(0).at("metrics").as_array()) {
    by_name[std::string(metric.at("name").as_string())] = metric.as_object();
  }
  ASSERT_TRUE(by_name.count("mcp.server.operation.duration"));
  const auto* call = find_point(by_name["mcp.server.operation.duration"].at("histogram").at("dataPoints").as_array(), "tools/call");
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->at("attributes").at("gen_ai.tool.name").at("string"), "echo");
  EXPECT_FALSE(call->at("attributes").as_object().contains("mcp.session.id")) << "no session id on metrics";
  ASSERT_TRUE(by_name.count("mcp.server.session.duration"));
  const auto& session_points = by_name["mcp.server.session.duration"].at("histogram").at("dataPoints").as_array();
  ASSERT_EQ(session_points.size(), 1u);
  EXPECT_EQ(session_points.at(0).at("count"), "1");
  EXPECT_EQ(session_points.at(0).at("attributes").at("mcp.protocol.version").at("string"), "2025-11-25");
  EXPECT_EQ(session_points.at(0).at("attributes").at("network.protocol.name").at("string"), "http");
}

}  // namespace
}  // namespace lumen::telemetry
