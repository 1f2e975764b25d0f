// The server the macro benchmarks load: one trivial `echo` tool.
// Usage: bench_echo_server [--stdio] [--port N] [--threads N] [--stateless] [--sse] [--tracing off|full]
// With --tracing full every span is sampled and exported over OTLP/HTTP to
// OTEL_EXPORTER_OTLP_ENDPOINT.
#include <lumen/server/server.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/trace/sampler.hpp>
#include <lumen/transport/http_server.hpp>
#include <lumen/transport/stdio.hpp>
#include <lumen/transport/stop_signal.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  using namespace lumen;
  bool stdio = false, stateless = false, sse = false, tracing = false;
  std::uint16_t port = 0;
  std::size_t threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--stdio") {
      stdio = true;
    } else if (a == "--stateless") {
      stateless = true;
    } else if (a == "--sse") {
      sse = true;
    } else if (a == "--port" && i + 1 < argc) {
      port = static_cast<std::uint16_t>(std::stoi(argv[++i]));
    } else if (a == "--threads" && i + 1 < argc) {
      threads = static_cast<std::size_t>(std::stoi(argv[++i]));
    } else if (a == "--tracing" && i + 1 < argc) {
      tracing = std::string(argv[++i]) == "full";
    } else {
      std::cerr << "bench_echo_server: unknown argument " << a << '\n';
      return 2;
    }
  }
  auto tel = telemetry::runtime::create(
      {.service_name = "bench-echo",
       .mode = tracing ? telemetry::telemetry_mode::full : telemetry::telemetry_mode::off,
       .sampler = trace::always_on_sampler()});
  server::server srv({.name = "bench-echo", .version = "1.0.0"},
                     {.worker_threads = 2, .observer = tel->server_observer()});
  srv.add_tool({.name = "echo", .input_schema = {{"type", "object"}, {"properties", {{"message", {{"type", "string"}}}}}}},
               [](const json::object& args, server::request_context&) {
                 auto m = get_string(args, "message");
                 return server::tool_result::text(m ? *m : "");
               });
  if (stdio) {
    transport::run_stdio(srv);
    return 0;
  }
  transport::stop_signal stop;
  transport::endpoint_options eo;
  eo.stateless = stateless;
  eo.always_stream = sse;
  transport::mcp_endpoint endpoint(srv, eo);
  transport::http_server_options ho;
  ho.port = port;
  ho.threads = threads;
  ho.observer = tel->http_observer();
  transport::http_server http(ho);
  http.mount(endpoint);
  http.start();
  std::cout << "listening on " << http.base_url() << "/mcp" << std::endl;
  stop.wait();
  endpoint.shutdown();
  http.stop();
  tel->shutdown();
  return 0;
}
