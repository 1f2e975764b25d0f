// OTLP trace export: the ExportTraceServiceRequest in protobuf (hand-written wire encoding of
// opentelemetry-proto) and in OTLP/JSON, and an OTLP/HTTP exporter configured by the standard
// OTEL_EXPORTER_OTLP_* variables, with retries on 429/502/503/504 honouring Retry-After.
#pragma once

#include <lumen/exporter/detail/byte_buffer.hpp>
#include <lumen/sdk/span_processor.hpp>

#include <chrono>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen::exporter {

/// The delay a `Retry-After` value asks for: delay-seconds, or an HTTP-date (IMF-fixdate, RFC 850
/// or asctime form) relative to `now` (zero when it is past); nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

/// Encodes spans (grouped by resource and scope) as an ExportTraceServiceRequest protobuf.
std::string encode_otlp_protobuf(const std::vector<std::unique_ptr<sdk::span_data>>& spans);
/// The same request in OTLP/JSON.
std::string encode_otlp_json(const std::vector<std::unique_ptr<sdk::span_data>>& spans);

enum class otlp_protocol { http_protobuf, http_json };
/// Which signal an OTLP/HTTP endpoint receives (it picks the path and the per-signal variables).
enum class otlp_signal { traces, metrics };

struct otlp_http_options {
  /// The full URL spans are POSTed to, e.g. http://localhost:4318/v1/traces.
  std::string url = "http://localhost:4318/v1/traces";
  otlp_protocol protocol = otlp_protocol::http_protobuf;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};
  bool gzip = false;
  /// Retries after the first attempt (for 429, 502, 503, 504 and connection failures).
  int max_retries = 5;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{5000};

  /// OTEL_EXPORTER_OTLP_{TRACES_,}{ENDPOINT,HEADERS,TIMEOUT,COMPRESSION,PROTOCOL} (METRICS_ for
  /// metrics). The generic endpoint gets /v1/traces (/v1/metrics) appended; the per-signal
  /// endpoint is used as is.
  static otlp_http_options from_environment(otlp_signal signal = otlp_signal::traces);
  /// The defaults for `signal` (a local collector: http://localhost:4318/v1/traces or
  /// /v1/metrics), reading nothing.
  static otlp_http_options for_signal(otlp_signal signal);
  /// True when an OTLP endpoint for `signal` is configured in the environment.
  static bool configured_in_environment(otlp_signal signal = otlp_signal::traces);
};

/// POSTs OTLP bodies to one URL with the retry rules above (shared by the trace and metric
/// exporters). Not thread-safe: one exporting thread uses it.
class otlp_http_client {
 public:
  explicit otlp_http_client(otlp_http_options options);
  ~otlp_http_client();
  otlp_http_client(const otlp_http_client&) = delete;
  otlp_http_client& operator=(const otlp_http_client&) = delete;
  /// Sends `body`; the response body on a 2xx answer, nullopt when it could not be delivered.
  /// Every attempt and every wait between attempts ends by `deadline` (and by
  /// timeout * (max_retries + 1)); when the backoff or the server's Retry-After (seconds or an
  /// HTTP-date) would pass it, the client gives up rather than retry early.
  std::optional<std::string> post(std::string body, bool json_body,
                                  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());
  /// As post(), sending `body` where it is (it must stay valid until this returns), so that a
  /// caller can keep its buffer for the next body.
  std::optional<std::string> post_view(std::string_view body, bool json_body,
                                       std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());
  void close();
  const otlp_http_options& options() const noexcept { return options_; }

 private:
  struct connection;
  otlp_http_options options_;
  std::unique_ptr<connection> connection_;
  std::atomic<bool> closed_{false};
};

class otlp_http_exporter : public sdk::span_exporter {
 public:
  explicit otlp_http_exporter(otlp_http_options options = otlp_http_options::from_environment());
  ~otlp_http_exporter() override;
  sdk::export_result export_spans(const std::vector<std::unique_ptr<sdk::span_data>>& batch) override;
  /// Gives up (counting the spans as failed) at `deadline`.
  sdk::export_result export_spans_until(const std::vector<std::unique_ptr<sdk::span_data>>& batch,
                                   std::chrono::steady_clock::time_point deadline) override;
  void shutdown() override;

  const otlp_http_options& options() const noexcept { return client_.options(); }
  /// Spans the collector rejected (partial success) or that could not be delivered.
  std::uint64_t failed_spans() const noexcept { return failed_.load(); }

 private:
  otlp_http_client client_;
  std::atomic<std::uint64_t> failed_{0};
  // The protobuf body, kept from one export to the next (one exporting thread uses it).
  detail::byte_buffer body_;
};

}  // namespace lumen::exporter
