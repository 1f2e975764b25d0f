// Micro benchmarks of the MCP hot path without transport: JSON-RPC parse and serialize of a
// tools/call, and a full session dispatch of tools/call to a trivial tool (inline, traced, and
// through a handler thread).
#include <lumen/jsonrpc/parse.hpp>
#include <lumen/server/server.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/sdk/sampler.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace {

using namespace lumen;

constexpr std::string_view tools_call =
    R"({"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello world"},"_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}})";

void BM_JsonRpcParseToolsCall(benchmark::State& state) {
  for (auto _ : state) {
    auto r = jsonrpc::parse(tools_call);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * tools_call.size()));
}
BENCHMARK(BM_JsonRpcParseToolsCall);

void BM_JsonRpcSerializeToolsCallResult(benchmark::State& state) {
  jsonrpc::message m = jsonrpc::response{
      jsonrpc::request_id(42),
      json::object{{"content", json::array{json::object{{"type", "text"}, {"text", "hello world"}}}}}};
  for (auto _ : state) {
    auto s = jsonrpc::serialize(m);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_JsonRpcSerializeToolsCallResult);

// Counts final responses; wait_for() returns at once when they were sent on the caller's thread
// (inline handlers) and otherwise waits for the worker that sends them.
class counting_sink : public server::message_sink {
 public:
  void send(std::string, const server::outgoing_context& ctx) override {
    if (!ctx.is_final_response) return;
    {
      std::lock_guard lock(mutex_);
      ++responses_;
    }
    cv_.notify_one();
  }
  void wait_for(std::uint64_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return responses_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t responses_ = 0;
};

// Receives a tools/call to a trivial tool on a session and waits for its response, `workers`
// handler threads (0: inline, as the HTTP benchmarks run) and the telemetry runtime in `mode`
// (full: every span sampled, recorded and ended, then recycled since no processor takes it).
void dispatch_tools_call(benchmark::State& state, std::size_t workers, telemetry::telemetry_mode mode) {
  auto tel = telemetry::runtime::create({.service_name = "bench",
                                         .mode = mode,
                                         .default_span_store_capacity = 0,
                                         .sampler = sdk::always_on_sampler()});
  server::server srv({.name = "bench", .version = "1"}, {.worker_threads = workers, .observer = tel->server_observer()});
  srv.add_tool({.name = "echo"}, [](const json::object& args, server::request_context&) {
    return protocol::call_tool_result::text(args.at("message").as_string());
  });
  auto sink = std::make_shared<counting_sink>();
  auto s = srv.connect(sink);
  s->receive(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"b","version":"1"}}})");
  std::uint64_t expected = 0;
  sink->wait_for(++expected);
  for (auto _ : state) {
    s->receive(tools_call);
    sink->wait_for(++expected);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// The dispatch itself: parse, session, tool, serialize, on the calling thread.
void BM_SessionDispatchToolsCall(benchmark::State& state) {
  dispatch_tools_call(state, 0, telemetry::telemetry_mode::off);
}
BENCHMARK(BM_SessionDispatchToolsCall);

// The same with the MCP server span and the operation-duration metric recorded: the MCP layer's
// share of tracing's cost (the HTTP span and the export are not in it).
void BM_SessionDispatchToolsCallTraced(benchmark::State& state) {
  dispatch_tools_call(state, 0, telemetry::telemetry_mode::full);
}
BENCHMARK(BM_SessionDispatchToolsCallTraced);

// Through a handler thread and back: two thread hand-offs, whose wake-up latency dominates.
void BM_SessionDispatchToolsCallOnWorker(benchmark::State& state) {
  dispatch_tools_call(state, 1, telemetry::telemetry_mode::off);
}
BENCHMARK(BM_SessionDispatchToolsCallOnWorker)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
