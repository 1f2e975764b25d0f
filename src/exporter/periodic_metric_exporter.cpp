// The periodic OTLP metric exporter: a thread that wakes every interval (or on flush/shutdown),
// reads the meter's histograms and POSTs them to /v1/metrics.
#include <lumen/exporter/otlp_metrics.hpp>
#include <lumen/trace/clock.hpp>

#include <lumen/core/env.hpp>

#include <lumen/log.hpp>
#include <lumen/version.hpp>

#include <pthread.h>

namespace lumen::exporter {

metric_export_options metric_export_options::from_environment() {
  metric_export_options o;
  o.http = exporter::otlp_http_options::from_environment(exporter::otlp_signal::metrics);
  o.interval = core::env::get_millis("OTEL_METRIC_EXPORT_INTERVAL", o.interval);
  o.timeout = core::env::get_millis("OTEL_METRIC_EXPORT_TIMEOUT", o.timeout);
  // An interval of 0 would spin; the SDK specification asks for a positive value.
  if (o.interval.count() <= 0) {
    core::env::warn_once("OTEL_METRIC_EXPORT_INTERVAL", std::to_string(o.interval.count()), "a positive number of milliseconds; using 60000");
    o.interval = std::chrono::milliseconds(60000);
  }
  return o;
}

periodic_metric_exporter::periodic_metric_exporter(const lumen::sdk::meter& meter,
                                                   std::shared_ptr<const sdk::resource> resource,
                                                   metric_export_options options)
    : meter_(meter), resource_(std::move(resource)), options_(std::move(options)), client_(options_.http) {
  worker_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "lumen-metrics");
    run();
  });
}

periodic_metric_exporter::~periodic_metric_exporter() { shutdown(); }

bool periodic_metric_exporter::export_now(std::chrono::steady_clock::time_point deadline) {
  std::lock_guard lock(export_mutex_);
  metric_snapshot snapshot{resource_, {"lumen", std::string(lumen::version)}, meter_.histograms(), trace::now_unix_nano()};
  const bool json_body = options_.http.protocol == exporter::otlp_protocol::http_json;
  std::string body = json_body ? encode_otlp_metrics_json(snapshot) : encode_otlp_metrics_protobuf(snapshot);
  if (body.empty()) return true;  // nothing recorded yet
  deadline = std::min(deadline, std::chrono::steady_clock::now() + options_.timeout);
  if (client_.post(std::move(body), json_body, deadline)) {
    ++succeeded_;
    return true;
  }
  ++failed_;
  return false;
}

void periodic_metric_exporter::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) break;
    lock.unlock();
    if (!export_now(std::chrono::steady_clock::time_point::max())) {
      log::write(log::level::error, "metric export to " + options_.http.url + " failed");
    }
    lock.lock();
  }
}

bool periodic_metric_exporter::force_flush(std::chrono::milliseconds timeout) {
  return export_now(std::chrono::steady_clock::now() + timeout);
}

void periodic_metric_exporter::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  export_now(std::chrono::steady_clock::now() + std::min(options_.timeout, std::chrono::milliseconds(5000)));
  client_.close();
}

}  // namespace lumen::exporter
