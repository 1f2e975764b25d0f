// Spans, samplers, limits, processors and configuration from the environment.
#include <lumen/json.hpp>
#include <lumen/sdk/tracer_provider.hpp>

#include "../../support/recording_provider.hpp"

#include <lumen/trace/clock.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace lumen::sdk {
namespace {
using namespace lumen::trace;

using test::fixture;

TEST(Tracer, RootSpanGetsRandomIdsAndTheRandomFlag) {
  fixture f;
  auto s = f.t->start_span("root");
  EXPECT_TRUE(s.context().is_valid());
  EXPECT_TRUE(s.context().is_sampled());
  EXPECT_TRUE(s.context().is_random());
  s.end();
  s.end();  // idempotent
  auto spans = f.exporter->finished_spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_FALSE(spans[0].parent.is_valid());
  EXPECT_EQ(spans[0].scope->name, "test");
  EXPECT_GE(spans[0].end_unix_nano, spans[0].start_unix_nano);
}

TEST(Tracer, CurrentSpanIsTheDefaultParent) {
  fixture f;
  auto parent = f.t->start_span("parent");
  {
    scope active(parent);
    EXPECT_EQ(current_span().context(), parent.context());
    auto child = f.t->start_span("child");
    EXPECT_EQ(child.context().trace_id(), parent.context().trace_id());
    child.end();
    auto root = f.t->start_span("forced root", {.root = true});
    EXPECT_NE(root.context().trace_id(), parent.context().trace_id());
    root.end();
  }
  EXPECT_FALSE(current_span().context().is_valid());
  parent.end();
  auto spans = f.exporter->finished_spans();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].parent.span_id(), parent.context().span_id());
  EXPECT_FALSE(spans[0].parent.is_remote());
}

TEST(Tracer, RemoteParentKeepsTraceStateAndRandomFlag) {
  fixture f;
  auto remote = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03", "v=1");
  auto s = f.t->start_span("server", {.kind = span_kind::server, .parent = remote});
  EXPECT_EQ(s.context().trace_id(), remote.trace_id());
  EXPECT_TRUE(s.context().is_random());
  EXPECT_EQ(s.context().trace_state().to_header(), "v=1");
  s.end();
  EXPECT_TRUE(f.exporter->finished_spans()[0].parent.is_remote());
}

TEST(Tracer, ParentBasedFollowsARemoteUnsampledParent) {
  fixture f;
  auto remote = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  auto s = f.t->start_span("server", {.parent = remote});
  EXPECT_FALSE(s.is_recording());
  EXPECT_FALSE(s.context().is_sampled());
  EXPECT_TRUE(s.context().is_valid());  // still propagates
  s.set_attribute("ignored", std::int64_t{1});
  s.end();
  EXPECT_TRUE(f.exporter->finished_spans().empty());
}

TEST(Tracer, SamplerSeesNameAttributesAndLinksAtStart) {
  struct by_tool : sampler {
    sampling_decision should_sample(const sampling_input& in) const override {
      auto const* tool = find_attribute(in.attributes, "gen_ai.tool.name");
      bool keep = in.name == "tools/call keep" && tool && std::get<std::string>(*tool) == "keep" && in.links.size() == 1;
      return keep ? sampling_decision::record_and_sample : sampling_decision::drop;
    }
    std::string description() const override { return "by_tool"; }
  };
  fixture f({.sampler = std::make_shared<by_tool>()});
  link_data link{*parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), {}, 0};
  auto kept = f.t->start_span("tools/call keep", {.links = {link}, .attributes = {{"gen_ai.tool.name", std::string("keep")}}});
  auto dropped = f.t->start_span("tools/call drop", {.links = {link}, .attributes = {{"gen_ai.tool.name", std::string("drop")}}});
  EXPECT_TRUE(kept.is_recording());
  EXPECT_FALSE(dropped.is_recording());
}

TEST(Sampler, TraceIdRatioIsDeterministicAndMonotonic) {
  auto low = trace_id_ratio_sampler(0.25);
  auto high = trace_id_ratio_sampler(0.5);
  attribute_list none;
  std::vector<link_data> no_links;
  int sampled_low = 0, sampled_high = 0;
  for (int i = 0; i < 4000; ++i) {
    auto id = random_trace_id();
    sampling_input in{nullptr, id, "x", span_kind::internal, none, no_links};
    bool l = low->should_sample(in) == sampling_decision::record_and_sample;
    bool h = high->should_sample(in) == sampling_decision::record_and_sample;
    EXPECT_EQ(l, low->should_sample(in) == sampling_decision::record_and_sample);  // deterministic
    if (l) {
      EXPECT_TRUE(h) << "a higher ratio samples a superset";
    }
    sampled_low += l;
    sampled_high += h;
  }
  EXPECT_NEAR(sampled_low / 4000.0, 0.25, 0.04);
  EXPECT_NEAR(sampled_high / 4000.0, 0.5, 0.04);
}

