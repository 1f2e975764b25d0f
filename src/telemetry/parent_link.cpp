// The parent/link rule.
#include <lumen/telemetry/parent_link.hpp>

namespace lumen::telemetry {

parent_link_decision decide_parent_and_link(const trace::span_context& meta, const trace::span_context& ambient) {
  if (meta.is_valid()) {
    if (ambient.is_valid() && !ambient.same_span(meta)) return {meta, ambient};
    return {meta, std::nullopt};
  }
  if (ambient.is_valid()) return {ambient, std::nullopt};
  return {};
}

}  // namespace lumen::telemetry
