// The telemetry object: provider, processors and exporters chosen from options and environment.
#include <lumen/telemetry/telemetry.hpp>

#include <lumen/log.hpp>

#include <lumen/core/env.hpp>
#include <lumen/exporter/otlp.hpp>
#include <lumen/sdk/span_store_exporter.hpp>
#include <lumen/version.hpp>

#include <algorithm>

namespace lumen::telemetry {

telemetry_mode mode_from_environment() {
  if (core::env::get_bool("OTEL_SDK_DISABLED")) return telemetry_mode::off;
  auto v = core::env::get("LUMEN_TELEMETRY");
  if (!v || *v == "full") return telemetry_mode::full;
  if (*v == "off") return telemetry_mode::off;
  if (*v == "propagation") return telemetry_mode::propagation;
  core::env::warn_once("LUMEN_TELEMETRY", *v, "off, propagation or full; using full");
  return telemetry_mode::full;
}

namespace {

// Log correlation: the span current on this thread (the MCP operation while it is handled).
bool current_trace_context(std::string& trace_id, std::string& span_id) {
  const auto span = trace::current_span();
  const auto& ctx = span.context();
  if (!ctx.is_valid()) return false;
  trace_id = ctx.trace_id().to_hex();
  span_id = ctx.span_id().to_hex();
  return true;
}

}  // namespace

runtime::runtime(telemetry_options options)
    : options_(std::move(options)), mode_(options_.mode.value_or(mode_from_environment())) {
  if (mode_ != telemetry_mode::off && options_.correlate_logs) log::set_context_source(&current_trace_context);
  sdk::tracer_provider_options p;
  p.resource = sdk::resource::create(options_.service_name, options_.service_version);
  p.sampler = options_.sampler ? options_.sampler : sdk::sampler_from_environment();
  p.limits = sdk::span_limits::from_environment();
  p.disabled = mode_ != telemetry_mode::full;
  if (mode_ == telemetry_mode::full) {
    const bool otlp = exporter::otlp_http_options::configured_in_environment();
    if (!otlp && !options_.span_store && options_.default_span_store_capacity > 0) {
      options_.span_store = std::make_shared<sdk::span_store>(options_.default_span_store_capacity);
    }
    if (otlp) {
      try {
        p.processors.push_back(std::make_shared<sdk::batch_span_processor>(
            std::make_shared<exporter::otlp_http_exporter>(exporter::otlp_http_options::from_environment())));
      } catch (const std::exception& e) {
        log::write(log::level::error, std::string("OTLP export disabled: ") + e.what());
      }
    }
    if (options_.span_store) {
      // The OTEL_BSP_* settings, but spans reach the local viewer within 200 ms.
      auto store_batches = sdk::batch_options::from_environment();
      store_batches.schedule_delay = std::min(store_batches.schedule_delay, std::chrono::milliseconds(200));
      p.processors.push_back(std::make_shared<sdk::batch_span_processor>(
          std::make_shared<sdk::span_store_exporter>(options_.span_store), store_batches));
    }
    for (auto& extra : options_.processors) p.processors.push_back(extra);
  }
  provider_ = sdk::tracer_provider::create(std::move(p));
  tracer_ = provider_->get_tracer("lumen", "0.1.0");
#include <lumen/version.hpp>
  if (mode_ == telemetry_mode::full) start_metric_export();
}

namespace {

// OTLP metric export is on when an endpoint for metrics is set, unless OTEL_METRICS_EXPORTER=none.
bool metrics_exported_by_environment() {
  if (!exporter::otlp_http_options::configured_in_environment(exporter::otlp_signal::metrics)) return false;
  auto exporter = core::env::get("OTEL_METRICS_EXPORTER");
  if (!exporter || *exporter == "otlp") return true;
  if (*exporter != "none") core::env::warn_once("OTEL_METRICS_EXPORTER", *exporter, "otlp or none; using otlp");
  return *exporter != "none";
}

}  // namespace

void runtime::start_metric_export() {
  std::optional<exporter::metric_export_options> options = options_.metric_export;
  if (!options && metrics_exported_by_environment()) options = exporter::metric_export_options::from_environment();
  if (!options) return;
  try {
    metric_exporter_ = std::make_unique<exporter::periodic_metric_exporter>(
        meter_, std::make_shared<const sdk::resource>(provider_->resource()), std::move(*options));
  } catch (const std::exception& e) {
    log::write(log::level::error, std::string("OTLP metric export disabled: ") + e.what());
  }
}

std::shared_ptr<runtime> runtime::create(telemetry_options options) {
  return std::shared_ptr<runtime>(new runtime(std::move(options)));
}

runtime::~runtime() { shutdown(); }

std::string runtime::session_attribute(std::string_view session_id) const {
  return options_.raw_session_id ? std::string(session_id) : hasher_(session_id);
}

bool runtime::force_flush(std::chrono::milliseconds timeout) {
  bool spans = provider_->force_flush(timeout);
  bool metrics = !metric_exporter_ || metric_exporter_->force_flush(timeout);
  return spans && metrics;
}

void runtime::shutdown() {
  if (provider_) provider_->shutdown(std::chrono::seconds(5));
  if (metric_exporter_) metric_exporter_->shutdown();
}

}  // namespace lumen::telemetry
