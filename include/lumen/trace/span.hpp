// The tracing API's span: what instrumented code records into, whatever SDK (if any) records it.
//
//   lumen::trace::span s = tracer.start_span("work", {.kind = span_kind::internal});
//   { lumen::trace::scope active(s); ... child spans default to `s` as parent ... }
//   s.end();
//
// A span is a handle: a context to propagate, plus (when sampled) the SDK's recording behind the
// span_impl interface. An unsampled span is a context-only handle that records nothing.
#pragma once

#include <lumen/trace/attributes.hpp>
#include <lumen/trace/baggage.hpp>
#include <lumen/trace/span_context.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace lumen::trace {

/// A link from a span to another span's context, with the link's attributes.
struct link_data {
  span_context context;
  attribute_list attributes;
  /// Attributes dropped by the SDK's limits (the SDK fills it in; callers leave it 0).
  std::uint32_t dropped_attributes = 0;
};

/// What an SDK implements to record a span; the span handle forwards to it. Calls may come from
/// any thread; implementations synchronise.
class span_impl {
 public:
  virtual ~span_impl() = default;
  /// Sets (or replaces) an attribute.
  virtual void set_attribute(attribute_key key, attribute_value value) = 0;
  /// Adds an event at `time_unix_nano`.
  virtual void add_event(std::string_view name, attribute_list attributes, std::int64_t time_unix_nano) = 0;
  /// Sets the status by OpenTelemetry's rules (see span::set_status).
  virtual void set_status(status_code code, std::string_view description) = 0;
  /// Renames the span.
  virtual void update_name(std::string_view name) = 0;
  /// Ends the span at a Unix time (ns); later calls do nothing.
  virtual void end_at_unix_nano(std::int64_t end_unix_nano) = 0;
  /// Ends the span at a monotonic reading (start time plus the monotonic duration).
  virtual void end_at(std::chrono::steady_clock::time_point end) = 0;
};

/// A span handle. Copies refer to the same span; end() is idempotent. A default-constructed or
/// unsampled span records nothing (but still has a context to propagate).
class span {
 public:
  span() = default;
  /// A span that records nothing and carries `ctx` (to propagate a context unchanged).
  static span non_recording(span_context ctx) { return span(std::move(ctx), nullptr); }
  /// A span recorded by `impl` (an SDK's constructor for the spans it starts).
  static span recording(span_context ctx, std::shared_ptr<span_impl> impl) {
    return span(std::move(ctx), std::move(impl));
  }

  /// The span's trace context (valid even when nothing is recorded).
  const span_context& context() const noexcept { return context_; }
  /// Whether anything set on this span is recorded.
  bool is_recording() const noexcept { return impl_ != nullptr; }

  /// Sets (or replaces) an attribute. A key made with static_key() is not copied.
  void set_attribute(attribute_key key, attribute_value value) {
    if (impl_) impl_->set_attribute(std::move(key), std::move(value));
  }
  /// Sets each attribute of `attributes`.
  void set_attributes(attribute_list attributes);
  /// An event at `time_unix_nano` (now when unset).
  void add_event(std::string_view name, attribute_list attributes = {},
                 std::optional<std::int64_t> time_unix_nano = std::nullopt);
  /// OpenTelemetry's rules: setting Unset is ignored, Ok is final (later calls are ignored), and
  /// the description is kept only for Error.
  void set_status(status_code code, std::string_view description = {}) {
    if (impl_) impl_->set_status(code, description);
  }
  /// An "exception" event with exception.type and exception.message.
  void record_exception(const std::exception& e);
  /// Renames the span (e.g. once the route is known).
  void update_name(std::string_view name) {
    if (impl_) impl_->update_name(name);
  }
  /// Ends the span at `end_unix_nano` (when unset: the start time plus the monotonic duration).
  void end(std::optional<std::int64_t> end_unix_nano = std::nullopt);
  /// Ends the span at `end`, a reading of the monotonic clock: for a caller that read the clock
  /// anyway (to record a duration metric), so that span and metric agree and the clock is read once.
  void end_at(std::chrono::steady_clock::time_point end) {
    if (impl_) impl_->end_at(end);
  }

 private:
  span(span_context ctx, std::shared_ptr<span_impl> impl) : context_(std::move(ctx)), impl_(std::move(impl)) {}
  span_context context_;
  std::shared_ptr<span_impl> impl_;
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

/// The current span's context on this thread, by reference (no copy): valid until the thread's
/// current span changes. For tracers choosing a default parent.
const span_context& current_span_context() noexcept;

/// How to start a span.
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

}  // namespace lumen::trace