TEST(Sampler, RatioUsesTheRightMostBytes) {
  auto s = trace_id_ratio_sampler(0.5);
  attribute_list none;
  std::vector<link_data> no_links;
  auto small = *trace_id::from_hex("ffffffffffffffff0000000000000001");
  auto large = *trace_id::from_hex("00000000000000000fffffffffffffff");
  auto larger = *trace_id::from_hex("0000000000000000ffffffffffffffff");
  EXPECT_EQ(s->should_sample({nullptr, small, "x", span_kind::internal, none, no_links}), sampling_decision::record_and_sample);
  EXPECT_EQ(s->should_sample({nullptr, large, "x", span_kind::internal, none, no_links}), sampling_decision::record_and_sample);
  EXPECT_EQ(s->should_sample({nullptr, larger, "x", span_kind::internal, none, no_links}), sampling_decision::drop);
}

TEST(Sampler, FromEnvironment) {
  ::setenv("OTEL_TRACES_SAMPLER", "traceidratio", 1);
  ::setenv("OTEL_TRACES_SAMPLER_ARG", "0.1", 1);
  EXPECT_EQ(sampler_from_environment()->description().substr(0, 17), "TraceIdRatioBased");
  ::setenv("OTEL_TRACES_SAMPLER", "", 1);  // empty is unset
  EXPECT_EQ(sampler_from_environment()->description(), "ParentBased{root:AlwaysOnSampler}");
  ::unsetenv("OTEL_TRACES_SAMPLER");
  ::unsetenv("OTEL_TRACES_SAMPLER_ARG");
}

TEST(Limits, CountsWhatIsDropped) {
  span_limits limits;
  limits.attribute_count = 2;
  limits.event_count = 1;
  limits.link_count = 1;
  limits.attribute_value_length = 3;
  fixture f({.limits = limits});
  link_data link{*parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), {}, 0};
  auto s = f.t->start_span("x", {.links = {link, link}});
  s.set_attribute("a", std::string("abcdef"));
  s.set_attribute("b", std::int64_t{1});
  s.set_attribute("c", true);
  s.set_attribute("b", std::int64_t{2});  // replacing is not dropping
  s.add_event("e1");
  s.add_event("e2");
  s.end();
  auto d = f.exporter->finished_spans().at(0);
  EXPECT_EQ(d.attributes.size(), 2u);
  EXPECT_EQ(d.dropped_attributes, 1u);
  EXPECT_EQ(std::get<std::string>(d.attributes[0].value), "abc") << "truncated to the value length limit";
  EXPECT_EQ(std::get<std::int64_t>(d.attributes[1].value), 2);
  EXPECT_EQ(find_attribute(d.attributes, "c"), nullptr);
  EXPECT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.dropped_events, 1u);
  EXPECT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.dropped_links, 1u);
}

TEST(Span, StatusAndExceptions) {
  fixture f;
  auto s = f.t->start_span("x");
  s.record_exception(std::runtime_error("boom"));
  s.set_status(status_code::error, "it failed");
  s.end();
  auto d = f.exporter->finished_spans().at(0);
  EXPECT_EQ(d.status, status_code::error);
  EXPECT_EQ(d.status_message, "it failed");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].name, "exception");
  EXPECT_EQ(std::get<std::string>(*find_attribute(d.events[0].attributes, "exception.type")), "std::runtime_error");
}

// OpenTelemetry: setting Unset is ignored, Ok is final, Error may be replaced (by Error or Ok),
// and a description is kept only with Error.
struct status_case {
  const char* name;
  std::vector<std::pair<status_code, std::string>> calls;
  status_code code;
  std::string message;
};

class SpanStatus : public ::testing::TestWithParam<status_case> {};

