// Micro benchmarks of the MCP hot path without transport: JSON-RPC parse and serialize of a
// tools/call, and a full session dispatch of tools/call to a trivial tool.
#include <lumen/jsonrpc/parse.hpp>
#include <lumen/server/server.hpp>

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

// Counts responses and wakes the benchmark loop when the expected one arrives.
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

void BM_SessionDispatchToolsCall(benchmark::State& state) {
  server::server srv({.name = "bench", .version = "1"}, {.worker_threads = 1});
  srv.add_tool({.name = "echo"}, [](const json::object& args, server::request_context&) {
    return server::tool_result::text(args.at("message").as_string());
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
BENCHMARK(BM_SessionDispatchToolsCall)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
