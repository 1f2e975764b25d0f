// Lumen's MCP telemetry: one object that owns the tracer provider and meter, and gives the server
// its observer (MCP SERVER spans by the conventions, the parent/link rule, CLIENT spans for
// server-to-client requests), the HTTP layer its server spans, and the client its interceptor.
//
//   auto tel = lumen::telemetry::runtime::create({.service_name = "weather"});
//   lumen::server::server srv(info, {.observer = tel->server_observer()});
#pragma once

#include <lumen/client/client.hpp>
#include <lumen/server/observer.hpp>
#include <lumen/telemetry/metrics.hpp>
#include <lumen/telemetry/otlp_metrics.hpp>
#include <lumen/telemetry/session_id_hash.hpp>
#include <lumen/trace/propagation.hpp>
#include <lumen/trace/tracer.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lumen::viewer {
class span_store;
}
namespace lumen::transport {
class http_request_observer;
}

namespace lumen::telemetry {

/// off: nothing; propagation: pass context through (inject what came in), record nothing;
/// full: record and export spans.
enum class telemetry_mode { off, propagation, full };

struct telemetry_options {
  std::string service_name;
  std::string service_version;
  /// Default: LUMEN_TELEMETRY (off|propagation|full), else full; OTEL_SDK_DISABLED=true means off.
  std::optional<telemetry_mode> mode;
  /// Where spans go: OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT or
  /// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, and `span_store` when given. With neither, an
  /// in-process span store of `default_span_store_capacity` spans (0: none) is created, so that
  /// spans can be seen without a collector (runtime::span_store(), viewer::trace_viewer).
  std::shared_ptr<viewer::span_store> span_store;
  std::size_t default_span_store_capacity = 4096;
  /// Extra processors (e.g. a simple processor over an in-memory exporter in tests).
  std::vector<std::shared_ptr<trace::span_processor>> processors;
  /// Sampler; default from OTEL_TRACES_SAMPLER (parentbased_always_on).
  std::shared_ptr<const trace::sampler> sampler;
  /// Opt-in capture of tool arguments and results (may be sensitive).
  bool capture_tool_arguments = false;
  bool capture_tool_results = false;
  /// Export mcp.session.id raw instead of as a keyed hash.
  bool raw_session_id = false;
  /// Create HTTP server spans in Lumen's own HTTP server. Off when a layer in front (a gateway, a
  /// host) already instruments HTTP: the `traceparent` header's context is then the ambient
  /// context itself (the parent without `_meta`, the Link with it).
  bool http_server_spans = true;
  /// Requests under these paths get no HTTP span (the trace viewer's own traffic).
  std::vector<std::string> http_untraced_prefixes{"/_lumen/"};
  /// Where metrics are exported (OTLP/HTTP, on an interval). Default: from the environment when
  /// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is set and
  /// OTEL_METRICS_EXPORTER is not `none`; otherwise metrics stay in-process (runtime::meter()).
  std::optional<metric_export_options> metric_export;
};

class runtime : public std::enable_shared_from_this<runtime> {
 public:
  static std::shared_ptr<runtime> create(telemetry_options options = {});
  ~runtime();

  telemetry_mode mode() const noexcept { return mode_; }
  const telemetry_options& options() const noexcept { return options_; }
  const std::shared_ptr<trace::tracer_provider>& provider() const noexcept { return provider_; }
  const std::shared_ptr<trace::tracer>& tracer() const noexcept { return tracer_; }
  /// The span store spans are exported to (the given one or the default); nullptr when none.
  const std::shared_ptr<viewer::span_store>& span_store() const noexcept { return options_.span_store; }
  lumen::telemetry::meter& meter() noexcept { return meter_; }
  /// The meter's histogram `name` when this runtime records metrics (full mode); nullptr
  /// otherwise (propagation records none, so it makes no histograms either).
  histogram* recording_histogram(std::string_view name, std::string_view description,
                                 const std::vector<double>& boundaries) {
    if (mode_ != telemetry_mode::full) return nullptr;
    return &meter_.get_histogram(name, "s", description, boundaries);
  }
  /// The OTLP metric exporter, or nullptr when metrics are not exported.
  periodic_metric_exporter* metric_exporter() noexcept { return metric_exporter_.get(); }
  /// The value for mcp.session.id (hashed unless raw_session_id).
  std::string session_attribute(std::string_view session_id) const;

  /// The server's observer (install with server_options::observer).
  std::shared_ptr<server::operation_observer> server_observer();
  /// HTTP server spans for Lumen's HTTP server (with http_server_spans=false or in propagation
  /// mode, only the header context as the ambient context); nullptr when telemetry is off.
  std::shared_ptr<transport::http_request_observer> http_observer();
  /// For client_options::interceptor: CLIENT spans, context injected into `_meta` and headers.
  /// `network_transport` is tcp for HTTP, pipe for stdio.
  client::request_interceptor client_interceptor(server::network_transport network_transport);
  /// For client_options::on_session_end: records mcp.client.session.duration.
  std::function<void(const client::session_end&)> client_session_observer();
  /// Sets both on `options`: `tel->instrument(options, server::network_transport::tcp)`.
  void instrument(client::client_options& options, server::network_transport network_transport);

  /// Exports what is pending: spans and, when exported, metrics.
  bool force_flush(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void shutdown();

 private:
  explicit runtime(telemetry_options options);
  void start_metric_export();
  telemetry_options options_;
  telemetry_mode mode_;
  std::shared_ptr<trace::tracer_provider> provider_;
  std::shared_ptr<trace::tracer> tracer_;
  lumen::telemetry::meter meter_;
  std::unique_ptr<periodic_metric_exporter> metric_exporter_;  // reads meter_: declared after it
  session_id_hasher hasher_;
};

/// The mode from LUMEN_TELEMETRY and OTEL_SDK_DISABLED.
telemetry_mode mode_from_environment();

}  // namespace lumen::telemetry