TEST_P(SpanStatus, FollowsTheOpenTelemetryRules) {
  const auto& c = GetParam();
  fixture f;
  auto s = f.t->start_span("x");
  for (const auto& [code, description] : c.calls) s.set_status(code, description);
  s.end();
  auto d = f.exporter->finished_spans().at(0);
  EXPECT_EQ(d.status, c.code);
  EXPECT_EQ(d.status_message, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    OTel, SpanStatus,
    ::testing::Values(
        status_case{"NeverSet", {}, status_code::unset, ""},
        status_case{"Error", {{status_code::error, "bad"}}, status_code::error, "bad"},
        status_case{"UnsetAfterErrorIsIgnored", {{status_code::error, "bad"}, {status_code::unset, ""}}, status_code::error, "bad"},
        status_case{"ErrorReplacesError", {{status_code::error, "first"}, {status_code::error, "second"}}, status_code::error, "second"},
        status_case{"OkReplacesError", {{status_code::error, "bad"}, {status_code::ok, ""}}, status_code::ok, ""},
        status_case{"OkIsFinalOverError", {{status_code::ok, ""}, {status_code::error, "late"}}, status_code::ok, ""},
        status_case{"OkIsFinalOverUnset", {{status_code::ok, ""}, {status_code::unset, ""}}, status_code::ok, ""},
        status_case{"DescriptionIgnoredForOk", {{status_code::ok, "fine"}}, status_code::ok, ""},
        status_case{"DescriptionIgnoredForUnset", {{status_code::unset, "nothing"}}, status_code::unset, ""}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(Context, CapturedOnOneThreadParentsSpansAndCarriesBaggageOnAnother) {
  fixture f;
  auto parent = f.t->start_span("request");
  baggage bag;
  bag.set("tenant", "acme");
  context captured;
  {
    scope with_span(parent);
    scope with_baggage(context{current_span(), bag});
    captured = context::current();
  }
  EXPECT_FALSE(context::current().span.context().is_valid()) << "scopes restore the previous context";
  EXPECT_TRUE(context::current().baggage.empty());
  EXPECT_EQ(captured.span.context(), parent.context());

  span_context child_parent, after_scope;
  std::string seen_tenant;
  bool had_context_before = true;
  std::thread worker([&] {
    had_context_before = context::current().span.context().is_valid();
    {
      scope active(captured);
      seen_tenant = std::string(context::current().baggage.get("tenant").value_or(""));
      auto child = f.t->start_span("async work");
      child_parent = child.context();
      child.end();
    }
    after_scope = current_span().context();
  });
  worker.join();
  parent.end();

  EXPECT_FALSE(had_context_before) << "a new thread starts with no current context";
  EXPECT_EQ(seen_tenant, "acme");
  EXPECT_FALSE(after_scope.is_valid());
  auto spans = f.exporter->finished_spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].name, "async work");
  EXPECT_EQ(spans[0].context.trace_id(), parent.context().trace_id());
  EXPECT_EQ(spans[0].parent.span_id(), parent.context().span_id());
  EXPECT_FALSE(spans[0].parent.is_remote());
}

TEST(Context, ScopeOfASpanKeepsTheCurrentBaggage) {
  fixture f;
  baggage bag;
  bag.set("k", "v");
  scope outer(context{span{}, bag});
  auto s = f.t->start_span("s");
  {
    scope inner(s);
    EXPECT_EQ(context::current().span.context(), s.context());
    EXPECT_EQ(context::current().baggage.get("k").value_or(""), "v");
  }
  s.end();
}

TEST(Span, ExplicitEventAndEndTimesAreKept) {
  fixture f;
  auto s = f.t->start_span("x", {.start_unix_nano = 1'000'000'000'000'000'000});
  s.add_event("at", {}, 1'000'000'000'500'000'000);
  s.end(1'000'000'001'000'000'000);
  auto d = f.exporter->finished_spans().at(0);
  EXPECT_EQ(d.start_unix_nano, 1'000'000'000'000'000'000);
  EXPECT_EQ(d.events.at(0).time_unix_nano, 1'000'000'000'500'000'000);
  EXPECT_EQ(d.end_unix_nano, 1'000'000'001'000'000'000);
}

TEST(Span, MonotonicStartAndEndGiveTheExactDurationAndAWallClockStart) {
  fixture f;
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t wall_before = now_unix_nano();
  auto s = f.t->start_span("x", {.start_time = t0});
  s.end_at(t0 + std::chrono::milliseconds(250));
  auto late_start = f.t->start_span("y", {.start_time = t0});
  late_start.end_at(t0 - std::chrono::milliseconds(1));  // an end before the start: zero, not negative
  const auto spans = f.exporter->finished_spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].end_unix_nano - spans[0].start_unix_nano, 250'000'000);
  // The start is the wall clock of t0, to within what this test's own clock reads take.
  EXPECT_LT(std::abs(spans[0].start_unix_nano - wall_before), 50'000'000);
  EXPECT_EQ(spans[1].end_unix_nano, spans[1].start_unix_nano);
  // A later monotonic reading maps to a later wall time, by the same amount. (The later one first:
  // a reading past the offset's refresh time measures it again, and t0 then uses the same one.)
  const std::int64_t later = unix_nano_at(t0 + std::chrono::seconds(3));
  EXPECT_EQ(later - unix_nano_at(t0), 3'000'000'000);
}

