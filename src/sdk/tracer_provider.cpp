// The tracing SDK: the tracer provider, its recording tracers and spans, and span limits.
#include <lumen/sdk/tracer_provider.hpp>

#include <lumen/core/env.hpp>
#include <lumen/sdk/detail/span_pool.hpp>
#include <lumen/trace/clock.hpp>

#include <algorithm>

namespace lumen::sdk {

bool sdk_disabled_by_environment() { return core::env::get_bool("OTEL_SDK_DISABLED"); }

namespace {

// A value length limit: a non-negative integer (0 truncates strings to empty); unset: `fallback`.
std::size_t value_length_from_environment(const char* name, std::size_t fallback) {
  auto v = core::env::get(name);
  if (!v) return fallback;
  bool digits = v->size() <= 18;
  for (char c : *v) digits = digits && c >= '0' && c <= '9';
  if (!digits) {
    core::env::warn_once(name, *v,
                   "a non-negative integer; using " + (fallback == SIZE_MAX ? std::string("no limit") : std::to_string(fallback)));
    return fallback;
  }
  return static_cast<std::size_t>(std::stoll(*v));
}

std::size_t count_from_environment(const char* name, std::int64_t fallback) {
  return static_cast<std::size_t>(core::env::get_int(name, fallback));
}

}  // namespace

span_limits span_limits::from_environment() {
  span_limits l;
  const auto attributes = static_cast<std::int64_t>(count_from_environment("OTEL_ATTRIBUTE_COUNT_LIMIT", 128));
  l.attribute_count = count_from_environment("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", attributes);
  l.event_count = count_from_environment("OTEL_SPAN_EVENT_COUNT_LIMIT", 128);
  l.link_count = count_from_environment("OTEL_SPAN_LINK_COUNT_LIMIT", 128);
  l.event_attribute_count = count_from_environment("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", attributes);
  l.link_attribute_count = count_from_environment("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", attributes);
  // The span-specific limit wins over the general one.
  l.attribute_value_length = value_length_from_environment(
      "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", value_length_from_environment("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", SIZE_MAX));
  return l;
}

namespace detail {

namespace {
// Keeps the first `max` characters (UTF-8 code points; a cut never splits one).
void truncate(std::string& s, std::size_t max) {
  if (s.size() <= max) return;  // bytes >= characters
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (chars == max) {
      s.resize(i);
      return;
    }
    ++chars;
  }
}

void truncate(trace::attribute_value& v, std::size_t max) {
  if (max == SIZE_MAX) return;
  if (auto* s = std::get_if<std::string>(&v)) truncate(*s, max);
  if (auto* a = std::get_if<std::vector<std::string>>(&v)) {
    for (auto& s : *a) truncate(s, max);
  }
}

// Sets or replaces `key` within the count limit; counts what is dropped.
void put(trace::attribute_list& list, std::uint32_t& dropped, std::size_t limit, std::size_t value_length,
         trace::attribute_key key, trace::attribute_value value) {
  truncate(value, value_length);
  for (auto& a : list) {
    if (a.key == key) {
      a.value = std::move(value);
      return;
    }
  }
  if (list.size() >= limit) {
    ++dropped;
    return;
  }
  list.emplace_back(std::move(key), std::move(value));
}

void limit_list(trace::attribute_list& list, std::uint32_t& dropped, std::size_t limit, std::size_t value_length) {
  if (list.size() > limit) {
    dropped += static_cast<std::uint32_t>(list.size() - limit);
    list.resize(limit);
  }
  if (value_length == SIZE_MAX) return;  // the default: nothing to truncate
  for (auto& a : list) truncate(a.value, value_length);
}
}  // namespace


// The SDK's recording of one sampled span: its record until it ends, then nothing.
class recording_span final : public trace::span_impl {
 public:
  recording_span(std::shared_ptr<const tracer_provider> provider, std::chrono::steady_clock::time_point start)
      : provider_(std::move(provider)), start_monotonic_(start) {}

  // The record being filled (set once, before the span is shared).
  std::unique_ptr<span_data> data;

  void set_attribute(trace::attribute_key key, trace::attribute_value value) override {
    std::lock_guard lock(mutex_);
    if (!data) return;
    put(data->attributes, data->dropped_attributes, limits().attribute_count, limits().attribute_value_length,
        std::move(key), std::move(value));
  }

