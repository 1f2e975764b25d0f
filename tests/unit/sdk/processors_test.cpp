// OTEL_BSP_EXPORT_TIMEOUT bounds each export: the exporter is given the deadline, and a slow
// exporter that ignores it holds neither force_flush nor shutdown past it. Also Retry-After.
#include <lumen/exporter/otlp.hpp>
#include <lumen/sdk/tracer_provider.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <thread>

namespace lumen::sdk {
namespace {
using namespace lumen::trace;

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// Records the deadline each export is given.
struct deadline_recorder : span_exporter {
  std::mutex m;
  std::vector<std::pair<steady::time_point, steady::time_point>> calls;  // (called at, deadline)
  export_result export_spans(const std::vector<std::unique_ptr<span_data>>&) override {
    std::lock_guard lock(m);
    calls.emplace_back(steady::now(), steady::time_point::max());
    return export_result::success;
  }
  export_result export_spans_until(const std::vector<std::unique_ptr<span_data>>&, steady::time_point deadline) override {
    std::lock_guard lock(m);
    calls.emplace_back(steady::now(), deadline);
    return export_result::success;
  }
};

// Blocks in export (ignoring its deadline) until released.
struct stuck_exporter : span_exporter {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> exports{0};
  std::atomic<bool> shut_down{false};
  export_result export_spans(const std::vector<std::unique_ptr<span_data>>&) override {
    ++exports;
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return open; });
    return export_result::success;
  }
  void shutdown() override { shut_down = true; }
  void release() {
    {
      std::lock_guard lock(m);
      open = true;
    }
    cv.notify_all();
  }
};

template <class Pred>
bool eventually(Pred p, std::chrono::milliseconds within = 5s) {
  auto until = steady::now() + within;
  while (!p()) {
    if (steady::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(BatchExportTimeout, EachExportIsGivenTheDeadline) {
  auto exporter = std::make_shared<deadline_recorder>();
  auto processor = std::make_shared<batch_span_processor>(
      exporter, batch_options{.schedule_delay = 10ms, .max_queue_size = 16, .max_export_batch_size = 4, .export_timeout = 700ms});
  auto provider = tracer_provider::create({.processors = {processor}});
  provider->get_tracer("t")->start_span("s").end();
  ASSERT_TRUE(processor->force_flush(5s));
  std::lock_guard lock(exporter->m);
  ASSERT_EQ(exporter->calls.size(), 1u);
  auto [called, deadline] = exporter->calls[0];
  ASSERT_NE(deadline, steady::time_point::max()) << "the export was given no deadline";
  EXPECT_LE(deadline - called, 700ms);
  EXPECT_GE(deadline - called, 600ms);
}

TEST(BatchExportTimeout, ZeroMeansNoDeadline) {
  auto exporter = std::make_shared<deadline_recorder>();
  auto processor = std::make_shared<batch_span_processor>(
      exporter, batch_options{.schedule_delay = 10ms, .max_queue_size = 16, .max_export_batch_size = 4, .export_timeout = 0ms});
  auto provider = tracer_provider::create({.processors = {processor}});
  provider->get_tracer("t")->start_span("s").end();
  ASSERT_TRUE(processor->force_flush(5s));
  std::lock_guard lock(exporter->m);
  ASSERT_EQ(exporter->calls.size(), 1u);
  EXPECT_EQ(exporter->calls[0].second, steady::time_point::max());
}

TEST(BatchExportTimeout, ASlowExporterHoldsNeitherForceFlushNorShutdownPastIt) {
  auto exporter = std::make_shared<stuck_exporter>();
  auto processor = std::make_shared<batch_span_processor>(
      exporter, batch_options{.schedule_delay = 10ms, .max_queue_size = 16, .max_export_batch_size = 4, .export_timeout = 300ms});
  auto provider = tracer_provider::create({.processors = {processor}});
  provider->get_tracer("t")->start_span("s").end();
  ASSERT_TRUE(eventually([&] { return exporter->exports.load() == 1; }));

  auto start = steady::now();
  EXPECT_FALSE(processor->force_flush(20s)) << "the export did not complete";
  EXPECT_LT(steady::now() - start, 2s) << "force_flush waited past the export deadline";

  start = steady::now();
  processor->shutdown(20s);
  EXPECT_LT(steady::now() - start, 2s) << "shutdown waited past the export deadline";
  EXPECT_FALSE(exporter->shut_down) << "the exporter is still exporting";

  // The abandoned export finishes later; the processor's thread then shuts the exporter down.
  processor.reset();
  provider.reset();
  exporter->release();
  EXPECT_TRUE(eventually([&] { return exporter->shut_down.load(); }));
}

TEST(BatchExportTimeout, ShutdownStillExportsWhatIsQueuedWhenTheExporterIsQuick) {
  auto exporter = std::make_shared<in_memory_exporter>();
  auto processor = std::make_shared<batch_span_processor>(
      exporter, batch_options{.schedule_delay = 60s, .max_queue_size = 64, .max_export_batch_size = 8, .export_timeout = 100ms});
  auto provider = tracer_provider::create({.processors = {processor}});
  for (int i = 0; i < 20; ++i) provider->get_tracer("t")->start_span("s").end();
  processor->shutdown(5s);
  EXPECT_EQ(exporter->finished_spans().size(), 20u);
}

// Retry-After: delay-seconds or an HTTP-date in each of its three forms.
TEST(RetryAfter, SecondsAndHttpDates) {
  using std::chrono::milliseconds;
  // Sun, 06 Nov 1994 08:49:37 GMT
  const auto date = std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + 8h + 49min + 37s;
  const auto before = date - 2500ms;
  EXPECT_EQ(exporter::parse_retry_after("120", before), milliseconds(120000));
  EXPECT_EQ(exporter::parse_retry_after(" 0 ", before), milliseconds(0));
  EXPECT_EQ(exporter::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", before), milliseconds(2500));
  EXPECT_EQ(exporter::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", before), milliseconds(2500));
  EXPECT_EQ(exporter::parse_retry_after("Sun Nov  6 08:49:37 1994", before), milliseconds(2500));
  EXPECT_EQ(exporter::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date + 10s), milliseconds(0)) << "a past date: now";
  EXPECT_FALSE(exporter::parse_retry_after("", before));
  EXPECT_FALSE(exporter::parse_retry_after("-5", before));
  EXPECT_FALSE(exporter::parse_retry_after("1.5", before));
  EXPECT_FALSE(exporter::parse_retry_after("soon", before));
  EXPECT_FALSE(exporter::parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", before));
  EXPECT_FALSE(exporter::parse_retry_after("Sun, 31 Feb 1994 08:49:37 GMT", before));
  EXPECT_FALSE(exporter::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT trailing", before));
}

}  // namespace
}  // namespace lumen::sdk
