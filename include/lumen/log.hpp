// Lumen's own log lines (transport failures, dropped messages, export errors): where they go, and
// the trace context they carry. A line written while a request is being handled names the trace
// and span of that request (`trace_id=… span_id=…`), so logs and traces can be joined. The
// telemetry layer supplies the context; the core knows nothing of tracing.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace lumen::log {

enum class level { debug, info, warning, error };

/// One log line. `trace_id`/`span_id` are lower-case hex, empty outside a traced request.
struct record {
  log::level level = level::info;
  std::string_view message;
  std::string_view trace_id;
  std::string_view span_id;
};

/// Receives every record; nullptr restores the default (one line on stderr:
/// `lumen: MESSAGE trace_id=… span_id=…`). Thread-safe; the sink may be called from any thread.
void set_sink(std::function<void(const record&)> sink);

/// The calling thread's trace context for correlation: writes the ids (hex) and returns true, or
/// returns false when there is none. Installed by the telemetry runtime.
using context_source = bool (*)(std::string& trace_id, std::string& span_id);
void set_context_source(context_source source) noexcept;

/// Writes one line through the sink, with the current trace context.
void write(level severity, std::string_view message);

/// The default format: `lumen: MESSAGE` plus ` trace_id=… span_id=…` when there is a context.
std::string format(const record& r);

}  // namespace lumen::log
