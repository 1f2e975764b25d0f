// Span exporters and processors: the exporter interface, the in-memory exporter for tests, the
// simple processor (export on end) and the batch processor (bounded queue, background thread).
#pragma once

#include <lumen/sdk/span_data.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace lumen::sdk {

enum class export_result { success, failure };

class span_exporter {
 public:
  virtual ~span_exporter() = default;
  /// Exports a batch; called from one thread at a time.
  virtual export_result export_spans(const std::vector<std::unique_ptr<span_data>>& batch) = 0;
  /// Exports a batch that must be done by `deadline` (the batch processor's
  /// OTEL_BSP_EXPORT_TIMEOUT). Exporters that can give up early override this; the default
  /// ignores the deadline (the batch processor then stops waiting for it at the deadline).
  virtual export_result export_spans_until(const std::vector<std::unique_ptr<span_data>>& batch,
                                           std::chrono::steady_clock::time_point /*deadline*/) {
    return export_spans(batch);
  }
  virtual bool force_flush(std::chrono::milliseconds /*timeout*/) { return true; }
  virtual void shutdown() {}
};

/// Keeps exported spans in memory (thread-safe); for tests and the in-process viewer.
class in_memory_exporter : public span_exporter {
 public:
  export_result export_spans(const std::vector<std::unique_ptr<span_data>>& batch) override;
  std::vector<span_data> finished_spans() const;
  void reset();

 private:
  mutable std::mutex mutex_;
  std::vector<span_data> spans_;
};

class span_processor {
 public:
  virtual ~span_processor() = default;
  /// Receives a recorded span at its end (sampled spans only reach exporting processors).
  virtual void on_end(std::unique_ptr<span_data> span) = 0;
  virtual bool force_flush(std::chrono::milliseconds timeout = std::chrono::seconds(30)) = 0;
  virtual void shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(30)) = 0;
};

/// Exports each span as it ends, on the ending thread (for tests and debugging).
class simple_span_processor : public span_processor {
 public:
  explicit simple_span_processor(std::shared_ptr<span_exporter> exporter) : exporter_(std::move(exporter)) {}
  void on_end(std::unique_ptr<span_data> span) override;
  bool force_flush(std::chrono::milliseconds timeout) override;
  void shutdown(std::chrono::milliseconds timeout) override;

 private:
  std::shared_ptr<span_exporter> exporter_;
  std::mutex mutex_;
  std::atomic<bool> shut_down_{false};
};

struct batch_options {
  std::chrono::milliseconds schedule_delay{5000};
  std::size_t max_queue_size = 2048;
  std::size_t max_export_batch_size = 512;
  /// How long one export may take (0: no limit): the exporter gets this deadline, and
  /// force_flush and shutdown stop waiting for an export that overruns it.
  std::chrono::milliseconds export_timeout{30000};
  /// OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
  /// OTEL_BSP_EXPORT_TIMEOUT.
  static batch_options from_environment();
};

/// Queues ended spans in a bounded lock-free ring and exports them in batches on a background
/// thread. The ending thread never blocks: a full queue drops the span and counts it. Neither
/// force_flush nor shutdown waits longer than its timeout or past an export's deadline; an
/// export that ignores its deadline is abandoned by shutdown (the background thread then shuts
/// the exporter down itself when the export returns).
class batch_span_processor : public span_processor {
 public:
  batch_span_processor(std::shared_ptr<span_exporter> exporter, batch_options options = batch_options::from_environment());
  ~batch_span_processor() override;
  void on_end(std::unique_ptr<span_data> span) override;
  bool force_flush(std::chrono::milliseconds timeout) override;
  void shutdown(std::chrono::milliseconds timeout) override;

  /// Spans dropped because the queue was full.
  std::uint64_t dropped() const noexcept;
  /// Spans the exporter has accepted so far (its export returned success).
  std::uint64_t exported() const noexcept;
  /// Spans whose export failed (the exporter returned failure or threw).
  std::uint64_t failed() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;  // shared with the background thread
};

}  // namespace lumen::sdk
