// Lumen's log lines: a replaceable sink and the trace context of the calling thread.
#include <lumen/log.hpp>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>

namespace lumen::log {

namespace {

std::mutex sink_mutex;
std::shared_ptr<const std::function<void(const record&)>> current_sink;  // guarded by sink_mutex
std::atomic<context_source> current_source{nullptr};

}  // namespace

void set_sink(std::function<void(const record&)> sink) {
  std::lock_guard lock(sink_mutex);
  current_sink = sink ? std::make_shared<const std::function<void(const record&)>>(std::move(sink)) : nullptr;
}

void set_context_source(context_source source) noexcept { current_source.store(source); }

std::string format(const record& r) {
  std::string line = "lumen: ";
  line += r.message;
  if (!r.trace_id.empty()) {
    line += " trace_id=";
    line += r.trace_id;
    line += " span_id=";
    line += r.span_id;
  }
  return line;
}

void write(level severity, std::string_view message) {
  std::string trace_id, span_id;
  if (auto source = current_source.load(); source && !source(trace_id, span_id)) {
    trace_id.clear();
    span_id.clear();
  }
  record r{severity, message, trace_id, span_id};
  std::shared_ptr<const std::function<void(const record&)>> sink;
  {
    std::lock_guard lock(sink_mutex);
    sink = current_sink;
  }
  if (sink) {
    (*sink)(r);
  } else {
    std::cerr << format(r) << '\n';
  }
}

}  // namespace lumen::log
