// Spans, tracers, the tracer provider and the current-span scope.
#include <lumen/trace/tracer.hpp>

#include <lumen/trace/detail/span_pool.hpp>
#include <lumen/trace/env.hpp>

#include <boost/core/demangle.hpp>

#include <algorithm>
#include <limits>
#include <typeinfo>

namespace lumen::trace {

std::int64_t now_unix_nano() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t unix_nano_at(std::chrono::steady_clock::time_point t) noexcept {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  static std::atomic<std::int64_t> offset{0};
  static std::atomic<std::int64_t> refresh_after{std::numeric_limits<std::int64_t>::min()};
  const std::int64_t at = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  if (at >= refresh_after.load(std::memory_order_relaxed)) {
    // The wall clock read between two monotonic readings: the offset is good to half their gap.
    const auto before = std::chrono::steady_clock::now();
    const std::int64_t wall = now_unix_nano();
    const auto after = std::chrono::steady_clock::now();
    const std::int64_t mid = duration_cast<nanoseconds>((before + (after - before) / 2).time_since_epoch()).count();
    offset.store(wall - mid, std::memory_order_relaxed);
    refresh_after.store(mid + 1'000'000'000, std::memory_order_relaxed);
  }
  return at + offset.load(std::memory_order_relaxed);
}

const attribute_value* find_attribute(const attribute_list& list, std::string_view key) noexcept {
  for (const auto& a : list) {
    if (a.key == key) return &a.value;
  }
  return nullptr;
}

std::string_view to_string(span_kind k) noexcept {
  switch (k) {
    case span_kind::internal: return "internal";
    case span_kind::server: return "server";
    case span_kind::client: return "client";
    case span_kind::producer: return "producer";
    case span_kind::consumer: return "consumer";
  }
  return "internal";
}

bool sdk_disabled_by_environment() { return env::get_bool("OTEL_SDK_DISABLED"); }

namespace {

// A value length limit: a non-negative integer (0 truncates strings to empty); unset: `fallback`.
std::size_t value_length_from_environment(const char* name, std::size_t fallback) {
  auto v = env::get(name);
  if (!v) return fallback;
  bool digits = v->size() <= 18;
  for (char c : *v) digits = digits && c >= '0' && c <= '9';
  if (!digits) {
    env::warn_once(name, *v,
                   "a non-negative integer; using " + (fallback == SIZE_MAX ? std::string("no limit") : std::to_string(fallback)));
    return fallback;
  }
  return static_cast<std::size_t>(std::stoll(*v));
}

std::size_t count_from_environment(const char* name, std::int64_t fallback) {
  return static_cast<std::size_t>(env::get_int(name, fallback));
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

void truncate(attribute_value& v, std::size_t max) {
  if (max == SIZE_MAX) return;
  if (auto* s = std::get_if<std::string>(&v)) truncate(*s, max);
  if (auto* a = std::get_if<std::vector<std::string>>(&v)) {
    for (auto& s : *a) truncate(s, max);
  }
}

// Sets or replaces `key` within the count limit; counts what is dropped.
void put(attribute_list& list, std::uint32_t& dropped, std::size_t limit, std::size_t value_length,
         attribute_key key, attribute_value value) {
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

void limit_list(attribute_list& list, std::uint32_t& dropped, std::size_t limit, std::size_t value_length) {
  if (list.size() > limit) {
    dropped += static_cast<std::uint32_t>(list.size() - limit);
    list.resize(limit);
  }
  if (value_length == SIZE_MAX) return;  // the default: nothing to truncate
  for (auto& a : list) truncate(a.value, value_length);
}
}  // namespace

struct recording_span {
  std::mutex mutex;
  std::unique_ptr<span_data> data;
  std::shared_ptr<const tracer_provider> provider;
  std::chrono::steady_clock::time_point start_monotonic;

  const span_limits& limits() const { return provider->limits(); }
};

}  // namespace detail

void span::set_attribute(attribute_key key, attribute_value value) {
  if (!impl_) return;
  std::lock_guard lock(impl_->mutex);
  if (!impl_->data) return;
  detail::put(impl_->data->attributes, impl_->data->dropped_attributes, impl_->limits().attribute_count,
              impl_->limits().attribute_value_length, std::move(key), std::move(value));
}

void span::set_attributes(attribute_list attributes) {
  for (auto& a : attributes) set_attribute(std::move(a.key), std::move(a.value));
}

void span::add_event(std::string_view name, attribute_list attributes, std::optional<std::int64_t> time_unix_nano) {
  if (!impl_) return;
  std::lock_guard lock(impl_->mutex);
  if (!impl_->data) return;
  auto& d = *impl_->data;
  if (d.events.size() >= impl_->limits().event_count) {
    ++d.dropped_events;
    return;
  }
  event_data e{std::string(name), time_unix_nano ? *time_unix_nano : now_unix_nano(), std::move(attributes), 0};
  detail::limit_list(e.attributes, e.dropped_attributes, impl_->limits().event_attribute_count,
                     impl_->limits().attribute_value_length);
  d.events.push_back(std::move(e));
}

void span::set_status(status_code code, std::string_view description) {
  if (!impl_) return;
  std::lock_guard lock(impl_->mutex);
  if (!impl_->data) return;
  auto& d = *impl_->data;
  // OpenTelemetry: an attempt to set Unset is ignored, and Ok is final.
  if (code == status_code::unset || d.status == status_code::ok) return;
  d.status = code;
  d.status_message = code == status_code::error ? std::string(description) : std::string();
}

void span::record_exception(const std::exception& e) {
  add_event("exception", {{"exception.type", boost::core::demangle(typeid(e).name())},
                          {"exception.message", std::string(e.what())}});
}

void span::update_name(std::string_view name) {
  if (!impl_) return;
  std::lock_guard lock(impl_->mutex);
  if (impl_->data) impl_->data->name = std::string(name);
}

namespace {
// The span's record, taken by whoever ends it first (nullptr once ended).
std::unique_ptr<span_data> take_record(detail::recording_span& r) {
  std::lock_guard lock(r.mutex);
  return std::move(r.data);
}
}  // namespace

void span::end(std::optional<std::int64_t> end_unix_nano) {
  if (!end_unix_nano) return end_at(std::chrono::steady_clock::now());
  if (!impl_) return;
  auto done = take_record(*impl_);
  if (!done) return;
  done->end_unix_nano = *end_unix_nano;
  impl_->provider->on_end(std::move(done));
}

void span::end_at(std::chrono::steady_clock::time_point end) {
  if (!impl_) return;
  auto done = take_record(*impl_);
  if (!done) return;
  const auto elapsed = std::max(end - impl_->start_monotonic, std::chrono::steady_clock::duration::zero());
  done->end_unix_nano = done->start_unix_nano + std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  impl_->provider->on_end(std::move(done));
}

// ---- current span -----------------------------------------------------------------------------

namespace {
thread_local context current_context;
}

context context::current() { return current_context; }

span current_span() { return current_context.span; }

scope::scope(const span& s) : previous_(current_context) { current_context.span = s; }

scope::scope(const context& c) : previous_(current_context) { current_context = c; }

scope::~scope() { current_context = std::move(previous_); }

// ---- tracer -----------------------------------------------------------------------------------

bool tracer::enabled() const noexcept { return !provider_->disabled(); }

namespace {
const span_context no_parent;
}

span tracer::start_span(std::string_view name, span_options options) const {
  // Referred to, not copied: an unsampled span should cost almost nothing.
  const span_context* parent_ptr = &no_parent;
  if (options.parent) {
    parent_ptr = &*options.parent;
  } else if (!options.root) {
    parent_ptr = &current_context.span.context();
  }
  const span_context& parent = *parent_ptr;
  const bool has_parent = parent.is_valid();
  trace_id tid = has_parent ? parent.trace_id() : random_trace_id();
  span_id sid = random_span_id();
  // New root trace ids are fully random: set W3C Level 2's random flag; keep an incoming one.
  std::uint8_t flags = has_parent ? static_cast<std::uint8_t>(parent.flags() & trace_flags::random) : trace_flags::random;
  trace_state state = has_parent ? parent.trace_state() : trace_state{};

  if (provider_->disabled()) {
    // No recording, but propagate the incoming trace (with the parent's sampled bit).
    return span(span_context(tid, sid, static_cast<std::uint8_t>(flags | (parent.flags() & trace_flags::sampled)), false, std::move(state)), nullptr);
  }

  sampling_input in{has_parent ? &parent : nullptr, tid, name, options.kind, options.attributes, options.links};
  auto decision = provider_->sampler().should_sample(in);
  if (decision == sampling_decision::record_and_sample) flags |= trace_flags::sampled;
  span_context ctx(tid, sid, flags, false, std::move(state));
  if (decision == sampling_decision::drop) return span(std::move(ctx), nullptr);

  auto impl = std::make_shared<detail::recording_span>();
  impl->provider = provider_;
  impl->start_monotonic = options.start_time ? *options.start_time : std::chrono::steady_clock::now();
  // A recycled record where there is one: every field is assigned here.
  auto data = detail::acquire_span_data();
  data->context = ctx;
  data->parent = parent;
  data->name.assign(name);
  data->kind = options.kind;
  data->start_unix_nano = options.start_unix_nano ? *options.start_unix_nano : unix_nano_at(impl->start_monotonic);
  const auto& limits = provider_->limits();
  // Swapped, not moved: the record's empty list goes back with `options` and its buffer is freed
  // on this thread, where the caller's next attribute list finds it.
  data->attributes.swap(options.attributes);
  detail::limit_list(data->attributes, data->dropped_attributes, limits.attribute_count, limits.attribute_value_length);
  data->links = std::move(options.links);
  if (data->links.size() > limits.link_count) {
    data->dropped_links = static_cast<std::uint32_t>(data->links.size() - limits.link_count);
    data->links.resize(limits.link_count);
  }
  for (auto& l : data->links) {
    detail::limit_list(l.attributes, l.dropped_attributes, limits.link_attribute_count, limits.attribute_value_length);
  }
  // A recycled record usually names the same scope and resource already: no reference counting.
  if (data->scope != scope_) data->scope = scope_;
  if (data->resource != provider_->resource_) data->resource = provider_->resource_;
  impl->data = std::move(data);
  return span(std::move(ctx), std::move(impl));
}

// ---- provider ---------------------------------------------------------------------------------

tracer_provider::tracer_provider(tracer_provider_options o)
    : resource_(std::make_shared<const trace::resource>(std::move(o.resource))),
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

std::shared_ptr<tracer> tracer_provider::get_tracer(std::string_view name, std::string_view version) const {
  return std::shared_ptr<tracer>(
      new tracer(shared_from_this(), std::make_shared<const instrumentation_scope>(
                                         instrumentation_scope{std::string(name), std::string(version)})));
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

}  // namespace lumen::trace
