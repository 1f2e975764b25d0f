// The tracing API's tracer: starts spans. The SDK (lumen/sdk/tracer_provider.hpp) makes tracers
// that record and export; instrumented code needs only this interface.
#pragma once

#include <lumen/trace/span.hpp>

#include <string_view>

namespace lumen::trace {

/// Starts spans for one instrumentation scope.
class tracer {
 public:
  virtual ~tracer() = default;
  /// Starts a span (sampling is decided here; see span_options for the parent rules).
  span start_span(std::string_view name, span_options options = {}) const {
    return do_start_span(name, std::move(options));
  }
  /// False when spans from this tracer are never recorded (e.g. the SDK is disabled).
  virtual bool enabled() const noexcept = 0;

 protected:
  /// The implementation of start_span.
  virtual span do_start_span(std::string_view name, span_options options) const = 0;
};

}  // namespace lumen::trace
