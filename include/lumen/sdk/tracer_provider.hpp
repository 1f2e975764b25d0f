// The tracing SDK: the tracer provider that makes recording tracers, its sampler, limits and
// span processors.
//
//   auto provider = lumen::sdk::tracer_provider::create({.processors = {...}});
//   auto tracer = provider->get_tracer("my-lib", "1.0");   // a lumen::trace::tracer
//   lumen::trace::span s = tracer->start_span("work");
//
// Sampling is decided first; an unsampled span is a context-only handle that records nothing and
// allocates nothing.
#pragma once

#include <lumen/sdk/resource.hpp>
#include <lumen/sdk/sampler.hpp>
#include <lumen/sdk/span_data.hpp>
#include <lumen/sdk/span_processor.hpp>
#include <lumen/trace/tracer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace lumen::sdk {

namespace detail {
class recording_span;
class recording_tracer;
}  // namespace detail

/// Span limits. `attribute_value_length` truncates string values, and each string of a string
/// array, to that many characters (UTF-8 code points, never splitting one); it applies to span,
/// event and link attributes. SIZE_MAX: no limit.
struct span_limits {
  std::size_t attribute_count = 128;
  std::size_t event_count = 128;
  std::size_t link_count = 128;
  std::size_t attribute_value_length = SIZE_MAX;
  std::size_t event_attribute_count = 128;
  std::size_t link_attribute_count = 128;
  /// OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, OTEL_SPAN_EVENT_COUNT_LIMIT, OTEL_SPAN_LINK_COUNT_LIMIT,
  /// OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT, OTEL_LINK_ATTRIBUTE_COUNT_LIMIT (each falling back to
  /// OTEL_ATTRIBUTE_COUNT_LIMIT for attribute counts), OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT
  /// (falling back to OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT). An invalid value warns once and the
  /// default is used.
  static span_limits from_environment();
};

/// OTEL_SDK_DISABLED=true (case-insensitive).
bool sdk_disabled_by_environment();

/// How a tracer provider samples, limits and processes spans.
struct tracer_provider_options {
  sdk::resource resource = sdk::resource::create();
  std::shared_ptr<const sdk::sampler> sampler = parent_based_sampler(always_on_sampler());
  span_limits limits;
  std::vector<std::shared_ptr<span_processor>> processors;
  /// Every tracer is a no-op (spans still propagate incoming context). Default: OTEL_SDK_DISABLED.
  bool disabled = sdk_disabled_by_environment();
};

/// Makes tracers whose sampled spans reach the provider's processors at their end.
class tracer_provider : public std::enable_shared_from_this<tracer_provider> {
 public:
  /// A provider with `options` (shared: tracers and spans keep it alive).
  static std::shared_ptr<tracer_provider> create(tracer_provider_options options = {});
  ~tracer_provider();

  /// A tracer for the instrumentation scope `name`/`version`.
  std::shared_ptr<trace::tracer> get_tracer(std::string_view name, std::string_view version = {}) const;
  /// Adds a processor; spans ending from now on reach it.
  void add_processor(std::shared_ptr<span_processor> processor);
  /// Exports what the processors hold, within `timeout`; false when one failed or ran out of time.
  bool force_flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Flushes and stops every processor, within `timeout`.
  void shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// The resource every span of this provider carries.
  const sdk::resource& resource() const noexcept { return *resource_; }
  /// The sampler deciding each new span.
  const sdk::sampler& sampler() const noexcept { return *sampler_; }
  /// The limits applied to each span.
  const span_limits& limits() const noexcept { return limits_; }
  /// True when every tracer is a no-op.
  bool disabled() const noexcept { return disabled_; }

 private:
  friend class detail::recording_tracer;
  friend class detail::recording_span;
  explicit tracer_provider(tracer_provider_options o);
  void on_end(std::unique_ptr<span_data> span) const;

  std::shared_ptr<const sdk::resource> resource_;
  std::shared_ptr<const sdk::sampler> sampler_;
  span_limits limits_;
  bool disabled_;
  using processor_list = std::vector<std::shared_ptr<span_processor>>;
  /// The processors now, read without a lock on every span end. add_processor publishes a new
  /// list; the old ones stay alive (in `processor_lists_`) since a span may still be reading one.
  std::atomic<const processor_list*> processors_{nullptr};
  mutable std::mutex processors_mutex_;
  std::vector<std::unique_ptr<const processor_list>> processor_lists_;
};

}  // namespace lumen::sdk
