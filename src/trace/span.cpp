// The span handle's out-of-line parts, attribute helpers and the current-span scope.
#include <lumen/trace/span.hpp>

#include <lumen/trace/clock.hpp>

#include <boost/core/demangle.hpp>

#include <typeinfo>

namespace lumen::trace {

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

void span::set_attributes(attribute_list attributes) {
  if (!impl_) return;
  for (auto& a : attributes) impl_->set_attribute(std::move(a.key), std::move(a.value));
}

void span::add_event(std::string_view name, attribute_list attributes, std::optional<std::int64_t> time_unix_nano) {
  if (!impl_) return;
  impl_->add_event(name, std::move(attributes), time_unix_nano ? *time_unix_nano : now_unix_nano());
}

void span::record_exception(const std::exception& e) {
  add_event("exception", {{"exception.type", boost::core::demangle(typeid(e).name())},
                          {"exception.message", std::string(e.what())}});
}

void span::end(std::optional<std::int64_t> end_unix_nano) {
  if (!impl_) return;
  if (end_unix_nano) {
    impl_->end_at_unix_nano(*end_unix_nano);
  } else {
    impl_->end_at(std::chrono::steady_clock::now());
  }
}

// ---- current span -----------------------------------------------------------------------------

namespace {
thread_local context current_context;
}

context context::current() { return current_context; }

span current_span() { return current_context.span; }

const span_context& current_span_context() noexcept { return current_context.span.context(); }

scope::scope(const span& s) : previous_(current_context) { current_context.span = s; }

scope::scope(const context& c) : previous_(current_context) { current_context = c; }

scope::~scope() { current_context = std::move(previous_); }

}  // namespace lumen::trace
