// The in-process span store: a bounded ring of finished spans that the trace viewer reads. It is
// the default export target when no OTLP endpoint is configured.
#pragma once

#include <lumen/json.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lumen::sdk {

/// One finished span as the viewer shows it (ids in lower-case hex).
struct stored_span {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;  // empty for a root
  std::string name;
  std::string service;
  int kind = 0;  // OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  std::int64_t start_unix_nano = 0;
  std::int64_t end_unix_nano = 0;
  int status_code = 0;  // 0 unset, 1 ok, 2 error
  std::string status_message;
  json::object attributes;
  json::array events;  // [{name, timeUnixNano, attributes}]
  json::array links;   // [{traceId, spanId, attributes}]

  json::object to_json() const;
};

/// Which traces to list.
struct trace_filter {
  std::optional<std::string> method;  // mcp.method.name of any span
  std::optional<std::string> tool;    // gen_ai.tool.name of any span
  std::optional<bool> has_error;
  std::size_t limit = 100;
};

/// A bounded, thread-safe store of recent spans (oldest dropped first).
class span_store {
 public:
  explicit span_store(std::size_t capacity = 4096) : capacity_(capacity == 0 ? 1 : capacity) {}

  void add(stored_span span);
  void add(std::vector<stored_span> spans);

  /// Summaries of recent traces, newest first: {traceId, rootName, service, startTimeUnixNano,
  /// durationNanos, spanCount, errorCount, methods, tools}.
  json::array list_traces(const trace_filter& filter = {}) const;
  /// Every stored span of a trace, by start time; empty when unknown.
  std::vector<stored_span> trace(std::string_view trace_id) const;
  /// The trace id a span belongs to, when stored.
  std::optional<std::string> trace_of_span(std::string_view span_id) const;

  std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }
  /// Spans pushed out of the ring so far.
  std::uint64_t evicted() const;
  void clear();

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<stored_span> spans_;
  std::uint64_t evicted_ = 0;
};

}  // namespace lumen::sdk
