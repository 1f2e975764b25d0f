// Samplers.
#include <lumen/sdk/sampler.hpp>

#include <lumen/core/env.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>

namespace lumen::sdk {

namespace {

class always_on final : public sampler {
 public:
  sampling_decision should_sample(const sampling_input&) const override { return sampling_decision::record_and_sample; }
  std::string description() const override { return "AlwaysOnSampler"; }
};

class always_off final : public sampler {
 public:
  sampling_decision should_sample(const sampling_input&) const override { return sampling_decision::drop; }
  std::string description() const override { return "AlwaysOffSampler"; }
};

class ratio final : public sampler {
 public:
  explicit ratio(double r) : ratio_(std::clamp(std::isnan(r) ? 0.0 : r, 0.0, 1.0)) {
    bound_ = ratio_ >= 1.0 ? std::uint64_t{1} << 63 : static_cast<std::uint64_t>(ratio_ * 9223372036854775808.0);
  }
  sampling_decision should_sample(const sampling_input& in) const override {
    std::uint64_t x = 0;
    for (std::size_t i = 8; i < 16; ++i) x = (x << 8) | in.trace_id.bytes[i];
    return (x >> 1) < bound_ ? sampling_decision::record_and_sample : sampling_decision::drop;
  }
  std::string description() const override { return "TraceIdRatioBased{" + std::to_string(ratio_) + "}"; }

 private:
  double ratio_;
  std::uint64_t bound_;
};

class parent_based final : public sampler {
 public:
  parent_based(std::shared_ptr<const sampler> root, parent_based_options o) : root_(std::move(root)), o_(std::move(o)) {}
  sampling_decision should_sample(const sampling_input& in) const override {
    if (!in.parent || !in.parent->is_valid()) return root_->should_sample(in);
    const auto& delegate = in.parent->is_remote()
                               ? (in.parent->is_sampled() ? o_.remote_parent_sampled : o_.remote_parent_not_sampled)
                               : (in.parent->is_sampled() ? o_.local_parent_sampled : o_.local_parent_not_sampled);
    return delegate->should_sample(in);
  }
  std::string description() const override { return "ParentBased{root:" + root_->description() + "}"; }

 private:
  std::shared_ptr<const sampler> root_;
  parent_based_options o_;
};

}  // namespace

std::shared_ptr<const sampler> always_on_sampler() {
  static auto s = std::make_shared<const always_on>();
  return s;
}

std::shared_ptr<const sampler> always_off_sampler() {
  static auto s = std::make_shared<const always_off>();
  return s;
}

std::shared_ptr<const sampler> trace_id_ratio_sampler(double r) { return std::make_shared<const ratio>(r); }

std::shared_ptr<const sampler> parent_based_sampler(std::shared_ptr<const sampler> root, parent_based_options options) {
  return std::make_shared<const parent_based>(std::move(root), std::move(options));
}

std::shared_ptr<const sampler> sampler_from_environment() {
  auto name = core::env::get("OTEL_TRACES_SAMPLER").value_or("parentbased_always_on");
  auto arg = [] {
    auto v = core::env::get("OTEL_TRACES_SAMPLER_ARG");
    if (!v) return 1.0;
    char* end = nullptr;
    double d = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0' || !(d >= 0 && d <= 1)) {  // NaN too
      core::env::warn_once("OTEL_TRACES_SAMPLER_ARG", *v, "a ratio in [0, 1]; using 1.0");
      return 1.0;
    }
    return d;
  };
  if (name == "always_on") return always_on_sampler();
  if (name == "always_off") return always_off_sampler();
  if (name == "traceidratio") return trace_id_ratio_sampler(arg());
  if (name == "parentbased_always_on") return parent_based_sampler(always_on_sampler());
  if (name == "parentbased_always_off") return parent_based_sampler(always_off_sampler());
  if (name == "parentbased_traceidratio") return parent_based_sampler(trace_id_ratio_sampler(arg()));
  core::env::warn_once("OTEL_TRACES_SAMPLER", name, "a known sampler; using parentbased_always_on");
  return parent_based_sampler(always_on_sampler());
}

}  // namespace lumen::sdk