  void add_event(std::string_view name, trace::attribute_list attributes, std::int64_t time_unix_nano) override {
    std::lock_guard lock(mutex_);
    if (!data) return;
    if (data->events.size() >= limits().event_count) {
      ++data->dropped_events;
      return;
    }
    event_data e{std::string(name), time_unix_nano, std::move(attributes), 0};
    limit_list(e.attributes, e.dropped_attributes, limits().event_attribute_count, limits().attribute_value_length);
    data->events.push_back(std::move(e));
  }

  void set_status(trace::status_code code, std::string_view description) override {
    std::lock_guard lock(mutex_);
    if (!data) return;
    // OpenTelemetry: an attempt to set Unset is ignored, and Ok is final.
    if (code == trace::status_code::unset || data->status == trace::status_code::ok) return;
    data->status = code;
    data->status_message = code == trace::status_code::error ? std::string(description) : std::string();
  }

  void update_name(std::string_view name) override {
    std::lock_guard lock(mutex_);
    if (data) data->name = std::string(name);
  }

  void end_at_unix_nano(std::int64_t end_unix_nano) override {
    auto done = take_record();
    if (!done) return;
    done->end_unix_nano = end_unix_nano;
    provider_->on_end(std::move(done));
  }

  void end_at(std::chrono::steady_clock::time_point end) override {
    auto done = take_record();
    if (!done) return;
    const auto elapsed = std::max(end - start_monotonic_, std::chrono::steady_clock::duration::zero());
    done->end_unix_nano = done->start_unix_nano + std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
    provider_->on_end(std::move(done));
  }

 private:
  const span_limits& limits() const { return provider_->limits(); }
  // The record, taken by whoever ends the span first (nullptr once ended).
  std::unique_ptr<span_data> take_record() {
    std::lock_guard lock(mutex_);
    return std::move(data);
  }

  std::mutex mutex_;
  std::shared_ptr<const tracer_provider> provider_;
  std::chrono::steady_clock::time_point start_monotonic_;
};

// The SDK's tracer: samples, then records into a recycled span_data.
class recording_tracer final : public trace::tracer {
 public:
  recording_tracer(std::shared_ptr<const tracer_provider> provider, std::shared_ptr<const instrumentation_scope> scope)
      : provider_(std::move(provider)), scope_(std::move(scope)) {}

  bool enabled() const noexcept override { return !provider_->disabled(); }

 protected:
  trace::span do_start_span(std::string_view name, trace::span_options options) const override;

