// Recycled span records: what the batch processor exported comes back for new spans, and a
// recycled record carries nothing of the span it held before.
#include <lumen/sdk/detail/span_pool.hpp>
#include <lumen/sdk/span_processor.hpp>
#include <lumen/sdk/tracer_provider.hpp>

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace lumen::sdk {
namespace {
using namespace lumen::trace;

// Keeps a copy of each exported span and the address of the record it came in.
struct recording_exporter : span_exporter {
  std::mutex mutex;
  std::vector<span_data> spans;
  std::vector<const span_data*> records;
  export_result export_spans(const std::vector<std::unique_ptr<span_data>>& batch) override {
    std::lock_guard lock(mutex);
    for (const auto& s : batch) {
      spans.push_back(*s);
      records.push_back(s.get());
    }
    return export_result::success;
  }
};

struct pooled_provider {
  std::shared_ptr<recording_exporter> exporter = std::make_shared<recording_exporter>();
  std::shared_ptr<batch_span_processor> processor = std::make_shared<batch_span_processor>(
      exporter, batch_options{.schedule_delay = std::chrono::seconds(60), .max_queue_size = 64, .max_export_batch_size = 64});
  std::shared_ptr<tracer_provider> provider = tracer_provider::create({.processors = {processor}});
  std::shared_ptr<tracer> t = provider->get_tracer("pool-test");
};

TEST(SpanPool, AnExportedRecordIsReusedAndStartsClean) {
  pooled_provider p;
  const std::size_t pooled_before = detail::pooled_span_records();
  // A fresh thread: its cache is empty, so its first span takes the pool's newest record.
  std::thread([&] {
    span_options o;
    o.links.push_back(link_data{span_context(random_trace_id(), random_span_id(), trace_flags::sampled, true), {{"l", std::int64_t{1}}}, 0});
    for (int i = 0; i < 20; ++i) o.attributes.emplace_back("first." + std::to_string(i), std::string(40, 'v'));
    auto first = p.t->start_span("first span with a long name, not kept inline", std::move(o));
    first.add_event("something happened", {{"e", true}});
    first.set_status(status_code::error, "it failed");
    first.end();
  }).join();
  ASSERT_TRUE(p.processor->force_flush(std::chrono::seconds(5)));
  EXPECT_EQ(detail::pooled_span_records(), pooled_before + 1) << "the exported record went back to the pool";

  std::thread([&] {
    auto second = p.t->start_span("second", {.attributes = {{static_key("only"), std::int64_t{2}}}});
    second.end();
  }).join();
  ASSERT_TRUE(p.processor->force_flush(std::chrono::seconds(5)));

  std::lock_guard lock(p.exporter->mutex);
  ASSERT_EQ(p.exporter->spans.size(), 2u);
  EXPECT_EQ(p.exporter->records[1], p.exporter->records[0]) << "the second span reused the first one's record";
  const span_data& second = p.exporter->spans[1];
  EXPECT_EQ(second.name, "second");
  ASSERT_EQ(second.attributes.size(), 1u);
  EXPECT_EQ(second.attributes[0].key.view(), "only");
  EXPECT_EQ(second.attributes[0].value, attribute_value(std::int64_t{2}));
  EXPECT_TRUE(second.events.empty());
  EXPECT_TRUE(second.links.empty());
  EXPECT_EQ(second.status, status_code::unset);
  EXPECT_TRUE(second.status_message.empty());
  EXPECT_EQ(second.dropped_attributes + second.dropped_events + second.dropped_links, 0u);
  EXPECT_FALSE(second.parent.is_valid());
  EXPECT_NE(second.context.span_id(), p.exporter->spans[0].context.span_id());
  ASSERT_NE(second.scope, nullptr);
  EXPECT_EQ(second.scope->name, "pool-test");
}

TEST(SpanPool, RecordsThatGrewLargeAreFreedNotKept) {
  pooled_provider p;
  const std::size_t pooled_before = detail::pooled_span_records();
  std::thread([&] {
    auto s = p.t->start_span(std::string(4096, 'n'));  // a name buffer the pool must not pin
    s.end();
  }).join();
  ASSERT_TRUE(p.processor->force_flush(std::chrono::seconds(5)));
  EXPECT_EQ(detail::pooled_span_records(), pooled_before);
  std::lock_guard lock(p.exporter->mutex);
  ASSERT_EQ(p.exporter->spans.size(), 1u);
  EXPECT_EQ(p.exporter->spans[0].name.size(), 4096u);
}

}  // namespace
}  // namespace lumen::sdk
