// Command-line serving over stdio or Streamable HTTP.
#include <lumen/transport/serve.hpp>

#include <lumen/log.hpp>
#include <lumen/transport/stdio.hpp>
#include <lumen/transport/stop_signal.hpp>

#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace lumen::transport {

namespace {

// Blocks until `stop` is requested (forever for a token that can never be).
void wait_for_stop(const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any requested;
  std::unique_lock lock(mutex);
  requested.wait(lock, stop, [] { return false; });
}

}  // namespace

int serve(server::server& srv, const serve_options& options, std::shared_ptr<http_request_observer> observer,
          const std::function<void(http_server&)>& setup) {
  if (options.stdio) {
    run_stdio(srv, {.ignore_sigpipe = options.handle_signals});
    return 0;
  }
  // Installed before anything can fail or a thread can start (a process-directed signal may go
  // to any thread that does not block it).
  std::optional<stop_signal> signals;
  if (options.handle_signals) signals.emplace();
  endpoint_options eo;
  eo.path = options.path;
  eo.stateless = options.stateless;
  mcp_endpoint endpoint(srv, eo);
  std::unique_ptr<http_server> server;
  try {
    server = std::make_unique<http_server>(
        http_server_options{.host = options.host, .port = options.port, .threads = options.threads, .observer = std::move(observer)});
  } catch (const std::exception& e) {
    log::write(log::level::error, e.what());
    return 1;
  }
  http_server& http = *server;
  http.mount(endpoint);
  if (setup) setup(http);
  http.start();
  std::cout << "listening on " << http.base_url() << options.path << std::endl;
  if (signals) {
    int received = signals->wait();
    log::write(log::level::info, "stopping (" + std::string(stop_signal::name(received)) + ")");
  } else {
    wait_for_stop(options.stop);
    log::write(log::level::info, "stopping (stop requested)");
  }
  endpoint.shutdown();
  http.stop();
  return 0;
}

std::optional<serve_options> parse_serve_options_or_usage(int argc, char** argv, serve_options defaults) {
  try {
    return parse_serve_options(argc, argv, std::move(defaults));
  } catch (const std::invalid_argument& e) {
    std::string program = argc > 0 ? argv[0] : "server";
    program = program.substr(program.find_last_of('/') + 1);
    std::cerr << program << ": " << e.what() << "\nusage: " << program
              << " [--stdio | --host H --port N --path P --stateless --threads N]\n";
    return std::nullopt;
  }
}

int serve(server::server& srv, int argc, char** argv, serve_options defaults) {
  auto options = parse_serve_options_or_usage(argc, argv, std::move(defaults));
  return options ? serve(srv, *options) : 2;
}

}  // namespace lumen::transport
