// Tracing-core micro benchmarks: traceparent parse/format, unsampled and sampled spans, batch
// enqueue from two threads, OTLP protobuf encoding of a 512-span batch.
#include <lumen/exporter/otlp.hpp>
#include <lumen/sdk/tracer_provider.hpp>

#include <benchmark/benchmark.h>

namespace {

using namespace lumen::trace;
using namespace lumen::sdk;
using namespace lumen::exporter;

const std::string tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

void BM_TraceparentParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_traceparent(tp));
}
BENCHMARK(BM_TraceparentParse);

void BM_TraceparentFormat(benchmark::State& state) {
  auto ctx = *parse_traceparent(tp);
  for (auto _ : state) benchmark::DoNotOptimize(format_traceparent(ctx));
}
BENCHMARK(BM_TraceparentFormat);

// Discards everything (measures the span path, not an exporter).
struct null_processor : span_processor {
  void on_end(std::unique_ptr<span_data>) override {}
  bool force_flush(std::chrono::milliseconds) override { return true; }
  void shutdown(std::chrono::milliseconds) override {}
};

void BM_UnsampledSpanStartEnd(benchmark::State& state) {
  auto provider = tracer_provider::create({.sampler = always_off_sampler(), .processors = {std::make_shared<null_processor>()}});
  auto tracer = provider->get_tracer("bench");
  for (auto _ : state) {
    auto s = tracer->start_span("unsampled");
    s.end();
  }
}
BENCHMARK(BM_UnsampledSpanStartEnd);

// A server span as Lumen's MCP instrumentation starts one (src/telemetry/server_observer.cpp):
// 8 attributes with semantic-convention (static) keys in a reserved list, and a transport Link.
span_options mcp_span_options(const span_context& linked) {
  span_options o;
  o.kind = span_kind::server;
  o.links.reserve(1);
  auto& link = o.links.emplace_back();
  link.context = linked;
  link.attributes.emplace_back(static_key("lumen.link.kind"), std::string("transport"));
  auto& a = o.attributes;
  a.reserve(8);
  a.emplace_back(static_key("mcp.method.name"), std::string("tools/call"));
  a.emplace_back(static_key("gen_ai.operation.name"), std::string("execute_tool"));
  a.emplace_back(static_key("gen_ai.tool.name"), std::string("echo"));
  a.emplace_back(static_key("jsonrpc.request.id"), std::string("42"));
  a.emplace_back(static_key("mcp.protocol.version"), std::string("2025-11-25"));
  a.emplace_back(static_key("mcp.session.id"), std::string("0f66b6d685c1b9be"));
  a.emplace_back(static_key("network.transport"), std::string("tcp"));
  a.emplace_back(static_key("client.port"), std::int64_t{50000});
  return o;
}

void BM_SampledSpanWith8AttributesAnd1Link(benchmark::State& state) {
  auto provider = tracer_provider::create({.processors = {std::make_shared<null_processor>()}});
  auto tracer = provider->get_tracer("bench");
  auto linked = *parse_traceparent(tp);
  for (auto _ : state) {
    auto s = tracer->start_span("tools/call echo", mcp_span_options(linked));
    s.end();
  }
}
BENCHMARK(BM_SampledSpanWith8AttributesAnd1Link);

// The caller's share of the benchmark above: building those options alone (their strings and
// vectors), so that the tracer's own cost is the difference.
void BM_BuildOptionsWith8AttributesAnd1Link(benchmark::State& state) {
  auto linked = *parse_traceparent(tp);
  for (auto _ : state) {
    auto o = mcp_span_options(linked);
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_BuildOptionsWith8AttributesAnd1Link);

struct discarding_exporter : span_exporter {
  export_result export_spans(const std::vector<std::unique_ptr<span_data>>&) override { return export_result::success; }
};

// One provider for both threads, built before either starts.
std::shared_ptr<batch_span_processor> batch_processor() {
  static auto p = std::make_shared<batch_span_processor>(
      std::make_shared<discarding_exporter>(),
      batch_options{.schedule_delay = std::chrono::milliseconds(50), .max_queue_size = 1 << 16, .max_export_batch_size = 512});
  return p;
}
std::shared_ptr<tracer> batch_tracer() {
  static auto provider = tracer_provider::create({.processors = {batch_processor()}});
  static auto t = provider->get_tracer("bench");
  return t;
}

void BM_BatchEnqueueTwoThreads(benchmark::State& state) {
  auto tracer = batch_tracer();
  for (auto _ : state) tracer->start_span("enqueued").end();
  if (state.thread_index() == 0) state.counters["dropped"] = static_cast<double>(batch_processor()->dropped());
}
BENCHMARK(BM_BatchEnqueueTwoThreads)->Threads(2)->UseRealTime();

void BM_OtlpProtobufEncode512Spans(benchmark::State& state) {
  auto exporter = std::make_shared<in_memory_exporter>();
  auto provider = tracer_provider::create({.resource = resource::create("bench"), .processors = {std::make_shared<simple_span_processor>(exporter)}});
  auto tracer = provider->get_tracer("bench", "1");
  auto linked = *parse_traceparent(tp);
  for (int i = 0; i < 512; ++i) {
    auto s = tracer->start_span("tools/call echo", {.kind = span_kind::server,
                                                    .links = {{linked, {{"lumen.link.kind", std::string("transport")}}, 0}},
                                                    .attributes = {{"mcp.method.name", std::string("tools/call")},
                                                                   {"gen_ai.tool.name", std::string("echo")},
                                                                   {"jsonrpc.request.id", std::to_string(i)},
                                                                   {"network.transport", std::string("tcp")}}});
    s.end();
  }
  std::vector<std::unique_ptr<span_data>> batch;
  for (auto& s : exporter->finished_spans()) batch.push_back(std::make_unique<span_data>(s));
  for (auto _ : state) benchmark::DoNotOptimize(encode_otlp_protobuf(batch));
  state.counters["ns_per_span"] = benchmark::Counter(512.0 * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_OtlpProtobufEncode512Spans);

}  // namespace

BENCHMARK_MAIN();
