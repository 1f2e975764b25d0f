// OTLP metric export: the meter's histograms as an ExportMetricsServiceRequest (protobuf, hand-
// written wire encoding of opentelemetry-proto, and OTLP/JSON), and an exporter that POSTs them
// to /v1/metrics on an interval (OTEL_METRIC_EXPORT_INTERVAL) with the OTLP/HTTP client's retry
// rules. Temporality is cumulative: every export carries everything since the histogram began.
#pragma once

#include <lumen/sdk/metrics.hpp>
#include <lumen/exporter/otlp.hpp>
#include <lumen/sdk/resource.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lumen::exporter {

/// What one export carries: the histograms' points read at `time_unix_nano`.
struct metric_snapshot {
  std::shared_ptr<const sdk::resource> resource;
  sdk::instrumentation_scope scope;
  std::vector<std::shared_ptr<const sdk::histogram>> histograms;
  std::int64_t time_unix_nano = 0;
};

namespace detail {
/// A metric attribute set as span attributes (for the shared OTLP KeyValue encoders).
trace::attribute_list to_attribute_list(const sdk::metric_attributes& attributes);
}  // namespace detail

/// Histograms without points are left out. Empty when nothing has been recorded.
std::string encode_otlp_metrics_protobuf(const metric_snapshot& snapshot);
std::string encode_otlp_metrics_json(const metric_snapshot& snapshot);

struct metric_export_options {
  /// Where metrics go (a local collector by default); from_environment() reads
  /// OTEL_EXPORTER_OTLP_{METRICS_,}* (/v1/metrics). A default-constructed value reads nothing.
  exporter::otlp_http_options http = exporter::otlp_http_options::for_signal(exporter::otlp_signal::metrics);
  /// Time between exports (OTEL_METRIC_EXPORT_INTERVAL, 60000 ms).
  std::chrono::milliseconds interval{60000};
  /// Bound of one export, retries included (OTEL_METRIC_EXPORT_TIMEOUT, 30000 ms).
  std::chrono::milliseconds timeout{30000};

  static metric_export_options from_environment();
};

/// Exports a meter's histograms on its own thread every `interval`, once more at shutdown, and
/// on force_flush(). A collector that is down costs failed exports, never the application's time.
class periodic_metric_exporter {
 public:
  periodic_metric_exporter(const lumen::sdk::meter& meter, std::shared_ptr<const sdk::resource> resource,
                           metric_export_options options = metric_export_options::from_environment());
  /// Shuts down (one final export).
  ~periodic_metric_exporter();
  periodic_metric_exporter(const periodic_metric_exporter&) = delete;
  periodic_metric_exporter& operator=(const periodic_metric_exporter&) = delete;

  /// Exports now; true when the collector accepted it (or there was nothing to send).
  bool force_flush(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Final export and stop; idempotent.
  void shutdown();

  const metric_export_options& options() const noexcept { return options_; }
  std::uint64_t exports_succeeded() const noexcept { return succeeded_.load(); }
  std::uint64_t exports_failed() const noexcept { return failed_.load(); }

 private:
  bool export_now(std::chrono::steady_clock::time_point deadline);
  void run();

  const lumen::sdk::meter& meter_;
  std::shared_ptr<const sdk::resource> resource_;
  metric_export_options options_;
  exporter::otlp_http_client client_;
  std::mutex export_mutex_;  // one export at a time (the client is single-threaded)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> succeeded_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::thread worker_;
};

}  // namespace lumen::exporter
