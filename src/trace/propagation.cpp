// W3C propagators and carriers.
#include <lumen/trace/propagation.hpp>

#include <lumen/core/env.hpp>

#include <cstdlib>
#include <strings.h>

namespace lumen::trace {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

std::optional<std::string> header_carrier::get(std::string_view key) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : headers_) {
    if (!iequals(k, key)) continue;
    if (out) {
      *out += ',';
      *out += v;
    } else {
      out = v;
    }
  }
  return out;
}

std::size_t header_carrier::count(std::string_view key) const {
  std::size_t n = 0;
  for (const auto& [k, v] : headers_) n += iequals(k, key);
  return n;
}

void header_carrier::set(std::string_view key, std::string value) {
  for (auto& [k, v] : headers_) {
    if (iequals(k, key)) {
      v = std::move(value);
      return;
    }
  }
  headers_.emplace_back(std::string(key), std::move(value));
}

std::optional<std::string> json_carrier::get(std::string_view key) const {
  if (auto v = lumen::get_string(*const_object_, key)) return std::string(*v);
  return std::nullopt;
}

void json_carrier::set(std::string_view key, std::string value) {
  if (object_) (*object_)[key] = std::move(value);
}

std::optional<std::string> environment_carrier::get(std::string_view key) const {
  std::string name;
  for (char c : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const char* v = std::getenv(name.c_str());
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

void environment_carrier::set(std::string_view key, std::string value) {
  std::string name;
  for (char c : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  assignments.emplace_back(std::move(name), std::move(value));
}

void trace_context_propagator::extract(const text_map_carrier& carrier, extracted_context& into) const {
  if (carrier.count("traceparent") != 1) return;  // absent, or several: treated as absent
  auto tp = carrier.get("traceparent");
  if (!tp) return;
  auto ts = carrier.get("tracestate");
  if (auto ctx = parse_traceparent(*tp, ts ? std::string_view(*ts) : std::string_view())) into.span = std::move(*ctx);
}

void trace_context_propagator::inject(const span_context& span, const baggage&, text_map_carrier& carrier) const {
  if (!span.is_valid()) return;
  carrier.set("traceparent", format_traceparent(span));
  if (!span.trace_state().empty()) carrier.set("tracestate", span.trace_state().to_header(512));
}

void baggage_propagator::extract(const text_map_carrier& carrier, extracted_context& into) const {
  if (auto b = carrier.get("baggage")) into.baggage = baggage::parse(*b);
}

void baggage_propagator::inject(const span_context&, const baggage& bag, text_map_carrier& carrier) const {
  if (!bag.empty()) carrier.set("baggage", bag.to_header());
}

void composite_propagator::extract(const text_map_carrier& carrier, extracted_context& into) const {
  for (const auto& p : parts_) p->extract(carrier, into);
}

void composite_propagator::inject(const span_context& span, const baggage& bag, text_map_carrier& carrier) const {
  for (const auto& p : parts_) p->inject(span, bag, carrier);
}

std::shared_ptr<const propagator> default_propagator() {
  static auto p = std::make_shared<const composite_propagator>(std::vector<std::shared_ptr<const propagator>>{
      std::make_shared<const trace_context_propagator>(), std::make_shared<const baggage_propagator>()});
  return p;
}

std::shared_ptr<const propagator> propagator_from_environment() {
  auto names = core::env::get("OTEL_PROPAGATORS");
  if (!names) return default_propagator();
  std::vector<std::shared_ptr<const propagator>> parts;
  std::string_view rest = *names;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name == "tracecontext") {
      parts.push_back(std::make_shared<const trace_context_propagator>());
    } else if (name == "baggage") {
      parts.push_back(std::make_shared<const baggage_propagator>());
    } else if (name != "none") {
      core::env::warn_once("OTEL_PROPAGATORS", *names, "tracecontext, baggage or none (others are not built in)");
    }
  }
  return std::make_shared<const composite_propagator>(std::move(parts));
}

extracted_context extract(const text_map_carrier& carrier) {
  extracted_context out;
  default_propagator()->extract(carrier, out);
  return out;
}

void inject(const span_context& span, const baggage& bag, text_map_carrier& carrier) {
  default_propagator()->inject(span, bag, carrier);
}

}  // namespace lumen::trace