 private:
  std::shared_ptr<const tracer_provider> provider_;
  std::shared_ptr<const instrumentation_scope> scope_;
};

namespace {
const trace::span_context no_parent;
}

trace::span recording_tracer::do_start_span(std::string_view name, trace::span_options options) const {
  // Referred to, not copied: an unsampled span should cost almost nothing.
  const trace::span_context* parent_ptr = &no_parent;
  if (options.parent) {
    parent_ptr = &*options.parent;
  } else if (!options.root) {
    parent_ptr = &trace::current_span_context();
  }
  const trace::span_context& parent = *parent_ptr;
  const bool has_parent = parent.is_valid();
  trace::trace_id tid = has_parent ? parent.trace_id() : trace::random_trace_id();
  trace::span_id sid = trace::random_span_id();
  // New root trace ids are fully random: set W3C Level 2's random flag; keep an incoming one.
  std::uint8_t flags = has_parent ? static_cast<std::uint8_t>(parent.flags() & trace::trace_flags::random)
                                  : trace::trace_flags::random;
  trace::trace_state state = has_parent ? parent.trace_state() : trace::trace_state{};

  if (provider_->disabled()) {
    // No recording, but propagate the incoming trace (with the parent's sampled bit).
    return trace::span::non_recording(trace::span_context(
        tid, sid, static_cast<std::uint8_t>(flags | (parent.flags() & trace::trace_flags::sampled)), false,
        std::move(state)));
  }

  sampling_input in{has_parent ? &parent : nullptr, tid, name, options.kind, options.attributes, options.links};
  auto decision = provider_->sampler().should_sample(in);
  if (decision == sampling_decision::record_and_sample) flags |= trace::trace_flags::sampled;
  trace::span_context ctx(tid, sid, flags, false, std::move(state));
  if (decision == sampling_decision::drop) return trace::span::non_recording(std::move(ctx));

  const auto start = options.start_time ? *options.start_time : std::chrono::steady_clock::now();
  auto impl = std::make_shared<recording_span>(provider_, start);
  // A recycled record where there is one: every field is assigned here.
  auto data = acquire_span_data();
  data->context = ctx;
  data->parent = parent;
  data->name.assign(name);
  data->kind = options.kind;
  data->start_unix_nano = options.start_unix_nano ? *options.start_unix_nano : trace::unix_nano_at(start);
  const auto& limits = provider_->limits();
  // Swapped, not moved: the record's empty list goes back with `options` and its buffer is freed
  // on this thread, where the caller's next attribute list finds it.
  data->attributes.swap(options.attributes);
  limit_list(data->attributes, data->dropped_attributes, limits.attribute_count, limits.attribute_value_length);
  data->links = std::move(options.links);
  if (data->links.size() > limits.link_count) {
    data->dropped_links = static_cast<std::uint32_t>(data->links.size() - limits.link_count);
    data->links.resize(limits.link_count);
  }
  for (auto& l : data->links) {
    limit_list(l.attributes, l.dropped_attributes, limits.link_attribute_count, limits.attribute_value_length);
  }
  // A recycled record usually names the same scope and resource already: no reference counting.
  if (data->scope != scope_) data->scope = scope_;
  if (data->resource != provider_->resource_) data->resource = provider_->resource_;
  impl->data = std::move(data);
  return trace::span::recording(std::move(ctx), std::move(impl));
}

}  // namespace detail

// ---- provider ---------------------------------------------------------------------------------

tracer_provider::tracer_provider(tracer_provider_options o)
    : resource_(std::make_shared<const sdk::resource>(std::move(o.resource))),
      sampler_(o.sampler ? std::move(o.sampler) : parent_based_sampler(always_on_sampler())),
      limits_(o.limits),
      disabled_(o.disabled),
      processor_lists_() {
  processor_lists_.push_back(std::make_unique<const processor_list>(std::move(o.processors)));
  processors_.store(processor_lists_.back().get(), std::memory_order_release);
}

std::shared_ptr<tracer_provider> tracer_provider::create(tracer_provider_options options) {
  return std::shared_ptr<tracer_provider>(new tracer_provider(std::move(options)));
}

tracer_provider::~tracer_provider() = default;

std::shared_ptr<trace::tracer> tracer_provider::get_tracer(std::string_view name, std::string_view version) const {
  return std::make_shared<detail::recording_tracer>(
      shared_from_this(),
      std::make_shared<const instrumentation_scope>(instrumentation_scope{std::string(name), std::string(version)}));
}

void tracer_provider::add_processor(std::shared_ptr<span_processor> processor) {
  std::lock_guard lock(processors_mutex_);
  auto next = std::make_unique<processor_list>(*processors_.load(std::memory_order_acquire));
  next->push_back(std::move(processor));
  processor_lists_.push_back(std::move(next));
  processors_.store(processor_lists_.back().get(), std::memory_order_release);
}

void tracer_provider::on_end(std::unique_ptr<span_data> span) const {
  const processor_list* processors = processors_.load(std::memory_order_acquire);
  if (!span->context.is_sampled() || processors->empty()) return;
  // Each processor gets its own copy but the last, which takes the original.
  for (std::size_t i = 0; i + 1 < processors->size(); ++i) (*processors)[i]->on_end(std::make_unique<span_data>(*span));
  processors->back()->on_end(std::move(span));
}

bool tracer_provider::force_flush(std::chrono::milliseconds timeout) {
  const processor_list* processors = processors_.load(std::memory_order_acquire);
  bool ok = true;
  for (const auto& p : *processors) ok = p->force_flush(timeout) && ok;
  return ok;
}

void tracer_provider::shutdown(std::chrono::milliseconds timeout) {
  const processor_list* processors = processors_.load(std::memory_order_acquire);
  for (const auto& p : *processors) p->shutdown(timeout);
}

}  // namespace lumen::sdk
