// Spans, tracers and the tracer provider, shaped like OpenTelemetry's API and SDK.
//
//   auto provider = lumen::trace::tracer_provider::create({.processors = {...}});
//   auto tracer = provider->get_tracer("my-lib", "1.0");
//   lumen::trace::span s = tracer->start_span("work", {.kind = span_kind::internal});
//   { lumen::trace::scope active(s); ... child spans default to `s` as parent ... }
//   s.end();
//
// Sampling is decided first; an unsampled span is a context-only handle that records nothing and
// allocates nothing.
#pragma once

#include <lumen/trace/attributes.hpp>
#include <lumen/trace/baggage.hpp>
#include <lumen/trace/exporter.hpp>
#include <lumen/trace/resource.hpp>
#include <lumen/trace/sampler.hpp>
#include <lumen/trace/span_context.hpp>
#include <lumen/trace/span_data.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::trace {

class tracer_provider;

namespace detail {
struct recording_span;
}

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

/// A span handle. Copies refer to the same span; end() is idempotent. A default-constructed or
/// unsampled span records nothing (but still has a context to propagate).
class span {
 public:
  span() = default;
  /// A span that records nothing and carries `ctx` (to propagate a context unchanged).
  static span non_recording(span_context ctx) { return span(std::move(ctx), nullptr); }

  const span_context& context() const noexcept { return context_; }
  bool is_recording() const noexcept { return impl_ != nullptr; }

  /// Sets (or replaces) an attribute. A key made with static_key() is not copied.
  void set_attribute(attribute_key key, attribute_value value);
  void set_attributes(attribute_list attributes);
  /// An event at `time_unix_nano` (now when unset).
  void add_event(std::string_view name, attribute_list attributes = {},
                 std::optional<std::int64_t> time_unix_nano = std::nullopt);
  /// OpenTelemetry's rules: setting Unset is ignored, Ok is final (later calls are ignored), and
  /// the description is kept only for Error.
  void set_status(status_code code, std::string_view description = {});
  /// An "exception" event with exception.type and exception.message.
  void record_exception(const std::exception& e);
  void update_name(std::string_view name);
  /// Ends the span at `end_unix_nano` (when unset: the start time plus the monotonic duration).
  void end(std::optional<std::int64_t> end_unix_nano = std::nullopt);
  /// Ends the span at `end`, a reading of the monotonic clock: for a caller that read the clock
  /// anyway (to record a duration metric), so that span and metric agree and the clock is read once.
  void end_at(std::chrono::steady_clock::time_point end);

 private:
  friend class tracer;
  span(span_context ctx, std::shared_ptr<detail::recording_span> impl) : context_(std::move(ctx)), impl_(std::move(impl)) {}
  span_context context_;
  std::shared_ptr<detail::recording_span> impl_;
};

/// An explicit context for async code: the active span and the baggage.
struct context {
  trace::span span;
  trace::baggage baggage;
  /// The context active on this thread (see scope).
  static context current();
};

/// Makes a span (and baggage) current on this thread for its lifetime; nests.
class scope {
 public:
  explicit scope(const span& s);
  explicit scope(const context& c);
  ~scope();
  scope(const scope&) = delete;
  scope& operator=(const scope&) = delete;

 private:
  context previous_;
};

/// The span current on this thread (a non-recording invalid span when none).
span current_span();

struct span_options {
  span_kind kind = span_kind::internal;
  /// The parent. When unset, the current span on this thread (if any) is the parent; `root`
  /// forces a new trace.
  std::optional<span_context> parent;
  bool root = false;
  /// Links, known at start so samplers can see them.
  std::vector<link_data> links;
  /// Attributes known at start (samplers see them).
  attribute_list attributes;
  /// Start time (Unix ns); when unset, derived from `start_time`.
  std::optional<std::int64_t> start_unix_nano;
  /// Start on the monotonic clock (now when unset), from which the span's duration is measured:
  /// a caller that reads the clock anyway passes its reading.
  std::optional<std::chrono::steady_clock::time_point> start_time;
};

class tracer {
 public:
  span start_span(std::string_view name, span_options options = {}) const;
  const instrumentation_scope& scope() const noexcept { return *scope_; }
  bool enabled() const noexcept;

 private:
  friend class tracer_provider;
  tracer(std::shared_ptr<const tracer_provider> provider, std::shared_ptr<const instrumentation_scope> scope)
      : provider_(std::move(provider)), scope_(std::move(scope)) {}
  std::shared_ptr<const tracer_provider> provider_;
  std::shared_ptr<const instrumentation_scope> scope_;
};

/// OTEL_SDK_DISABLED=true (case-insensitive).
bool sdk_disabled_by_environment();

struct tracer_provider_options {
  trace::resource resource = trace::resource::create();
  std::shared_ptr<const trace::sampler> sampler = parent_based_sampler(always_on_sampler());
  span_limits limits;
  std::vector<std::shared_ptr<span_processor>> processors;
  /// Every tracer is a no-op (spans still propagate incoming context). Default: OTEL_SDK_DISABLED.
  bool disabled = sdk_disabled_by_environment();
};

class tracer_provider : public std::enable_shared_from_this<tracer_provider> {
 public:
  static std::shared_ptr<tracer_provider> create(tracer_provider_options options = {});
  ~tracer_provider();

  std::shared_ptr<tracer> get_tracer(std::string_view name, std::string_view version = {}) const;
  void add_processor(std::shared_ptr<span_processor> processor);
  bool force_flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  const trace::resource& resource() const noexcept { return *resource_; }
  const trace::sampler& sampler() const noexcept { return *sampler_; }
  const span_limits& limits() const noexcept { return limits_; }
  bool disabled() const noexcept { return disabled_; }

 private:
  friend class tracer;
  friend struct detail::recording_span;
  friend class span;
  explicit tracer_provider(tracer_provider_options o);
  void on_end(std::unique_ptr<span_data> span) const;

  std::shared_ptr<const trace::resource> resource_;
  std::shared_ptr<const trace::sampler> sampler_;
  span_limits limits_;
  bool disabled_;
  using processor_list = std::vector<std::shared_ptr<span_processor>>;
  /// The processors now, read without a lock on every span end. add_processor publishes a new
  /// list; the old ones stay alive (in `processor_lists_`) since a span may still be reading one.
  std::atomic<const processor_list*> processors_{nullptr};
  mutable std::mutex processors_mutex_;
  std::vector<std::unique_ptr<const processor_list>> processor_lists_;
};

/// Unix time now, in nanoseconds.
std::int64_t now_unix_nano() noexcept;

/// The Unix time (ns) of a monotonic reading: the reading plus the wall clock's offset from the
/// monotonic clock, measured again at most once a second. Span start times come from it, so
/// that a span reads one clock, once, when it starts (a step of the wall clock reaches spans
/// within a second).
std::int64_t unix_nano_at(std::chrono::steady_clock::time_point t) noexcept;

}  // namespace lumen::trace
