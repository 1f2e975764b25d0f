// OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG: each sampler, with no parent and with remote or
// local, sampled or unsampled parents, through a tracer; invalid ratios fall back to 1.0.
#include <lumen/sdk/tracer_provider.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <string>

namespace lumen::sdk {
namespace {
using namespace lumen::trace;

// The parents a span can have.
enum parent_kind { none, remote_sampled, remote_unsampled, local_sampled, local_unsampled };

// A trace id whose right-most bytes only a ratio of 1.0 samples (x >> 1 == 2^63 - 1).
const trace_id high_id = *trace_id::from_hex("0000000000000000ffffffffffffffff");
// One that any ratio above 2^-63 samples.
const trace_id low_id = *trace_id::from_hex("ffffffffffffffff0000000000000000");

std::optional<span_context> parent_of(parent_kind k, const trace_id& tid) {
  const auto sid = *span_id::from_hex("00f067aa0ba902b7");
  switch (k) {
    case none: return std::nullopt;
    case remote_sampled: return span_context(tid, sid, trace_flags::sampled, true);
    case remote_unsampled: return span_context(tid, sid, 0, true);
    case local_sampled: return span_context(tid, sid, trace_flags::sampled, false);
    case local_unsampled: return span_context(tid, sid, 0, false);
  }
  return std::nullopt;
}

struct sampler_case {
  const char* name;
  const char* sampler;  // nullptr: unset
  const char* arg;      // nullptr: unset
  std::string description;
  // Sampled? For: no parent (decided for trace `id`), remote sampled, remote unsampled, local
  // sampled, local unsampled (parents on trace `id`).
  std::array<bool, 5> sampled;
  trace_id id = high_id;
};

class SamplerFromEnvironment : public ::testing::TestWithParam<sampler_case> {};

TEST_P(SamplerFromEnvironment, DecidesForEachKindOfParent) {
  const auto& c = GetParam();
  if (c.sampler) ::setenv("OTEL_TRACES_SAMPLER", c.sampler, 1);
  if (c.arg) ::setenv("OTEL_TRACES_SAMPLER_ARG", c.arg, 1);
  ::testing::internal::CaptureStderr();  // unknown names warn
  auto sampler = sampler_from_environment();
  ::testing::internal::GetCapturedStderr();
  ::unsetenv("OTEL_TRACES_SAMPLER");
  ::unsetenv("OTEL_TRACES_SAMPLER_ARG");
  EXPECT_EQ(sampler->description(), c.description);

  auto exporter = std::make_shared<in_memory_exporter>();
  auto provider = tracer_provider::create({.sampler = sampler, .processors = {std::make_shared<simple_span_processor>(exporter)}});
  auto t = provider->get_tracer("sampler-test");
  const char* labels[] = {"no parent", "remote sampled parent", "remote unsampled parent", "local sampled parent",
                          "local unsampled parent"};
  attribute_list no_attributes;
  std::vector<link_data> no_links;
  EXPECT_EQ(sampler->should_sample({nullptr, c.id, "x", span_kind::internal, no_attributes, no_links}) ==
                sampling_decision::record_and_sample,
            c.sampled[0])
      << "root span of trace " << c.id.to_hex();
  for (int k = none; k <= local_unsampled; ++k) {
    // A root span's trace id is random: through the tracer only when the ratio is 0 or 1 (or absent).
    const bool fractional_ratio = c.arg && std::string(c.arg) != "0" && std::string(c.arg) != "1" && *c.arg != '\0';
    if (k == none && fractional_ratio) continue;
    auto s = t->start_span("x", {.parent = parent_of(static_cast<parent_kind>(k), c.id), .root = k == none});
    EXPECT_EQ(s.context().is_sampled(), c.sampled[static_cast<std::size_t>(k)]) << labels[k];
    EXPECT_EQ(s.is_recording(), c.sampled[static_cast<std::size_t>(k)]) << labels[k];
    EXPECT_TRUE(s.context().is_valid()) << "an unsampled span still propagates";
    s.end();
  }
}

INSTANTIATE_TEST_SUITE_P(
    OTel, SamplerFromEnvironment,
    ::testing::Values(
        sampler_case{"DefaultIsParentBasedAlwaysOn", nullptr, nullptr, "ParentBased{root:AlwaysOnSampler}",
                     {true, true, false, true, false}},
        sampler_case{"EmptyIsUnset", "", "", "ParentBased{root:AlwaysOnSampler}", {true, true, false, true, false}},
        sampler_case{"AlwaysOn", "always_on", nullptr, "AlwaysOnSampler", {true, true, true, true, true}},
        sampler_case{"AlwaysOff", "always_off", nullptr, "AlwaysOffSampler", {false, false, false, false, false}},
        sampler_case{"TraceIdRatioZeroIgnoresParents", "traceidratio", "0", "TraceIdRatioBased{0.000000}",
                     {false, false, false, false, false}},
        sampler_case{"TraceIdRatioOneIgnoresParents", "traceidratio", "1", "TraceIdRatioBased{1.000000}",
                     {true, true, true, true, true}},
        sampler_case{"TraceIdRatioDecidesByTheTraceId", "traceidratio", "0.5", "TraceIdRatioBased{0.500000}",
                     {true, true, true, true, true}, low_id},
        sampler_case{"TraceIdRatioDropsAHighTraceId", "traceidratio", "0.999", "TraceIdRatioBased{0.999000}",
                     {false, false, false, false, false}, high_id},
        sampler_case{"ParentBasedAlwaysOn", "parentbased_always_on", nullptr, "ParentBased{root:AlwaysOnSampler}",
                     {true, true, false, true, false}},
        sampler_case{"ParentBasedAlwaysOff", "parentbased_always_off", nullptr, "ParentBased{root:AlwaysOffSampler}",
                     {false, true, false, true, false}},
        sampler_case{"ParentBasedTraceIdRatioZero", "parentbased_traceidratio", "0",
                     "ParentBased{root:TraceIdRatioBased{0.000000}}", {false, true, false, true, false}},
        sampler_case{"ParentBasedTraceIdRatioOne", "parentbased_traceidratio", "1",
                     "ParentBased{root:TraceIdRatioBased{1.000000}}", {true, true, false, true, false}},
        sampler_case{"ParentBasedTraceIdRatioDefaultArgIsOne", "parentbased_traceidratio", nullptr,
                     "ParentBased{root:TraceIdRatioBased{1.000000}}", {true, true, false, true, false}},
        sampler_case{"UnknownFallsBackToTheDefault", "jaeger_remote", nullptr, "ParentBased{root:AlwaysOnSampler}",
                     {true, true, false, true, false}}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(SamplerFromEnvironment, InvalidRatioFallsBackToOneWithOneWarning) {
  attribute_list none_attributes;
  std::vector<link_data> no_links;
  ::setenv("OTEL_TRACES_SAMPLER", "traceidratio", 1);
  ::testing::internal::CaptureStderr();
  for (const char* bad : {"half", "1.5", "-0.25", "nan", "0.5x"}) {
    ::setenv("OTEL_TRACES_SAMPLER_ARG", bad, 1);
    auto s = sampler_from_environment();
    EXPECT_EQ(s->description(), "TraceIdRatioBased{1.000000}") << bad;
    EXPECT_EQ(s->should_sample({nullptr, high_id, "x", span_kind::internal, none_attributes, no_links}),
              sampling_decision::record_and_sample)
        << bad << ": only a ratio of 1 samples this trace id";
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  ::unsetenv("OTEL_TRACES_SAMPLER");
  ::unsetenv("OTEL_TRACES_SAMPLER_ARG");
  std::size_t warnings = 0;
  for (auto at = err.find("OTEL_TRACES_SAMPLER_ARG"); at != std::string::npos; at = err.find("OTEL_TRACES_SAMPLER_ARG", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << err;
  EXPECT_NE(err.find("using 1.0"), std::string::npos) << err;
}

}  // namespace
}  // namespace lumen::sdk
