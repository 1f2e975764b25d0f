// The server the macro benchmarks load: one trivial `echo` tool.
// Usage: bench_echo_server [--stdio] [--port N] [--threads N] [--workers N] [--stateless] [--sse]
//                          [--max-sessions N] [--tracing off|full] [--otlp URL]
// --workers N: handler threads (default 0: the echo tool never blocks, so it runs on the io thread
// that read its request; see server_options::worker_threads).
// With --tracing full every span is sampled; with --otlp URL as well, spans are exported over
// OTLP/HTTP (protobuf) to URL by a batch processor (OTEL_BSP_* settings), whose counts are printed
// on stderr at exit ("spans exported N dropped N failed N") so that a run can show none was lost.
#include <lumen/server/server.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/exporter/otlp.hpp>
#include <lumen/sdk/sampler.hpp>
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
  std::size_t workers = 0;
  std::size_t max_sessions = transport::endpoint_options{}.max_sessions;
  std::string otlp_url;
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
    } else if (a == "--workers" && i + 1 < argc) {
      workers = static_cast<std::size_t>(std::stoi(argv[++i]));
    } else if (a == "--max-sessions" && i + 1 < argc) {
      max_sessions = static_cast<std::size_t>(std::stoul(argv[++i]));
    } else if (a == "--otlp" && i + 1 < argc) {
      otlp_url = argv[++i];
    } else if (a == "--tracing" && i + 1 < argc) {
      tracing = std::string(argv[++i]) == "full";
    } else {
      std::cerr << "bench_echo_server: unknown argument " << a << '\n';
      return 2;
    }
  }
  std::shared_ptr<sdk::batch_span_processor> exporting;
  if (tracing && !otlp_url.empty()) {
    exporter::otlp_http_options o;
    o.url = otlp_url;
    exporting = std::make_shared<sdk::batch_span_processor>(std::make_shared<exporter::otlp_http_exporter>(o));
  }
  telemetry::telemetry_options to{.service_name = "bench-echo",
                                  .mode = tracing ? telemetry::telemetry_mode::full : telemetry::telemetry_mode::off,
                                  .default_span_store_capacity = 0,
                                  .sampler = sdk::always_on_sampler()};
  if (exporting) to.processors.push_back(exporting);
  auto tel = telemetry::runtime::create(std::move(to));
  server::server srv({.name = "bench-echo", .version = "1.0.0"},
                     {.worker_threads = workers, .observer = tel->server_observer()});
  srv.add_tool({.name = "echo", .input_schema = {{"type", "object"}, {"properties", {{"message", {{"type", "string"}}}}}}},
               [](const json::object& args, server::request_context&) {
                 auto m = get_string(args, "message");
                 return protocol::call_tool_result::text(m ? *m : "");
               });
  if (stdio) {
    transport::run_stdio(srv);
    return 0;
  }
  transport::stop_signal stop;
  transport::endpoint_options eo;
  eo.stateless = stateless;
  eo.always_stream = sse;
  eo.max_sessions = max_sessions;
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
  if (exporting) {
    std::cerr << "spans exported " << exporting->exported() << " dropped " << exporting->dropped() << " failed "
              << exporting->failed() << std::endl;
  }
  return 0;
}
