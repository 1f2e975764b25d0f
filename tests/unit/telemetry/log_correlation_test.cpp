// Log correlation: a line Lumen writes while it handles a request names that request's trace and
// span; a line written outside any request names none.
#include <lumen/log.hpp>
#include <lumen/server/server.hpp>
#include <lumen/telemetry/telemetry.hpp>

#include "../../support/capture_sink.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <stdexcept>
#include <vector>

namespace lumen::telemetry {
namespace {

using namespace std::chrono_literals;

struct captured_record {
  std::string message, trace_id, span_id;
};

/// Captures Lumen's log records for one test.
class captured_log {
 public:
  captured_log() {
    log::set_sink([this](const log::record& r) {
      std::lock_guard lock(mutex_);
      records_.push_back({std::string(r.message), std::string(r.trace_id), std::string(r.span_id)});
    });
  }
  ~captured_log() { log::set_sink(nullptr); }
  std::vector<captured_record> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<captured_record> records_;
};

/// A transport that cannot deliver notifications (so the session logs the failure).
class failing_notifications_sink : public test::capture_sink {
 public:
  void send(std::string message, const server::outgoing_context& context) override {
    if (message.find("\"notifications/message\"") != std::string::npos) throw std::runtime_error("pipe closed");
    test::capture_sink::send(std::move(message), context);
  }
};

TEST(LogCorrelation, LinesWrittenWhileHandlingARequestNameItsTraceAndSpan) {
  captured_log log_lines;
  auto exporter = std::make_shared<sdk::in_memory_exporter>();
  auto tel = runtime::create({.service_name = "logs", .mode = telemetry_mode::full, .default_span_store_capacity = 0,
                              .processors = {std::make_shared<sdk::simple_span_processor>(exporter)}});
  server::server srv({.name = "t", .version = "1"}, {.observer = tel->server_observer()});
  srv.add_tool({.name = "notify"}, [](const json::object&, server::request_context& ctx) {
    ctx.owning_session().notify("notifications/message", {{"level", "info"}, {"data", "hello"}});
    return protocol::call_tool_result::text("done");
  });
  auto sink = std::make_shared<failing_notifications_sink>();
  auto s = srv.connect(sink, "session-1");
  s->receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}})");
  sink->wait_response(1);
  exporter->reset();
  s->receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"notify","_meta":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}})");
  sink->wait_response(2);
  ASSERT_TRUE(s->wait_idle(5s));

  auto spans = exporter->finished_spans();
  ASSERT_EQ(spans.size(), 1u);
  const auto& mcp = spans[0];
  std::vector<captured_record> failures;
  for (const auto& r : log_lines.records()) {
    if (r.message.find("failed to send a message") != std::string::npos) failures.push_back(r);
  }
  ASSERT_EQ(failures.size(), 1u) << "the undeliverable notification is logged once";
  EXPECT_EQ(failures[0].trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(failures[0].trace_id, mcp.context.trace_id().to_hex());
  EXPECT_EQ(failures[0].span_id, mcp.context.span_id().to_hex()) << "the MCP span of the request";
}

TEST(LogCorrelation, LinesOutsideARequestCarryNoIdsAndTheDefaultFormatShowsThem) {
  captured_log log_lines;
  auto tel = runtime::create({.mode = telemetry_mode::full, .default_span_store_capacity = 0});
  log::write(log::level::warning, "outside");
  auto records = log_lines.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].trace_id.empty());
  EXPECT_TRUE(records[0].span_id.empty());
  EXPECT_EQ(log::format({.message = "x", .trace_id = "ab", .span_id = "cd"}), "lumen: x trace_id=ab span_id=cd");
  EXPECT_EQ(log::format({.message = "x"}), "lumen: x");
}

TEST(LogCorrelation, ARuntimeThatDoesNotCorrelateLeavesTheLogHookAlone) {
  captured_log log_lines;
  log::set_context_source(nullptr);  // the hook is process-wide: start from none
  auto tel = runtime::create({.mode = telemetry_mode::full, .default_span_store_capacity = 0, .correlate_logs = false});
  auto span = tel->tracer()->start_span("work");
  {
    trace::scope active(span);
    log::write(log::level::warning, "inside a span");
  }
  span.end();
  auto correlating = runtime::create({.mode = telemetry_mode::full, .default_span_store_capacity = 0});
  auto second = correlating->tracer()->start_span("work");
  {
    trace::scope active(second);
    log::write(log::level::warning, "inside another span");
  }
  second.end();
  auto records = log_lines.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].trace_id.empty()) << "correlate_logs=false installs no context source";
  EXPECT_EQ(records[1].trace_id, second.context().trace_id().to_hex()) << "the default installs it";
}

}  // namespace
}  // namespace lumen::telemetry