TEST(Provider, DisabledRecordsNothingButPropagates) {
  fixture f({.disabled = true});
  auto remote = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  auto s = f.t->start_span("x", {.parent = remote});
  EXPECT_FALSE(s.is_recording());
  EXPECT_EQ(s.context().trace_id(), remote.trace_id());
  s.end();
  EXPECT_TRUE(f.exporter->finished_spans().empty());
}

TEST(Resource, EnvironmentMergeAndServiceNamePrecedence) {
  ::setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs,deployment.environment=dev%20box", 1);
  EXPECT_EQ(resource::create("code-name").service_name(), "from-attrs");
  ::setenv("OTEL_SERVICE_NAME", "from-env", 1);
  auto r = resource::create("code-name");
  EXPECT_EQ(r.service_name(), "from-env");
  EXPECT_EQ(std::get<std::string>(*find_attribute(r.attributes, "deployment.environment")), "dev box");
  EXPECT_EQ(std::get<std::string>(*find_attribute(r.attributes, "telemetry.sdk.name")), "lumen");
  ::unsetenv("OTEL_RESOURCE_ATTRIBUTES");
  ::unsetenv("OTEL_SERVICE_NAME");
  EXPECT_EQ(resource::create().service_name().substr(0, 16), "unknown_service:");
}

// An exporter that blocks until released, to fill the batch queue.
struct gated_exporter : span_exporter {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  std::atomic<std::size_t> exported{0};
  export_result export_spans(const std::vector<std::unique_ptr<span_data>>& batch) override {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return open; });
    exported += batch.size();
    return export_result::success;
  }
  void release() {
    {
      std::lock_guard lock(m);
      open = true;
    }
    cv.notify_all();
  }
};

TEST(BatchProcessor, FullQueueDropsAndCountsWithoutBlocking) {
  auto exporter = std::make_shared<gated_exporter>();
  auto processor = std::make_shared<batch_span_processor>(
      exporter, batch_options{.schedule_delay = std::chrono::milliseconds(10), .max_queue_size = 8, .max_export_batch_size = 4});
  auto provider = tracer_provider::create({.processors = {processor}});
  auto t = provider->get_tracer("t");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) t->start_span("s").end();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));  // never waits on export
  EXPECT_GT(processor->dropped(), 0u);
  exporter->release();
  EXPECT_TRUE(processor->force_flush(std::chrono::seconds(5)));
  EXPECT_EQ(exporter->exported + processor->dropped(), 100u);
}

TEST(BatchProcessor, ShutdownExportsWhatIsQueued) {
  auto exporter = std::make_shared<in_memory_exporter>();
  auto processor = std::make_shared<batch_span_processor>(
      exporter, batch_options{.schedule_delay = std::chrono::seconds(60), .max_queue_size = 2048, .max_export_batch_size = 512});
  auto provider = tracer_provider::create({.processors = {processor}});
  auto t = provider->get_tracer("t");
  std::vector<std::thread> threads;
  for (int k = 0; k < 2; ++k) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) t->start_span("s").end();
    });
  }
  for (auto& th : threads) th.join();
  processor->shutdown(std::chrono::seconds(5));
  EXPECT_EQ(exporter->finished_spans().size(), 600u);
  EXPECT_EQ(processor->dropped(), 0u);
}

TEST(BatchOptions, FromEnvironmentWithInvalidValuesFallingBack) {
  ::setenv("OTEL_BSP_SCHEDULE_DELAY", "250", 1);
  ::setenv("OTEL_BSP_MAX_QUEUE_SIZE", "not-a-number", 1);
  ::setenv("OTEL_BSP_EXPORT_TIMEOUT", "1500", 1);
  auto o = batch_options::from_environment();
  EXPECT_EQ(o.schedule_delay, std::chrono::milliseconds(250));
  EXPECT_EQ(o.max_queue_size, 2048u);
  EXPECT_EQ(o.export_timeout, std::chrono::milliseconds(1500));
  ::unsetenv("OTEL_BSP_SCHEDULE_DELAY");
  ::unsetenv("OTEL_BSP_MAX_QUEUE_SIZE");
  ::unsetenv("OTEL_BSP_EXPORT_TIMEOUT");
  EXPECT_EQ(batch_options::from_environment().export_timeout, std::chrono::milliseconds(30000));
}

TEST(Provider, OtelSdkDisabledFromEnvironment) {
  ::setenv("OTEL_SDK_DISABLED", "TRUE", 1);
  EXPECT_TRUE(tracer_provider_options{}.disabled);
  ::setenv("OTEL_SDK_DISABLED", "false", 1);
  EXPECT_FALSE(tracer_provider_options{}.disabled);
  ::unsetenv("OTEL_SDK_DISABLED");
}

}  // namespace
}  // namespace lumen::sdk
