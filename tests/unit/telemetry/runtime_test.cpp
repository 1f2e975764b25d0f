// The telemetry runtime's configuration: the mode from the environment, and where spans go by
// default (an in-process span store when no OTLP endpoint is configured).
#include <lumen/server/server.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/sdk/span_store.hpp>

#include "../../support/capture_sink.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace lumen::telemetry {
namespace {

using namespace std::chrono_literals;

/// Sets (or, with nullptr, unsets) an environment variable for one test.
class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~scoped_env() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(TelemetryMode, FromLumenTelemetryAndOtelSdkDisabled) {
  scoped_env disabled("OTEL_SDK_DISABLED", nullptr);
  {
    scoped_env m("LUMEN_TELEMETRY", nullptr);
    EXPECT_EQ(mode_from_environment(), telemetry_mode::full);
  }
  {
    scoped_env m("LUMEN_TELEMETRY", "off");
    EXPECT_EQ(mode_from_environment(), telemetry_mode::off);
  }
  {
    scoped_env m("LUMEN_TELEMETRY", "propagation");
    EXPECT_EQ(mode_from_environment(), telemetry_mode::propagation);
  }
  {
    scoped_env m("LUMEN_TELEMETRY", "loud");  // invalid: warns once, full
    EXPECT_EQ(mode_from_environment(), telemetry_mode::full);
  }
  {
    scoped_env m("LUMEN_TELEMETRY", "full");
    scoped_env d("OTEL_SDK_DISABLED", "TRUE");
    EXPECT_EQ(mode_from_environment(), telemetry_mode::off);
    EXPECT_EQ(runtime::create({.service_name = "t"})->mode(), telemetry_mode::off);
  }
}

TEST(TelemetryRuntime, WithoutOtlpSpansGoToADefaultSpanStore) {
  scoped_env e1("OTEL_EXPORTER_OTLP_ENDPOINT", nullptr);
  scoped_env e2("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", nullptr);
  auto tel = runtime::create({.service_name = "store", .mode = telemetry_mode::full, .default_span_store_capacity = 16});
  ASSERT_NE(tel->span_store(), nullptr);
  EXPECT_EQ(tel->span_store()->capacity(), 16u);

  server::server srv({.name = "t", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "echo"}, [](const json::object&, server::request_context&) { return protocol::call_tool_result::text("x"); });
  auto sink = std::make_shared<test::capture_sink>();
  auto s = srv.connect(sink, "session-1");
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}})");
  sink->wait_response(1);
  s->receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}})");
  sink->wait_response(2);
  ASSERT_TRUE(s->wait_idle(5s));
  ASSERT_TRUE(tel->force_flush());
  auto traces = tel->span_store()->list_traces({.tool = "echo"});
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0].as_object().at("rootName"), "tools/call echo");
}

TEST(TelemetryRuntime, NoDefaultStoreWithOtlpWithCapacityZeroOrWhenNotRecording) {
  {
    scoped_env e("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1");
    EXPECT_EQ(runtime::create({.mode = telemetry_mode::full})->span_store(), nullptr);
  }
  scoped_env e1("OTEL_EXPORTER_OTLP_ENDPOINT", nullptr);
  scoped_env e2("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", nullptr);
  EXPECT_EQ(runtime::create({.mode = telemetry_mode::full, .default_span_store_capacity = 0})->span_store(), nullptr);
  EXPECT_EQ(runtime::create({.mode = telemetry_mode::propagation})->span_store(), nullptr);
  auto given = std::make_shared<sdk::span_store>(8);
  EXPECT_EQ(runtime::create({.mode = telemetry_mode::full, .span_store = given})->span_store(), given);
}

TEST(TelemetryRuntime, MetricsAreExportedWhenAnOtlpEndpointIsSetUnlessTheExporterIsNone) {
  scoped_env traces("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", nullptr);
  {
    scoped_env generic("OTEL_EXPORTER_OTLP_ENDPOINT", nullptr);
    scoped_env metrics("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", nullptr);
    EXPECT_EQ(runtime::create({.mode = telemetry_mode::full})->metric_exporter(), nullptr)
        << "no endpoint: metrics stay in-process";
  }
  scoped_env generic("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1");
  auto tel = runtime::create({.mode = telemetry_mode::full});
  ASSERT_NE(tel->metric_exporter(), nullptr);
  EXPECT_EQ(tel->metric_exporter()->options().http.url, "http://127.0.0.1:1/v1/metrics");
  EXPECT_EQ(tel->metric_exporter()->options().interval, std::chrono::milliseconds(60000));
  {
    scoped_env interval("OTEL_METRIC_EXPORT_INTERVAL", "250");
    EXPECT_EQ(runtime::create({.mode = telemetry_mode::full})->metric_exporter()->options().interval,
              std::chrono::milliseconds(250));
  }
  {
    scoped_env none("OTEL_METRICS_EXPORTER", "none");
    EXPECT_EQ(runtime::create({.mode = telemetry_mode::full})->metric_exporter(), nullptr);
  }
  EXPECT_EQ(runtime::create({.mode = telemetry_mode::propagation})->metric_exporter(), nullptr)
      << "propagation records nothing";
}

}  // namespace
}  // namespace lumen::telemetry
