// Samplers: always_on, always_off, traceidratio (deterministic in the trace id, so every SDK
// agrees), and parentbased_* (the default: parentbased_always_on). Samplers see the span's name,
// kind, attributes and links at start.
#pragma once

#include <lumen/trace/attributes.hpp>
#include <lumen/trace/span_context.hpp>
#include <lumen/sdk/span_data.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::sdk {

enum class sampling_decision { drop, record_only, record_and_sample };

struct sampling_input {
  const trace::span_context* parent;  // nullptr or invalid: a root span
  const trace::trace_id& trace_id;
  std::string_view name;
  trace::span_kind kind;
  const trace::attribute_list& attributes;
  const std::vector<trace::link_data>& links;
};

class sampler {
 public:
  virtual ~sampler() = default;
  virtual sampling_decision should_sample(const sampling_input& in) const = 0;
  virtual std::string description() const = 0;
};

std::shared_ptr<const sampler> always_on_sampler();
std::shared_ptr<const sampler> always_off_sampler();
/// Samples when the trace id's right-most 8 bytes (big-endian, shifted right once) fall under
/// ratio * 2^63 — the W3C Level 2 random part, as the Go SDK does. A higher ratio samples a
/// superset of a lower one.
std::shared_ptr<const sampler> trace_id_ratio_sampler(double ratio);

struct parent_based_options {
  std::shared_ptr<const sampler> remote_parent_sampled = always_on_sampler();
  std::shared_ptr<const sampler> remote_parent_not_sampled = always_off_sampler();
  std::shared_ptr<const sampler> local_parent_sampled = always_on_sampler();
  std::shared_ptr<const sampler> local_parent_not_sampled = always_off_sampler();
};
std::shared_ptr<const sampler> parent_based_sampler(std::shared_ptr<const sampler> root,
                                                    parent_based_options options = {});

/// From OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default parentbased_always_on; unknown
/// values warn once and fall back to the default).
std::shared_ptr<const sampler> sampler_from_environment();

}  // namespace lumen::sdk
